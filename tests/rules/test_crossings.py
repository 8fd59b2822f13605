"""Crossings (业务交叉) — R4.1–R4.4, R8.

A is the advisor with the earlier register entry, B the later. N = 7 unless stated.
R4.2: A's last valid contact within N days before B's claim → A keeps (counted as in R2.2:
a contact on D covers B's entry through D+N). R4.3: beyond that → B keeps.
"""

from __future__ import annotations

import pytest

from frontdesk.rules.crossings import DEAL_CLAIM_DAYS, propose

from .conftest import LI, N, WANG, claim, codes, day, deal, rules_cited

# (a, b, days, winner, decisive rule)
CASES = [
    pytest.param(claim(LI, 1), claim(WANG, None), N, LI, "R4.1", id="R4.1-later-without-registration-drops-out"),
    pytest.param(claim(LI, None), claim(WANG, 20), N, WANG, "R4.1", id="R4.1-earlier-without-registration-drops-out"),
    pytest.param(claim(LI, 1, last=10), claim(WANG, 15), N, LI, "R4.2", id="R4.2-earlier-kept-up"),
    pytest.param(claim(LI, 1), claim(WANG, 8), N, LI, "R4.2", id="R4.2-boundary-day-N"),
    pytest.param(claim(LI, 1), claim(WANG, 9), N, WANG, "R4.3", id="R4.3-boundary-day-N+1"),
    pytest.param(claim(LI, 1), claim(WANG, 30), N, WANG, "R4.3", id="R4.3-earlier-lapsed-long-ago"),
    pytest.param(claim(LI, 1, last=6), claim(WANG, 13), N, LI, "R4.2", id="R4.2-last-contact-counts-day-N"),
    pytest.param(claim(LI, 1, last=6), claim(WANG, 14), N, WANG, "R4.3", id="R4.3-last-contact-day-N+1"),
    pytest.param(claim(LI, 1), claim(WANG, 4), 3, LI, "R4.2", id="R4.2-project-N3-day-N"),
    pytest.param(claim(LI, 1), claim(WANG, 5), 3, WANG, "R4.3", id="R4.3-project-N3-day-N+1"),
    pytest.param(claim(LI, 5, seq=0), claim(WANG, 5, seq=1), N, LI, "R4.2", id="R4.1-same-day-earlier-entry-first"),
]


@pytest.mark.parametrize(("a", "b", "days", "winner", "rule"), CASES)
def test_propose(a, b, days, winner, rule):
    for x, y in ((a, b), (b, a)):  # the order of the arguments does not matter (R4.1: the registers decide)
        p = propose(x, y, days)
        assert p.winner == winner
        assert p.decidable
        assert rule in rules_cited(p.reasons)


def test_no_registration_reason_names_the_advisor():
    p = propose(claim(LI, 1), claim(WANG, None), N)
    dropped = [r for r in p.reasons if r.code == "no_registration"]
    assert [(r.rule, r.data) for r in dropped] == [("R4.1", {"advisor": WANG})]


def test_kept_up_reason_carries_the_dates():
    p = propose(claim(LI, 1, last=10), claim(WANG, 15), N)
    order = [r for r in p.reasons if r.code == "order"][0]
    assert (order.rule, order.data["a"], order.data["b"]) == ("R4.1", LI, WANG)
    assert (order.data["a_date"], order.data["b_date"]) == (day(1), day(15))
    kept = [r for r in p.reasons if r.rule == "R4.2"][0]
    assert kept.data["last_contact"] == day(10)
    assert kept.data["claim_date"] == day(15)
    assert kept.data["protected_through"] == day(17)
    assert kept.data["gap"] == 5


def test_lapsed_reason_carries_the_dates():
    p = propose(claim(LI, 1), claim(WANG, 9), N)
    lapsed = [r for r in p.reasons if r.rule == "R4.3"][0]
    assert (lapsed.data["last_contact"], lapsed.data["claim_date"], lapsed.data["gap"]) == (day(1), day(9), 8)


@pytest.mark.parametrize(("a", "b"), [
    pytest.param(claim(LI, 5), claim(WANG, 5), id="R8-same-timestamp-undecidable"),
    pytest.param(claim(LI, None), claim(WANG, None), id="R8-neither-registered-undecidable"),
])
def test_undecidable(a, b):
    p = propose(a, b, N)
    assert p.winner is None
    assert not p.decidable
    assert ("R8", "undecidable") in [(r.rule, r.code) for r in p.reasons]


def test_neither_registered_both_drop_out():
    p = propose(claim(LI, None), claim(WANG, None), N)
    assert codes(p.reasons).count("no_registration") == 2


# ---------------------------------------------------------------- after a deal (R4.4)

# LI registered on the 1st and followed up on the 9th; WANG registered on the 10th and closed
# the deal that day. Within the claim window the ordinary rules give LI the client (R4.2).
LI_CLAIM, WANG_CLAIM, DEAL = claim(LI, 1, last=9), claim(WANG, 10), deal(10, closer=WANG)


@pytest.mark.parametrize(("claim_day", "winner", "rule"), [
    pytest.param(10, LI, "R4.2", id="R4.4-claim-on-deal-day-heard"),
    pytest.param(17, LI, "R4.2", id="R4.4-claim-day-7-after-deal-heard"),
    pytest.param(18, WANG, "R4.4", id="R4.4-claim-day-8-after-deal-closer-keeps"),
    pytest.param(40, WANG, "R4.4", id="R4.4-claim-long-after-deal-closer-keeps"),
])
def test_claim_after_deal(claim_day, winner, rule):
    p = propose(LI_CLAIM, WANG_CLAIM, N, claim_day=day(claim_day), deal=DEAL)
    assert p.winner == winner
    assert p.decidable
    assert rule in rules_cited(p.reasons)


def test_claim_after_deal_reason():
    p = propose(LI_CLAIM, WANG_CLAIM, N, claim_day=day(18), deal=DEAL)
    assert DEAL_CLAIM_DAYS == 7
    (r,) = p.reasons
    assert (r.rule, r.code) == ("R4.4", "claim_after_deal_window")
    assert (r.data["deal_date"], r.data["last_day"], r.data["claim_date"], r.data["closer"]) == (
        day(10), day(17), day(18), WANG)


def test_late_claim_beats_even_undecidable_order():
    """R4.4 first: more than 7 days after the deal the closer takes it whatever the registers say."""
    p = propose(claim(LI, 5), claim(WANG, 5), N, claim_day=day(30), deal=deal(10, closer=WANG))
    assert (p.winner, p.decidable) == (WANG, True)
