"""Regenerate the README screenshots: every main screen, in en and zh_CN, at 120×40; and at
80×24 the desk, the greeter and (in zh_CN) every console tab.

    python screenshots/make.py            # writes screenshots/<screen>[-80x24]-<lang>.svg

The demo office (滨江华苑) is replayed into a temporary directory for 2026-11-27 and the
clock is fixed at 09:00, so the pictures only change when the UI (or the demo) does.
Each shot starts from a fresh copy of that database. A shot that fails is reported and
the script exits 1 (the others are still written).
"""

from __future__ import annotations

import asyncio
import shutil
import sys
import tempfile
import traceback
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Awaitable, Callable

from textual.app import App
from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from frontdesk.demo import demo_hint, load_dataset, load_demo
from frontdesk.services import Clock, Services, open_services
from frontdesk.services.clock import parse_local
from frontdesk.ui.app import make_app
from frontdesk.ui.board import BoardApp

OUT = Path(__file__).resolve().parent
TODAY = date(2026, 11, 27)
NOW = "2026-11-27 09:00"
SIZE = (120, 40)
LANGS = ("en", "zh_CN")
PM, ADVISOR, TRAINEE = "王经理", "李娜", "孙悦"
NAMES = ("signin", "desk", "greeter", "lookup", "client", "help", "shadow-desk", "board", "console", "console-figures")
# and at 80×24, the smallest terminal the counter supports (issue 17): the desk, the greeter, every console tab
SMALL = (80, 24)
TABS = ("roster", "approvals", "crossings", "people", "lapsing", "figures", "settings")
SMALL_NAMES = {"en": ("desk", "greeter"), "zh_CN": ("desk", "greeter", *(f"console-{tab}" for tab in TABS))}


async def settle(pilot: Pilot) -> None:
    """Let keys land, the thread workers finish and their results paint."""
    for _ in range(2):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def freeze(pilot: Pilot) -> None:
    """Steady Input cursors (no blink phase) and DataTables repainted from scratch (Textual
    8.2.8 can keep cells rendered before the column widths were measured)."""
    for screen in pilot.app.screen_stack:
        for inp in screen.query(Input):
            inp.cursor_blink = False
        for table in screen.query(DataTable):
            table._clear_caches()
            table.refresh()
    await pilot.pause()


@dataclass
class Office:
    """Clients picked through the services, not hard-coded."""

    own_client: str  # a phone 李娜 holds, protected beyond today
    other_client: str  # a phone a present advisor other than 李娜 holds

    @classmethod
    def read(cls, sv: Services) -> "Office":
        roster = sv.roster.show(actor=PM)
        present = [n for n in roster["order"] if n not in roster["away"] and n not in roster["shadow"]]
        owned = []
        for c in load_dataset()["clients"]:
            o = sv.records.owner(c["phone"], actor=PM)
            if o["owner"] and o["protected_through"] and o["protected_through"] > TODAY:
                owned.append((c["phone"], o["owner"]))
        own = next(p for p, who in owned if who == ADVISOR)
        other = next(p for p, who in owned if who in present and who != ADVISOR)
        return cls(own, other)


Drive = Callable[[Pilot], Awaitable[Any]]


def keys(*presses: str, typed: str = "", then: tuple[str, ...] = ()) -> Drive:
    async def drive(pilot: Pilot) -> None:
        for key in presses:
            await pilot.press(key)
            await settle(pilot)
        if typed:
            await pilot.press(*typed)
            await settle(pilot)
        for key in then:
            await pilot.press(key)
            await settle(pilot)

    return drive


def client_view(sv: Services, phone: str, user: str) -> Drive:
    """The client-records dialog with the search item lookup's Enter would hand it (pushed
    directly, so this shot does not depend on the lookup dialog)."""

    async def drive(pilot: Pilot) -> None:
        from frontdesk.ui.screens.client import ClientScreen

        [item] = sv.desk.search(phone, actor=user)["items"]
        await pilot.app.push_screen(ClientScreen(item))
        await settle(pilot)

    return drive


def shots(sv: Services, office: Office, lang: str) -> dict[str, tuple[Callable[[], App], Drive, str]]:
    """name → (the app to run, how to drive it, the screen that must be on top for the shot)."""
    desk = lambda user=ADVISOR: make_app(sv, lang=lang, user=user)  # noqa: E731
    return {
        "signin": (lambda: make_app(sv, lang=lang, demo_hint=demo_hint(lang)), keys(), "SignInScreen"),
        # the desk after two walk-ins: a new client by rotation and a returning one
        "desk": (desk, keys("n", typed="13700001111", then=("enter", "n", *office.other_client, "enter")),
                 "DeskScreen"),
        "greeter": (desk, keys("n", typed=office.other_client), "GreeterScreen"),
        "lookup": (desk, keys("slash", typed=office.own_client[-4:]), "LookupScreen"),
        "client": (desk, client_view(sv, office.own_client, ADVISOR), "ClientScreen"),
        "help": (desk, keys("question_mark"), "HelpScreen"),
        "shadow-desk": (lambda: desk(TRAINEE), keys(), "DeskScreen"),
        "board": (lambda: BoardApp(sv, lang=lang), keys(), "Screen"),
        # the project manager's console (m on the desk): the roster tab, and the R9 figures tab (the week, w)
        "console": (lambda: desk(PM), keys("m", "1"), "ConsoleScreen"),
        "console-figures": (lambda: desk(PM), keys("m", "6", "w"), "ConsoleScreen"),
        **{f"console-{tab}": (lambda: desk(PM), keys("m", str(i)), "ConsoleScreen") for i, tab in enumerate(TABS, 1)},
    }


async def shoot(template: Path, work: Path, name: str, lang: str, size: tuple[int, int] = SIZE) -> Path:
    suffix = "" if size == SIZE else f"-{size[0]}x{size[1]}"
    db = work / f"{name}{suffix}-{lang}.db"
    shutil.copy(template, db)
    sv = open_services(str(db), Clock(parse_local(NOW)))
    try:
        office = Office.read(sv)
        make, drive, expect = shots(sv, office, lang)[name]
        app = make()
        svg = ""
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            await drive(pilot)
            await freeze(pilot)
            on_top = type(app.screen).__name__
            if on_top != expect:
                raise RuntimeError(f"{expect} is not on top ({on_top} is): not writing a wrong picture")
            svg = app.export_screenshot()
        # written only once the app has exited cleanly (a crash re-raises from run_test)
        out = OUT / f"{name}{suffix}-{lang}.svg"
        out.write_text(svg, encoding="utf-8")
        return out
    finally:
        sv.close()


async def main() -> int:
    failed: list[str] = []
    with tempfile.TemporaryDirectory(prefix="frontdesk-shots-") as tmp:
        work = Path(tmp)
        template = work / "demo.db"
        load_demo(str(template), TODAY)
        todo = [(name, lang, SIZE) for lang in LANGS for name in NAMES]
        todo += [(name, lang, SMALL) for lang in LANGS for name in SMALL_NAMES[lang]]
        for name, lang, size in todo:
            try:
                path = await shoot(template, work, name, lang, size)
                print(f"wrote {path.relative_to(OUT.parent)}")
            except Exception:  # noqa: BLE001 - report and go on with the other shots
                failed.append(f"{name}-{lang}-{size[0]}x{size[1]}")
                print(f"FAILED {name}-{lang}:", file=sys.stderr)
                traceback.print_exc(limit=3, file=sys.stderr)
    if failed:
        print(f"{len(failed)} screenshot(s) failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
