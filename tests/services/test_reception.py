"""Routing a walk-in through sv.reception.visit — every path of SPEC "Reception at the counter"."""

from __future__ import annotations

import pytest

from frontdesk.services.errors import BadInput, Refused

from .conftest import CHEN, LI, LISI, LIU, PM, WANGWU, ZHANG, ZHANGSAN, ZHAOLIU, codes_of, nov, reason, rules_of


# ---------------------------------------------------------------- R3.3 new client → rotation


def test_new_client_goes_to_next_in_rotation_who_goes_to_the_back(office):
    r = office.visit(ZHANGSAN, name="张三", actor=LI)
    assert (r["route"], r["advisor"], r["owner"], r["turn"]) == ("rotation", LI, LI, True)
    assert r["entry"] == 1 and r["crossing"] is None and r["notified"] == []
    nxt = reason(r["reasons"], "next_in_rotation")
    assert nxt.rule == "R3.3" and nxt.data == {"advisor": LI, "position": 1}
    assert reason(r["reasons"], "new_owner").data == {"advisor": LI}

    show = office.sv.roster.show(actor=PM)
    assert show["order"] == [ZHANG, LIU, CHEN, LI]
    assert show["next"] == ZHANG

    r2 = office.visit(LISI, name="李四")
    assert (r2["route"], r2["advisor"], r2["entry"]) == ("rotation", ZHANG, 2)
    assert office.sv.roster.show(actor=PM)["order"] == [LIU, CHEN, LI, ZHANG]
    # the trainee in induction is never next (R5.3): after 刘洋 comes 李娜
    assert office.visit(WANGWU)["advisor"] == LIU
    r4 = office.visit(ZHAOLIU)
    assert r4["advisor"] == LI
    assert reason(r4["reasons"], "skipped_shadow").data == {"advisor": CHEN}

    # the entry names both the operator and the serving advisor (SPEC "Presence, the operator")
    rows = office.rows("SELECT e.number, op.name, adv.name, e.route FROM registerentry e "
                       "JOIN staff op ON op.id = e.operator_id JOIN staff adv ON adv.id = e.advisor_id "
                       "WHERE e.book = 'visit' ORDER BY e.number")
    assert rows == [(1, LI, LI, "rotation"), (2, PM, ZHANG, "rotation"), (3, PM, LIU, "rotation"),
                    (4, PM, LI, "rotation")]


def test_away_advisor_is_skipped_and_keeps_place(office):
    office.away(LI)
    r = office.visit(ZHANGSAN)
    assert (r["route"], r["advisor"]) == ("rotation", ZHANG)
    assert reason(r["reasons"], "skipped_away").data == {"advisor": LI}
    show = office.sv.roster.show(actor=PM)
    assert show["order"] == [LI, LIU, CHEN, ZHANG]
    assert show["away"] == [LI]
    assert show["next"] == LIU
    # away marks end with the day (SPEC "Presence, the operator, the day")
    office.on(2)
    assert office.sv.roster.show(actor=PM)["next"] == LI


# ---------------------------------------------------------------- returning client, owner present


def test_returning_client_with_owner_present_is_served_by_owner_not_a_turn(office):
    office.visit(ZHANGSAN, name="张三")  # 李娜's client
    office.on(3)
    r = office.visit(ZHANGSAN)
    assert (r["route"], r["advisor"], r["owner"], r["turn"]) == ("owner", LI, LI, False)
    assert reason(r["reasons"], "owner_present").rule == "R3"
    assert r["entry"] == 2
    show = office.sv.roster.show(actor=PM)
    assert show["order"] == [ZHANG, LIU, CHEN, LI] and show["next"] == ZHANG  # the rotation did not move
    # an own reception is a valid contact: the window runs from the 3rd (R2.2)
    assert office.owner(ZHANGSAN)["protected_through"] == nov(10)


# ---------------------------------------------------------------- R3.2 duty reception


def test_owner_away_high_volume_duty_goes_to_next_in_rotation_and_owner_is_told(office):
    office.visit(ZHANGSAN, name="张三")  # 李娜 owns; order now 张伟, 刘洋, 小陈, 李娜
    office.on(3)
    office.away(LI)
    r = office.visit(ZHANGSAN)
    assert (r["route"], r["advisor"], r["owner"], r["turn"]) == ("duty", ZHANG, LI, False)
    assert r["notified"] == [LI]
    duty = reason(r["reasons"], "owner_absent_duty")
    assert duty.rule == "R3.2"
    assert duty.data["owner"] == LI and duty.data["advisor"] == ZHANG and duty.data["volume"] == "high"
    assert reason(r["reasons"], "duty_no_followup").rule == "R3.4"
    # by default a duty reception does not use up a turn
    assert office.sv.roster.show(actor=PM)["next"] == ZHANG

    items = office.inbox(LI)
    assert [(n["kind"], n["rule"]) for n in items] == [("duty_reception", "R3.2")]
    assert items[0]["data"]["advisor"] == ZHANG
    assert items[0]["data"]["entry"] == "visit#2"
    # the client stays the owner's, and a duty reception is not the owner's contact (R2.2)
    own = office.owner(ZHANGSAN)
    assert own["owner"] == LI and own["protected_through"] == nov(8)


