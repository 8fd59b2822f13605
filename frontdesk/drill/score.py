"""Scoring a drill: each answer against what the rules decide for that situation on the sandbox.

`expect` asks the real services (the routing preview and the owner lookup) what the counter
should do for the visitor now; nothing here hard-codes an answer. `judge` compares the trainee's
answer item by item — the greeter script (R3.1), the lookup (R3), the route and the advisor (the
rule that decided them), the follow-up duties (each with its rule) — and `sheet` adds the items
up per rule family (R2, R3, R4, R5, P2) with the time taken.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any, Sequence

from frontdesk.rules import credit
from frontdesk.rules.reasons import Reason

SCRIPT = ("visited_before", "materials", "saw")  # the greeter script's questions (R3.1)
# follow-up duties the trainee records, and the rule each one answers to
DUTIES: dict[str, str] = {
    "notify_owner": "R3.2",  # the owner is told of a duty reception at once
    "note_for_pm": "R4.1",  # "visited before" with no registration: the advisor named is noted for the PM
    "open_crossing": "R4",  # asks for one advisor while another holds them
    "notify_mentor": "R5.4",  # a trainee's reception: the mentor is told
    "notify_pm_large": "P2",  # a large deal in view: the PM is told at once
}
ROUTE_RULE = {"owner": "R3", "duty": "R3.2", "rotation": "R3.3", "requested": "R3.5", "crossing": "R4",
              "trainee-solo": "R5.3"}


@dataclass(frozen=True)
class Answer:
    asked: frozenset[str] = frozenset()  # script questions asked
    looked_up: bool = False
    route: str | None = None
    advisor: str | None = None
    duties: frozenset[str] = frozenset()

    def as_dict(self) -> dict[str, Any]:
        return {"asked": sorted(self.asked), "looked_up": self.looked_up, "route": self.route,
                "advisor": self.advisor, "duties": sorted(self.duties)}


@dataclass(frozen=True)
class Expected:
    route: str
    advisor: str
    duties: frozenset[str]
    rule: str  # the rule that decided the route and the advisor
    reasons: tuple[Reason, ...]  # the routing's reasons (staff by name)
    lookup: dict[str, Any]  # what the lookup shows: owner, protected_through, lapses_on, people, reasons
    large: bool = False
    threshold: str | None = None


@dataclass(frozen=True)
class Item:
    what: str  # script | lookup | route | advisor | duty
    rule: str
    ok: bool
    expected: Any = None
    given: Any = None

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for k in ("expected", "given"):
            if isinstance(d[k], (set, frozenset, tuple)):
                d[k] = sorted(d[k])
        return d


@dataclass(frozen=True)
class Verdict:
    story: str
    items: tuple[Item, ...]
    expected: Expected
    answer: Answer
    seconds: float = 0.0

    @property
    def points(self) -> int:
        return sum(1 for i in self.items if i.ok)

    @property
    def max(self) -> int:
        return len(self.items)

    @property
    def right(self) -> bool:
        return self.points == self.max

    def mistakes(self) -> list[Item]:
        return [i for i in self.items if not i.ok]

    def as_dict(self) -> dict[str, Any]:
        return {"story": self.story, "points": self.points, "max": self.max, "right": self.right,
                "seconds": round(self.seconds, 1), "answer": self.answer.as_dict(),
                "expected": {"route": self.expected.route, "advisor": self.expected.advisor,
                             "duties": sorted(self.expected.duties), "rule": self.expected.rule},
                "items": [i.as_dict() for i in self.items],
                "reasons": [r.as_dict() for r in self.expected.reasons]}


def family(rule: str) -> str:
    return rule.split(".")[0]


def decisive_rule(route: str, reasons: Sequence[Reason], household: bool) -> str:
    """The rule that decided this route: the special cases first, then the route's own rule."""
    codes = {r.code for r in reasons}
    if household and route == "owner":
        return "R2.5"  # one household, one client: the spouse is the owner's client
    if codes & {"referral_honoured", "referral_expired", "referral_not_asked"}:
        return "R2.4"
    if "visited_before_no_record" in codes:
        return "R4.1"
    if reasons and reasons[0].code == "lapsed" and route == "rotation":
        return "R2.2"
    return ROUTE_RULE.get(route, "R3")


