"""Client records: who may see a history (R2.1) and household links (R2.5)."""

from __future__ import annotations

import pytest

from frontdesk.services.errors import BadInput, Refused

from .conftest import LI, LISI, LIU, PM, PM_PIN, WANGWU, ZHANG, ZHANGSAN, nov, reason


def _client_of_li(office):
    office.visit(ZHANGSAN, name="张三")  # 李娜's client
    office.on(2)
    office.sv.records.followup(ZHANGSAN, "reached", note="想要三房", score=6, actor=LI)


# ---------------------------------------------------------------- history (R2.1)


def test_owner_sees_history(office):
    _client_of_li(office)
    h = office.sv.records.history(ZHANGSAN, actor=LI)
    assert h["owner"] == LI and h["protected_through"] == nov(9)
    assert [(e["register"], e["entry"], e["route"], e["advisor"]) for e in h["entries"]] == [("visit", 1, "rotation", LI)]
    assert h["entries"][0]["phone"] == ZHANGSAN  # the owner sees the phone unmasked
    assert [(f["advisor"], f["note"], f["score"]) for f in h["followups"]] == [(LI, "想要三房", 6)]
    assert h["people"] == [{"name": "张三", "relation": "self", "phones": [ZHANGSAN]}]
    assert office.count("viewlog") == 0


def test_pm_sees_any_history(office):
    _client_of_li(office)
    h = office.sv.records.history(ZHANGSAN, actor=PM)
    assert h["owner"] == LI and len(h["entries"]) == 1 and len(h["followups"]) == 1
    assert office.count("viewlog") == 0


def test_another_advisor_is_refused(office):
    _client_of_li(office)
    with pytest.raises(Refused) as exc:
        office.sv.records.history(ZHANGSAN, actor=ZHANG)
    assert exc.value.reason.rule == "R2.1"
    assert exc.value.reason.code == "records_private"
    assert office.count("viewlog") == 0


def test_another_advisor_with_the_pm_witnessing_sees_it_and_the_view_is_logged(office):
    _client_of_li(office)
    office.on(3, "15:30")
    h = office.sv.records.history(ZHANGSAN, actor=ZHANG, witness=PM, witness_pin=PM_PIN)
    assert h["owner"] == LI and len(h["entries"]) == 1
    assert reason(h["reasons"], "witnessed_view").data == {"witness": PM}
    assert h["entries"][0]["phone"] == "138****8000"  # still masked for a non-owner
    rows = office.rows("SELECT v.name, w.name, l.client_id, l.purpose, l.at FROM viewlog l "
                       "JOIN staff v ON v.id = l.viewer_id JOIN staff w ON w.id = l.witness_id")
    assert rows == [(ZHANG, PM, h["client"], "history", "2026-11-03 07:30:00.000000")]


def test_witnessed_view_with_wrong_pin_is_refused_and_not_logged(office):
    _client_of_li(office)
    with pytest.raises(Refused) as exc:
        office.sv.records.history(ZHANGSAN, actor=ZHANG, witness=PM, witness_pin="9999")
    assert exc.value.reason.rule == "R2.1" and exc.value.reason.code == "wrong_pin"
    with pytest.raises(Refused):
        office.sv.records.history(ZHANGSAN, actor=ZHANG, witness=PM, witness_pin=None)
    assert office.count("viewlog") == 0


def test_witness_must_be_a_pm(office):
    _client_of_li(office)
    office.sv.staff.set_pin(LIU, "5791", actor=PM)
    with pytest.raises(BadInput) as exc:
        office.sv.records.history(ZHANGSAN, actor=ZHANG, witness=LIU, witness_pin="5791")
    assert exc.value.field == "witness"
    assert office.count("viewlog") == 0


# ---------------------------------------------------------------- link (R2.5)


def test_pm_links_a_new_phone_into_a_client(office):
    office.visit(ZHANGSAN, name="张三")  # 李娜
    r = office.sv.records.link(ZHANGSAN, LISI, "spouse", actor=PM)
    assert r["owner"] == LI and r["crossing"] is None
    assert reason(r["reasons"], "linked").data == {"relation": "spouse"}
    own = office.owner(LISI)
    assert own["client"] == r["client"] and own["owner"] == LI and own["protected_through"] == nov(8)
    # the spouse walking in is the owner's client, not a rotation turn
    office.on(3)
    v = office.visit(LISI)
    assert (v["route"], v["advisor"], v["client"]) == ("owner", LI, r["client"])
    assert office.rows("SELECT relation FROM clientlink") == [("spouse",)]
    assert office.count("client") == 1


def test_linking_two_clients_with_different_owners_opens_a_crossing(office):
    office.visit(ZHANGSAN, name="张三")  # 李娜, 1st
    office.on(2)
    office.visit(LISI, name="李四")  # 张伟, 2nd
    office.on(3)
    r = office.sv.records.link(ZHANGSAN, LISI, "parent", actor=PM)
    assert r["crossing"] is not None
    assert reason(r["reasons"], "link_crossing").data == {"holder": LI, "claimant": ZHANG}
    # the earlier registration (the 1st) kept up within N days of the later (the 2nd): R4.2
    kept = reason(r["reasons"], "earlier_kept_up")
    assert kept.rule == "R4.2" and kept.data["a"] == LI and kept.data["b"] == ZHANG
    assert kept.data["last_contact"] == nov(1) and kept.data["claim_date"] == nov(2)
    cases = office.sv.crossings.list(actor=PM)
    assert [(c["crossing"], c["holder"], c["claimant"], c["proposal"]["winner"]) for c in cases] == [
        (r["crossing"], LI, ZHANG, LI)]
    assert ("crossing_opened", "R4") in office.inbox_kinds(PM)
    # both phones now find one client
    assert office.owner(LISI)["client"] == office.owner(ZHANGSAN)["client"] == r["client"]


def test_linking_two_clients_of_one_owner_is_no_crossing(office):
    office.visit(ZHANGSAN, asks_for=LIU)
    office.visit(LISI, asks_for=LIU)
    r = office.sv.records.link(ZHANGSAN, LISI, "child", actor=PM)
    assert r["crossing"] is None and r["owner"] == LIU
    assert office.count("crossing") == 0


def test_link_by_a_non_pm_is_refused(office):
    office.visit(ZHANGSAN)
    with pytest.raises(Refused) as exc:
        office.sv.records.link(ZHANGSAN, LISI, "spouse", actor=LI)
    assert exc.value.reason.rule == "R2.5"
    assert office.counts("clientlink", "phone", "person") == {"clientlink": 0, "phone": 1, "person": 1}


@pytest.mark.parametrize("other, relation, field", [
    (LISI, "cousin", "relation"),
    ("123", "spouse", "phone2"),
    (ZHANGSAN, "spouse", "phone2"),  # already one client
])
def test_link_bad_input(office, other, relation, field):
    office.visit(ZHANGSAN)
    with pytest.raises(BadInput) as exc:
        office.sv.records.link(ZHANGSAN, other, relation, actor=PM)
    assert exc.value.field == field
    assert office.count("clientlink") == 0


def test_link_needs_an_existing_first_phone(office):
    with pytest.raises(BadInput) as exc:
        office.sv.records.link(WANGWU, LISI, "spouse", actor=PM)
    assert exc.value.field == "phone"