def test_owner_away_low_volume_duty_goes_round_in_reverse_order(office):
    office.sv.staff.settings("volume_mode", "low", actor=PM)
    office.visit(ZHANGSAN, name="张三")  # rotation → 李娜
    office.on(3)
    office.away(LI)
    # reverse of 李娜, 张伟, 刘洋, 小陈 — the trainee in induction is skipped: 刘洋, then 张伟
    r = office.visit(ZHANGSAN)
    assert (r["route"], r["advisor"], r["owner"], r["turn"]) == ("duty", LIU, LI, False)
    assert reason(r["reasons"], "owner_absent_duty").data["volume"] == "low"
    assert reason(r["reasons"], "next_in_rotation").rule == "R3.2"
    assert r["notified"] == [LI]
    assert office.inbox_kinds(LI) == [("duty_reception", "R3.2")]
    r2 = office.visit(ZHANGSAN)
    assert (r2["route"], r2["advisor"]) == ("duty", ZHANG)
    # the rotation proper did not move
    assert office.sv.roster.show(actor=PM)["next"] == ZHANG


# ---------------------------------------------------------------- R3.5 asks for an advisor


def test_new_client_asking_for_an_advisor_is_theirs_not_a_turn(office):
    r = office.visit(ZHANGSAN, name="张三", asks_for=LIU)
    assert (r["route"], r["advisor"], r["owner"], r["turn"]) == ("requested", LIU, LIU, False)
    assert reason(r["reasons"], "asked_for").rule == "R3.5"
    assert office.sv.roster.show(actor=PM)["next"] == LI
    assert office.owner(ZHANGSAN)["owner"] == LIU


def test_asking_for_another_while_one_holds_is_a_crossing_and_pm_is_told(office):
    office.visit(ZHANGSAN, name="张三")  # 李娜 holds
    office.on(3)
    r = office.visit(ZHANGSAN, asks_for=ZHANG)
    assert r["route"] == "crossing"
    assert r["crossing"] is not None
    assert r["advisor"] == LI and r["owner"] == LI  # the holder, present, serves; ownership unchanged
    assert PM in r["notified"] and LI in r["notified"]
    held = reason(r["reasons"], "asked_for_held")
    assert held.rule == "R3.5" and held.data == {"advisor": ZHANG, "holder": LI}

    assert ("crossing_opened", "R4") in office.inbox_kinds(PM)
    cases = office.sv.crossings.list(actor=PM)
    assert len(cases) == 1
    case = cases[0]
    assert (case["crossing"], case["holder"], case["claimant"], case["status"]) == (r["crossing"], LI, ZHANG, "open")
    assert office.owner(ZHANGSAN)["owner"] == LI


# ---------------------------------------------------------------- R2.4 referrals


def _referral(office, day: int = 2) -> None:
    """张伟 owns 李四 (the old client, by a call on the 1st); on `day` he pre-registers 张三, referred by 李四."""
    office.sv.reception.call(LISI, name="李四", actor=ZHANG)
    office.on(day)
    c = office.sv.reception.call(ZHANGSAN, name="张三", referred_by=LISI, actor=ZHANG)
    assert c["referral"] is True
    assert c["owner"] is None  # a referral pre-registration is a claim, not yet ownership
    assert reason(c["reasons"], "referral_claim").rule == "R2.4"


def test_referral_asking_for_the_advisor_within_the_window_is_theirs(office):
    _referral(office, day=2)
    assert office.owner(ZHANGSAN)["owner"] is None
    office.on(9)  # the pre-registration on the 2nd counts through the 9th (N = 7)
    r = office.visit(ZHANGSAN, asks_for=ZHANG)
    assert (r["route"], r["advisor"], r["owner"], r["turn"]) == ("requested", ZHANG, ZHANG, False)
    honoured = reason(r["reasons"], "referral_honoured")
    assert honoured.rule == "R2.4" and honoured.data["advisor"] == ZHANG and honoured.data["date"] == nov(2)
    assert office.owner(ZHANGSAN)["owner"] == ZHANG


def test_referral_after_the_window_is_routed_by_r3_5_like_anyone(office):
    """R2.4: once expired, a person asking for the referrer is routed by R3.5 — never worse off."""
    _referral(office, day=2)
    office.on(10)  # one day past the window (2nd + 7 = 9th)
    r = office.visit(ZHANGSAN, asks_for=ZHANG)
    assert reason(r["reasons"], "referral_expired").rule == "R2.4"
    assert reason(r["reasons"], "asked_for").rule == "R3.5"
    assert (r["route"], r["advisor"], r["owner"], r["turn"]) == ("requested", ZHANG, ZHANG, False)


def test_referral_not_asking_for_the_advisor_is_an_independent_client(office):
    _referral(office, day=2)
    office.on(4)
    r = office.visit(ZHANGSAN)
    assert (r["route"], r["advisor"], r["owner"]) == ("rotation", LI, LI)
    assert reason(r["reasons"], "referral_not_asked").rule == "R2.4"


