"""Routing a walk-in at the counter — R3, R3.2, R3.3, R3.5, R2.4, R4.1, R5.3, R5.4.

`route_visit` takes the facts the services loaded (the client's ownership, who is present,
the rotation queues, the answers to the greeter script) and decides who serves, what the
register entry does to ownership, whom to notify and how the rotation moves on.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Mapping

from . import protection, rotation
from .protection import Ownership
from .reasons import Reason

ROUTES = ("owner", "duty", "rotation", "requested", "trainee-solo", "crossing")
HIGH, LOW = "high", "low"
VOLUME_MODES = (HIGH, LOW)
PM = "pm"  # a notification recipient meaning "every PM of the project"


class RoutingRefused(Exception):
    """No decision is possible (nobody present, an ineligible override)."""

    def __init__(self, reason: Reason):
        super().__init__(f"{reason.rule}: {reason.code}")
        self.reason = reason


@dataclass(frozen=True)
class Staffer:
    id: int
    name: str
    role: str  # advisor | trainee | pm | sales-admin | gm
    present: bool  # on today's roster and not away
    eligible: bool  # may take rotation turns
    shadow: bool = False  # trainee still in induction
    mentor: int | None = None

    def member(self) -> rotation.Member:
        return rotation.Member(self.id, self.name, self.present, self.eligible, self.shadow)


@dataclass(frozen=True)
class Referral:
    """A referral pre-registration in the call register (R2.4): a claim, not ownership."""

    advisor: int
    day: date
    ref: str


@dataclass(frozen=True)
class VisitFacts:
    ownership: Ownership
    staff: Mapping[int, Staffer]
    queue: tuple[int, ...]
    duty_queue: tuple[int, ...]
    today: date
    days: int = protection.DEFAULT_DAYS
    volume: str = HIGH
    skip_policy: str = rotation.KEEP_PLACE
    duty_consumes_turn: bool = False
    asks_for: int | None = None
    visited_before: bool | None = None
    saw: int | None = None  # the advisor the visitor says served them before
    referral: Referral | None = None
    assign: int | None = None  # a PM's override of the serving advisor


@dataclass(frozen=True)
class Routing:
    route: str
    advisor: int  # who serves
    effect: str  # protection.REGISTER (the entry registers/refreshes owner_after) or protection.NONE
    owner_after: int | None
    turn: bool  # a rotation turn was used
    queue_after: tuple[int, ...]
    duty_queue_after: tuple[int, ...]
    notify: tuple[tuple[int | str, str], ...] = ()  # (staff id or PM, message code)
    crossing: tuple[int, int] | None = None  # (holder, claimant) to open as a case (R4)
    reasons: tuple[Reason, ...] = field(default_factory=tuple)


def route_visit(f: VisitFacts) -> Routing:
    own = f.ownership
    reasons: list[Reason] = [own.reasons[0]] if own.reasons else []
    notes: list[Reason] = []
    owner = own.owner

    if f.referral is not None and owner is None:
        ref = f.referral
        within = f.today <= protection.window_end(ref.day, f.days)
        if f.asks_for == ref.advisor and within:
            reasons.append(Reason("R2.4", "referral_honoured", {"advisor": ref.advisor, "date": ref.day, "entry": ref.ref}))
            return _requested(f, ref.advisor, reasons)
        why = "expired" if not within else "not_asked"
        # an expired pre-registration leaves the referrer no worse off than none: whoever the
        # visitor asks for is theirs by R3.5, like anyone's (R2.4)
        notes.append(Reason("R2.4", f"referral_{why}", {"advisor": ref.advisor, "date": ref.day, "entry": ref.ref,
                                                         "through": protection.window_end(ref.day, f.days)}))

    if f.asks_for is not None:
        x = f.asks_for
        if owner is None:
            reasons.append(Reason("R3.5", "asked_for", {"advisor": x}))
            return _with_notes(_requested(f, x, reasons), notes)
        if owner != x:
            return _with_notes(_crossing(f, owner, x, reasons), notes)
        reasons.append(Reason("R3.5", "asked_for_owner", {"advisor": x}))

    if owner is not None:
        st = f.staff.get(owner)
        if st is not None and st.present and f.assign in (None, owner):
            if st.shadow and not _no_other_present(f, owner):
                # the owner is a trainee in induction: others serve while they are present (R5.3)
                reasons.append(Reason("R5.3", "owner_in_induction", {"advisor": owner}))
                return _with_notes(_duty(f, owner, reasons), notes)
            reasons.append(Reason("R3", "owner_present", {"advisor": owner}))
            reasons += _mentor_reason(f, owner)
            return _with_notes(Routing("owner", owner, protection.REGISTER, owner, False, f.queue, f.duty_queue,
                                       tuple(_mentor_notice(f, owner)), reasons=tuple(reasons)), notes)
        return _with_notes(_duty(f, owner, reasons), notes)

    return _with_notes(_rotation(f, reasons), notes)


def _with_notes(r: Routing, notes: list[Reason]) -> Routing:
    return replace(r, reasons=(*r.reasons, *notes)) if notes else r


def _choose(f: VisitFacts, queue: tuple[int, ...], rule: str) -> tuple[rotation.Pick, list[Reason]]:
    """The rotation's pick from `queue`, or the PM's override of it (recorded as such)."""
    members = {sid: s.member() for sid, s in f.staff.items()}
    p = rotation.pick(queue, members, rule=rule)
    if f.assign is None or f.assign == p.advisor:
        if p.advisor is None:
            raise RoutingRefused(p.reasons[-1])
        return p, list(p.reasons)
    chosen = f.staff.get(f.assign)
    if chosen is None or chosen.role in ("sales-admin", "gm"):
        raise RoutingRefused(Reason("R3", "override_not_advisor", {"advisor": f.assign}))
    if chosen.shadow and p.advisor is not None and not p.solo_trainee:
        raise RoutingRefused(Reason("R5.3", "override_trainee_in_induction", {"advisor": f.assign}))
    why = Reason("R3", "pm_override", {"proposed": p.advisor, "chosen": f.assign})
    return rotation.Pick(f.assign, chosen.shadow, (), (why,)), [why]


def _mentor_notice(f: VisitFacts, advisor: int) -> list[tuple[int | str, str]]:
    s = f.staff.get(advisor)
    if s is not None and s.role == "trainee" and s.mentor is not None:
        return [(s.mentor, "trainee_reception")]
    return []


def _mentor_reason(f: VisitFacts, advisor: int) -> list[Reason]:
    s = f.staff.get(advisor)
    if s is not None and s.role == "trainee" and s.mentor is not None:
        return [Reason("R5.4", "mentor_told", {"advisor": advisor, "mentor": s.mentor})]
    return []


def _rotation(f: VisitFacts, reasons: list[Reason]) -> Routing:
    p, why = _choose(f, f.queue, "R3.3")
    adv = p.advisor
    assert adv is not None
    notify: list[tuple[int | str, str]] = []
    if f.visited_before and not f.ownership.registered:
        data = {"saw": f.saw} if f.saw is not None else {}
        reasons.append(Reason("R4.1", "visited_before_no_record", data))
        notify.append((PM, "claim_without_registration"))
    if p.solo_trainee:
        route, turn, queue = "trainee-solo", False, f.queue
    else:
        route, turn = "rotation", adv in f.queue  # a PM's override to someone off the rotation uses no turn
        queue = rotation.take_turn(f.queue, adv, p.skipped, f.skip_policy)
    reasons += why
    reasons.append(Reason("R3.3", "new_owner", {"advisor": adv}))
    reasons += _mentor_reason(f, adv)
    notify += _mentor_notice(f, adv)
    return Routing(route, adv, protection.REGISTER, adv, turn, queue, f.duty_queue, tuple(notify), None, tuple(reasons))


def _requested(f: VisitFacts, x: int, reasons: list[Reason]) -> Routing:
    """The visitor asks for x, whom no one else holds: x's client (R3.5/R2.4); not a turn."""
    s = f.staff.get(x)
    if s is not None and s.shadow and not _no_other_present(f, x):
        # a trainee in induction receives a client only when no other advisor is present (R5.3)
        reasons.append(Reason("R5.3", "asked_for_trainee_in_induction", {"advisor": x}))
        return _rotation(f, reasons)
    if s is not None and s.present and f.assign in (None, x):
        reasons += _mentor_reason(f, x)
        return Routing("requested", x, protection.REGISTER, x, False, f.queue, f.duty_queue,
                       tuple(_mentor_notice(f, x)), None, tuple(reasons))
    reasons.append(Reason("R3.5", "asked_for_absent", {"advisor": x}))
    r = _duty(f, x, reasons)
    return replace(r, effect=protection.REGISTER, owner_after=x)


