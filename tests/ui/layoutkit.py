"""Reading what a person sees: the top screen's lines as text, and the places where a wide
(CJK) character was cut in half to fit.

`rendered(app)` renders the app's top screen through its compositor (the same path a terminal
frame takes) and returns its lines. While it renders, every cut through a two-cell character —
Rich's `Segment.split_cells` at a region's edge, or `set_cell_size` cropping text to a column —
is marked with `CUT` instead of the blank Rich would leave, so a half-shown character is caught
as such. Under a dialog only the dialog is read: the desk it covers is no cut."""

from __future__ import annotations

import re
from contextlib import contextmanager
from typing import Any, Iterator

import rich.cells
import rich.text
from rich.cells import cell_len
from rich.segment import Segment

CUT = "¦"  # a one-cell mark where half of a wide character was shown
_WIDE = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")


def _marked_split(segment: Segment, cut: int) -> tuple[Segment, Segment]:
    before, after = _split_cells(segment, cut)
    if cell_len(before.text) == cut and before.text.endswith(" ") and not segment.text[:len(before.text)].endswith(" "):
        before = Segment(before.text[:-1] + CUT, before.style, before.control)
    return before, after


def _marked_size(text: str, total: int, *args: Any) -> str:
    out = _set_cell_size(text, total, *args)
    if cell_len(text) > total and out.endswith(" ") and not text[:len(out)].endswith(" "):
        out = out[:-1] + CUT
    return out


_split_cells = Segment.split_cells
_set_cell_size = rich.cells.set_cell_size


@contextmanager
def marking_cuts() -> Iterator[None]:
    Segment.split_cells = _marked_split  # type: ignore[assignment,method-assign]
    rich.text.set_cell_size = _marked_size  # type: ignore[attr-defined]
    try:
        yield
    finally:
        Segment.split_cells = _split_cells  # type: ignore[method-assign]
        rich.text.set_cell_size = _set_cell_size  # type: ignore[attr-defined]


def rendered(app: Any) -> list[str]:
    """The top screen's lines as a person sees them, cuts through wide characters marked."""
    screen = app.screen
    with marking_cuts():
        for widget in [screen, *screen.walk_children(with_self=False)]:
            widget._styles_cache.clear()  # render afresh: cached lines were cut unmarked
            widget._dirty_regions.add(widget.size.region)
            if hasattr(widget, "_clear_caches"):
                widget._clear_caches()
        strips = screen._compositor.render_strips()
    lines = ["".join(seg.text for seg in strip if not seg.control) for strip in strips]
    if screen.is_modal:  # a dialog: what it shows, not the desk dimmed under it
        regions = [w.region for w in screen.children if w.display]
        lines = [_within(line, [(r.x, r.right) for r in regions if r.y <= y < r.bottom]) for y, line in enumerate(lines)]
    return lines


def _within(line: str, spans: list[tuple[int, int]]) -> str:
    """`line` with every cell outside `spans` (cell ranges) blanked."""
    out, x = [], 0
    for ch in line:
        width = cell_len(ch)
        out.append(ch if any(a <= x and x + width <= b for a, b in spans) else " " * width)
        x += width
    return "".join(out)


def cuts(lines: list[str]) -> list[str]:
    """The lines where half of a wide character shows."""
    return [line for line in lines if CUT in line]


def whole(word: str, lines: list[str]) -> bool:
    """`word` shows on one line, in full."""
    return any(word in line for line in lines)


def wide(text: str) -> bool:
    return bool(_WIDE.search(text))


_FRAME = re.compile(r"[\s\u2500-\u259f]+")  # blanks, box drawing, block elements (borders, scrollbars)


def flat(lines: list[str]) -> list[str]:
    """The lines run together without blanks or frames: a text wrapped over rows reads as one."""
    return ["".join(_FRAME.sub("", line) for line in lines)]