def test_referral_preregistration_only_by_the_old_clients_advisor(office):
    office.sv.reception.call(LISI, name="李四", actor=ZHANG)
    with pytest.raises(Refused) as exc:
        office.sv.reception.call(ZHANGSAN, referred_by=LISI, actor=LIU)
    assert exc.value.reason.rule == "R2.4"


# ---------------------------------------------------------------- R4.1 "visited before" without a record


def test_visited_before_without_registration_is_new_and_pm_is_told(office):
    r = office.visit(ZHANGSAN, name="张三", visited_before=True, saw=LIU)
    assert (r["route"], r["advisor"], r["owner"]) == ("rotation", LI, LI)
    assert r["notified"] == [PM]
    note = reason(r["reasons"], "visited_before_no_record")
    assert note.rule == "R4.1" and note.data == {"saw": LIU}
    items = office.inbox(PM)
    assert [(n["kind"], n["rule"]) for n in items] == [("claim_without_registration", "R4.1")]
    assert items[0]["data"]["saw"] == LIU
    # a registered client answering "visited before" is no news for the PM
    office.on(2)
    r2 = office.visit(ZHANGSAN, visited_before=True)
    assert r2["route"] == "owner" and r2["notified"] == []


# ---------------------------------------------------------------- R5.3/R5.4 trainee alone


def test_only_the_trainee_present_receives_and_the_mentor_is_told(office):
    office.away(LI, ZHANG, LIU)
    r = office.visit(ZHANGSAN, name="张三")
    assert (r["route"], r["advisor"], r["owner"], r["turn"]) == ("trainee-solo", CHEN, CHEN, False)
    assert r["notified"] == [LI]
    assert reason(r["reasons"], "trainee_solo").rule == "R5.3"
    assert reason(r["reasons"], "mentor_told").data == {"advisor": CHEN, "mentor": LI}
    items = office.inbox(LI)
    assert [(n["kind"], n["rule"]) for n in items] == [("trainee_reception", "R5.4")]
    assert items[0]["data"]["trainee"] == CHEN
    # not a turn: the trainee stays in shadow in the order
    assert office.sv.roster.show(actor=PM)["order"] == [LI, ZHANG, LIU, CHEN]


def test_nobody_present_is_refused_and_nothing_is_written(office):
    office.away(LI, ZHANG, LIU)
    office.sv.roster.set([LI, ZHANG, LIU], actor=PM)  # the trainee off the roster today
    with pytest.raises(Refused) as exc:
        office.visit(ZHANGSAN)
    assert exc.value.reason.code == "nobody_present"
    assert office.count("registerentry") == 0


# ---------------------------------------------------------------- PM override


def test_pm_override_assigns_another_advisor_with_reason(office):
    r = office.visit(ZHANGSAN, name="张三", assign=LIU)
    assert (r["route"], r["advisor"], r["owner"], r["turn"]) == ("rotation", LIU, LIU, True)
    ov = reason(r["reasons"], "pm_override")
    assert ov.rule == "R3" and ov.data == {"proposed": LI, "chosen": LIU}
    show = office.sv.roster.show(actor=PM)
    assert show["order"] == [LI, ZHANG, CHEN, LIU] and show["next"] == LI
    data = office.rows("SELECT data FROM registerentry WHERE number = 1")[0][0]
    assert '"override": true' in data


def test_assign_by_a_non_pm_is_refused(office):
    with pytest.raises(Refused) as exc:
        office.visit(ZHANGSAN, assign=LIU, actor=LI)
    assert exc.value.exit_code == 1
    assert exc.value.reason.rule == "R3" and exc.value.reason.code == "pm_only"
    assert office.count("registerentry") == 0


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize("kw, field", [
    ({"phone": "12345"}, "phone"),
    ({"phone": "138-0013-800a"}, "phone"),
    ({"phone": ZHANGSAN, "asks_for": "无名氏"}, "asks_for"),
    ({"phone": ZHANGSAN, "name": "张" * 101}, "name"),
    ({"phone": ZHANGSAN, "actor": None}, "as"),
])
def test_visit_bad_input_names_the_field(office, kw, field):
    kw = {"actor": PM, **kw}
    phone = kw.pop("phone")
    with pytest.raises(BadInput) as exc:
        office.sv.reception.visit(phone, **kw)
    assert exc.value.exit_code == 2 and exc.value.field == field
    assert office.count("registerentry") == 0


def test_phone_forms_find_one_client(office):
    office.visit("+86 138 0013 8000", name="张三")
    r = office.visit("138-0013-8000")
    assert r["route"] == "owner" and r["client"] == 1
    assert office.count("client") == 1


def test_reasons_name_staff_not_ids(office):
    r = office.visit(ZHANGSAN)
    for rs in r["reasons"]:
        for k in ("advisor", "owner"):
            if k in rs.data:
                assert isinstance(rs.data[k], str), rs
    assert "R2.2" in rules_of(r["reasons"]) and "not_registered" in codes_of(r["reasons"])
