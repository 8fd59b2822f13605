"""PINs as people expect (R2.1): "no PIN set" is not a wrong PIN; the PM sets or resets a PIN;
anyone changes their own with the old one; weak PINs are refused with the reason; a person who
leaves is deactivated (cannot sign in or act, off the roster, history kept)."""

from __future__ import annotations

import pytest

from frontdesk.services.errors import BadInput, Refused

from .conftest import CHEN, GM, GM_PIN, LI, LIU, PM, PM_PIN, ZHANG, ZHANGSAN, reason


def test_no_pin_set_is_not_a_wrong_pin_and_counts_towards_no_lockout(office):
    for _ in range(8):  # more than the lockout's five: still "no PIN set", never "locked"
        with pytest.raises(Refused) as exc:
            office.sv.desk.sign_in(LI, "2580")
        assert (exc.value.reason.rule, exc.value.reason.code) == ("R2.1", "no_pin")
        assert "ask your PM" in exc.value.message
    office.sv.staff.set_pin(LI, "2580", actor=PM)
    assert office.sv.desk.sign_in(LI, "2580")["name"] == LI


def test_a_witness_without_a_pin_is_told_so(office):
    office.sv.staff.add("赵经理", "pm", actor=GM)
    office.visit(ZHANGSAN, name="张三")  # 李娜's client
    with pytest.raises(Refused) as exc:
        office.sv.records.history(ZHANGSAN, actor=ZHANG, witness="赵经理", witness_pin="2468")
    assert exc.value.reason.code == "no_pin"
    assert office.count("viewlog") == 0


@pytest.mark.parametrize(("pin", "code"), [
    pytest.param("0000", "pin_one_digit", id="R2.1-one-digit"),
    pytest.param("1234", "pin_run", id="R2.1-run-up"),
    pytest.param("9876", "pin_run", id="R2.1-run-down"),
    pytest.param("012345", "pin_run", id="R2.1-run-six"),
    pytest.param("12", "pin_format", id="R2.1-too-short"),
    pytest.param("123456789", "pin_format", id="R2.1-too-long"),
])
@pytest.mark.parametrize("how", ["reset", "own", "add"])
def test_weak_pins_are_refused_with_the_reason_in_every_path(office, pin, code, how):
    before = office.counts("staff", "staffevent")
    with pytest.raises(BadInput) as exc:
        if how == "reset":
            office.sv.staff.set_pin(ZHANG, pin, actor=PM)
        elif how == "own":
            office.sv.staff.set_pin(PM, pin, actor=PM, old=PM_PIN)
        else:
            office.sv.staff.add("新人", "advisor", pin=pin, actor=PM)
    assert exc.value.field == "pin" and exc.value.exit_code == 2
    assert exc.value.data["why"] == code and "R2.1" in exc.value.message
    assert pin not in exc.value.message.replace("1234 or 9876", "")  # the message never repeats the PIN
    assert office.counts("staff", "staffevent") == before


def test_anyone_changes_their_own_pin_with_the_old_one(office):
    office.sv.staff.set_pin(ZHANG, "2580", actor=PM)
    with pytest.raises(BadInput) as exc:
        office.sv.staff.set_pin(ZHANG, "3691", actor=ZHANG)
    assert exc.value.field == "old"
    with pytest.raises(Refused) as exc:
        office.sv.staff.set_pin(ZHANG, "3691", actor=ZHANG, old="1111")
    assert (exc.value.reason.rule, exc.value.reason.code) == ("R2.1", "wrong_pin")
    with pytest.raises(BadInput):
        office.sv.staff.set_pin(ZHANG, "2580", actor=ZHANG, old="2580")  # the same PIN again
    r = office.sv.staff.set_pin(ZHANG, "3691", actor=ZHANG, old="2580")
    assert (r["name"], r["has_pin"], r["by"]) == (ZHANG, True, ZHANG)
    assert office.sv.desk.sign_in(ZHANG, "3691")["name"] == ZHANG
    hows = [h for (h,) in office.rows("SELECT data FROM staffevent WHERE kind = 'pin' ORDER BY id")]
    assert hows == ['{"how": "set"}', '{"how": "changed"}']


def test_changing_your_own_pin_without_one_asks_the_pm(office):
    with pytest.raises(Refused) as exc:
        office.sv.staff.set_pin(ZHANG, "3691", actor=ZHANG, old="0000")
    assert exc.value.reason.code == "no_pin"


