"""Crossings (业务交叉): the proposal with rules and dates, the PM's decision, the list (R4, R8)."""

from __future__ import annotations

import pytest

from frontdesk.services.errors import BadInput, Refused

from .conftest import LI, LISI, LIU, PM, ZHANG, ZHANGSAN, nov, reason, rules_of


def _lapsed_then_taken(office):
    """李娜 registers 张三 on the 1st; it lapses on the 9th; on the 12th it goes to 张伟 by rotation."""
    office.visit(ZHANGSAN, name="张三")
    office.on(12)
    r = office.visit(ZHANGSAN)
    assert (r["route"], r["advisor"], r["owner"]) == ("rotation", ZHANG, ZHANG)


def _kept_up(office):
    """李娜 holds 张三 (1st); on the 5th, with 李娜 away, the visitor asks for 张伟, who serves: a crossing."""
    office.visit(ZHANGSAN, name="张三")
    office.on(5)
    office.away(LI)
    r = office.visit(ZHANGSAN, asks_for=ZHANG)
    assert (r["route"], r["advisor"], r["owner"]) == ("crossing", ZHANG, LI)
    assert r["crossing"] is not None
    return r["crossing"]


def test_r4_3_earlier_advisor_lapsed_drops_out(office):
    _lapsed_then_taken(office)
    c = office.sv.crossings.open(ZHANGSAN, claimant=LI, note="客户说先找的我", actor=LI)
    prop = c["proposal"]
    assert prop["winner"] == ZHANG
    order = reason(prop["reasons"], "order")
    assert order.rule == "R4.1"
    assert (order.data["a"], order.data["a_date"], order.data["b"], order.data["b_date"]) == (LI, nov(1), ZHANG, nov(12))
    lapsed = reason(prop["reasons"], "earlier_lapsed")
    assert lapsed.rule == "R4.3"
    assert lapsed.data["last_contact"] == nov(1)
    assert lapsed.data["claim_date"] == nov(12)
    assert lapsed.data["protected_through"] == nov(8)
    assert lapsed.data["gap"] == 11 and lapsed.data["days"] == 7
    assert sorted(c["notified"]) == sorted([PM, LI, ZHANG])

    d = office.sv.crossings.decide(c["crossing"], winner=ZHANG, none=False, actor=PM)
    assert d["decision"]["outcome"] == "confirmed"
    assert d["decision"]["winner"] == ZHANG and d["decision"]["by"] == PM
    assert d["status"] == "decided"
    assert reason(d["reasons"], "crossing_decided").rule == "R4"
    assert office.owner(ZHANGSAN)["owner"] == ZHANG


def test_r4_2_earlier_advisor_kept_up_keeps_the_client(office):
    case = _kept_up(office)
    [c] = office.sv.crossings.list(actor=PM)
    assert (c["crossing"], c["holder"], c["claimant"], c["status"]) == (case, LI, ZHANG, "open")
    prop = c["proposal"]
    assert prop["winner"] == LI
    kept = reason(prop["reasons"], "earlier_kept_up")
    assert kept.rule == "R4.2"
    assert (kept.data["a"], kept.data["b"]) == (LI, ZHANG)
    # the stored proposal comes back from the list with ISO dates
    assert str(kept.data["last_contact"]) == "2026-11-01" and str(kept.data["claim_date"]) == "2026-11-05"
    assert str(kept.data["protected_through"]) == "2026-11-08"

    office.on(6)
    d = office.sv.crossings.decide(case, winner=LI, none=False, actor=PM)
    assert d["decision"]["outcome"] == "confirmed" and d["decision"]["winner"] == LI
    assert office.owner(ZHANGSAN)["owner"] == LI
    assert office.sv.crossings.list(actor=PM)[0]["status"] == "decided"
    assert office.sv.crossings.list(actor=PM, open_only=True) == []


def test_decision_against_the_proposal_is_negotiated_and_assigns_ownership(office):
    case = _kept_up(office)
    office.on(6)
    d = office.sv.crossings.decide(case, winner=ZHANG, none=False, note="协商：张伟跟进", actor=PM)
    assert d["decision"]["outcome"] == "negotiated" and d["decision"]["winner"] == ZHANG
    own = office.owner(ZHANGSAN)
    assert own["owner"] == ZHANG
    # the winner now follows the client up; the loser may not
    assert office.sv.records.followup(ZHANGSAN, "reached", actor=ZHANG)["valid"] is True
    with pytest.raises(Refused):
        office.sv.records.followup(ZHANGSAN, "reached", actor=LI)


def test_decide_none_means_neither(office):
    case = _kept_up(office)
    d = office.sv.crossings.decide(case, winner=None, none=True, actor=PM)
    assert d["decision"]["outcome"] == "neither"
    assert d["decision"]["winner"] is None
    assert reason(d["reasons"], "crossing_decided").rule == "R8"
    assert office.owner(ZHANGSAN)["owner"] == LI  # no assignment: ownership as the registers say
    assert office.count("crossingdecision") == 1


def test_decide_by_a_non_pm_is_refused(office):
    case = _kept_up(office)
    for who in (LI, ZHANG):
        with pytest.raises(Refused) as exc:
            office.sv.crossings.decide(case, winner=who, none=False, actor=who)
        assert exc.value.reason.rule == "R4"
    assert office.count("crossingdecision") == 0


@pytest.mark.parametrize("winner, none, field", [
    (LIU, False, "winner"),  # not a party
    (LI, True, "winner"),  # both given
])
def test_decide_bad_input(office, winner, none, field):
    case = _kept_up(office)
    with pytest.raises(BadInput) as exc:
        office.sv.crossings.decide(case, winner=winner, none=none, actor=PM)
    assert exc.value.field == field
    assert office.count("crossingdecision") == 0


