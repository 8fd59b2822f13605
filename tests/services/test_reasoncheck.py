"""The reason checker itself (tests/reasoncheck.py): it passes true reasons and catches each kind
of false one — a cited entry that does not exist, of another advisor, of another date, of the
wrong register, and a denial of an entry that exists (R4.1, R2.2, R2.4)."""

from __future__ import annotations

import pytest
import reasoncheck

from frontdesk.rules.reasons import Reason

from .conftest import LI, LISI, PM, ZHANG, ZHANGSAN, nov


@pytest.fixture
def desk(office):
    """李娜 registers 张三 on the 1st (visit#1); 张伟 registers 李四's call on the 2nd (call#1) and
    answers 张三's call on the 3rd, a client 李娜 holds (call#2, route "held")."""
    office.visit(ZHANGSAN, name="张三")
    office.on(2)
    office.sv.reception.call(LISI, name="李四", actor=ZHANG)
    office.on(3)
    office.sv.reception.call(ZHANGSAN, actor=ZHANG)
    client = office.owner(ZHANGSAN)["client"]
    return office, client


def check(office, client, *reasons):  # noqa: ANN001, ANN002, ANN201
    return reasoncheck.problems(reasoncheck.Registers(office.rows), list(reasons), client=client)


def test_true_reasons_pass(desk):
    office, client = desk
    own = office.owner(ZHANGSAN)
    assert check(office, client, *own["reasons"]) == []
    assert check(office, client, Reason("R4.1", "order", {"a": LI, "a_date": nov(1), "a_entry": "visit#1",
                                                          "b": ZHANG, "b_date": nov(3), "b_entry": "call#2"})) == []


@pytest.mark.parametrize(("reason", "says"), [
    pytest.param(Reason("R2.2", "owned", {"owner": LI, "last_contact": nov(1), "entry": "visit#9"}),
                 "no such entry", id="cites-a-missing-entry"),
    pytest.param(Reason("R2.2", "owned", {"owner": ZHANG, "last_contact": nov(1), "entry": "visit#1"}),
                 "said to be 张伟's", id="cites-another-advisors-entry"),
    pytest.param(Reason("R2.2", "owned", {"owner": LI, "last_contact": nov(2), "entry": "visit#1"}),
                 "said to be of 2026-11-02", id="cites-the-wrong-date"),
    pytest.param(Reason("R4.1", "order", {"a": LI, "a_date": nov(1), "a_entry": "visit#1",
                                          "b": ZHANG, "b_date": nov(2), "b_entry": "call#1"}),
                 "another client's entry", id="cites-another-clients-entry"),
    pytest.param(Reason("R2.4", "referral_expired", {"advisor": LI, "date": nov(1), "entry": "visit#1"}),
                 "not a referral pre-registration", id="referral-cites-a-visit"),
    pytest.param(Reason("R4.1", "no_registration", {"advisor": ZHANG}),
                 "张伟 has ['call#2']", id="denies-the-held-call-R4.1"),
    pytest.param(Reason("R4.1", "no_registration", {"advisor": LI}),
                 "李娜 has ['visit#1']", id="denies-the-registration-R4.1"),
    pytest.param(Reason("R2.2", "not_registered", {}), "has registrations", id="denies-any-registration-R2.2"),
])
def test_false_reasons_are_caught(desk, reason, says):
    office, client = desk
    bad = check(office, client, reason)
    assert bad and says in bad[0], bad


def test_the_watch_fails_a_service_that_returns_a_false_reason(desk, monkeypatch):
    """The services tests' hook raises when a result's reasons contradict the registers."""
    office, _client = desk
    from frontdesk.services import clientbook

    real = clientbook.ownership

    def lying(*a, **kw):  # noqa: ANN002, ANN003, ANN202
        own = real(*a, **kw)
        head = own.reasons[0]
        if head.code == "owned":
            head = Reason(head.rule, head.code, {**head.data, "entry": "call#1"})
        return type(own)(**{**own.__dict__, "reasons": (head, *own.reasons[1:])})

    monkeypatch.setattr(clientbook, "ownership", lying)
    with pytest.raises(AssertionError, match="not true to the registers"):
        office.owner(ZHANGSAN, actor=PM)
