"""The console flows added after the first step (issue 5): copy yesterday's roster (R3),
redistribution that skips who is away or in induction (R6), discount requests decided in the
approvals queue (R7), referrals decided (R1.1), the week's figures (R9). Each change is checked
in the services and the rows it writes (who, when), not only on screen."""

from __future__ import annotations

import json
from typing import Any

import pytest

from frontdesk import i18n
from frontdesk.services import Services
from frontdesk.services.errors import BadInput, Refused
from frontdesk.store.models import RosterEvent

from .conftest import CHEN, GM, LI, LIU, PM, SUN, TODAY, ZHANG, ZHAO, Office, rows, settle
from .test_console import DEMO, OTHER, all_rows, console_app, detail, notices, open_console, staff_id


# roster: copy yesterday's (R3) -------------------------------------------------------------------

def names(sv: Services, ids: list[int]) -> list[str]:
    by_id = {staff_id(sv, st["name"]): st["name"] for st in sv.staff.list(actor=PM)}
    return [by_id[i] for i in ids]


async def test_y_copies_the_last_roster_set_before_today(sv: Services) -> None:
    earlier = [e for e in all_rows(sv, RosterEvent, RosterEvent.kind == "set") if e.day < TODAY]
    assert earlier[-1].day.isoformat() == "2026-11-24"
    before = names(sv, json.loads(earlier[-1].data)["order"])
    assert before != [LI, ZHANG]
    sv.roster.set([LI, ZHANG], actor=PM)  # this morning's change, to be undone by the copy
    sets = len(all_rows(sv, RosterEvent, RosterEvent.kind == "set"))
    app = console_app(sv)
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        pane = await open_console(pilot, "roster")
        assert [r[1] for r in rows(pane.table)] == [LI, ZHANG]
        await pilot.press("y")
        await settle(pilot)
        assert [r[1] for r in rows(pane.table)] == before
        assert any("2026-11-24" in n for n in notices(app)), notices(app)
    assert sv.roster.show(actor=PM)["order"] == before
    events = all_rows(sv, RosterEvent, RosterEvent.kind == "set")
    assert len(events) == sets + 1
    last = events[-1]
    assert (last.by_id, last.day, json.loads(last.data)["copied_from"]) == (staff_id(sv, PM), TODAY, "2026-11-24")


def test_copy_yesterday_drops_who_left_and_is_refused_without_a_roster(sv: Services) -> None:
    sv.staff.init(OTHER, "江南新城", actor=PM)
    sv.staff.transfer(CHEN, OTHER, actor=PM)
    r = sv.roster.copy_yesterday(actor=PM, project=DEMO)
    assert CHEN not in r["order"] and r["dropped"] == [CHEN] and r["copied_from"].isoformat() == "2026-11-24"
    with pytest.raises(Refused) as refused:
        sv.roster.copy_yesterday(actor=GM, project=OTHER)  # the new project never had a roster
    assert (refused.value.reason.rule, refused.value.reason.code) == ("R3", "no_earlier_roster")
    with pytest.raises(Refused) as refused:
        sv.roster.copy_yesterday(actor=LI, project=DEMO)
    assert refused.value.reason.rule == "R3"


# people: redistribution skips who is away or in induction (R6) ----------------------------------

def test_redistribution_proposes_only_who_can_follow_up_today(sv: Services, office: Office) -> None:
    """赵磊 is away and 孙悦 in induction in the demo; with 刘洋 and 陈静 away too, only 李娜 remains."""
    assert ZHAO in office.roster["away"] and SUN in office.roster["shadow"]
    sv.roster.mark(LIU, True, actor=PM)
    sv.roster.mark(CHEN, True, actor=PM)
    sv.staff.init(OTHER, "江南新城", actor=PM)
    sv.staff.transfer(ZHANG, OTHER, actor=PM)
    plan = sv.manager.redistribution(ZHANG, actor=PM, project=DEMO)
    assert len(plan) >= 2
    assert {p["to"] for p in plan} == {LI}
    plan[0]["to"] = SUN
    with pytest.raises(BadInput) as bad:
        sv.manager.redistribute(plan, actor=PM, project=DEMO)
    assert bad.value.field == "to" and SUN in str(bad.value)