def test_decide_without_a_winner_confirms_the_proposal(office):
    case = _kept_up(office)
    d = office.sv.crossings.decide(case, winner=None, none=False, actor=PM)
    assert (d["decision"]["winner"], d["decision"]["outcome"]) == (LI, "confirmed")
    assert office.owner(ZHANGSAN)["owner"] == LI


def test_decided_twice_and_unknown_case(office):
    case = _kept_up(office)
    office.sv.crossings.decide(case, winner=LI, none=False, actor=PM)
    with pytest.raises(BadInput) as exc:
        office.sv.crossings.decide(case, winner=ZHANG, none=False, actor=PM)
    assert exc.value.field == "id"
    with pytest.raises(BadInput):
        office.sv.crossings.decide(999, winner=LI, none=False, actor=PM)
    assert office.count("crossingdecision") == 1


def test_claimant_without_registration_drops_out_and_pm_is_told(office):
    office.visit(ZHANGSAN, name="张三")  # 李娜
    office.on(3)
    c = office.sv.crossings.open(ZHANGSAN, claimant=LIU, actor=LIU)
    assert c["proposal"]["winner"] == LI
    assert reason(c["proposal"]["reasons"], "no_registration").data == {"advisor": LIU}
    only = reason(c["proposal"]["reasons"], "only_registered")
    assert only.rule == "R4.1" and only.data["advisor"] == LI and only.data["date"] == nov(1)
    kinds = office.inbox_kinds(PM)
    assert ("crossing_opened", "R4") in kinds and ("claim_without_registration", "R4.1") in kinds


def test_open_bad_input(office):
    office.visit(ZHANGSAN)
    with pytest.raises(BadInput) as exc:
        office.sv.crossings.open(ZHANGSAN, claimant=LI, actor=PM)  # already holds
    assert exc.value.field == "claimant"
    with pytest.raises(BadInput) as exc:
        office.sv.crossings.open(LISI, claimant=LI, actor=PM)  # no such client
    assert exc.value.field == "phone"
    office.sv.crossings.open(ZHANGSAN, claimant=ZHANG, actor=PM)
    with pytest.raises(BadInput) as exc:
        office.sv.crossings.open(ZHANGSAN, claimant=ZHANG, actor=PM)  # the same claim twice
    assert exc.value.field == "claimant"
    assert office.count("crossing") == 1


def test_advisors_list_only_their_own_crossings(office):
    case = _kept_up(office)
    assert [c["crossing"] for c in office.sv.crossings.list(actor=LI)] == [case]
    assert [c["crossing"] for c in office.sv.crossings.list(actor=ZHANG)] == [case]
    assert office.sv.crossings.list(actor=LIU) == []
    assert rules_of(office.sv.crossings.list(actor=PM)[0]["proposal"]["reasons"]) >= {"R4.1", "R4.2"}


# ---------------------------------------------------------------- calls (R2.3, R2.2)


def test_call_registers_a_new_caller_to_the_answering_advisor_without_a_turn(office):
    c = office.sv.reception.call(ZHANGSAN, name="张三", actor=LIU)
    assert (c["entry"], c["advisor"], c["owner"], c["referral"]) == (1, LIU, LIU, False)
    assert reason(c["reasons"], "call_new_owner").rule == "R2.2"
    assert office.sv.roster.show(actor=PM)["next"] == LI
    assert office.rows("SELECT book, number FROM registerentry") == [("call", 1)]


def test_call_for_a_client_someone_else_holds_is_registered_and_the_owner_told(office):
    office.visit(ZHANGSAN, name="张三")  # 李娜
    office.on(4)
    c = office.sv.reception.call(ZHANGSAN, actor=ZHANG)
    assert (c["advisor"], c["owner"], c["notified"]) == (ZHANG, LI, [LI])
    assert reason(c["reasons"], "call_held_by_other").data == {"owner": LI, "advisor": ZHANG}
    assert office.inbox_kinds(LI) == [("call_for_owner", "R2.2")]
    own = office.owner(ZHANGSAN)
    assert own["owner"] == LI and own["protected_through"] == nov(8)
    assert office.rows("SELECT book, number FROM registerentry ORDER BY id") == [("visit", 1), ("call", 1)]


def test_a_referral_pre_registration_places_its_advisor_first_in_a_later_crossing(office):
    """R2.4/R4.1: the pre-registration is a register entry; it orders 张伟 before 李娜's visit."""
    office.sv.reception.call(LISI, name="李四", actor=ZHANG)  # 张伟's old client
    office.on(2)
    office.sv.reception.call(ZHANGSAN, name="张三", referred_by=LISI, actor=ZHANG)  # referral claim
    office.on(3)
    first = office.visit(ZHANGSAN)  # arrives without asking for 张伟: independent, rotation → 李娜
    assert (first["route"], first["owner"]) == ("rotation", LI)
    assert reason(first["reasons"], "referral_not_asked").rule == "R2.4"
    office.on(4)
    r = office.visit(ZHANGSAN, asks_for=ZHANG)
    assert r["route"] == "crossing" and r["owner"] == LI
    [case] = office.sv.crossings.list(actor=PM)
    assert case["proposal"]["winner"] == ZHANG
    order = reason(case["proposal"]["reasons"], "order")
    assert (order.data["a"], order.data["a_date"], order.data["a_entry"]) == (ZHANG, nov(2), "call#2")
    assert (order.data["b"], order.data["b_date"]) == (LI, nov(3))
    assert reason(case["proposal"]["reasons"], "earlier_kept_up").rule == "R4.2"
