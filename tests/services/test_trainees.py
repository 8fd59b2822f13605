"""Trainees: shadow mode during induction, the exam after a week on site (R5.1–R5.4)."""

from __future__ import annotations

import pytest

from frontdesk.services.errors import BadInput, Refused

from .conftest import CHEN, LI, LISI, LIU, PM, ZHANG, ZHANGSAN, nov, reason


def test_trainee_in_induction_stands_in_shadow(office):
    show = office.sv.roster.show(actor=PM)
    assert show["shadow"] == [CHEN]
    assert show["next"] == LI
    [chen] = [s for s in office.sv.staff.list(actor=PM) if s["name"] == CHEN]
    assert chen["shadow"] is True and chen["mentor"] == LI and chen["joined_on"] == nov(1)


def test_trainee_in_induction_cannot_register_a_visit_or_a_call(office):
    with pytest.raises(Refused) as exc:
        office.sv.reception.visit(ZHANGSAN, name="张三", actor=CHEN)
    assert exc.value.reason.rule == "R5.3"
    with pytest.raises(Refused) as exc:
        office.sv.reception.call(ZHANGSAN, name="张三", actor=CHEN)
    assert exc.value.reason.rule == "R5.3"
    assert office.counts("registerentry", "client") == {"registerentry": 0, "client": 0}


def test_exam_before_a_week_on_site_is_refused(office):
    office.on(7)  # joined on the 1st: the exam counts from the 8th
    with pytest.raises(Refused) as exc:
        office.sv.staff.trainee_pass(CHEN, 90, actor=PM)
    assert exc.value.reason.rule == "R5.3"
    assert exc.value.reason.data["earliest"] == nov(8)
    assert office.rows("SELECT exam_passed_on FROM staff WHERE name = ?", [CHEN]) == [(None,)]


def test_exam_below_the_mark_and_by_a_non_pm_are_refused(office):
    office.on(8)
    with pytest.raises(Refused) as exc:
        office.sv.staff.trainee_pass(CHEN, 59, actor=PM)
    assert exc.value.reason.rule == "R5.3" and exc.value.reason.code == "exam_below_mark"
    with pytest.raises(Refused) as exc:
        office.sv.staff.trainee_pass(CHEN, 90, actor=LI)
    assert exc.value.reason.rule == "R5.3"
    with pytest.raises(BadInput) as exc2:
        office.sv.staff.trainee_pass(LIU, 90, actor=PM)
    assert exc2.value.field == "name"
    with pytest.raises(BadInput) as exc2:
        office.sv.staff.trainee_pass(CHEN, 101, actor=PM)
    assert exc2.value.field == "score"


def test_after_the_exam_the_trainee_joins_the_rotation_and_takes_calls(office):
    office.on(8)
    office.sv.drills.record(CHEN, 80, actor=PM)  # the exam's scenario simulation (R5.3)
    p = office.sv.staff.trainee_pass(CHEN, 85, actor=PM)
    assert p["exam_passed_on"] == nov(8) and p["exam_score"] == 85 and p["shadow"] is False
    assert reason(p["reasons"], "exam_passed").rule == "R5.3"
    assert office.count("staffevent") == 8  # six added (the GM first) + the drill + the exam

    show = office.sv.roster.set([CHEN, LI, ZHANG, LIU], actor=PM)
    assert show["next"] == CHEN and show["shadow"] == []
    r = office.visit(ZHANGSAN, name="张三")
    assert (r["route"], r["advisor"], r["owner"], r["turn"]) == ("rotation", CHEN, CHEN, True)
    assert r["notified"] == [LI]  # the mentor is told of the trainee's receptions (R5.4)
    assert reason(r["reasons"], "mentor_told").data == {"advisor": CHEN, "mentor": LI}
    assert office.sv.roster.show(actor=PM)["order"] == [LI, ZHANG, LIU, CHEN]

    c = office.sv.reception.call(LISI, name="李四", actor=CHEN)
    assert (c["advisor"], c["owner"], c["notified"]) == (CHEN, CHEN, [LI])
    assert [k for k, _ in office.inbox_kinds(LI)] == ["trainee_reception", "trainee_reception"]


def test_trainee_in_induction_cannot_be_assigned_while_others_are_present(office):
    with pytest.raises(Refused) as exc:
        office.visit(ZHANGSAN, assign=CHEN)
    assert exc.value.reason.rule == "R5.3"
    assert office.count("registerentry") == 0


def _trainee_client(office):
    """Only 小陈 is present on the 1st: she receives 张三 alone (R5.3) and owns the client."""
    office.away(LI, ZHANG, LIU)
    r = office.visit(ZHANGSAN, name="张三")
    assert (r["route"], r["advisor"], r["owner"]) == ("trainee-solo", CHEN, CHEN)


def test_trainee_in_induction_does_not_serve_own_client_while_advisors_are_present(office):
    _trainee_client(office)
    office.on(2)  # the away marks ended with the day: 李娜, 张伟, 刘洋 are present
    r = office.visit(ZHANGSAN)
    assert r["advisor"] != CHEN
    assert r["advisor"] in (LI, ZHANG, LIU)
    assert r["owner"] == CHEN


def test_mentor_is_told_when_the_trainee_receives_their_own_returning_client(office):
    _trainee_client(office)
    office.on(2)
    office.away(LI, ZHANG, LIU)  # again only the trainee is present: she may receive
    r = office.visit(ZHANGSAN)
    assert (r["route"], r["advisor"]) == ("owner", CHEN)
    assert r["notified"] == [LI]
    assert [k for k, _ in office.inbox_kinds(LI)] == ["trainee_reception", "trainee_reception"]
