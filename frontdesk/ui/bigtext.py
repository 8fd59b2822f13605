"""Big letters for the lobby board: a name drawn in half-block characters (▀ ▄ █), two pixel
rows to a terminal row, so a 16-pixel Chinese character takes 16 columns × 8 rows.

The glyphs come from Noto Sans CJK, shipped as a pip package (`manimgx-fonts-cjk`, SIL OFL), and
are drawn with Pillow — never a system font, so the board looks the same on a fresh machine.
Where the font or Pillow is missing, or the name does not fit the room given, `fit` says so
(None) and the board shows its ordinary plaque instead. Both are imported on first use only:
the command line never pays for them."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Sequence

from rich.cells import cell_len

SIZES = (32, 24, 16)  # pixel heights tried, largest first: 16, 12 or 8 terminal rows
THRESHOLD = 110  # a pixel at least this dark (of 255) is ink
_HALF = {(False, False): " ", (True, False): "▀", (False, True): "▄", (True, True): "█"}


def blocks(bitmap: Sequence[Sequence[bool]]) -> list[str]:
    """Rows of pixels (True: ink) as lines of half blocks: each pair of pixel rows one line, each
    pixel column one cell (an odd last row is paired with a blank one)."""
    rows = [list(r) for r in bitmap]
    if len(rows) % 2:
        rows.append([False] * (len(rows[0]) if rows else 0))
    return ["".join(_HALF[(top, bottom)] for top, bottom in zip(rows[i], rows[i + 1])) for i in range(0, len(rows), 2)]


@lru_cache(maxsize=8)
def _font(px: int) -> Any:
    """Noto Sans CJK SC, bold, at the largest size whose ideographs' ink fits `px` rows (a bold
    stroke overshoots the em box); None when Pillow or the font package is missing."""
    try:
        from importlib.resources import files

        from PIL import ImageFont

        path = str(files("manimgx_fonts_cjk") / "NotoSansCJK-VF.otf.ttc")
        index = next(i for i in range(5)  # the collection's faces: JP, KR, SC, TC, HK — the simplified one
                     if ImageFont.truetype(path, px, index=i).getname()[0].endswith(" SC"))
        for size in range(px, px // 2, -1):
            font = ImageFont.truetype(path, size, index=index)
            font.set_variation_by_name("Bold")
            _l, top, _r, bottom = font.getbbox(REFERENCE)
            if bottom - top <= px:
                return font
    except (ImportError, OSError, ValueError, StopIteration):
        return None
    return None


REFERENCE = "国圆"  # ideographs that fill their em box: the band every name is drawn in


@lru_cache(maxsize=64)
def bitmap(text: str, px: int) -> tuple[tuple[bool, ...], ...] | None:
    """`text` drawn `px` pixels high: rows of pixels (the band of `_band`), one column per pixel of
    advance; None without the font."""
    font = _font(px)
    if font is None:
        return None
    from PIL import Image, ImageDraw

    width = max(1, round(font.getlength(text)))
    ascent, descent = font.getmetrics()
    image = Image.new("L", (width, ascent + descent + px), 0)
    ImageDraw.Draw(image).text((0, 0), text, font=font, fill=255)
    top, bottom = _band(font, text, px)
    pixels = image.load()
    return tuple(tuple(pixels[x, y] >= THRESHOLD for x in range(width)) for y in range(top, bottom))


def _band(font: Any, text: str, px: int) -> tuple[int, int]:
    """The pixel rows drawn: `px` rows around the ideographs' ink (so a Chinese name is exactly
    `px` rows and names line up), widened for Latin ink beyond them (a g's tail)."""
    _l, top, _r, bottom = font.getbbox(REFERENCE)
    top -= (px - (bottom - top)) // 2
    bottom = top + px
    if all(cell_len(ch) == 2 for ch in text):
        return top, bottom
    _l, ink_top, _r, ink_bottom = font.getbbox(text)
    return min(top, ink_top), max(bottom, ink_bottom)


def render(text: str, px: int) -> list[str] | None:
    """`text` as half-block lines `px` pixels high (`px` / 2 rows); None without the font."""
    bits = bitmap(text, px)
    return None if bits is None else blocks(bits)


def width(lines: Sequence[str]) -> int:
    """The cells the widest line takes."""
    return max((cell_len(line) for line in lines), default=0)


def fit(text: str, cells: int, rows: int) -> list[str] | None:
    """`text` at the largest size that fits `cells` columns and `rows` lines; None when even the
    smallest does not (or there is no font): the caller shows ordinary text."""
    for px in SIZES:
        lines = render(text, px)
        if lines is not None and len(lines) <= rows and width(lines) <= cells:
            return lines
    return None
