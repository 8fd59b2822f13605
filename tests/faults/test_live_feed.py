"""A live office: a write committed by one process reaches another process's desk (and board)
through the change feed — not through the screens' timers, which these tests switch off.
Runs on SQLite and, with FRONTDESK_TEST_PG, on PostgreSQL (LISTEN/NOTIFY)."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path

import pytest
from dbkit import new_db
from textual.widgets import DataTable, Static

from frontdesk.services import Clock, open_services
from frontdesk.services.clock import parse_local
from frontdesk.store.changes import Watcher, written_table

NOW = "2026-11-02 09:00"
PM, LI, ZHANG = "王经理", "李娜", "张伟"
WRITER = """
import sys
from frontdesk.services import Clock, open_services
from frontdesk.services.clock import parse_local
sv = open_services(sys.argv[1], Clock(parse_local(sys.argv[2])))
if sys.argv[3] == "visit":
    sv.reception.visit(sys.argv[4], name="远方客", actor="王经理")
else:
    sv.roster.mark("李娜", True, actor="王经理")
sv.close()
"""


@pytest.fixture
def office(tmp_path: Path) -> str:
    db = str(new_db(tmp_path / "office.db"))
    sv = open_services(db, Clock(parse_local(NOW)))
    try:
        sv.staff.init("P1", "滨江华苑")
        sv.staff.add(PM, "pm", pin="2580")
        sv.staff.add(LI, "advisor", actor=PM)
        sv.staff.add(ZHANG, "advisor", actor=PM)
        sv.roster.set([LI, ZHANG], actor=PM)
    finally:
        sv.close()
    return db


def _other_process(db: str, *args: str) -> None:
    subprocess.run([sys.executable, "-c", WRITER, db, NOW, *args], check=True, timeout=120)


async def _until(pilot, check, seconds: float = 3.0) -> float:  # noqa: ANN001
    """Wait (pumping the app) until check() holds; the seconds it took."""
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        await pilot.pause()
        if check():
            return time.perf_counter() - t0
        await asyncio.sleep(0.05)
    raise AssertionError(f"not seen within {seconds} s")


@pytest.mark.parametrize("statement, table", [
    ("INSERT INTO registerentry (a) VALUES (?)", "registerentry"),
    ('INSERT OR REPLACE INTO "rosterstate" VALUES (1)', "rosterstate"),
    ("  update notification SET read = 1", "notification"),
    ("DELETE FROM setting WHERE 1", "setting"),
    ("SELECT * FROM registerentry", None),
    ("WITH x AS (SELECT 1) SELECT * FROM x", None),
])
def test_the_feed_knows_which_table_a_statement_writes(statement, table):
    assert written_table(statement) == table


def test_a_commit_in_another_process_is_told_with_its_tables(office):
    seen: list[frozenset[str]] = []
    w = Watcher(office, seen.append, every=0.05).start()
    try:
        time.sleep(0.3)
        assert seen == []  # nothing happened: nothing told
        _other_process(office, "visit", "13800138000")
        deadline = time.time() + 3
        while not seen and time.time() < deadline:
            time.sleep(0.05)
        assert seen, "the other process's visit was not told"
        assert "registerentry" in set().union(*seen)
    finally:
        w.stop()


def test_a_rolled_back_write_tells_nothing(office):
    from frontdesk.services.errors import FrontdeskError

    seen: list[frozenset[str]] = []
    sv = open_services(office, Clock(parse_local(NOW)))
    w = Watcher(office, seen.append, every=0.05).start()
    try:
        time.sleep(0.3)
        with pytest.raises(FrontdeskError):
            sv.reception.visit("not a phone", actor=PM)
        time.sleep(0.5)
        assert seen == []
    finally:
        w.stop()
        sv.close()


async def test_a_visit_by_another_process_appears_on_the_desk_without_its_timer(office, monkeypatch):
    from frontdesk.ui.app import make_app
    from frontdesk.ui.screens import desk as desk_screen

    monkeypatch.setattr(desk_screen, "REFRESH_SECONDS", 3600)  # the fallback timer is not what shows it
    sv = open_services(office, Clock(parse_local(NOW)))
    app = make_app(sv, lang="en", user=PM)
    try:
        async with app.run_test(size=(100, 32)) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            visits = app.screen.query_one("#visits", DataTable)
            assert visits.row_count == 0
            _other_process(office, "visit", "13900139000")
            took = await _until(pilot, lambda: visits.row_count == 1)
            assert took < 2.0
            assert any("远方客" in str(c) for c in visits.get_row_at(0))
    finally:
        sv.close()


async def test_the_board_follows_another_process_without_its_timer(office):
    from frontdesk.ui.board import BoardApp

    sv = open_services(office, Clock(parse_local(NOW)))
    app = BoardApp(sv, lang="en", refresh_seconds=3600)
    try:
        async with app.run_test(size=(100, 32)) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            nxt = app.query_one("#b-next", Static)  # "next up · NAME" above the name's big letters
            shown = lambda: str(nxt.visual)  # noqa: E731
            assert LI in shown()
            _other_process(office, "away")  # 李娜 steps away: 张伟 is next up
            await _until(pilot, lambda: ZHANG in shown() and LI not in shown())
    finally:
        sv.close()
