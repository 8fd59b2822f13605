"""Small builders for the pure rules tests.

Days are written as numbers: `day(1)` is the 1st of the month, as in docs/rules.en.md's example
("received on the 1st, still owned on the 8th, lapsed on the 9th"). Events happen at
10:00 Asia/Shanghai (02:00 UTC) on their day, a minute apart when `seq` differs.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest

from frontdesk.rules import protection, rotation
from frontdesk.rules.crossings import Claim, Deal
from frontdesk.rules.protection import ASSIGN, NONE, REFRESH, REGISTER, Event, Ownership, fold
from frontdesk.rules.routing import Referral, Staffer, VisitFacts

N = protection.DEFAULT_DAYS  # 7

# ---------------------------------------------------------------- days and times


def day(n: int) -> date:
    """The n-th day of the month (n may run past the month's end)."""
    return date(2026, 11, 1) + timedelta(days=n - 1)


def at(n: int, seq: int = 0) -> datetime:
    """When an event of day n happened (UTC): 10:00 local, plus `seq` minutes."""
    return datetime.combine(day(n), time(2, 0), timezone.utc) + timedelta(minutes=seq)


# ---------------------------------------------------------------- history events (R2.2)


def event(effect: str, advisor: int, n: int, *, kind: str = "", seq: int = 0, ref: str | None = None) -> Event:
    return Event(at(n, seq), day(n), effect, advisor, ref or f"{kind or effect}#{advisor}-{n}-{seq}", kind)


def register(advisor: int, n: int, **kw) -> Event:
    """A registration or an own reception of the client."""
    return event(REGISTER, advisor, n, **kw)


def refresh(advisor: int, n: int, **kw) -> Event:
    """An effective follow-up."""
    return event(REFRESH, advisor, n, kind="reached", **kw)


def followup(advisor: int, n: int, outcome: str, verified: bool = False, **kw) -> Event:
    effect, kind = protection.followup_effect(outcome, verified)
    return event(effect, advisor, n, kind=kind, **kw)


def duty(advisor: int, n: int, **kw) -> Event:
    """A duty reception by `advisor` on the owner's behalf (R3.2)."""
    return event(NONE, advisor, n, kind="duty", **kw)


def assign(advisor: int, n: int, **kw) -> Event:
    """A PM decision: `advisor` owns from this day."""
    return event(ASSIGN, advisor, n, kind="pm", **kw)


def owned_by(advisor: int, registered_on: int, today: int, days: int = N) -> Ownership:
    return fold([register(advisor, registered_on)], day(today), days)


def new_client(today: int, days: int = N) -> Ownership:
    return fold([], day(today), days)


# ---------------------------------------------------------------- rotation members (R3, R5.3)


def member(mid: int, *, present: bool = True, eligible: bool = True, shadow: bool = False) -> rotation.Member:
    return rotation.Member(mid, f"m{mid}", present, eligible, shadow)


def away(mid: int) -> rotation.Member:
    return member(mid, present=False)


def shadow(mid: int, *, present: bool = True) -> rotation.Member:
    return member(mid, present=present, eligible=False, shadow=True)


def members(*ms: rotation.Member) -> dict[int, rotation.Member]:
    return {m.id: m for m in ms}


# ---------------------------------------------------------------- the desk (routing)

LI, WANG, ZHANG = 1, 2, 3  # advisors, rotation order as the PM set it
XIAO = 7  # trainee who passed the exam (in rotation), mentor LI
CHEN = 8  # trainee still in induction (shadow), mentor WANG
PM_ZHOU = 90  # project manager, not in the rotation
GM_SUN = 99  # general manager
QUEUE = (LI, WANG, ZHANG)
TODAY = 10


def desk(*, absent: tuple[int, ...] = (), **overrides: Staffer) -> dict[int, Staffer]:
    """Today's staff; `absent` ids are marked away."""
    staff = {
        LI: Staffer(LI, "Li", "advisor", True, True),
        WANG: Staffer(WANG, "Wang", "advisor", True, True),
        ZHANG: Staffer(ZHANG, "Zhang", "advisor", True, True),
        XIAO: Staffer(XIAO, "Xiao", "trainee", True, True, mentor=LI),
        CHEN: Staffer(CHEN, "Chen", "trainee", True, False, shadow=True, mentor=WANG),
        PM_ZHOU: Staffer(PM_ZHOU, "Zhou", "pm", True, False),
        GM_SUN: Staffer(GM_SUN, "Sun", "gm", True, False),
    }
    for sid in absent:
        s = staff[sid]
        staff[sid] = Staffer(s.id, s.name, s.role, False, s.eligible, s.shadow, s.mentor)
    return staff


def visit(ownership: Ownership, *, absent: tuple[int, ...] = (), queue: tuple[int, ...] = QUEUE,
          duty_queue: tuple[int, ...] | None = None, today: int = TODAY, **kw) -> VisitFacts:
    return VisitFacts(
        ownership=ownership,
        staff=desk(absent=absent),
        queue=queue,
        duty_queue=rotation.duty_queue(queue) if duty_queue is None else duty_queue,
        today=day(today),
        **kw,
    )


def referral(advisor: int, n: int, ref: str = "call#5") -> Referral:
    return Referral(advisor, day(n), ref)


# ---------------------------------------------------------------- crossings (R4)


def claim(advisor: int, first: int | None, *, last: int | None = None, seq: int = 0) -> Claim:
    """An advisor's claim: first register entry on day `first` (None: no entry), last valid contact on `last`."""
    if first is None:
        return Claim(advisor, None, None, None)
    return Claim(advisor, at(first, seq), day(first), f"visit#{advisor}{first}",
                 day(last) if last is not None else None, f"followup#{advisor}{last}" if last is not None else None)


def deal(n: int, closer: int) -> Deal:
    return Deal(day(n), closer, f"deal#{n}")


# ---------------------------------------------------------------- helpers for assertions


def codes(reasons) -> list[str]:
    return [r.code for r in reasons]


def rules_cited(reasons) -> set[str]:
    return {r.rule for r in reasons}


@pytest.fixture
def seed_history() -> list[Event]:
    """SPEC R2.2's example: received (registered) by advisor 1 on the 1st."""
    return [register(LI, 1, ref="visit#1")]
