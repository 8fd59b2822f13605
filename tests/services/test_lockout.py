"""One lockout for the office (SPEC "Who is acting", issue 13): every wrong PIN — sign-in,
command line, witnessed view — is a row of the append-only PIN log; 5 in 5 minutes lock the
name for 5 minutes of the real clock, whatever the business clock says; the PM sees the log
and may unlock, and the unlock is recorded."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from frontdesk.services import BadInput, Refused

from .conftest import LI, LIU, PM, PM_PIN, ZHANG, ZHANGSAN

REAL = datetime(2026, 12, 4, 1, 0)  # UTC: 09:00 in Shanghai


class Wall:
    """The real clock, injected: moves only when the test says."""

    def __init__(self) -> None:
        self.now = REAL

    def __call__(self) -> datetime:
        return self.now

    def pass_(self, **kw: float) -> None:
        self.now += timedelta(**kw)


@pytest.fixture
def wall(office) -> Wall:  # noqa: ANN001
    w = Wall()
    office.clock.real = w
    office.sv.staff.set_pin(LI, "2468", actor=PM)
    return w


def refusal(fn, *a, **kw) -> Refused:  # noqa: ANN001
    with pytest.raises(Refused) as exc:
        fn(*a, **kw)
    return exc.value


def log(office) -> list[tuple]:  # noqa: ANN001
    return office.rows("SELECT name, kind, door, at FROM pinevent ORDER BY id")


def test_five_wrong_pins_lock_the_name_for_five_real_minutes(office, wall):
    prove = office.sv.identity.authenticate
    lefts = []
    for _ in range(4):
        r = refusal(prove, LI, "0000")
        assert (r.reason.rule, r.reason.code) == ("R2.1", "wrong_pin")
        lefts.append(r.reason.data["left"])
        wall.pass_(seconds=30)
    assert lefts == [4, 3, 2, 1]
    fifth = refusal(prove, LI, "0000")
    assert fifth.reason.code == "pin_locked" and fifth.reason.data["until"] == "09:07"  # 09:02 + 5 minutes
    assert "(real time)" in fifth.message
    # the right PIN is refused now, and so is every door; the business clock does not lift it
    assert refusal(prove, LI, "2468").reason.code == "pin_locked"
    assert refusal(office.sv.desk.sign_in, LI, "2468").reason.code == "pin_locked"
    office.at("2026-11-30 10:00")
    assert refusal(prove, LI, "2468").reason.code == "pin_locked"
    assert [k for _, k, _, _ in log(office)] == ["failure"] * 5 + ["locked"] * 3
    assert {d for _, _, d, _ in log(office)} == {"cli", "signin"}
    wall.pass_(minutes=4, seconds=59)
    assert refusal(prove, LI, "2468").reason.code == "pin_locked"
    wall.pass_(seconds=1)
    assert prove(LI, "2468") == {"name": LI, "role": "advisor"}
    # other names were never touched
    assert prove(PM, PM_PIN)["name"] == PM


def test_the_log_keeps_real_time_and_the_terminal(office, wall):
    office.at("2030-01-01 10:00")  # a business clock far away
    refusal(office.sv.desk.sign_in, LI, "1111", terminal="app:counter-2")
    name, kind, door, at = log(office)[0]
    assert (name, kind, door) == (LI, "failure", "signin")
    assert str(at).startswith("2026-12-04 01:00")
    terminal = office.rows("SELECT terminal FROM pinevent")[0][0]
    assert terminal == "app:counter-2"
    refusal(office.sv.identity.authenticate, LI, "1111")
    assert "pid:" in office.rows("SELECT terminal FROM pinevent ORDER BY id")[1][0]


def test_a_right_pin_does_not_wipe_the_failures(office, wall):
    prove = office.sv.identity.authenticate
    for _ in range(3):
        refusal(prove, LI, "0000")
    prove(LI, "2468")
    refusal(prove, LI, "0000")
    assert refusal(prove, LI, "0000").reason.code == "pin_locked"


def test_fifty_wrong_witnessed_view_pins_end_locked_each_logged(office, wall):
    """The brute force of issue 13 (151 guesses in 4.5 s): now the fifth locks the PM's name."""
    office.visit(ZHANGSAN, name="张三")  # 李娜's client: 张伟 needs the PM to witness
    codes = []
    for guess in range(50):
        codes.append(refusal(office.sv.records.history, ZHANGSAN, actor=ZHANG, witness=PM,
                             witness_pin=f"{guess:04d}" if f"{guess:04d}" != PM_PIN else "9999").reason.code)
    assert codes == ["wrong_pin"] * 4 + ["pin_locked"] * 46
    rows = log(office)
    assert len(rows) == 50 and {(n, d) for n, _, d, _ in rows} == {(PM, "witness")}
    assert [k for _, k, _, _ in rows] == ["failure"] * 5 + ["locked"] * 45
    # even the right PIN is refused now; nothing was viewed
    assert refusal(office.sv.records.history, ZHANGSAN, actor=ZHANG, witness=PM,
                   witness_pin=PM_PIN).reason.code == "pin_locked"
    assert office.count("viewlog") == 0
    # the PM's own sign-in is locked too: the witness PIN and the sign-in are one lockout
    assert refusal(office.sv.desk.sign_in, PM, PM_PIN).reason.code == "pin_locked"
    wall.pass_(minutes=5)
    assert office.sv.records.history(ZHANGSAN, actor=ZHANG, witness=PM, witness_pin=PM_PIN)["owner"] == LI


