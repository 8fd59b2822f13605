"""Performance credit (业绩) on a deal — P2 (part 2, large deals), R6, R1.1, R3.2, R8.

The owner at deal time gets the credit, with the exceptions the office wrote down; each
exception that applies is cited in the reasons. Shares always sum to 100%, or the deal
carries an explicit "no credit" with its reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Mapping

from .reasons import Reason

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
TRANSFER_FULL_DAYS = 7  # R6: within 7 days after the move, all to the moved advisor
TRANSFER_HALF_DAYS = 30  # R6: days 8–30, half to them
REFERRAL_SHARE = Decimal(50)  # R1.1
ALONE, ASSIST = "alone", "assist"


class CreditRefused(Exception):
    def __init__(self, reason: Reason):
        super().__init__(f"{reason.rule}: {reason.code}")
        self.reason = reason


@dataclass(frozen=True)
class Transfer:
    """The client was held by `advisor` on the day they moved to another project (R6)."""

    advisor: int
    day: date


@dataclass(frozen=True)
class DealFacts:
    amount: Decimal
    day: date
    closer: int
    owner: int | None  # the owner at deal time (R2.2), None when unowned or lapsed
    threshold: Decimal = Decimal("1000000.00")
    company_rate: Decimal = HUNDRED  # % credited for the part above the threshold, handled alone
    large_decision: str | None = None  # ALONE | ASSIST, recorded by the PM
    assist_shares: Mapping[int, Decimal] | None = None  # set by the PM by contribution
    transfer: Transfer | None = None
    duty_share: Decimal = Decimal(0)  # % to a duty advisor who took the deal on the spot (R3.2)
    duty_on_spot: int | None = None  # that duty advisor, when the closer served the owner's client as duty
    neither: bool = False  # a crossing on this client ended in "neither" (R8)
    # the advisors still barred by it: its two advisors, until the client lapsed and is owned anew
    # by R2.2 (then nobody: credited as usual); None: all of them (R8)
    neither_parties: frozenset[int] | None = None
    neither_ref: str | None = None  # "crossing#3", cited in the reasons
    referral_reporter: int | None = None  # the advisor of another project who reported and referred (R1.1)


@dataclass(frozen=True)
class Share:
    advisor: int
    percent: Decimal
    amount: Decimal


@dataclass(frozen=True)
class Credit:
    base: Decimal  # the amount credited in all
    shares: tuple[Share, ...]
    no_credit: bool
    large: bool
    reasons: tuple[Reason, ...] = field(default_factory=tuple)


def money(v: Decimal) -> Decimal:
    return v.quantize(CENT, rounding=ROUND_HALF_UP)


def is_large(amount: Decimal, threshold: Decimal) -> bool:
    """Part 2: one client, one transaction, more than the threshold."""
    return amount > threshold


def _split(base: Decimal, weights: Mapping[int, Decimal]) -> tuple[Share, ...]:
    """Percentages to amounts in whole cents that sum exactly to the base: each share is
    rounded down, and the cents left over go to the largest remainders (never negative)."""
    items = [(a, p) for a, p in weights.items() if p > 0]
    exact = [base * p / HUNDRED for _a, p in items]
    floors = [e.quantize(CENT, rounding=ROUND_DOWN) for e in exact]
    left = int(((base - sum(floors, Decimal(0))) / CENT).to_integral_value())
    order = sorted(range(len(items)), key=lambda i: (exact[i] - floors[i], -i), reverse=True)
    for i in order[:left]:
        floors[i] += CENT
    return tuple(Share(a, p, amt) for (a, p), amt in zip(items, floors))


def _add(weights: dict[int, Decimal], adv: int, pct: Decimal) -> None:
    weights[adv] = weights.get(adv, Decimal(0)) + pct


def credit(f: DealFacts) -> Credit:
    large = is_large(f.amount, f.threshold)
    reasons: list[Reason] = []
    if f.neither:
        credited = f.owner if f.owner is not None else f.closer
        if f.neither_parties is None or credited in f.neither_parties:
            return Credit(Decimal(0), (), True, large, (Reason("R8", "neither_credited", {}),))
        reasons.append(Reason("R8", "neither_not_party", {"advisor": credited, "crossing": f.neither_ref}))

    base = money(f.amount)
    if large:
        if f.large_decision not in (ALONE, ASSIST):
            raise CreditRefused(Reason("P2", "large_needs_pm", {"amount": f.amount, "threshold": f.threshold}))
        if f.large_decision == ASSIST:
            shares = dict(f.assist_shares or {})
            total = sum(shares.values(), Decimal(0))
            if not shares or total != HUNDRED:
                raise CreditRefused(Reason("P2", "shares_not_100", {"total": total}))
            reasons.append(Reason("P2", "large_assisted", {"amount": f.amount, "threshold": f.threshold}))
            return Credit(base, _split(base, shares), False, True, tuple(reasons))
        above = f.amount - f.threshold
        base = money(f.threshold + above * f.company_rate / HUNDRED)
        reasons.append(Reason("P2", "large_alone", {"amount": f.amount, "threshold": f.threshold,
                                                        "rate": f.company_rate, "credited": base}))

    weights: dict[int, Decimal] = {}
    local = f.owner if f.owner is not None else f.closer
    if f.owner is None:
        reasons.append(Reason("R2.2", "credit_to_closer_unowned", {"advisor": f.closer}))
    else:
        reasons.append(Reason("R2.2", "credit_to_owner", {"advisor": f.owner}))

    local_pct = HUNDRED
    if f.transfer is not None:
        days = (f.day - f.transfer.day).days
        data = {"advisor": f.transfer.advisor, "moved": f.transfer.day, "days": days}
        if days <= TRANSFER_FULL_DAYS:
            reasons.append(Reason("R6", "transfer_full", data))
            return Credit(base, _split(base, {f.transfer.advisor: HUNDRED}), False, large, tuple(reasons))
        if days <= TRANSFER_HALF_DAYS:
            reasons.append(Reason("R6", "transfer_half", {**data, "closer": f.closer}))
            _add(weights, f.transfer.advisor, Decimal(50))
            local, local_pct = f.closer, Decimal(50)
        else:
            reasons.append(Reason("R6", "transfer_over", data))
    if f.referral_reporter is not None:
        reasons.append(Reason("R1.1", "referral_half", {"advisor": f.referral_reporter}))
        _add(weights, f.referral_reporter, local_pct * REFERRAL_SHARE / HUNDRED)
        local_pct = local_pct - local_pct * REFERRAL_SHARE / HUNDRED
    if f.duty_on_spot is not None and f.duty_on_spot != local and f.duty_share > 0:
        part = local_pct * f.duty_share / HUNDRED
        reasons.append(Reason("R3.2", "duty_share", {"advisor": f.duty_on_spot, "percent": f.duty_share}))
        _add(weights, f.duty_on_spot, part)
        local_pct -= part
    elif f.duty_on_spot is not None and f.duty_on_spot != local:
        reasons.append(Reason("R3.2", "duty_no_share", {"advisor": f.duty_on_spot, "owner": local}))
    _add(weights, local, local_pct)
    return Credit(base, _split(base, weights), False, large, tuple(reasons))
