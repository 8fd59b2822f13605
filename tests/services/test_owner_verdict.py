"""The greeter's fast owner verdict (R2.2): sv.reception.owner_verdict, the answer painted as the
phone's last digit lands — the same owner, window and rule line as the routing card that follows."""

from __future__ import annotations

import pytest

from frontdesk.services.errors import BadInput

from .conftest import LI, LISI, PM, ZHANG, ZHANGSAN, nov, reason


def test_an_unknown_phone_is_not_registered_and_nothing_is_written(office):
    before = office.counts("registerentry", "client", "rosterevent")
    v = office.sv.reception.owner_verdict(ZHANGSAN, actor=PM)
    assert (v["client"], v["owner"], v["present"], v["previous_owner"], v["protected_through"]) == \
        (None, None, None, None, None)
    assert [(r.rule, r.code) for r in v["reasons"]] == [("R2.2", "not_registered")]
    assert office.counts("registerentry", "client", "rosterevent") == before


def test_an_owned_client_names_the_owner_the_window_and_the_register_entry(office):
    office.visit(ZHANGSAN, name="张三", actor=LI)  # 李娜 is next: she owns 张三 from visit#1
    office.on(3)
    v = office.sv.reception.owner_verdict(ZHANGSAN, actor=ZHANG)
    assert (v["owner"], v["present"], v["protected_through"], v["days_left"], v["last_ref"]) == \
        (LI, True, nov(8), 5, "visit#1")
    head = reason(v["reasons"], "owned")
    assert head.rule == "R2.2"
    assert (head.data["owner"], head.data["entry"], head.data["last_contact"]) == (LI, "visit#1", nov(1))
    # the routing card that follows says the same
    card = office.sv.reception.preview(ZHANGSAN, actor=ZHANG)
    assert (card["owner"], card["protected_through"], card["days_left"], card["client"]) == \
        (v["owner"], v["protected_through"], v["days_left"], v["client"])


def test_an_owner_marked_away_is_shown_away(office):
    office.visit(ZHANGSAN, actor=LI)
    office.away(LI)
    v = office.sv.reception.owner_verdict(ZHANGSAN, actor=PM)
    assert (v["owner"], v["present"]) == (LI, False)


def test_a_lapsed_client_has_no_owner_and_names_the_last_holder(office):
    office.visit(ZHANGSAN, actor=LI)
    office.on(9)  # contact on the 1st, 7 days: protected through the 8th, lapsed on the 9th
    v = office.sv.reception.owner_verdict(ZHANGSAN, actor=PM)
    assert (v["owner"], v["present"], v["previous_owner"], v["days_left"]) == (None, None, LI, None)
    assert reason(v["reasons"], "lapsed").data["lapses_on"] == nov(9)
    assert office.sv.reception.preview(ZHANGSAN, actor=PM)["previous_owner"] == LI


def test_a_phone_that_is_not_a_phone_is_bad_input_naming_the_field(office):
    with pytest.raises(BadInput) as exc:
        office.sv.reception.owner_verdict("12345", actor=PM)
    assert exc.value.field == "phone"
    assert office.sv.reception.owner_verdict(LISI, actor=PM)["owner"] is None
