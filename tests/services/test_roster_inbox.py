"""The roster through the day, the project's calendar days, the inbox, transfers (R3, R2.2, R6)."""

from __future__ import annotations

from datetime import date

import pytest

from frontdesk.services.errors import BadInput, Refused

from .conftest import CHEN, LI, LISI, LIU, PM, ZHANG, ZHANGSAN, nov, reason


def test_days_are_project_local_calendar_days(office):
    office.at("2026-11-01 23:30")  # 15:30 UTC
    office.visit(ZHANGSAN)
    assert office.rows("SELECT day FROM registerentry") == [("2026-11-01",)]
    office.at("2026-11-08 23:59")
    assert office.owner(ZHANGSAN)["owner"] == LI
    office.at("2026-11-09 00:00")
    assert office.owner(ZHANGSAN)["owner"] is None


def test_away_marks_clear_at_midnight(office):
    office.at("2026-11-01 23:00")
    office.away(LI)
    assert office.sv.roster.show(actor=PM)["away"] == [LI]
    office.at("2026-11-02 00:30")
    show = office.sv.roster.show(actor=PM)
    assert show["away"] == [] and show["next"] == LI


def test_marked_back_is_present_again(office):
    office.away(LI)
    office.at("2026-11-01 11:00")
    office.sv.roster.mark(LI, False, actor=LI)  # the advisor themself
    assert office.visit(ZHANGSAN)["advisor"] == LI


def test_mark_permissions_and_bad_input(office):
    office.sv.roster.mark(ZHANG, True, actor=ZHANG)  # self: allowed
    with pytest.raises(Refused) as exc:
        office.sv.roster.mark(LIU, True, actor=ZHANG)
    assert exc.value.reason.rule == "R3"
    with pytest.raises(BadInput) as exc2:
        office.sv.roster.mark(ZHANG, True, actor=PM)  # already away
    assert exc2.value.field == "name"
    with pytest.raises(BadInput) as exc2:
        office.sv.roster.mark(PM, True, actor=PM)  # not on the roster
    assert exc2.value.field == "name"


def test_roster_order_persists_day_after_day(office):
    office.visit(ZHANGSAN)
    office.on(5)
    assert office.sv.roster.show(actor=PM)["order"] == [ZHANG, LIU, CHEN, LI]


def test_roster_set_by_pm_only_and_checks_names(office):
    with pytest.raises(Refused) as exc:
        office.sv.roster.set([LIU, LI], actor=LI)
    assert exc.value.reason.rule == "R3"
    with pytest.raises(BadInput) as exc2:
        office.sv.roster.set([LI, LI], actor=PM)
    assert exc2.value.field == "names"
    with pytest.raises(BadInput):
        office.sv.roster.set([], actor=PM)
    show = office.sv.roster.set([LIU, ZHANG], actor=PM)
    assert show["order"] == [LIU, ZHANG] and show["next"] == LIU
    # off the roster = not present: 李娜's client gets a duty reception
    office.visit(ZHANGSAN, asks_for=LI)
    r = office.visit(ZHANGSAN)
    assert (r["route"], r["advisor"], r["owner"]) == ("duty", LIU, LI)


def test_the_pm_is_not_in_the_rotation(office):
    with pytest.raises(BadInput) as exc:
        office.sv.roster.set([PM, LI, ZHANG], actor=PM)
    assert exc.value.field == "names"
    assert office.visit(ZHANGSAN)["advisor"] != PM


def test_sales_admin_does_not_register_receptions(office):
    office.sv.staff.add("小赵", "sales-admin", actor=PM)
    with pytest.raises(Refused) as exc:
        office.visit(ZHANGSAN, actor="小赵")
    assert exc.value.reason.rule == "R3"
    with pytest.raises(BadInput) as exc2:
        office.sv.roster.set(["小赵", LI], actor=PM)
    assert exc2.value.field == "names"


def test_lapsed_client_goes_to_the_advisor_who_registers_a_call(office):
    office.visit(ZHANGSAN)  # 李娜
    office.on(9)
    c = office.sv.reception.call(ZHANGSAN, actor=LIU)
    assert (c["advisor"], c["owner"]) == (LIU, LIU)
    assert reason(c["reasons"], "lapsed").data["previous_owner"] == LI
    assert office.owner(ZHANGSAN)["protected_through"] == nov(16)


def test_owners_own_call_refreshes_the_window(office):
    office.visit(ZHANGSAN)
    office.on(6)
    c = office.sv.reception.call(ZHANGSAN, actor=LI)
    assert reason(c["reasons"], "call_owner_contact").rule == "R2.2"
    assert office.owner(ZHANGSAN)["protected_through"] == nov(13)


def test_owner_is_reminded_on_the_last_protected_day(office):
    office.visit(ZHANGSAN, name="张三")
    office.on(7)
    assert office.inbox(LI) == []
    office.on(8)
    items = office.inbox(LI)
    assert [(n["kind"], n["rule"], n["data"]["lapses_on"]) for n in items] == [("lapse_tomorrow", "R2.2", "2026-11-09")]
    assert len(office.inbox(LI)) == 1  # once a day


def test_inbox_ack(office):
    office.visit(ZHANGSAN)
    office.on(2)
    office.away(LI)
    office.visit(ZHANGSAN)
    box = office.sv.inbox.list(actor=LI)
    assert box["unread"] == 1
    nid = box["items"][0]["id"]
    with pytest.raises(BadInput):
        office.sv.inbox.ack(nid, actor=ZHANG)  # not 张伟's notice
    assert office.sv.inbox.ack(nid, actor=LI) == {"id": nid, "read": True}
    box = office.sv.inbox.list(actor=LI)
    assert box["unread"] == 0 and box["items"][0]["read"] is True
    assert office.sv.inbox.list(actor=LI, unread_only=True)["items"] == []


def test_transfer_takes_the_advisor_off_the_roster_and_records_held_clients(office):
    office.visit(ZHANGSAN)  # 李娜
    office.visit(LISI)  # 张伟
    office.sv.staff.init("P2", "江南府", actor=PM)
    office.on(3)
    t = office.sv.staff.transfer(LI, "P2", actor=PM)
    assert (t["from"], t["to"], t["day"], t["clients_held"]) == ("P1", "P2", nov(3), 1)
    tr = reason(t["reasons"], "transferred")
    assert tr.rule == "R6" and tr.data["full_until"] == nov(10) and tr.data["half_until"] == date(2026, 12, 3)
    assert LI not in office.sv.roster.show(actor=PM)["order"]
    assert LI not in [s["name"] for s in office.sv.staff.list(actor=PM)]
    with pytest.raises(Refused) as exc:
        office.sv.staff.transfer(ZHANG, "P2", actor=LIU)
    assert exc.value.reason.rule == "R6"
