"""Crossings (业务交叉): two advisors claim one client — R4.1–R4.4, R8.

The system proposes; the PM confirms or records the negotiated outcome.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Sequence

from .protection import REGISTER, window_end
from .reasons import Reason

DEAL_CLAIM_DAYS = 7  # R4.4
# entries that place their advisor in a crossing's order without making them the owner (R4.1, R2.4):
# a referral pre-registration, a call answered for a client someone else held, the visit that
# raised the crossing. A duty reception is written on the owner's behalf: not the duty advisor's.
CLAIM_ROUTES = ("referral", "held", "crossing")


@dataclass(frozen=True)
class Claim:
    advisor: int
    first_at: datetime | None  # the advisor's first register entry for the client (visit or call)
    first_day: date | None
    first_ref: str | None
    # the advisor's last valid contact on or before the other's claim day; filled for both,
    # the rule uses the earlier advisor's
    last_contact: date | None = None
    last_ref: str | None = None


@dataclass(frozen=True)
class Entry:
    """A register entry of the client (visitor or call register), as R4.1 reads it."""

    at: datetime
    day: date
    ref: str  # "visit#12", "call#3"
    effect: str  # protection.REGISTER or NONE
    route: str
    owner: int | None
    advisor: int | None


def is_claim_entry(e: Entry, advisor: int) -> bool:
    """Is `e` a register entry of `advisor` for the client, as R4.1 orders a crossing by them?"""
    if e.effect == REGISTER and e.owner == advisor:
        return True
    return e.advisor == advisor and e.route in CLAIM_ROUTES


def claim_of(advisor: int, entries: Sequence[Entry], followups: Sequence[tuple[date, str]] = (),
             until_day: date | None = None) -> Claim:
    """The advisor's claim: their first register entry for the client, pre-registrations and
    calls for a client someone else held included (R4.1, R2.4), and their last valid contact —
    an own registration or a valid follow-up (`followups`: (day, ref)) — up to `until_day`."""
    mine = sorted((e for e in entries if is_claim_entry(e, advisor)), key=lambda e: (e.at, e.ref))
    if not mine:
        return Claim(advisor, None, None, None)
    first = mine[0]
    contacts = [(e.day, e.ref) for e in mine if e.effect == REGISTER] + list(followups)
    if until_day is not None:
        contacts = [x for x in contacts if x[0] <= until_day]
    last = max(contacts) if contacts else (None, None)
    return Claim(advisor, first.at, first.day, first.ref, last[0], last[1])


@dataclass(frozen=True)
class Deal:
    day: date
    closer: int
    ref: str


@dataclass(frozen=True)
class Proposal:
    winner: int | None  # None: undecidable (R8) — negotiate, else neither is credited
    decidable: bool
    reasons: tuple[Reason, ...] = field(default_factory=tuple)


def propose(x: Claim, y: Claim, days: int, *, claim_day: date | None = None, deal: Deal | None = None) -> Proposal:
    """Who keeps the client. `claim_day` is when the crossing was raised (for R4.4)."""
    if deal is not None and claim_day is not None and claim_day > deal.day + timedelta(days=DEAL_CLAIM_DAYS):
        return Proposal(deal.closer, True, (Reason("R4.4", "claim_after_deal_window", {
            "deal_date": deal.day, "entry": deal.ref, "claim_date": claim_day,
            "last_day": deal.day + timedelta(days=DEAL_CLAIM_DAYS), "closer": deal.closer}),))

    regs = [c for c in (x, y) if c.first_at is not None]
    dropped = [Reason("R4.1", "no_registration", {"advisor": c.advisor}) for c in (x, y) if c.first_at is None]
    if not regs:
        return Proposal(None, False, (*dropped, Reason("R8", "undecidable", {})))
    if len(regs) == 1:
        w = regs[0]
        return Proposal(w.advisor, True, (*dropped, Reason("R4.1", "only_registered", {
            "advisor": w.advisor, "date": w.first_day, "entry": w.first_ref})))
    a, b = sorted(regs, key=lambda c: c.first_at)  # type: ignore[arg-type,return-value]
    if a.first_at == b.first_at:
        return Proposal(None, False, (Reason("R4.1", "same_time", {"a": a.advisor, "b": b.advisor, "at": a.first_at}),
                                      Reason("R8", "undecidable", {})))
    order = Reason("R4.1", "order", {"a": a.advisor, "a_date": a.first_day, "a_entry": a.first_ref,
                                      "b": b.advisor, "b_date": b.first_day, "b_entry": b.first_ref})
    assert b.first_day is not None
    last = a.last_contact or a.first_day
    last_ref = a.last_ref or a.first_ref
    assert last is not None
    gap = (b.first_day - last).days
    data = {"a": a.advisor, "b": b.advisor, "last_contact": last, "entry": last_ref, "claim_date": b.first_day,
            "gap": gap, "days": days, "protected_through": window_end(last, days)}
    if b.first_day <= window_end(last, days):
        return Proposal(a.advisor, True, (order, Reason("R4.2", "earlier_kept_up", data)))
    return Proposal(b.advisor, True, (order, Reason("R4.3", "earlier_lapsed", data)))
