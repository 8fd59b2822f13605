"""Ownership and the protection window — R2.2 (with R3.2 and R3.4 for duty receptions).

A client's history is folded, in time order, into "who owns it as of a day". The owner's
window runs from their last valid contact; the contact day is not counted: a contact on
day D keeps the client protected through D+N, and on D+N+1 it has lapsed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Sequence

from .reasons import Reason

DEFAULT_DAYS = 7
MIN_DAYS = 1
MAX_DAYS_WITHOUT_GM = 10

# What an event does to ownership.
REGISTER = "register"  # a registration or own reception: makes an unowned client the advisor's, refreshes the owner's window
REFRESH = "refresh"  # a valid follow-up: refreshes the owner's window, never creates ownership
ASSIGN = "assign"  # a PM decision (crossing verdict, R6 reassignment): the advisor owns from this day
NONE = "none"  # duty reception, crossing entry, referral pre-registration, unverified unreachable follow-up


@dataclass(frozen=True)
class Event:
    """One fact from a client's history, as the services load it."""

    at: datetime  # orders events (UTC)
    day: date  # the project-local calendar day of the event
    effect: str  # REGISTER | REFRESH | ASSIGN | NONE
    advisor: int  # the staff id the effect is for (for NONE: who acted)
    ref: str  # "visit#12", "call#3", "followup#40", "crossing#2" — cited in reasons
    kind: str = ""  # free detail for reasons: "duty", "unverified", "referral", ...


@dataclass(frozen=True)
class Ownership:
    owner: int | None  # None: never registered, or lapsed
    last_contact: date | None
    last_ref: str | None
    protected_through: date | None
    lapses_on: date | None
    previous_owner: int | None  # when lapsed: who held it last
    registered: bool  # the client has at least one register event
    reasons: tuple[Reason, ...] = field(default_factory=tuple)
    lapses: tuple[tuple[int, date], ...] = ()  # every lapse up to as_of: (the owner who lost it, the lapse day)

    @property
    def protected(self) -> bool:
        return self.owner is not None

    def days_left(self, today: date) -> int | None:
        if self.protected_through is None or self.owner is None:
            return None
        return (self.protected_through - today).days


def window_end(last_contact: date, days: int) -> date:
    """The last protected day: the contact day is not counted (R2.2)."""
    return last_contact + timedelta(days=days)


def fold(events: Sequence[Event], as_of: date, days: int) -> Ownership:
    """Who owns the client as of `as_of` (inclusive), with the reasons (R2.2)."""
    owner: int | None = None
    last: date | None = None
    last_ref: str | None = None
    previous: int | None = None
    registered = False
    notes: list[Reason] = []
    lapses: list[tuple[int, date]] = []

    def lapse_if_due(day: date) -> None:
        nonlocal owner, previous
        if owner is not None and last is not None and day > window_end(last, days):
            lapses.append((owner, window_end(last, days) + timedelta(days=1)))
            previous, owner = owner, None

    for ev in sorted(events, key=lambda e: (e.at, e.ref)):
        if ev.day > as_of:
            break
        lapse_if_due(ev.day)
        if ev.effect == REGISTER:
            registered = True
            if owner is None or owner == ev.advisor:
                owner, last, last_ref = ev.advisor, ev.day, ev.ref
            else:
                notes.append(Reason("R2.2", "held_by_other", {"advisor": ev.advisor, "date": ev.day, "entry": ev.ref}))
        elif ev.effect == REFRESH:
            if owner is not None and owner == ev.advisor:
                last, last_ref = ev.day, ev.ref
        elif ev.effect == ASSIGN:
            registered = True
            owner, last, last_ref = ev.advisor, ev.day, ev.ref
        else:
            if ev.kind == "duty" and owner is not None and ev.advisor != owner:
                notes.append(Reason("R3.2", "duty_not_owner_contact", {"advisor": ev.advisor, "date": ev.day, "entry": ev.ref}))
            elif ev.kind == "unverified" and owner is not None and ev.advisor == owner:
                notes.append(Reason("R2.2", "unreachable_not_counted", {"date": ev.day, "entry": ev.ref}))
    lapse_if_due(as_of)

    if owner is not None:
        assert last is not None
        through = window_end(last, days)
        head = Reason("R2.2", "owned", {
            "owner": owner, "last_contact": last, "entry": last_ref, "days": days,
            "protected_through": through, "lapses_on": through + timedelta(days=1),
            "days_left": (through - as_of).days,
        })
        return Ownership(owner, last, last_ref, through, through + timedelta(days=1), None, True, (head, *notes),
                         tuple(lapses))
    if previous is not None:
        assert last is not None
        through = window_end(last, days)
        head = Reason("R2.2", "lapsed", {
            "previous_owner": previous, "last_contact": last, "entry": last_ref, "days": days,
            "protected_through": through, "lapses_on": through + timedelta(days=1),
        })
        return Ownership(None, last, last_ref, None, None, previous, True, (head, *notes), tuple(lapses))
    return Ownership(None, None, None, None, None, None, registered, (Reason("R2.2", "not_registered", {}), *notes))


def check_days(days: int, gm_approved: bool) -> Reason | None:
    """A refusal reason when `days` is not allowed for a project, else None (R2.2)."""
    if days < MIN_DAYS:
        return Reason("R2.2", "days_too_small", {"days": days, "min": MIN_DAYS})
    if days > MAX_DAYS_WITHOUT_GM and not gm_approved:
        return Reason("R2.2", "days_need_gm", {"days": days, "max": MAX_DAYS_WITHOUT_GM})
    return None


def followup_effect(outcome: str, verified: bool) -> tuple[str, str]:
    """(effect, kind) of a follow-up: reached counts; unreachable only once a PM verified it (R2.2)."""
    if outcome == "reached":
        return REFRESH, "reached"
    if verified:
        return REFRESH, "verified"
    return NONE, "unverified"


def registrations_owner(history: Sequence[tuple[datetime, str, date, int]], as_of: date, days: int,
                        ) -> tuple[int | None, date | None]:
    """What `fold` gives for a history of registrations only — (its owner or, lapsed, its previous
    owner; its last contact) — without building events: a big import folds tens of thousands of
    new clients. `history`: (at, ref, day, advisor) per registration, in any order."""
    owner: int | None = None
    previous: int | None = None
    last: date | None = None
    span = timedelta(days=days)
    for _at, _ref, d, advisor in sorted(history):  # fold's order: (at, ref)
        if d > as_of:
            break
        if owner is not None and d > last + span:  # type: ignore[operator]
            previous, owner = owner, None
        if owner is None or owner == advisor:
            owner, last = advisor, d
    if owner is not None and as_of > last + span:  # type: ignore[operator]
        previous, owner = owner, None
    return (owner if owner is not None else previous), last
