"""The protection window end to end (R2.2) and follow-ups (R2.1, R3.4, R1.1)."""

from __future__ import annotations

import pytest

from frontdesk.services.errors import BadInput, Refused

from .conftest import LI, LISI, LIU, PM, ZHANG, ZHANGSAN, nov, reason


def test_seed_example_received_on_the_1st_owned_on_the_8th_lapsed_on_the_9th(office):
    r = office.visit(ZHANGSAN, name="张三")
    assert r["owner"] == LI

    office.on(8)
    own = office.owner(ZHANGSAN)
    assert own["owner"] == LI
    assert own["protected_through"] == nov(8)
    assert own["lapses_on"] == nov(9)
    assert own["days_left"] == 0
    head = reason(own["reasons"], "owned")
    assert head.rule == "R2.2" and head.data["last_contact"] == nov(1) and head.data["entry"] == "visit#1"

    office.on(9)
    own = office.owner(ZHANGSAN)
    assert own["owner"] is None
    assert own["previous_owner"] == LI
    assert own["protected_through"] is None
    assert reason(own["reasons"], "lapsed").data["lapses_on"] == nov(9)

    # who owned it on the 3rd is still answered as of that day
    assert office.owner(ZHANGSAN, as_of="2026-11-03")["owner"] == LI

    # a lapsed client goes to the next in rotation, who owns it from this registration
    r = office.visit(ZHANGSAN)
    assert (r["route"], r["advisor"], r["owner"], r["turn"]) == ("rotation", ZHANG, ZHANG, True)
    own = office.owner(ZHANGSAN)
    assert own["owner"] == ZHANG and own["protected_through"] == nov(16)
    # history keeps the earlier owner
    owners = [e["owner"] for e in office.sv.records.history(ZHANGSAN, actor=PM)["entries"]]
    assert owners == [LI, ZHANG]


def test_owner_lookup_of_unknown_phone(office):
    own = office.owner(LISI)
    assert own["client"] is None and own["owner"] is None
    assert reason(own["reasons"], "not_registered").rule == "R2.2"


def test_reached_followup_by_the_owner_moves_the_window(office):
    office.visit(ZHANGSAN, name="张三")
    office.on(5)
    f = office.sv.records.followup(ZHANGSAN, "reached", note="约周六看样板间", score=7, actor=LI)
    assert f["valid"] is True
    assert f["protected_through"] == nov(12)
    assert reason(f["reasons"], "followup_valid").rule == "R2.2"
    office.on(12)
    assert office.owner(ZHANGSAN)["owner"] == LI
    office.on(13)
    assert office.owner(ZHANGSAN)["owner"] is None
    fus = office.sv.records.history(ZHANGSAN, actor=PM)["followups"]
    assert [(x["day"], x["outcome"], x["valid"], x["score"]) for x in fus] == [(nov(5), "reached", True, 7)]


def test_unreachable_followup_counts_only_once_the_pm_verifies_it(office):
    office.visit(ZHANGSAN, name="张三")
    office.on(5)
    f = office.sv.records.followup(ZHANGSAN, "unreachable", note="关机", actor=LI)
    assert f["valid"] is False
    assert f["protected_through"] == nov(8)
    assert reason(f["reasons"], "followup_unreachable_pending").rule == "R2.2"
    assert office.owner(ZHANGSAN)["protected_through"] == nov(8)

    with pytest.raises(Refused) as exc:  # only the PM signs
        office.sv.records.verify_followup(f["id"], actor=LI)
    assert exc.value.reason.rule == "R2.2"

    office.on(6)
    v = office.sv.records.verify_followup(f["id"], actor=PM)
    assert v["valid"] is True
    assert v["protected_through"] == nov(12)  # counted from the follow-up's day, the 5th
    assert reason(v["reasons"], "followup_verified").data == {"pm": PM}
    office.on(12)
    assert office.owner(ZHANGSAN)["owner"] == LI
    assert office.count("followupverification") == 1

    with pytest.raises(BadInput) as exc2:  # signed once
        office.sv.records.verify_followup(f["id"], actor=PM)
    assert exc2.value.field == "id"


def test_verifying_a_reached_followup_is_bad_input(office):
    office.visit(ZHANGSAN)
    f = office.sv.records.followup(ZHANGSAN, "reached", actor=LI)
    with pytest.raises(BadInput) as exc:
        office.sv.records.verify_followup(f["id"], actor=PM)
    assert exc.value.field == "id"


def test_duty_advisor_may_not_follow_up_the_client(office):
    office.visit(ZHANGSAN, name="张三")  # 李娜
    office.on(3)
    office.away(LI)
    assert office.visit(ZHANGSAN)["advisor"] == ZHANG  # duty reception
    with pytest.raises(Refused) as exc:
        office.sv.records.followup(ZHANGSAN, "reached", actor=ZHANG)
    assert exc.value.reason.rule == "R3.4"
    assert exc.value.reason.code == "duty_advisor_no_followup"
    assert office.count("followup") == 0
    # the owner still may
    assert office.sv.records.followup(ZHANGSAN, "reached", actor=LI)["valid"] is True


def test_another_advisors_followup_is_refused(office):
    office.visit(ZHANGSAN, name="张三")  # 李娜
    with pytest.raises(Refused) as exc:
        office.sv.records.followup(ZHANGSAN, "reached", actor=LIU)
    assert exc.value.reason.rule == "R2.1"
    assert exc.value.reason.code == "not_owner"
    assert office.count("followup") == 0


def test_owner_cannot_follow_up_a_lapsed_client(office):
    office.visit(ZHANGSAN)
    office.on(9)
    with pytest.raises(Refused) as exc:
        office.sv.records.followup(ZHANGSAN, "reached", actor=LI)
    assert exc.value.reason.rule == "R2.2"
    assert office.owner(ZHANGSAN)["owner"] is None


@pytest.mark.parametrize("kw, field", [
    ({"score": 11}, "score"),
    ({"score": -1}, "score"),
    ({"outcome": "maybe"}, "outcome"),
    ({"phone": LISI}, "phone"),  # no such client
    ({"note": "x" * 2001}, "note"),
])
def test_followup_bad_input(office, kw, field):
    office.visit(ZHANGSAN)
    args = {"phone": ZHANGSAN, "outcome": "reached", "actor": LI, **kw}
    with pytest.raises(BadInput) as exc:
        office.sv.records.followup(args.pop("phone"), args.pop("outcome"), **args)
    assert exc.value.field == field and exc.value.exit_code == 2
    assert office.count("followup") == 0


def test_protection_days_setting_changes_the_window(office):
    office.sv.staff.settings("protection_days", "3", actor=PM)
    office.visit(ZHANGSAN)
    assert office.owner(ZHANGSAN)["protected_through"] == nov(4)
    office.on(5)
    assert office.owner(ZHANGSAN)["owner"] is None
