"""Nothing is written when an operation fails (docs/cli.md: "Nothing is written when a command fails")."""

from __future__ import annotations

import pytest

from frontdesk.services.base import Ctx
from frontdesk.services.errors import BadInput, FrontdeskError, Refused

from .conftest import CHEN, LI, LISI, LIU, PM, WANGWU, ZHANG, ZHANGSAN

COUNTED = ("registerentry", "client", "person", "phone", "notification", "followup", "crossing",
           "crossingdecision", "viewlog", "approval", "settingchange", "rosterevent", "clientlink")


def snapshot(office) -> dict[str, list[tuple]]:
    """Every row of every table (the rotation state, ledger heads and client caches included)."""
    tables = office.tables() + ["alembic_version"]
    return {t: sorted(office.rows(f"SELECT * FROM {t}"), key=repr) for t in tables}


def _busy_office(office):
    office.visit(ZHANGSAN, name="张三")  # 李娜
    office.sv.reception.call(LISI, name="李四", actor=ZHANG)  # 张伟
    office.on(3)
    office.away(LI)
    office.visit(ZHANGSAN, asks_for=ZHANG)  # crossing, 张伟 serves
    office.sv.records.followup(LISI, "unreachable", actor=ZHANG)


FAILING = {
    "visit: assign by an advisor": lambda o: o.visit(WANGWU, assign=LIU, actor=ZHANG),
    "visit: unknown advisor asked for": lambda o: o.visit(WANGWU, asks_for="无名氏"),
    "visit: trainee in induction": lambda o: o.visit(WANGWU, actor=CHEN),
    "visit: bad phone": lambda o: o.visit("0000"),
    "call: referral by another advisor": lambda o: o.sv.reception.call(WANGWU, referred_by=LISI, actor=LIU),
    "followup: score 11": lambda o: o.sv.records.followup(LISI, "reached", score=11, actor=ZHANG),
    "followup: not the owner": lambda o: o.sv.records.followup(LISI, "reached", actor=LIU),
    "history: wrong witness pin": lambda o: o.sv.records.history(LISI, actor=LIU, witness=PM, witness_pin="0000"),
    "link: by an advisor": lambda o: o.sv.records.link(ZHANGSAN, LISI, "spouse", actor=ZHANG),
    "settings: 11 days without approval": lambda o: o.sv.staff.settings("protection_days", "11", actor=PM),
    "crossing: decide by an advisor": lambda o: o.sv.crossings.decide(1, winner=LI, none=False, actor=ZHANG),
    # refresh_cache writes the client cache before the duplicate check fails
    "crossing: the same claim twice": lambda o: o.sv.crossings.open(ZHANGSAN, claimant=ZHANG, actor=PM),
    "roster: mark back someone not away": lambda o: o.sv.roster.mark(LIU, False, actor=PM),
    "roster: set by an advisor": lambda o: o.sv.roster.set([LIU, LI], actor=LI),
    "staff: add by an advisor": lambda o: o.sv.staff.add("新人", "advisor", actor=LI),
}


@pytest.mark.parametrize("op", list(FAILING), ids=list(FAILING))
def test_a_failing_operation_writes_nothing(office, op):
    _busy_office(office)
    before = snapshot(office)
    assert {t: len(before[t]) for t in ("registerentry", "client", "notification", "crossing")} == {
        "registerentry": 3, "client": 2, "notification": 3, "crossing": 1}
    with pytest.raises((BadInput, Refused)):
        FAILING[op](office)
    after = snapshot(office)
    # a wrong PIN is the one thing a refusal leaves: its line in the lockout's log (SPEC "Who is acting")
    was = before.pop("pinevent")
    logged = [r for r in after.pop("pinevent") if r not in was]
    assert len(logged) == (1 if "pin" in op else 0)
    for feed in (before, after):  # and the change feed's count of pinevent writes (store/changes.py)
        feed["change_feed"] = [r for r in feed.get("change_feed", []) if r[0] != "pinevent"]
    assert after == before


def test_a_visit_failing_at_its_last_step_leaves_no_trace(office, monkeypatch):
    """One visit = one transaction: entry, rotation move, crossing and notices all roll back."""
    office.visit(ZHANGSAN, name="张三")  # 李娜
    office.on(3)
    before = snapshot(office)

    def boom(c, reasons):  # noqa: ANN001, ANN202
        raise RuntimeError("disk full")

    # naming the reasons of the result is a visit's last step: every row is written by then
    monkeypatch.setattr(Ctx, "named", boom)
    with pytest.raises(RuntimeError):
        office.visit(ZHANGSAN, asks_for=ZHANG)  # would append an entry, open a crossing and notify
    with pytest.raises(RuntimeError):
        office.visit(LISI, name="李四")  # would take a rotation turn
    assert snapshot(office) == before
    monkeypatch.undo()

    # the register numbering continues without a gap
    assert office.visit(LISI, name="李四")["entry"] == 2
    assert office.sv.integrity.verify()["ok"] is True


def test_errors_carry_exit_codes(office):
    with pytest.raises(FrontdeskError) as exc:
        office.visit("0000")
    assert exc.value.exit_code == 2 and exc.value.as_dict()["code"] == "bad_input"
    with pytest.raises(FrontdeskError) as exc:
        office.visit(ZHANGSAN, actor=CHEN)
    assert exc.value.exit_code == 1 and exc.value.as_dict()["rule"] == "R5.3"
