"""The rotation (轮序) — R3, R3.3, R5.3.

The order is a queue set by the PM: the first present, eligible member is next; whoever
takes a rotation turn goes to the back. Away members are skipped and keep their place, or,
with skip policy `lose_turn`, lose it (go to the back before the taker). Trainees still in
induction stand on the roster in shadow and are never next (R5.3) — unless no other advisor
is present, when one of them may receive the client.
Low-volume duty receptions go round a separate queue that starts in reverse order (R3.2).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Sequence

from .reasons import Reason

KEEP_PLACE = "keep_place"
LOSE_TURN = "lose_turn"
SKIP_POLICIES = (KEEP_PLACE, LOSE_TURN)


@dataclass(frozen=True)
class Member:
    id: int
    name: str
    present: bool  # on the roster and not marked away today
    eligible: bool  # may take turns: an advisor, a PM on the roster, or a trainee who passed the exam
    shadow: bool = False  # a trainee still in induction (R5.1–R5.3)


@dataclass(frozen=True)
class Pick:
    advisor: int | None
    solo_trainee: bool  # picked under R5.3 because no other advisor is present
    skipped: tuple[tuple[int, str], ...]  # (member, "away" | "shadow") passed over before the pick
    reasons: tuple[Reason, ...] = field(default_factory=tuple)


def pick(queue: Sequence[int], members: Mapping[int, Member], *, rule: str = "R3.3") -> Pick:
    """The first present, eligible member of `queue`; else a present shadow trainee (R5.3)."""
    skipped: list[tuple[int, str]] = []
    for mid in queue:
        m = members.get(mid)
        if m is None:
            continue
        if not m.present:
            skipped.append((mid, "away"))
            continue
        if not m.eligible:
            skipped.append((mid, "shadow" if m.shadow else "ineligible"))
            continue
        reasons = [Reason(rule, "next_in_rotation", {"advisor": mid, "position": list(queue).index(mid) + 1})]
        reasons += [Reason("R3" if why == "away" else "R5.3", f"skipped_{why}", {"advisor": s}) for s, why in skipped]
        return Pick(mid, False, tuple(skipped), tuple(reasons))
    for mid in queue:
        m = members.get(mid)
        if m is not None and m.present and m.shadow:
            return Pick(mid, True, tuple(skipped), (Reason("R5.3", "trainee_solo", {"advisor": mid}),))
    return Pick(None, False, tuple(skipped), (Reason("R3", "nobody_present", {}),))


def take_turn(queue: Sequence[int], taker: int, skipped: Sequence[tuple[int, str]], policy: str) -> tuple[int, ...]:
    """The queue after `taker` took a turn: taker to the back; with lose_turn the away members
    passed over go to the back first, keeping their order (R3)."""
    if policy not in SKIP_POLICIES:
        raise ValueError(f"unknown skip policy {policy!r}")
    losers = [m for m, why in skipped if why == "away"] if policy == LOSE_TURN else []
    moved = [m for m in (*losers, taker) if m in queue]  # someone off the rotation (a PM's override) is not added
    rest = [m for m in queue if m not in moved]
    return (*rest, *moved)


def duty_queue(order: Sequence[int]) -> tuple[int, ...]:
    """The low-volume duty queue: the rotation order reversed (R3.2)."""
    return tuple(reversed(order))


def to_back(queue: Sequence[int], member: int) -> tuple[int, ...]:
    if member not in queue:  # not on the rotation (a PM's override): the order stays as set
        return tuple(queue)
    return (*[m for m in queue if m != member], member)
