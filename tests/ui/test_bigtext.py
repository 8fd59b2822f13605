"""Big letters for the lobby board (frontdesk.ui.bigtext): pixels to half blocks, a known glyph's
pattern, the width in cells, and the fall-back when a name does not fit."""

from __future__ import annotations

from rich.cells import cell_len

from frontdesk.ui import bigtext

# 口 from Noto Sans CJK SC Bold at 16 pixels (manimgx-fonts-cjk, pinned): a box on two short legs
MOUTH = ["                ",
         "  ████████████  ",
         "  ██        ██  ",
         "  ██        ██  ",
         "  ██        ██  ",
         "  ██        ██  ",
         "  ████████████  ",
         "  ██        ██  "]


def test_two_pixel_rows_make_one_line_of_half_blocks() -> None:
    x, o = True, False
    assert bigtext.blocks([[x, o, x, o],
                           [x, x, o, o]]) == ["█▄▀ "]
    assert bigtext.blocks([[x, o], [o, x], [x, x]]) == ["▀▄", "▀▀"]  # an odd last row pairs with a blank one


def test_a_known_glyph_renders_its_pattern() -> None:
    assert bigtext.render("口", 16) == MOUTH
    one = bigtext.render("一", 16)
    assert one is not None and len(one) == 8
    inked = [line for line in one if line.strip()]
    assert len(inked) in (1, 2) and all(set(line.strip()) <= {"▀", "▄", "█"} for line in inked)  # one bar across


def test_a_chinese_character_takes_16_columns_by_8_rows_at_16_pixels() -> None:
    for name in ("刘洋", "王经理"):
        lines = bigtext.render(name, 16)
        assert lines is not None and len(lines) == 8
        assert {cell_len(line) for line in lines} == {16 * len(name)}  # measured in cells, every line alike
        assert bigtext.width(lines) == 16 * len(name)
        bigger = bigtext.render(name, 32)
        assert bigger is not None and len(bigger) == 16 and bigtext.width(bigger) > bigtext.width(lines)


def test_fit_takes_the_largest_size_that_fits_or_none() -> None:
    big = bigtext.fit("王经理", 120, 20)
    assert big is not None and len(big) == 16  # 32 pixels: the largest
    small = bigtext.fit("王经理", 74, 10)  # the board at 80×24
    assert small is not None and len(small) == 8 and bigtext.width(small) <= 74
    assert bigtext.fit("王经理", 40, 10) is None  # too narrow even at 16 pixels: the caller shows a plaque
    assert bigtext.fit("王经理", 80, 7) is None  # too low
