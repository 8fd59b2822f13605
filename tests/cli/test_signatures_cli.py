"""Signatures only the signer gives (R2.2), the smallest deposit (R1.2) and PINs as people expect
(R2.1), through the command line: exit 1 naming the rule when refused, 2 naming the field for bad
input, nothing written either way."""

from __future__ import annotations

import pytest

from .conftest import GM, LI, P1, P2, PM, T0, ZHANG, FD, assert_error, row_counts

SIGNED = ("approval", "settingchange", "settingrequest", "staff", "staffevent")


def test_a_pm_makes_no_gm(office: FD) -> None:
    before = row_counts(office.db, SIGNED)
    code, _, err = office("staff", "add", "钱总", "--role", "gm", as_=PM, at=T0)
    e = assert_error(code, err, 1, error_code="refused", rule="R2.2")
    assert "only a GM" in e["message"]
    assert row_counts(office.db, SIGNED) == before


@pytest.mark.parametrize("approval", ["郭总: ok", "Nobody: ok"])
def test_a_name_typed_by_a_pm_is_no_signature(office: FD, approval: str) -> None:
    before = row_counts(office.db, SIGNED)
    code, _, err = office("settings", "protection_days", "30", "--gm-approval", approval, as_=PM, at=T0)
    assert_error(code, err, 1, error_code="refused", rule="R2.2")
    assert row_counts(office.db, SIGNED) == before
    assert office.ok("settings", as_=PM)["protection_days"] == 7


def test_the_gm_sets_more_than_ten_days_with_their_reason(office: FD) -> None:
    out = office.ok("settings", "protection_days", "14", "--gm-approval", "大盘项目", as_=GM, at=T0)
    assert (out["old"], out["value"]) == (7, 14)
    assert any(r.startswith("R2.2") and GM in r and "大盘项目" in r for r in out["reasons"])
    code, _, err = office("settings", "protection_days", "15", as_=GM, at=T0)
    assert_error(code, err, 2, error_code="bad_input", field="gm_approval")


def test_a_pm_requests_and_the_gm_signs(office: FD) -> None:
    req = office.ok("settings", "protection_days", "14", "--request", "春节前回访周期长", as_=PM, at=T0)
    assert (req["status"], req["value"], req["notified"]) == ("pending", 14, [GM])
    assert office.ok("settings", as_=PM)["protection_days"] == 7
    [item] = [it for it in office.ok("approvals", "list", as_=GM, at=T0) if it["kind"] == "protection_days"]
    assert item["id"] == req["request"] and item["advisor"] == PM
    code, _, err = office("approvals", "sign", str(req["request"]), "--approve", as_=PM, at=T0)
    assert_error(code, err, 1, error_code="refused", rule="R2.2")
    code, _, err = office("approvals", "sign", str(req["request"]), as_=GM, at=T0)
    assert_error(code, err, 2, error_code="bad_input", field="decision")
    out = office.ok("approvals", "sign", str(req["request"]), "--approve", as_=GM, at=T0)
    assert (out["approved"], out["value"]) == (True, 14)
    assert office.ok("settings", as_=PM)["protection_days"] == 14


def test_the_gm_refuses_a_request_with_a_reason(office: FD) -> None:
    req = office.ok("settings", "protection_days", "20", "--request", "想延长", as_=PM, at=T0)["request"]
    code, _, err = office("approvals", "sign", str(req), "--refuse", as_=GM, at=T0)
    assert_error(code, err, 2, error_code="bad_input", field="reason")
    out = office.ok("approvals", "sign", str(req), "--refuse", "--reason", "最多14天", as_=GM, at=T0)
    assert out["approved"] is False
    assert office.ok("settings", as_=PM)["protection_days"] == 7


def test_a_token_deposit_takes_no_unit(office: FD) -> None:
    office.ok("unit", "add", "A-101", "--price", "800000", as_=PM, at=T0)
    office.ok("visit", "--phone", P1, as_=PM, at=T0)  # 李娜
    office.ok("visit", "--phone", P2, as_=PM, at=T0)  # 张伟
    code, _, err = office("deposit", "--unit", "A-101", "--phone", P1, "--amount", "1.00", as_=LI, at=T0)
    e = assert_error(code, err, 1, error_code="refused", rule="R1.2")
    assert "5000.00" in e["message"] and "min_deposit" in e["message"]
    assert office.ok("deposit", "--unit", "A-101", "--phone", P2, "--amount", "50000", as_=ZHANG, at=T0)["unit"] == "A-101"


@pytest.mark.parametrize("pin", ["0000", "1234", "9876", "012345"])
def test_weak_pins_are_refused_naming_the_field_and_rule(office: FD, pin: str) -> None:
    before = row_counts(office.db, SIGNED)
    for args, as_ in ((("staff", "pin", ZHANG, pin), PM), (("staff", "add", "新人", "--role", "advisor", "--pin", pin), PM)):
        code, _, err = office(*args, as_=as_, at=T0)
        e = assert_error(code, err, 2, error_code="bad_input", field="pin")
        assert "R2.1" in e["message"]
    assert row_counts(office.db, SIGNED) == before


def test_own_pin_changes_with_the_old_one_and_the_pm_resets(office: FD) -> None:
    office.ok("staff", "pin", ZHANG, "2580", as_=PM, at=T0)
    code, _, err = office("staff", "pin", ZHANG, "3691", as_=ZHANG, at=T0)
    assert_error(code, err, 2, error_code="bad_input", field="old")
    code, _, err = office("staff", "pin", ZHANG, "3691", "--old", "1111", as_=ZHANG, at=T0)
    assert_error(code, err, 1, error_code="refused", rule="R2.1")
    assert office.ok("staff", "pin", ZHANG, "3691", "--old", "2580", as_=ZHANG, at=T0)["has_pin"] is True



def test_a_person_without_a_pin_is_told_so_and_counts_towards_no_lockout(office: FD) -> None:
    from frontdesk.services import open_services

    sv = open_services(str(office.db))
    try:
        sv.staff.add("新人", "advisor", actor=PM)  # as a staff-sheet import makes them: no PIN
    finally:
        sv.close()
    for _ in range(7):  # more than the lockout's five
        code, _, err = office("roster", "show", as_="新人", at=T0)
        e = assert_error(code, err, 1, error_code="refused", rule="R2.1")
        assert "no PIN set" in e["message"] and "ask your PM" in e["message"]
    office.ok("staff", "pin", "新人", "3691", as_=PM, at=T0)
    assert office.ok("roster", "show", as_="新人", at=T0)["next"]


def test_a_person_who_leaves(office: FD) -> None:
    out = office.ok("staff", "deactivate", ZHANG, as_=PM, at=T0)
    assert (out["name"], out["active"]) == (ZHANG, False)
    assert ZHANG not in [s["name"] for s in office.ok("staff", "list", as_=PM)]
    assert ZHANG not in office.ok("roster", "show", as_=PM)["order"]
    code, _, err = office("roster", "show", as_=ZHANG, at=T0)
    assert_error(code, err, 2, error_code="bad_input", field="as")
    code, _, err = office("staff", "deactivate", GM, as_=PM, at=T0)
    assert_error(code, err, 1, error_code="refused", rule="R2.2")
