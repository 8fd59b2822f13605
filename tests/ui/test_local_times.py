"""The app shows the desk's own clock (SPEC "Presence, the operator, the day": times people see):
a notice for a visit registered at 09:03 in Asia/Shanghai says 09:03, not the stored UTC 01:03."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList, Static

from frontdesk.services import Clock, open_services
from frontdesk.services.clock import parse_local
from frontdesk.ui.app import make_app
from frontdesk.ui.screens.inbox import InboxScreen

from .conftest import PILOT_SIZE, PM, Office, settle, text

AT = "2026-11-27 09:03"


async def test_the_inbox_says_the_desks_time(db_path: Path, office: Office) -> None:
    client = office.client_of_present(exclude=(office.roster["next"], office.roster["duty_next"]))
    owner = client.owner
    assert owner is not None
    sv = open_services(str(db_path), Clock(parse_local(AT)))
    try:
        sv.roster.mark(owner, True, actor=PM)
        sv.reception.visit(client.phone, actor=PM)  # the owner is away: a duty reception, the owner is told (R3.2)
        [notice] = [n for n in sv.inbox.list(actor=owner)["items"] if n["kind"] == "duty_reception"]
        assert notice["at"].isoformat() == "2026-11-27T09:03:00+08:00"

        app = make_app(sv, lang="en", user=owner)
        async with app.run_test(size=PILOT_SIZE) as pilot:
            await settle(pilot)
            assert "11-27 09:03" in text(app.screen.query_one("#desk-bar", Static))
            await pilot.press("i")
            await settle(pilot)
            assert isinstance(app.screen, InboxScreen)
            items = app.screen.query_one("#ib-items", OptionList)
            shown = [str(items.get_option_at_index(i).prompt) for i in range(items.option_count)]
            [line] = [s for s in shown if client.name in s and "on duty" in s]
            assert "11-27 09:03" in line and "01:03" not in line, line
    finally:
        sv.close()
