"""Project settings (R2.2, R3, R3.2): who may set them, their checks, their effect."""

from __future__ import annotations

import pytest

from frontdesk.services.errors import BadInput, Refused

from .conftest import CHEN, GM, LI, LISI, LIU, PM, ZHANG, ZHANGSAN, nov, reason


def test_defaults(office):
    s = office.sv.staff.settings(actor=PM)
    assert (s["protection_days"], s["volume_mode"], s["skip_policy"], s["duty_consumes_turn"]) == (
        7, "high", "keep_place", False)


def test_protection_days_above_10_needs_the_gm(office):
    with pytest.raises(Refused) as exc:
        office.sv.staff.settings("protection_days", "11", actor=PM)
    assert exc.value.reason.rule == "R2.2" and exc.value.reason.code == "days_need_gm"
    assert office.sv.staff.settings(actor=PM)["protection_days"] == 7
    assert office.counts("approval", "settingchange") == {"approval": 0, "settingchange": 0}


def test_protection_days_above_10_set_by_the_gm_is_recorded_as_their_signature(office):
    r = office.sv.staff.settings("protection_days", "11", gm_approval="大盘项目", actor=GM)
    assert (r["old"], r["value"]) == (7, 11)
    assert reason(r["reasons"], "gm_approved").data == {"approver": GM, "reason": "大盘项目"}
    assert office.sv.staff.settings(actor=PM)["protection_days"] == 11
    rows = office.rows("SELECT a.kind, a.approver, a.reason, a.subject, s.name, g.name FROM approval a "
                       "JOIN staff s ON s.id = a.by_id JOIN staff g ON g.id = a.approver_id")
    assert rows == [("protection_days", GM, "大盘项目", "protection_days=11", GM, GM)]
    assert office.rows("SELECT c.key, c.new, c.approval_id IS NOT NULL, s.name FROM settingchange c "
                       "JOIN staff s ON s.id = c.by_id") == [("protection_days", "11", 1, GM)]
    # the window follows the new N
    office.visit(ZHANGSAN)
    assert office.owner(ZHANGSAN)["protected_through"] == nov(12)


@pytest.mark.parametrize("key, value, field", [
    ("volume_mode", "medium", "volume_mode"),
    ("protection_days", "0", "protection_days"),
    ("protection_days", "seven", "protection_days"),
    ("skip_policy", "skip", "skip_policy"),
    ("duty_consumes_turn", "maybe", "duty_consumes_turn"),
    ("colour", "red", "key"),
])
def test_bad_values_name_the_field(office, key, value, field):
    with pytest.raises(BadInput) as exc:
        office.sv.staff.settings(key, value, actor=PM)
    assert exc.value.field == field and exc.value.exit_code == 2
    assert office.count("settingchange") == 0


def test_only_the_pm_sets(office):
    with pytest.raises(Refused) as exc:
        office.sv.staff.settings("volume_mode", "low", actor=LI)
    assert exc.value.reason.rule == "R3.2"
    assert office.sv.staff.settings(actor=LI)["volume_mode"] == "high"


def test_skip_policy_lose_turn_sends_the_away_advisor_back(office):
    office.sv.staff.settings("skip_policy", "lose_turn", actor=PM)
    office.away(LI)
    assert office.visit(ZHANGSAN)["advisor"] == ZHANG
    assert office.sv.roster.show(actor=PM)["order"] == [LIU, CHEN, LI, ZHANG]


def test_duty_consumes_turn_setting(office):
    office.sv.staff.settings("duty_consumes_turn", "true", actor=PM)
    office.visit(ZHANGSAN)  # 李娜; order 张伟, 刘洋, 小陈, 李娜
    office.on(2)
    office.away(LI)
    r = office.visit(ZHANGSAN)
    assert (r["route"], r["advisor"], r["turn"]) == ("duty", ZHANG, True)
    assert office.sv.roster.show(actor=PM)["next"] == LIU
    assert office.visit(LISI)["advisor"] == LIU
