"""The PM's outbox view in the console (`o`) and the app's own background sender (issue 6, part 4)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Iterator

import pytest
from textual.widgets import DataTable, Static

from frontdesk.services import Services
from frontdesk.ui.app import make_app
from frontdesk.ui.console.panes_outbox import OutboxScreen
from frontdesk.ui.console.screen import ConsoleScreen

from .conftest import LI, PILOT_SIZE, PM, Office, settle

sys.path.insert(0, str(Path(__file__).parent.parent))  # tests/services/robot.py
from services.robot import Robot  # noqa: E402


@pytest.fixture
def robot() -> Iterator[Robot]:
    r = Robot().start()
    yield r
    r.stop()


def a_notice(sv: Services, office: Office, url: str) -> None:
    """The webhook set, and the PM's reminder (R2.2) to 李娜 about one of her clients."""
    sv.staff.settings("webhook_url", url, actor=PM)
    client = sv.records.owner(office.client_of(LI).phone, actor=PM)["client"]
    sv.manager.remind(client, actor=PM)


async def test_the_pm_sees_failing_then_sent_and_can_send_now(sv: Services, office: Office, robot: Robot) -> None:
    a_notice(sv, office, robot.url)
    robot.script = ["500"]
    sv.outbox.send()
    [mine] = sv.outbox.list(actor=PM)["items"]
    app = make_app(sv, lang="en", user=PM)
    async with app.run_test(size=PILOT_SIZE) as pilot:
        app.outbox_sender.timer.pause()  # this test sends by hand
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, ConsoleScreen)
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, OutboxScreen)
        table = app.screen.query_one(DataTable)
        row = table.get_row(str(mine["id"]))  # signing in may have queued the day's reminders too
        assert "failing" in str(row[1]) and "HTTP 500" in str(row[4]) and "1" == str(row[2])
        head = str(app.screen.query_one(".outbox-head", Static).render())
        assert "1 failing · 0 sent" in head and "SECRET" not in head and "wecom" in head
        sv.clock.fixed_local = sv.clock.fixed_local.replace(minute=5)  # type: ignore[union-attr]  # past the back-off
        await pilot.press("s")
        await settle(pilot, 4)
        assert mine["text"] in robot.delivered()
        assert "sent" in str(table.get_row(str(mine["id"]))[1])
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConsoleScreen)


async def test_the_running_app_delivers_in_the_background(sv: Services, office: Office, robot: Robot) -> None:
    a_notice(sv, office, robot.url)
    app = make_app(sv, lang="en", user=LI)
    async with app.run_test(size=PILOT_SIZE) as pilot:
        await settle(pilot)
        app.outbox_sender.tick()  # what the 30-second timer does
        await app.workers.wait_for_complete()
        await settle(pilot)
        queued = sv.outbox.list(actor=PM)["items"]
        assert queued and {i["state"] for i in queued} == {"sent"}
        assert sorted(robot.delivered()) == sorted(i["text"] for i in queued)
        app.outbox_sender.tick()
        await app.workers.wait_for_complete()
        assert len(robot.requests) == len(queued)  # each sent once, not again
