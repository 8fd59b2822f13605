"""Signatures only the signer gives (R2.2): only a GM makes a GM; more than 10 protection days is
the GM's own approval (set by the GM, or a PM's request the GM signs); a typed name is no signature.
And the smallest deposit that takes a unit (R1.2)."""

from __future__ import annotations

import csv

import pytest

from frontdesk.services.errors import BadInput, Refused

from .conftest import GM, LI, LISI, PM, ZHANG, ZHANGSAN, reason

SIGNED = ("approval", "settingchange", "settingrequest", "staff", "staffevent")


# ------------------------------------------------------------------ only a GM makes a GM


@pytest.mark.parametrize(("actor", "rule"), [
    pytest.param(PM, "R2.2", id="R2.2-pm-cannot-make-a-gm"),
    pytest.param(LI, "R2.1", id="R2.1-advisor-adds-nobody"),
])
def test_only_a_gm_adds_a_gm(office, actor, rule):
    before = office.counts(*SIGNED)
    with pytest.raises(Refused) as exc:
        office.sv.staff.add("新总", "gm", actor=actor)
    assert exc.value.reason.rule == rule and exc.value.exit_code == 1
    assert office.counts(*SIGNED) == before
    assert office.sv.staff.add("新总", "gm", actor=GM)["role"] == "gm"


def test_the_first_staff_member_of_an_empty_database_may_be_a_gm(make_office, tmp_path):
    from frontdesk.services import Clock, open_services
    from frontdesk.services.clock import parse_local

    sv = open_services(str(tmp_path / "new.db"), Clock(parse_local("2026-11-01 10:00")))
    try:
        sv.staff.init("N1", "新盘")
        assert sv.staff.add("钱总", "gm", pin="8642")["role"] == "gm"
        sv.staff.add("赵经理", "pm", pin="2468", actor="钱总")
        with pytest.raises(Refused) as exc:
            sv.staff.add("假总", "gm", actor="赵经理")
        assert (exc.value.reason.rule, exc.value.reason.code) == ("R2.2", "gm_by_gm")
    finally:
        sv.close()


def test_a_staff_sheet_import_by_a_pm_makes_no_gm(office, tmp_path):
    src = tmp_path / "staff.csv"
    with open(src, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["类型", "姓名", "角色"], ["员工", "冒充总", "总经理"], ["员工", "新顾问", "置业顾问"]])
    r = office.sv.importer.import_file(str(src), actor=PM)
    assert [(x["row"], x["code"]) for x in r["rejected_rows"]] == [(2, "gm_by_gm")]
    assert "R2.2" in r["rejected_rows"][0]["message"]
    names = {st["name"]: st["role"] for st in office.sv.staff.list(actor=PM)}
    assert "冒充总" not in names and names["新顾问"] == "advisor"
    r = office.sv.importer.import_file(str(src), actor=GM, report=tmp_path / "again.csv")
    assert {st["name"]: st["role"] for st in office.sv.staff.list(actor=PM)}["冒充总"] == "gm"


# ------------------------------------------------------------------ protection days above 10


@pytest.mark.parametrize("approval", ["郭总: ok", "Nobody: ok", "同意"])
def test_a_name_typed_by_a_pm_is_not_a_signature(office, approval):
    before = office.counts(*SIGNED)
    with pytest.raises(Refused) as exc:
        office.sv.staff.settings("protection_days", "30", gm_approval=approval, actor=PM)
    assert (exc.value.reason.rule, exc.value.reason.code) == ("R2.2", "gm_signs_themselves")
    assert office.counts(*SIGNED) == before
    assert office.sv.staff.settings(actor=PM)["protection_days"] == 7


def test_the_gm_gives_a_reason(office):
    with pytest.raises(BadInput) as exc:
        office.sv.staff.settings("protection_days", "14", gm_approval="  ", actor=GM)
    assert exc.value.field == "gm_approval" and exc.value.exit_code == 2
    with pytest.raises(BadInput) as exc:
        office.sv.staff.settings("protection_days", "14", actor=GM)  # no reason: no approval
    assert exc.value.field == "gm_approval" and "R2.2" in exc.value.message
    assert office.count("approval") == 0


def test_a_pm_request_waits_for_the_gm_who_approves_it_from_their_own_session(office):
    r = office.sv.staff.settings("protection_days", "14", request="春节前客户回访周期长", actor=PM)
    assert (r["status"], r["value"], r["notified"]) == ("pending", 14, [GM])
    assert reason(r["reasons"], "days_requested").data["pm"] == PM
    assert office.sv.staff.settings(actor=PM)["protection_days"] == 7  # nothing changed yet
    assert ("setting_requested", "R2.2") in office.inbox_kinds(GM)
    [item] = [it for it in office.sv.manager.approvals(actor=GM) if it["kind"] == "protection_days"]
    assert (item["id"], item["advisor"], item["rule"]) == (r["request"], PM, "R2.2")
    assert [it["id"] for it in office.sv.manager.approvals(actor=PM) if it["kind"] == "protection_days"] == [item["id"]]

    with pytest.raises(Refused) as exc:  # the PM sees it wait, and cannot sign it
        office.sv.manager.decide_setting(item["id"], True, actor=PM)
    assert (exc.value.reason.rule, exc.value.reason.code) == ("R2.2", "gm_signs_themselves")

    d = office.sv.manager.decide_setting(item["id"], True, actor=GM)
    assert (d["approved"], d["old"], d["value"]) == (True, 7, 14)
    assert office.sv.staff.settings(actor=PM)["protection_days"] == 14
    assert office.rows("SELECT a.kind, a.subject, g.name, s.name FROM settingchange c JOIN approval a "
                       "ON a.id = c.approval_id JOIN staff g ON g.id = a.approver_id JOIN staff s ON s.id = c.by_id") \
        == [("protection_days", f"setting_request#{item['id']}", GM, GM)]
    assert ("setting_approved", "R2.2") in office.inbox_kinds(PM)
    assert [it for it in office.sv.manager.approvals(actor=GM) if it["kind"] == "protection_days"] == []
    with pytest.raises(BadInput):
        office.sv.manager.decide_setting(item["id"], True, actor=GM)  # decided already