def expected_duties(route: str, reasons: Sequence[Reason], large: bool) -> frozenset[str]:
    """The duties that go with the routing decision: each follows a reason the rules gave."""
    codes = {r.code for r in reasons}
    out = set()
    if "owner_absent_duty" in codes:
        out.add("notify_owner")  # R3.2: the owner is notified of a duty reception
    if "visited_before_no_record" in codes:
        out.add("note_for_pm")  # R4.1
    if route == "crossing":
        out.add("open_crossing")  # R4
    if "mentor_told" in codes:
        out.add("notify_mentor")  # R5.4
    if large:
        out.add("notify_pm_large")  # P2
    return frozenset(out)


def expect(sv: Any, pm: str, phone: str, name: str, asks_for: str | None, visited_before: bool,
           saw: str | None, budget: int | None, household: bool) -> Expected:
    """What the rules decide for this visitor now, asked of the sandbox's own services."""
    card = sv.reception.preview(phone, name, asks_for, visited_before, saw, actor=pm)
    own = sv.records.owner(phone, actor=pm)
    threshold = sv.staff.settings(actor=pm)["large_deal_threshold"]
    large = budget is not None and credit.is_large(Decimal(budget), Decimal(str(threshold)))
    reasons = tuple(card["reasons"])
    route = card["route"]
    lookup = {"owner": own["owner"], "protected_through": own["protected_through"], "lapses_on": own["lapses_on"],
              "previous_owner": own["previous_owner"], "people": card["people"], "reasons": tuple(own["reasons"])}
    return Expected(route, card["advisor"], expected_duties(route, reasons, large),
                    decisive_rule(route, reasons, household), reasons, lookup, large, str(threshold))


def judge(story: str, exp: Expected, ans: Answer, seconds: float = 0.0) -> Verdict:
    items: list[Item] = []
    missing = [q for q in SCRIPT if q not in ans.asked]
    items.append(Item("script", "R3.1", not missing, list(SCRIPT), sorted(ans.asked)))
    items.append(Item("lookup", "R3", ans.looked_up, True, ans.looked_up))
    items.append(Item("route", exp.rule, ans.route == exp.route, exp.route, ans.route))
    items.append(Item("advisor", exp.rule, ans.advisor == exp.advisor, exp.advisor, ans.advisor))
    for d in sorted(exp.duties | ans.duties):
        items.append(Item("duty", DUTIES.get(d, "R3"), (d in exp.duties) == (d in ans.duties),
                          d if d in exp.duties else None, d if d in ans.duties else None))
    return Verdict(story, tuple(items), exp, ans, seconds)


@dataclass
class Sheet:
    set: str
    seed: int | None
    trainee: str | None
    verdicts: list[Verdict] = field(default_factory=list)
    seconds: float = 0.0
    titles: dict[str, str] = field(default_factory=dict)  # story id → its title in the drill's language

    @property
    def points(self) -> int:
        return sum(v.points for v in self.verdicts)

    @property
    def max(self) -> int:
        return sum(v.max for v in self.verdicts)

    @property
    def score(self) -> int:
        """0–100, rounded down: what the PM records as the exam's scenario part (R5.3)."""
        return self.points * 100 // self.max if self.max else 0

    def families(self) -> dict[str, tuple[int, int]]:
        out: dict[str, list[int]] = {}
        for v in self.verdicts:
            for i in v.items:
                p = out.setdefault(family(i.rule), [0, 0])
                p[0] += int(i.ok)
                p[1] += 1
        return {k: (p[0], p[1]) for k, p in sorted(out.items(), key=lambda kv: _family_key(kv[0]))}

    def as_dict(self) -> dict[str, Any]:
        return {"set": self.set, "seed": self.seed, "trainee": self.trainee, "score": self.score,
                "points": self.points, "max": self.max, "seconds": round(self.seconds, 1),
                "visitors": len(self.verdicts), "right": sum(1 for v in self.verdicts if v.right),
                "families": {k: {"points": p, "max": m} for k, (p, m) in self.families().items()},
                "stories": [{**v.as_dict(), "title": self.titles.get(v.story, v.story)} for v in self.verdicts]}


def _family_key(f: str) -> tuple[int, str]:
    return (0 if f.startswith("R") else 1, f.zfill(4))