def _no_other_present(f: VisitFacts, x: int) -> bool:
    return not any(s.present and s.eligible for sid, s in f.staff.items() if sid != x)


def _duty(f: VisitFacts, owner: int, reasons: list[Reason]) -> Routing:
    """The owner is absent: a duty reception on the owner's behalf (R3.2); the owner is told."""
    if f.volume == LOW:
        p, why = _choose(f, f.duty_queue, "R3.2")
    else:
        p, why = _choose(f, f.queue, "R3.2")
    adv = p.advisor
    assert adv is not None
    queue, duty = f.queue, f.duty_queue
    turn = False
    if not p.solo_trainee:
        if f.volume == LOW:
            duty = rotation.to_back(f.duty_queue, adv)
        if f.duty_consumes_turn:
            turn = adv in f.queue
            queue = rotation.take_turn(f.queue, adv, p.skipped if f.volume == HIGH else (), f.skip_policy)
    reasons.append(Reason("R3.2", "owner_absent_duty", {"owner": owner, "advisor": adv, "volume": f.volume,
                                                        "consumes_turn": f.duty_consumes_turn}))
    reasons += why
    reasons.append(Reason("R3.4", "duty_no_followup", {"advisor": adv, "owner": owner}))
    reasons += _mentor_reason(f, adv)
    route = "trainee-solo" if p.solo_trainee else "duty"
    notify = [(owner, "duty_reception"), *_mentor_notice(f, adv)]
    return Routing(route, adv, protection.NONE, f.ownership.owner, turn, queue, duty, tuple(notify), None, tuple(reasons))


def _crossing(f: VisitFacts, holder: int, claimant: int, reasons: list[Reason]) -> Routing:
    """The visitor asks for an advisor while another holds them under R2.2: a crossing (R3.5, R4).

    The holder serves if present, else the one asked for, else a duty reception; ownership
    does not change until the PM decides."""
    reasons.append(Reason("R3.5", "asked_for_held", {"advisor": claimant, "holder": holder}))
    notify: list[tuple[int | str, str]] = [(PM, "crossing_opened"), (holder, "crossing_opened")]
    for cand in (holder, claimant):
        s = f.staff.get(cand)
        if s is not None and s.present and not s.shadow and f.assign in (None, cand):
            effect = protection.REGISTER if cand == holder else protection.NONE
            reasons.append(Reason("R4", "crossing_served_by", {"advisor": cand}))
            return Routing("crossing", cand, effect, holder, False, f.queue, f.duty_queue, tuple(notify),
                           (holder, claimant), tuple(reasons))
    r = _duty(f, holder, reasons)
    return replace(r, route="crossing", notify=(*notify, *r.notify), crossing=(holder, claimant))
