"""Every reason true to the registers, over the demo office (issue 15, item 3; SPEC "What every
decision shows": which rule, which dates, which register entries).

The demo (frontdesk/demo.py) replays a month of an office through the services. Here every
client's ownership answer, a routing card for each client (a preview: nothing written) and
every crossing proposal are checked by tests/reasoncheck.py against the raw registers.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
import reasoncheck
from dbkit import rows

from frontdesk.demo import load_demo
from frontdesk.services import Clock, open_services

PM = "王经理"
TODAY = date(2026, 11, 27)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    load_demo(str(path), TODAY)
    sv = open_services(str(path), Clock(fixed_local=datetime(2026, 11, 27, 9, 0)))
    q = lambda sql, params=(): rows(path, sql, params)  # noqa: E731
    reasoncheck.watch(sv)  # every answer below is checked as it is returned
    yield sv, q
    sv.close()


def phones(q) -> list[str]:  # noqa: ANN001
    return [p for (p,) in q("SELECT MIN(e164) FROM phone GROUP BY person_id ORDER BY MIN(e164)")]


def test_every_clients_ownership_answer_is_true(demo):
    sv, q = demo
    answered = [sv.records.owner(p, actor=PM) for p in phones(q)]
    assert len(answered) >= 55  # the demo's clients and their people
    assert sum(a["owner"] is not None for a in answered) >= 10  # owned ones cite their entries
    cited = [r for a in answered for r in a["reasons"] if r.data.get("entry")]
    assert len(cited) >= 10


def test_every_ownership_answer_as_of_a_past_day_is_true(demo):
    sv, q = demo
    for p in phones(q)[:20]:
        sv.records.owner(p, actor=PM, as_of="2026-11-15")


def test_a_routing_card_for_each_client_is_true(demo):
    sv, q = demo
    routed = [sv.reception.preview(p, actor=PM) for p in phones(q)]
    assert {r["route"] for r in routed} >= {"owner", "rotation"}


def test_every_crossing_proposal_is_true(demo):
    sv, q = demo
    cases = sv.crossings.list(actor=PM)
    assert cases and all(c["proposal"]["reasons"] for c in cases)


def test_the_demo_registers_hold_what_the_checker_reads(demo):
    """The check can fail: a reason naming an entry the registers do not hold is caught."""
    from frontdesk.rules.reasons import Reason

    _sv, q = demo
    reg = reasoncheck.Registers(q)
    [(client,)] = q("SELECT client_id FROM registerentry WHERE book = 'visit' AND number = 1")
    bad = reasoncheck.problems(reg, [Reason("R2.2", "owned", {"entry": "visit#99999", "owner": PM})], client=client)
    assert bad and "no such entry" in bad[0]
