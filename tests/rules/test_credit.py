"""Performance credit (业绩) on a deal — table-driven over frontdesk.rules.credit.credit().

SPEC: the owner at deal time gets the credit, with the written exceptions, each cited in the
reasons — R6 transfer (≤7 days after the move 100% to the moved advisor, days 8–30 50/50 with
the closer, after day 30 nothing), R1.1 referral (50% to the reporting advisor), R3.2 duty
share (a project setting, default 0), R4.4 (a crossing claim counts only within 7 days of the
deal date), R8 (neither → no credit) and part 2 (large deals: alone → 100% up to the
threshold and the company rate above it; assisted → the PM's shares summing to 100).
Shares always sum to 100% and the amounts to the base, or the deal carries "no credit".
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from frontdesk.rules.credit import ALONE, ASSIST, CreditRefused, DealFacts, Transfer, credit, is_large, money
from frontdesk.rules.crossings import propose

from .conftest import N, claim, day, deal

D = Decimal
OWNER, CLOSER, MOVED, REPORTER, DUTY, PM = 1, 2, 3, 4, 5, 90
DEAL_DAY = date(2026, 12, 10)
MOVE_DAY = date(2026, 11, 10)


def facts(amount: str = "800000", **kw) -> DealFacts:
    kw.setdefault("day", DEAL_DAY)
    kw.setdefault("closer", CLOSER)
    kw.setdefault("owner", OWNER)
    return DealFacts(amount=D(amount), **kw)


def moved(days_after: int) -> Transfer:
    """The owner of the client moved `days_after` days before DEAL_DAY (the move day is not counted)."""
    return Transfer(MOVED, DEAL_DAY - timedelta(days=days_after))


def shares_of(c) -> dict[int, tuple[Decimal, Decimal]]:  # noqa: ANN001
    return {s.advisor: (s.percent, s.amount) for s in c.shares}


def cited(c) -> set[tuple[str, str]]:  # noqa: ANN001
    return {(r.rule, r.code) for r in c.reasons}


def check_sums(c) -> None:  # noqa: ANN001
    if c.no_credit:
        assert c.shares == ()
        return
    assert sum((s.percent for s in c.shares), D(0)) == D(100)
    assert sum((s.amount for s in c.shares), D(0)) == c.base
    assert all(s.amount == s.amount.quantize(D("0.01")) for s in c.shares)


# (facts, expected {advisor: (percent, amount)}, base, the (rule, code) that must be cited)
CASES = [
    # the general rule: the owner at deal time ------------------------------------------
    pytest.param(facts(), {OWNER: (D(100), D("800000.00"))}, D("800000.00"), ("R2.2", "credit_to_owner"),
                 id="R2.2-owner-at-deal-time-gets-all"),
    pytest.param(facts(owner=None), {CLOSER: (D(100), D("800000.00"))}, D("800000.00"),
                 ("R2.2", "credit_to_closer_unowned"), id="R2.2-unowned-client-all-to-closer"),
    pytest.param(facts(owner=CLOSER), {CLOSER: (D(100), D("800000.00"))}, D("800000.00"),
                 ("R2.2", "credit_to_owner"), id="R2.2-owner-closes-own-deal"),
    # R6: transfer windows, counted as in R2.2 (the move day is not counted) --------------
    pytest.param(facts(transfer=moved(0)), {MOVED: (D(100), D("800000.00"))}, D("800000.00"),
                 ("R6", "transfer_full"), id="R6-move-day-100pct-to-moved"),
    pytest.param(facts(transfer=moved(1)), {MOVED: (D(100), D("800000.00"))}, D("800000.00"),
                 ("R6", "transfer_full"), id="R6-day-1-100pct-to-moved"),
    pytest.param(facts(transfer=moved(7)), {MOVED: (D(100), D("800000.00"))}, D("800000.00"),
                 ("R6", "transfer_full"), id="R6-day-7-100pct-to-moved"),
    pytest.param(facts(transfer=moved(8)), {MOVED: (D(50), D("400000.00")), CLOSER: (D(50), D("400000.00"))},
                 D("800000.00"), ("R6", "transfer_half"), id="R6-day-8-50-50-with-closer"),
    pytest.param(facts(transfer=moved(20)), {MOVED: (D(50), D("400000.00")), CLOSER: (D(50), D("400000.00"))},
                 D("800000.00"), ("R6", "transfer_half"), id="R6-day-20-50-50-with-closer"),
    pytest.param(facts(transfer=moved(30)), {MOVED: (D(50), D("400000.00")), CLOSER: (D(50), D("400000.00"))},
                 D("800000.00"), ("R6", "transfer_half"), id="R6-day-30-50-50-with-closer"),
    pytest.param(facts(transfer=moved(31)), {OWNER: (D(100), D("800000.00"))}, D("800000.00"),
                 ("R6", "transfer_over"), id="R6-day-31-nothing-to-moved-owner-gets-all"),
    pytest.param(facts(owner=None, transfer=moved(31)), {CLOSER: (D(100), D("800000.00"))}, D("800000.00"),
                 ("R6", "transfer_over"), id="R6-day-31-unowned-closer-gets-all"),
    pytest.param(facts(owner=CLOSER, transfer=moved(8)),
                 {MOVED: (D(50), D("400000.00")), CLOSER: (D(50), D("400000.00"))}, D("800000.00"),
                 ("R6", "transfer_half"), id="R6-day-8-closer-who-was-reassigned-takes-other-half"),
    # R1.1: a referral to a similar project credits the reporting advisor 50% -------------
    pytest.param(facts(referral_reporter=REPORTER),
                 {REPORTER: (D(50), D("400000.00")), OWNER: (D(50), D("400000.00"))}, D("800000.00"),
                 ("R1.1", "referral_half"), id="R1.1-referral-50pct-to-reporter"),
    pytest.param(facts(owner=None, referral_reporter=REPORTER),
                 {REPORTER: (D(50), D("400000.00")), CLOSER: (D(50), D("400000.00"))}, D("800000.00"),
                 ("R1.1", "referral_half"), id="R1.1-referral-unowned-50pct-to-closer"),
    # R3.2: the duty advisor who took the deal on the spot, by the project setting ------
    pytest.param(facts(duty_on_spot=DUTY, duty_share=D(0)), {OWNER: (D(100), D("800000.00"))}, D("800000.00"),
                 ("R3.2", "duty_no_share"), id="R3.2-duty-share-0-all-to-owner"),
    pytest.param(facts(duty_on_spot=DUTY, duty_share=D(30)),
                 {OWNER: (D(70), D("560000.00")), DUTY: (D(30), D("240000.00"))}, D("800000.00"),
                 ("R3.2", "duty_share"), id="R3.2-duty-share-30"),
    pytest.param(facts(duty_on_spot=DUTY, duty_share=D(100)), {DUTY: (D(100), D("800000.00"))}, D("800000.00"),
                 ("R3.2", "duty_share"), id="R3.2-duty-share-100-all-to-duty"),
    pytest.param(facts(owner=DUTY, closer=DUTY, duty_on_spot=DUTY, duty_share=D(30)),
                 {DUTY: (D(100), D("800000.00"))}, D("800000.00"), ("R2.2", "credit_to_owner"),
                 id="R3.2-duty-advisor-is-the-owner-no-split"),
    # part 2: large deals ---------------------------------------------------------------
    pytest.param(facts("1000000.00"), {OWNER: (D(100), D("1000000.00"))}, D("1000000.00"),
                 ("R2.2", "credit_to_owner"), id="P2-exactly-threshold-is-not-large"),
    pytest.param(facts("1500000", large_decision=ALONE), {OWNER: (D(100), D("1500000.00"))}, D("1500000.00"),
                 ("P2", "large_alone"), id="P2-alone-company-rate-100"),
    pytest.param(facts("1500000", large_decision=ALONE, company_rate=D(50)), {OWNER: (D(100), D("1250000.00"))},
                 D("1250000.00"), ("P2", "large_alone"), id="P2-alone-company-rate-50-1.5M-credits-1.25M"),
    pytest.param(facts("1500000", large_decision=ALONE, company_rate=D(0)), {OWNER: (D(100), D("1000000.00"))},
                 D("1000000.00"), ("P2", "large_alone"), id="P2-alone-company-rate-0-threshold-only"),
    pytest.param(facts("3000000", large_decision=ALONE, company_rate=D(50), threshold=D("2000000.00")),
                 {OWNER: (D(100), D("2500000.00"))}, D("2500000.00"), ("P2", "large_alone"),
                 id="P2-alone-project-threshold-2M"),
    pytest.param(facts("1500000", large_decision=ALONE, company_rate=D(50), transfer=moved(3)),
                 {MOVED: (D(100), D("1250000.00"))}, D("1250000.00"), ("R6", "transfer_full"),
                 id="P2-alone-and-R6-day-3-moved-gets-credited-base"),
    pytest.param(facts("1500000", large_decision=ASSIST, assist_shares={OWNER: D(60), PM: D(40)}),
                 {OWNER: (D(60), D("900000.00")), PM: (D(40), D("600000.00"))}, D("1500000.00"),
                 ("P2", "large_assisted"), id="P2-assisted-60-40"),
    pytest.param(facts("1500000", large_decision=ASSIST, assist_shares={OWNER: D("33.33"), CLOSER: D("33.33"),
                                                                        PM: D("33.34")}),
                 {OWNER: (D("33.33"), D("499950.00")), CLOSER: (D("33.33"), D("499950.00")),
                  PM: (D("33.34"), D("500100.00"))}, D("1500000.00"), ("P2", "large_assisted"),
                 id="P2-assisted-thirds-two-decimals"),
    # rounding: the amounts sum exactly to the base --------------------------------------
    pytest.param(facts("1000.01", referral_reporter=REPORTER),
                 {REPORTER: (D(50), D("500.01")), OWNER: (D(50), D("500.00"))}, D("1000.01"),
                 ("R1.1", "referral_half"), id="rounding-half-cent-R1.1-amounts-sum-to-base"),
    pytest.param(facts("100.00", referral_reporter=REPORTER, transfer=moved(10)),
                 {MOVED: (D(50), D("50.00")), REPORTER: (D(25), D("25.00")), CLOSER: (D("25.00"), D("25.00"))},
                 D("100.00"), ("R6", "transfer_half"), id="rounding-R6-half-and-R1.1-quarter-each"),
    pytest.param(facts("999999.99", duty_on_spot=DUTY, duty_share=D(33)),
                 {OWNER: (D(67), D("669999.99")), DUTY: (D(33), D("330000.00"))}, D("999999.99"),
                 ("R3.2", "duty_share"), id="rounding-R3.2-33pct-amounts-sum-to-base"),
    pytest.param(facts("1000000.01", large_decision=ALONE, company_rate=D(33)), {OWNER: (D(100), D("1000000.00"))},
                 D("1000000.00"), ("P2", "large_alone"), id="rounding-P2-alone-sub-cent-above-rounds"),
]


@pytest.mark.parametrize(("f", "expected", "base", "rule"), CASES)
def test_credit_table(f, expected, base, rule):
    c = credit(f)
    assert not c.no_credit
    assert c.base == base
    assert shares_of(c) == expected
    assert rule in cited(c), sorted(cited(c))
    check_sums(c)
    assert c.large == is_large(f.amount, f.threshold)


@pytest.mark.parametrize("f", [
    pytest.param(facts(neither=True), id="R8-neither-no-credit"),
    pytest.param(facts(owner=None, neither=True), id="R8-neither-unowned-no-credit"),
    pytest.param(facts(neither=True, transfer=moved(3), referral_reporter=REPORTER, duty_on_spot=DUTY,
                       duty_share=D(30)), id="R8-neither-overrides-R6-R1.1-R3.2"),
])
def test_r8_neither_gets_no_credit(f):
    c = credit(f)
    assert c.no_credit is True
    assert c.shares == ()
    assert ("R8", "neither_credited") in cited(c)


# R8 「協商不成雙方均不計入業績」: only the two advisors of that crossing, for the deal it concerned
@pytest.mark.parametrize(("f", "paid"), [
    pytest.param(facts(neither=True, neither_parties=frozenset({OWNER, CLOSER})), None, id="R8-owner-is-a-party-no-credit"),
    pytest.param(facts(owner=None, neither=True, neither_parties=frozenset({CLOSER})), None,
                 id="R8-unowned-closer-is-a-party-no-credit"),
    pytest.param(facts(neither=True, neither_parties=frozenset({CLOSER})), OWNER, id="R8-owner-not-a-party-credited"),
    pytest.param(facts(neither=True, neither_parties=frozenset()), OWNER, id="R8-owned-anew-after-lapse-credited"),
])
def test_r8_neither_bars_only_its_parties(f, paid):
    c = credit(f)
    if paid is None:
        assert c.no_credit is True and c.shares == () and ("R8", "neither_credited") in cited(c)
    else:
        assert c.no_credit is False and [s.advisor for s in c.shares] == [paid]
        assert ("R8", "neither_not_party") in cited(c)
        check_sums(c)


@pytest.mark.parametrize(("f", "code"), [
    pytest.param(facts("1000000.01"), "large_needs_pm", id="P2-just-over-threshold-needs-pm-decision"),
    pytest.param(facts("1500000"), "large_needs_pm", id="P2-no-decision-refused"),
    pytest.param(facts("1500000", large_decision="maybe"), "large_needs_pm", id="P2-unknown-decision-refused"),
    pytest.param(facts("1500000", large_decision=ASSIST, assist_shares={OWNER: D(60), PM: D(30)}), "shares_not_100",
                 id="P2-assisted-60-30-refused"),
    pytest.param(facts("1500000", large_decision=ASSIST, assist_shares={OWNER: D(60), PM: D(50)}), "shares_not_100",
                 id="P2-assisted-60-50-refused"),
    pytest.param(facts("1500000", large_decision=ASSIST, assist_shares={}), "shares_not_100",
                 id="P2-assisted-no-shares-refused"),
    pytest.param(facts("1500000", large_decision=ASSIST), "shares_not_100", id="P2-assisted-shares-missing-refused"),
    pytest.param(facts("1500000", large_decision=ASSIST, assist_shares={OWNER: D("99.99")}), "shares_not_100",
                 id="P2-assisted-99.99-refused"),
])
def test_large_deal_refusals(f, code):
    with pytest.raises(CreditRefused) as exc:
        credit(f)
    assert (exc.value.reason.rule, exc.value.reason.code) == ("P2", code)


def test_shares_not_100_reason_carries_the_total():
    with pytest.raises(CreditRefused) as exc:
        credit(facts("1500000", large_decision=ASSIST, assist_shares={OWNER: D(60), PM: D(30)}))
    assert exc.value.reason.data["total"] == D(90)


def test_large_needs_pm_reason_carries_amount_and_threshold():
    with pytest.raises(CreditRefused) as exc:
        credit(facts("1500000"))
    assert exc.value.reason.data == {"amount": D("1500000"), "threshold": D("1000000.00")}


def test_large_alone_reason_names_rate_and_credited():
    c = credit(facts("1500000", large_decision=ALONE, company_rate=D(50)))
    [r] = [r for r in c.reasons if r.code == "large_alone"]
    assert r.data["credited"] == D("1250000.00") and r.data["rate"] == D(50)
    assert c.large is True


def test_r6_reasons_carry_days_and_move_date():
    half = credit(facts(transfer=moved(8)))
    [r] = [r for r in half.reasons if r.rule == "R6"]
    assert (r.data["days"], r.data["moved"], r.data["advisor"], r.data["closer"]) == (8, DEAL_DAY - timedelta(8),
                                                                                      MOVED, CLOSER)
    full = credit(facts(transfer=moved(7)))
    [r] = [r for r in full.reasons if r.rule == "R6"]
    assert r.data["days"] == 7


def test_r1_1_referral_reason_names_the_reporter():
    c = credit(facts(referral_reporter=REPORTER))
    [r] = [r for r in c.reasons if r.rule == "R1.1"]
    assert r.data == {"advisor": REPORTER}


# ---------------------------------------------------------------- R4.4 with the credit

# 1 registered the client on the 1st and followed up on the 9th; 2 registered on the 10th and
# closed the deal that day. Within 7 days after the deal date the claim is heard (R4.2: 1 kept
# up, so 1 is the owner and gets the credit); from day 8 all credit goes to the closer.
A_CLAIM, B_CLAIM, DEAL_10 = claim(1, 1, last=9), claim(2, 10), deal(10, closer=2)


@pytest.mark.parametrize(("claim_day", "winner", "rule"), [
    pytest.param(10, 1, "R4.2", id="R4.4-claim-on-deal-day-heard-owner-credited"),
    pytest.param(17, 1, "R4.2", id="R4.4-claim-day-7-after-deal-heard-owner-credited"),
    pytest.param(18, 2, "R4.4", id="R4.4-claim-day-8-after-deal-all-to-closer"),
])
def test_r4_4_claim_window_decides_who_is_credited(claim_day, winner, rule):
    p = propose(A_CLAIM, B_CLAIM, N, claim_day=day(claim_day), deal=DEAL_10)
    assert p.winner == winner and p.decidable
    assert rule in {r.rule for r in p.reasons}
    c = credit(DealFacts(amount=D("800000"), day=day(10), closer=2, owner=p.winner))
    assert shares_of(c) == {winner: (D(100), D("800000.00"))}


def test_r4_4_late_claim_reason_dates():
    p = propose(A_CLAIM, B_CLAIM, N, claim_day=day(18), deal=DEAL_10)
    [r] = p.reasons
    assert (r.rule, r.code) == ("R4.4", "claim_after_deal_window")
    assert (r.data["deal_date"], r.data["last_day"], r.data["claim_date"]) == (day(10), day(17), day(18))


# ---------------------------------------------------------------- money and amounts


def test_money_rounds_half_up_to_cents():
    assert money(D("0.005")) == D("0.01")
    assert money(D("0.004")) == D("0.00")
    assert money(D("1250000")) == D("1250000.00")


@pytest.mark.parametrize("amount", ["0.01", "0.03", "0.07", "1.01", "33.33", "1000000.00"])
def test_amounts_always_sum_to_the_base(amount):
    for f in (facts(amount, referral_reporter=REPORTER), facts(amount, duty_on_spot=DUTY, duty_share=D(33)),
              facts(amount, transfer=moved(9), referral_reporter=REPORTER)):
        c = credit(f)
        check_sums(c)
        assert c.base == money(D(amount))


def test_no_share_amount_is_negative():
    # R6 half (50) + R1.1 (25) + R3.2 duty 90% of the remaining 25 (22.5) → the closer keeps 2.5%
    c = credit(facts("0.03", transfer=moved(10), referral_reporter=REPORTER, duty_on_spot=DUTY, duty_share=D(90)))
    check_sums(c)
    assert all(s.amount >= 0 for s in c.shares), shares_of(c)