def test_the_pm_sees_the_log_and_unlocks_recorded(office, wall):
    for _ in range(5):
        refusal(office.sv.desk.sign_in, LI, "0000", terminal="app:counter-1")
    seen = office.sv.identity.lockouts(actor=PM)
    assert [(x["name"], x["until"].strftime("%H:%M"), x["failures"]) for x in seen["locked"]] == [(LI, "09:05", 5)]
    assert seen["events"][0] == {"at": seen["events"][0]["at"], "name": LI, "kind": "failure", "door": "signin",
                                 "terminal": "app:counter-1", "by": None}
    assert seen["events"][0]["at"].isoformat() == "2026-12-04T09:00:00+08:00"
    wall.pass_(minutes=1)
    done = office.sv.identity.unlock(LI, actor=PM)
    assert (done["name"], done["by"], done["was_locked_until"].strftime("%H:%M")) == (LI, PM, "09:05")
    assert office.sv.desk.sign_in(LI, "2468")["name"] == LI
    # the failures before the unlock no longer count: five tries again
    assert refusal(office.sv.identity.authenticate, LI, "0000").reason.data["left"] == 4
    after = office.sv.identity.lockouts(actor=PM)
    assert after["locked"] == []
    assert [(e["kind"], e["by"]) for e in after["events"][:2]] == [("failure", None), ("unlock", PM)]
    assert [k for _, k, _, _ in log(office)] == ["failure"] * 5 + ["unlock", "failure"]


def test_only_the_pm_sees_the_log_or_unlocks(office, wall):
    assert refusal(office.sv.identity.lockouts, actor=LI).reason.rule == "R2.1"
    assert refusal(office.sv.identity.unlock, ZHANG, actor=LIU).reason.rule == "R2.1"
    assert office.count("pinevent") == 0


def test_the_log_is_append_only(office, wall):
    refusal(office.sv.identity.authenticate, LI, "0000")
    from dbkit import DB_ERRORS

    for sql in ("UPDATE pinevent SET kind = 'unlock'", "DELETE FROM pinevent"):
        with pytest.raises(DB_ERRORS):
            office.rows(sql)
    assert office.count("pinevent") == 1


def test_who_is_acting_must_be_said_and_proven(office, wall):
    auth = office.sv.identity.authenticate
    assert refusal(auth, None, "1234").reason.code == "who_is_acting"
    assert refusal(auth, LI, None).reason.code == "pin_required"
    with pytest.raises(BadInput) as exc:
        auth("无名氏", "1234")
    assert exc.value.field == "as"
    assert office.count("pinevent") == 0  # nothing was guessed at
    # the bootstraps only while the database is empty
    assert refusal(auth, None, None, bootstrap="init").reason.code == "who_is_acting"
    assert refusal(auth, None, None, bootstrap="first_staff").reason.code == "who_is_acting"
    assert refusal(auth, None, None, bootstrap="demo").reason.code == "who_is_acting"  # an office, not the demo
    office.sv.setup.mark_demo()
    assert auth(None, None, bootstrap="demo") is None
