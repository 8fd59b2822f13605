"""Credit invariants, checked with hypothesis over random valid deal facts (P2, R6, R1.1, R3.2, R8).

For every valid set of facts (a large deal carries the PM's decision; assisted shares sum to
100): either the deal carries "no credit" with no shares at all (R8), or the shares'
percentages sum to exactly 100 and their amounts to exactly the credited base, in whole cents,
one share per advisor.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from frontdesk.rules.credit import ALONE, ASSIST, CreditRefused, DealFacts, Transfer, credit, is_large, money

RULES = settings(deadline=None, max_examples=300)
CENT = Decimal("0.01")
DEAL_DAY = date(2026, 12, 10)
ADVISORS = st.integers(1, 6)  # few ids, so owner, closer, moved, reporter and duty advisor often coincide

cents = st.integers(1, 100_000_000_000).map(lambda n: Decimal(n) * CENT)  # 0.01 … 1,000,000,000.00
thresholds = st.sampled_from([Decimal("1000000.00"), Decimal("500000.00"), Decimal("2000000.00"), Decimal("0.01")])


@st.composite
def pm_shares(draw) -> dict[int, Decimal]:
    """The PM's shares by contribution: 1–4 advisors, two decimals, summing to exactly 100."""
    who = draw(st.lists(ADVISORS, min_size=1, max_size=4, unique=True))
    cuts = sorted(draw(st.lists(st.integers(1, 9999), min_size=len(who) - 1, max_size=len(who) - 1, unique=True)))
    bounds = [0, *cuts, 10000]
    return {a: Decimal(bounds[i + 1] - bounds[i]) * CENT for i, a in enumerate(who)}


@st.composite
def deal_facts(draw) -> DealFacts:
    amount = draw(cents)
    threshold = draw(thresholds)
    decision, shares = None, None
    if is_large(amount, threshold):
        decision = draw(st.sampled_from([ALONE, ASSIST]))
        if decision == ASSIST:
            shares = draw(pm_shares())
    transfer = draw(st.none() | st.builds(lambda a, d: Transfer(a, DEAL_DAY - timedelta(days=d)), ADVISORS,
                                          st.integers(0, 60)))
    return DealFacts(
        amount=amount, day=DEAL_DAY, closer=draw(ADVISORS), owner=draw(st.none() | ADVISORS), threshold=threshold,
        company_rate=Decimal(draw(st.integers(0, 100))), large_decision=decision, assist_shares=shares,
        transfer=transfer, duty_share=Decimal(draw(st.integers(0, 100))), duty_on_spot=draw(st.none() | ADVISORS),
        neither=draw(st.booleans()), referral_reporter=draw(st.none() | ADVISORS))


@RULES
@given(deal_facts())
def test_no_credit_or_shares_sum_to_100_and_amounts_to_the_base(f):
    c = credit(f)
    assert c.large == is_large(f.amount, f.threshold)
    if c.no_credit:
        assert c.shares == ()
        assert f.neither
        assert any(r.rule == "R8" for r in c.reasons)
        return
    assert not f.neither
    assert c.shares, "a credited deal has at least one share"
    assert sum((s.percent for s in c.shares), Decimal(0)) == Decimal(100)
    assert sum((s.amount for s in c.shares), Decimal(0)) == c.base
    assert all(s.amount == s.amount.quantize(CENT) for s in c.shares)
    assert all(s.percent > 0 for s in c.shares)
    assert len({s.advisor for s in c.shares}) == len(c.shares), "one share per advisor"
    assert c.base == c.base.quantize(CENT)
    # the base is the whole amount, except a large deal handled alone at a company rate below 100%
    if c.large and f.large_decision == ALONE:
        assert c.base == money(f.threshold + (f.amount - f.threshold) * f.company_rate / 100)
        assert c.base <= money(f.amount)
    else:
        assert c.base == money(f.amount)
    if c.large and f.large_decision == ASSIST:
        assert {s.advisor: s.percent for s in c.shares} == dict(f.assist_shares)


@RULES
@given(deal_facts())
def test_every_share_amount_is_within_a_cent_per_share_of_its_percentage(f):
    c = credit(f)
    n = len(c.shares)
    for s in c.shares:
        exact = c.base * s.percent / 100
        assert abs(s.amount - exact) <= CENT * n / 2 + CENT, (s, c.base)


@RULES
@given(st.integers(1, 100_000_000_000).map(lambda n: Decimal(n) * CENT), st.sampled_from([Decimal("1000000.00")]),
       st.sampled_from([None, "maybe"]))
def test_a_large_deal_without_the_pm_decision_is_always_refused(amount, threshold, decision):
    f = DealFacts(amount=amount, day=DEAL_DAY, closer=1, owner=2, threshold=threshold, large_decision=decision)
    if not is_large(amount, threshold):
        credit(f)  # no decision needed
        return
    try:
        credit(f)
    except CreditRefused as exc:
        assert (exc.reason.rule, exc.reason.code) == ("P2", "large_needs_pm")
    else:
        raise AssertionError("a large deal without the PM's decision was credited")


@RULES
@given(pm_shares(), st.integers(-500, 500).filter(lambda d: d != 0))
def test_assisted_shares_off_100_are_refused(shares, delta):
    first = next(iter(shares))
    bad = dict(shares)
    bad[first] = bad[first] + Decimal(delta) * CENT
    f = DealFacts(amount=Decimal("1500000.00"), day=DEAL_DAY, closer=1, owner=2, large_decision=ASSIST,
                  assist_shares=bad)
    try:
        credit(f)
    except CreditRefused as exc:
        assert (exc.reason.rule, exc.reason.code) == ("P2", "shares_not_100")
    else:
        raise AssertionError(f"shares summing to {sum(bad.values())} were accepted")