def test_the_pm_resets_a_pin_but_only_a_gm_resets_a_gms(office):
    office.sv.staff.set_pin(ZHANG, "2580", actor=PM)
    assert office.sv.staff.set_pin(ZHANG, "3691", actor=PM)["by"] == PM  # reset: no old PIN needed
    with pytest.raises(Refused) as exc:
        office.sv.staff.set_pin(GM, "3691", actor=PM)
    assert (exc.value.reason.rule, exc.value.reason.code) == ("R2.2", "gm_by_gm")
    with pytest.raises(Refused) as exc:
        office.sv.staff.set_pin(ZHANG, "4826", actor=LI)
    assert exc.value.reason.rule == "R2.1"
    assert office.sv.desk.sign_in(GM, GM_PIN)["name"] == GM


def test_a_person_who_leaves_cannot_sign_in_or_act_and_their_history_stays(office):
    office.sv.staff.set_pin(LIU, "1470", actor=PM)
    office.visit(ZHANGSAN, name="张三")  # 李娜 serves: the roster is 李娜, 张伟, 刘洋, 小陈
    office.sv.reception.call("13800138009", name="王五", actor=LIU)
    r = office.sv.staff.deactivate(LIU, actor=PM)
    assert (r["name"], r["active"]) == (LIU, False)
    assert reason(r["reasons"], "staff_left").rule == "R2.1"
    assert LIU not in office.sv.roster.show(actor=PM)["order"]
    assert LIU not in [st["name"] for st in office.sv.staff.list(actor=PM)]
    assert LIU not in office.sv.desk.staff_names()
    with pytest.raises(BadInput):
        office.sv.desk.sign_in(LIU, "1470")
    with pytest.raises(BadInput) as exc:
        office.sv.reception.call("13800138010", actor=LIU)
    assert exc.value.field == "as"
    # history kept: the call register still names them
    assert office.rows("SELECT s.name FROM registerentry e JOIN staff s ON s.id = e.advisor_id "
                       "WHERE e.book = 'call'") == [(LIU,)]
    assert office.rows("SELECT kind FROM staffevent s JOIN staff t ON t.id = s.staff_id "
                       f"WHERE t.name = '{LIU}' ORDER BY s.id") == [("added",), ("pin",), ("left",)]


@pytest.mark.parametrize(("actor", "name", "error", "rule"), [
    pytest.param(LI, ZHANG, Refused, "R2.1", id="R2.1-an-advisor-deactivates-nobody"),
    pytest.param(PM, GM, Refused, "R2.2", id="R2.2-a-pm-cannot-remove-the-gm"),
    pytest.param(PM, PM, BadInput, None, id="not-yourself"),
    pytest.param(PM, "没这人", BadInput, None, id="unknown-name"),
])
def test_who_may_deactivate(office, actor, name, error, rule):
    before = office.counts("staffevent", "rosterevent")
    with pytest.raises(error) as exc:
        office.sv.staff.deactivate(name, actor=actor)
    if rule:
        assert exc.value.reason.rule == rule
    assert office.counts("staffevent", "rosterevent") == before


def test_a_trainee_leaving_keeps_their_mentor_record(office):
    office.sv.staff.deactivate(CHEN, actor=GM)
    assert CHEN not in office.sv.roster.show(actor=PM)["order"]


def test_the_first_day_setup_refuses_a_weak_pin_too():
    from frontdesk.services.setup import check_pin

    with pytest.raises(BadInput) as exc:
        check_pin("1234", "1234", field="first_pin")
    assert (exc.value.field, exc.value.data["why"]) == ("first_pin", "pin_run")
    assert check_pin("2580", "2580") == "2580"


def test_a_stored_pin_carries_its_cost_and_the_first_format_still_signs_in(office):
    """The hash names scrypt's parameters; hashes of the first format (no parameters, 2¹⁴) still prove."""
    import hashlib

    from frontdesk.services import pins

    made = pins.hash_pin("4826")
    algo, n, r, p, _salt, _digest = made.split("$")
    assert (algo, int(n), int(r), int(p)) == ("scrypt", pins.SCRYPT_N, pins.SCRYPT_R, pins.SCRYPT_P)

    class Row:  # what pin_ok reads of a Staff row
        pin_hash = made

    assert pins.pin_ok(Row, "4826") and not pins.pin_ok(Row, "4827")
    salt = bytes.fromhex("00" * 16)
    Row.pin_hash = f"scrypt${salt.hex()}${hashlib.scrypt(b'4826', salt=salt, n=2**14, r=8, p=1).hex()}"
    assert pins.pin_ok(Row, "4826") and not pins.pin_ok(Row, "4827")
    office.rows("UPDATE staff SET pin_hash = ? WHERE name = ?", (Row.pin_hash, LI))  # set by an older frontdesk
    assert office.sv.desk.sign_in(LI, "4826")["name"] == LI