def test_the_gm_refuses_a_request_with_a_reason(office):
    req = office.sv.staff.settings("protection_days", "20", request="想延长", actor=PM)["request"]
    with pytest.raises(BadInput):
        office.sv.manager.decide_setting(req, False, actor=GM)  # a refusal says why
    d = office.sv.manager.decide_setting(req, False, "20天太长，最多14天", actor=GM)
    assert d["approved"] is False and reason(d["reasons"], "gm_refused").data["reason"] == "20天太长，最多14天"
    assert office.sv.staff.settings(actor=PM)["protection_days"] == 7
    assert office.count("settingchange") == 0
    assert ("setting_refused", "R2.2") in office.inbox_kinds(PM)


@pytest.mark.parametrize(("key", "value", "actor", "field"), [
    pytest.param("protection_days", "9", PM, "request", id="R2.2-ten-or-less-needs-no-gm"),
    pytest.param("volume_mode", "low", PM, "request", id="R2.2-only-protection-days"),
    pytest.param("protection_days", "12", GM, "request", id="R2.2-the-gm-sets-it-themselves"),
])
def test_requests_only_for_what_needs_the_gm(office, key, value, actor, field):
    with pytest.raises(BadInput) as exc:
        office.sv.staff.settings(key, value, request="理由", actor=actor)
    assert exc.value.field == field
    assert office.count("settingrequest") == 0


def test_one_request_waits_at_a_time(office):
    office.sv.staff.settings("protection_days", "12", request="第一次", actor=PM)
    with pytest.raises(BadInput):
        office.sv.staff.settings("protection_days", "13", request="第二次", actor=PM)
    assert office.count("settingrequest") == 1


# ------------------------------------------------------------------ R1.2 the smallest deposit


@pytest.mark.parametrize(("amount", "takes"), [
    pytest.param("1.00", False, id="R1.2-token-deposit-refused"),
    pytest.param("4999.99", False, id="R1.2-a-cent-below"),
    pytest.param("5000", True, id="R1.2-the-minimum-takes-it"),
])
def test_a_token_deposit_does_not_take_the_unit(office, amount, takes):
    office.sv.deals.unit_add("A-101", "800000", actor=PM)
    office.visit(ZHANGSAN, name="张三")  # 李娜
    office.visit(LISI, name="李四")  # 张伟
    if not takes:
        with pytest.raises(Refused) as exc:
            office.sv.deals.deposit("A-101", ZHANGSAN, amount, actor=LI)
        assert (exc.value.reason.rule, exc.value.reason.code) == ("R1.2", "deposit_below_min")
        assert str(exc.value.reason.data["min"]) == "5000.00" and "min_deposit" in exc.value.message
        assert office.count("deposit") == 0
        # the unit is still free for the other advisors
        assert office.sv.deals.deposit("A-101", LISI, "50000", actor=ZHANG)["unit"] == "A-101"
    else:
        assert office.sv.deals.deposit("A-101", ZHANGSAN, amount, actor=LI)["amount"] == 5000


def test_the_pm_sets_the_smallest_deposit(office):
    office.sv.staff.settings("min_deposit", "20000", actor=PM)
    office.sv.deals.unit_add("A-101", "800000", actor=PM)
    office.visit(ZHANGSAN, name="张三")
    with pytest.raises(Refused):
        office.sv.deals.deposit("A-101", ZHANGSAN, "10000", actor=LI)
    with pytest.raises(Refused):
        office.sv.staff.settings("min_deposit", "1", actor=LI)
    with pytest.raises(BadInput):
        office.sv.staff.settings("min_deposit", "-5", actor=PM)


# ------------------------------------------------------------------ the words, in both languages

PIN_REASONS = {  # each reason code of this part and the data the services give it
    "no_pin": {"name": "李娜"}, "pin_format": {"min": 4, "max": 8}, "pin_one_digit": {"digit": "0"},
    "pin_run": {"digits": 4}, "pin_phone_tail": {"digits": 4}, "gm_by_gm": {"role": "pm"},
    "gm_signs_themselves": {"days": 30, "max": 10, "role": "pm"},
    "days_requested": {"days": 14, "max": 10, "pm": PM, "reason": "春节"},
    "gm_refused": {"approver": GM, "reason": "太长"}, "staff_left": {"name": LI, "day": "2026-11-03"},
    "deposit_below_min": {"amount": "1.00", "min": "5000.00", "unit": "A-101"},
}


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
@pytest.mark.parametrize("code", list(PIN_REASONS))
def test_every_reason_of_this_part_renders_without_holes(code, lang):
    from frontdesk.i18n import render_reason
    from frontdesk.rules.reasons import Reason

    text = render_reason(Reason("R2.1", code, PIN_REASONS[code]), lang)
    assert "{" not in text and code not in text, text
