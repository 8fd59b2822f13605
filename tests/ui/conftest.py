"""UI tests: pilot flows and snapshots against the demo office, on a fixed clock.

The demo database (滨江华苑, replayed by `frontdesk.demo.load_demo` for 2026-11-27) is built
once per session and copied for each test, so every test starts from the same office:

    rotation   刘洋 ▶ next, 陈静, 赵磊 (away), 李娜, 孙悦 (shadow), 张伟; duty next 李娜
    staff      王经理 pm 1234 · 李娜 1111 · 张伟 2222 · 刘洋 3333 · 陈静 4444 · 赵磊 5555 (away)
               孙悦 trainee 6666 (mentor 李娜) · 郭总 gm 8888 · 周敏 sales-admin 9999
    clock      2026-11-27 09:00 (Asia/Shanghai), fixed

Clients are not hard-coded: `Office` finds them through the services (who owns what today).
"""

from __future__ import annotations

import asyncio
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Iterator

import pytest
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, OptionList

from frontdesk.demo import load_dataset, load_demo
from frontdesk.services import Clock, Services, open_services
from frontdesk.services.clock import parse_local

TODAY = date(2026, 11, 27)
NOW = "2026-11-27 09:00"
PM, GM, ADMIN = "王经理", "郭总", "周敏"
LI, ZHANG, LIU, CHEN, ZHAO, SUN = "李娜", "张伟", "刘洋", "陈静", "赵磊", "孙悦"
PINS = {PM: "1234", LI: "1111", ZHANG: "2222", LIU: "3333", CHEN: "4444", ZHAO: "5555", SUN: "6666",
        GM: "8888", ADMIN: "9999"}
NEW_PHONE = "13700001111"  # not in the demo
PILOT_SIZE = (100, 32)
SIZES = [(80, 24), (120, 40)]
LANGS = ["en", "zh_CN"]


def open_office(path: Path | str) -> Services:
    return open_services(str(path), Clock(parse_local(NOW)))


@dataclass(frozen=True)
class Client:
    phone: str
    name: str
    owner: str | None
    protected_through: date | None


@dataclass(frozen=True)
class Office:
    """Facts about the pristine demo office, read once through the services."""

    roster: dict[str, Any]
    clients: tuple[Client, ...]

    @property
    def present(self) -> list[str]:
        r = self.roster
        return [n for n in r["order"] if n not in r["away"] and n not in r["shadow"]]

    def owned_by(self, owner: str) -> list[Client]:
        return [c for c in self.clients if c.owner == owner]

    def client_of(self, owner: str) -> Client:
        """A client `owner` holds today, protected beyond today (stable whatever happens today)."""
        return next(c for c in self.owned_by(owner) if c.protected_through and c.protected_through > TODAY)

    def client_of_present(self, exclude: tuple[str, ...] = ()) -> Client:
        """A protected client whose owner is on the roster today and not away."""
        return next(c for c in self.clients if c.owner in self.present and c.owner not in exclude
                    and c.protected_through and c.protected_through > TODAY)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo office, replayed once; tests copy it."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    load_demo(str(path), TODAY)
    leftovers = [p.name for p in path.parent.iterdir() if p != path]
    assert leftovers == [], f"the loader left {leftovers}: copying demo.db alone would lose data"
    return path


@pytest.fixture(scope="session")
def office(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Office:
    scratch = tmp_path_factory.mktemp("facts") / "demo.db"
    shutil.copy(demo_template, scratch)
    sv = open_office(scratch)
    try:
        clients = []
        for c in load_dataset()["clients"]:
            o = sv.records.owner(c["phone"], actor=PM)
            clients.append(Client(c["phone"], c["name"], o["owner"], o["protected_through"]))
        return Office(sv.roster.show(actor=PM), tuple(clients))
    finally:
        sv.close()


@pytest.fixture
def db_path(demo_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "demo.db"
    shutil.copy(demo_template, path)
    return path


@pytest.fixture
def sv(db_path: Path) -> Iterator[Services]:
    services = open_office(db_path)
    yield services
    services.close()


async def settle(pilot: Pilot, rounds: int = 2) -> None:
    """Let the keypress land, the thread workers finish and their results paint."""
    for _ in range(rounds):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def type_text(pilot: Pilot, text: str) -> None:
    await pilot.press(*text)
    await settle(pilot)


def freeze(pilot: Pilot) -> None:
    """Make the next frame deterministic before a screenshot.

    - Input cursors: Textual 8 blinks them in headless runs too (a 0.5 s timer, not turned
      off by pytest-textual-snapshot), so a shot taken after a slow worker could catch the
      cursor either way. Make them steady.
    - DataTables: Textual 8.2.8 keeps cells rendered between `add_row` and the idle-time
      column-width update in its cell cache (the key has no column width), so now and then
      the rotation table is painted with the header-only widths: the ▶ column blank and
      "next up" cut to "next u" until the next reload. Drop those caches and repaint.
    """
    for screen in pilot.app.screen_stack:
        for inp in screen.query(Input):
            inp.cursor_blink = False
        for table in screen.query(DataTable):
            table._clear_caches()
            table.refresh()


def text(widget: Any) -> str:
    """The plain text a Static shows (markup stripped)."""
    visual = widget.visual
    return visual.plain if hasattr(visual, "plain") else str(visual)


def rows(table: Any) -> list[list[str]]:
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def palette_prompts(pilot: Pilot, query: str) -> list[str]:
    """Open the command palette, type `query`, and return its prompts once its hits have settled."""
    await pilot.press("ctrl+p")
    await settle(pilot)
    assert isinstance(pilot.app.screen, CommandPalette)
    await type_text(pilot, query)
    options = pilot.app.screen.query_one(OptionList)
    for _ in range(40):  # the palette gathers hits asynchronously
        if options.option_count:
            break
        await asyncio.sleep(0.05)
        await pilot.pause()
    await asyncio.sleep(0.2)  # and a moment more: an empty answer must be final
    await pilot.pause()
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
