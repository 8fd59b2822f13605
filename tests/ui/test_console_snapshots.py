"""The look of the manager's console: each of its seven tabs and the R6 redistribution
dialog, at 80×24 and 120×40, in en and zh_CN.

Deterministic as tests/ui/test_snapshots.py is: the demo office copied per test, the clock
fixed at 2026-11-27 09:00, the workers awaited and `conftest.freeze` applied before the shot.
No key here raises a notification, so no toast (with its timer) is in a picture.

Regenerate after a deliberate change with
`pytest tests/ui/test_console_snapshots.py --snapshot-update` and read the diff."""

from __future__ import annotations

from typing import Awaitable, Callable

import pytest
from textual.pilot import Pilot

from frontdesk.demo import load_dataset
from frontdesk.services import Services
from frontdesk.ui.app import make_app
from frontdesk.ui.console.redistribute import RedistributeScreen
from frontdesk.ui.console.screen import ConsoleScreen

from .conftest import LANGS, LI, PM, SIZES, ZHANG, freeze, settle

TABS = ("roster", "approvals", "crossings", "people", "lapsing", "figures", "settings")
CASES = [pytest.param(size, lang, id=f"{lang}-{size[0]}x{size[1]}") for size in SIZES for lang in LANGS]
case = pytest.mark.parametrize("size,lang", CASES)


def console_tab(tab: str, then: Callable[[Pilot], Awaitable[None]] | None = None) -> Callable[[Pilot], Awaitable[None]]:
    """m, the tab's number, the workers awaited; `then`; freeze for the shot."""

    async def run_before(pilot: Pilot) -> None:
        await pilot.pause()
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        await pilot.press(str(TABS.index(tab) + 1))
        await settle(pilot)
        assert isinstance(pilot.app.screen, ConsoleScreen), pilot.app.screen_stack
        if then is not None:
            await then(pilot)
            await settle(pilot)
        freeze(pilot)
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("tab", TABS)
@case
def test_console_tab(snap_compare, sv: Services, tab: str, size, lang) -> None:
    app = make_app(sv, lang=lang, user=PM)
    assert snap_compare(app, terminal_size=size, run_before=console_tab(tab))


@case
def test_redistribute(snap_compare, sv: Services, size, lang) -> None:
    """R6: 张伟 moved to a second project; his clients, each with the advisor proposed."""
    project = load_dataset()["project"]["code"]
    sv.staff.init("P2", "江南新城", actor=PM)
    sv.staff.transfer(ZHANG, "P2", actor=PM)

    async def dialog(pilot: Pilot) -> None:
        await pilot.app.push_screen(RedistributeScreen(ZHANG))
        await settle(pilot)
        assert isinstance(pilot.app.screen, RedistributeScreen)

    app = make_app(sv, lang=lang, user=PM, project=project)
    assert snap_compare(app, terminal_size=size, run_before=console_tab("people", then=dialog))


@case
def test_approvals_with_a_discount_request(snap_compare, sv: Services, size, lang) -> None:
    """R7: 李娜 asks for a discount; the queue shows it beside the unreachable follow-up."""
    phone = next(c["phone"] for c in load_dataset()["clients"]
                 if sv.records.owner(c["phone"], actor=PM)["owner"] == LI)
    sv.deals.unit_add("B-808", "800000", actor=PM)
    sv.deals.discount_request("B-808", phone, "20000", "老客户介绍", actor=LI)

    async def last_row(pilot: Pilot) -> None:
        await pilot.press("down")

    app = make_app(sv, lang=lang, user=PM)
    assert snap_compare(app, terminal_size=size, run_before=console_tab("approvals", then=last_row))
