"""The look of the first day's setup (frontdesk.ui.screens.setup): each of its five steps, and a
refused value, at 80×24 in en and zh_CN. The database is new and never built (nothing is
confirmed here), so the pictures depend on the keys alone.

Regenerate after a deliberate change with
`pytest tests/ui/test_setup_snapshots.py --snapshot-update` and read the diff."""

from __future__ import annotations

from pathlib import Path
from typing import Awaitable, Callable

import pytest
from textual.pilot import Pilot

from frontdesk.ui.app import make_app
from frontdesk.ui.screens.setup import SetupScreen

from .conftest import LANGS, freeze, settle

SIZE = (80, 24)
PROJECT = ("和谐家园", "enter", "HX", "enter", "enter", "enter")
FIRST = ("周经理", "enter", "enter", "2580", "enter", "2580", "enter")
TEAM = ("马丽", "enter", "enter", "enter", "1357", "enter", "1357", "enter",
        "小吴", "enter", "right", "enter", "马丽", "enter", "8024", "enter", "8024", "enter",
        "高远", "enter", "enter", "enter", "enter", "enter")
# what is typed to reach each picture; the last key of "refused" is an Enter on protection days 11
STEPS: dict[str, tuple[str, ...]] = {
    "project": (),
    "refused": ("和谐家园", "enter", "HX", "enter", "enter", "backspace", "11", "enter"),
    "first": PROJECT,
    "team": PROJECT + FIRST + TEAM,
    "order": PROJECT + FIRST + TEAM + ("enter", "down", "x"),
    "confirm": PROJECT + FIRST + TEAM + ("enter", "down", "x", "enter"),
}
KEYS = ("enter", "right", "down", "backspace")


def typed(keys: tuple[str, ...]) -> Callable[[Pilot], Awaitable[None]]:
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        for k in keys:
            await (pilot.press(k) if k in KEYS or len(k) == 1 else pilot.press(*k))
        await settle(pilot)
        assert isinstance(pilot.app.screen, SetupScreen)
        freeze(pilot)
        await pilot.pause()

    return run_before


def never(path: Path):  # noqa: ANN201
    def factory():  # noqa: ANN202
        raise AssertionError(f"the setup built the services of {path} before it was confirmed")
    return factory


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("step", list(STEPS))
def test_setup_step(snap_compare, tmp_path: Path, step: str, lang: str) -> None:
    app = make_app(never(tmp_path / "new.db"), lang=lang, setup={"project": None})
    assert snap_compare(app, terminal_size=SIZE, run_before=typed(STEPS[step]))
