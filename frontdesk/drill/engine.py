"""Playing a drill: the stories one by one on the sandbox, each scored against the rules.

For each visitor the engine sets the desk as the story says (who is away, the volume mode),
shows what the visitor says and what the counter sees, answers the greeter script's questions
as the visitor would, shows the lookup, and judges the trainee's answer against what the
sandbox's own services decide (score.expect). Then it registers the visit the right way on
the sandbox, so the rotation and the registers move on as they would at the real counter.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Callable

from . import world
from .scenario import DrillSet, Story
from .score import SCRIPT, Answer, Expected, Sheet, Verdict, expect, judge

MINUTES_APART = 7  # the sandbox clock moves on this much between visitors


@dataclass(frozen=True)
class Visit:
    """What the trainee is shown of the visitor before answering."""

    index: int  # 1-based
    total: int
    story: str
    title: str
    says: str
    sees: str
    name: str
    phone: str
    replies: dict[str, str | bool | None]  # the visitor's answers to the script's questions
    away: tuple[str, ...]
    volume: str


class Drill:
    def __init__(self, dset: DrillSet, seed: int | None = None, lang: str = "en", trainee: str | None = None,
                 timer: Callable[[], float] = time.monotonic):
        self.dset, self.seed, self.lang, self.trainee = dset, seed, lang, trainee
        self.timer = timer
        self.box = world.build(dset, seed)
        self.stories: list[Story] = world.order(dset, seed)
        self.verdicts: list[Verdict] = []
        self.started = timer()
        self._shown_at = self.started
        self._expected: Expected | None = None
        self._enter()

    # the desk -------------------------------------------------------------------------------
    @property
    def done(self) -> bool:
        return len(self.verdicts) >= len(self.stories)

    @property
    def story(self) -> Story:
        return self.stories[len(self.verdicts)]

    def staff(self) -> list[str]:
        """Who may serve at the counter in this world (the advisor choices)."""
        front = [s for s in self.dset.world.staff if s.role in ("advisor", "trainee", "pm")]
        return [s.name for s in sorted(front, key=lambda s: s.role == "pm")]  # the PM last: not on the rotation

    def roster(self) -> dict[str, Any]:
        return self.box.sv.roster.show(actor=self.box.pm)

    def _who(self, s: Story) -> tuple[str, str]:
        key = s.visitor.client or s.id
        return self.box.people.names[key], self.box.people.phones[key]

    def _params(self, s: Story) -> dict[str, Any]:
        name, phone = self._who(s)
        v = s.visitor
        w = self.dset.world
        owner, last = None, None
        client = next((c for c in w.clients if c.key == v.client), None)
        if client is not None and client.household_of:
            client = next(c for c in w.clients if c.key == client.household_of)
        if client is not None and client.history:
            ev = client.history[-1]
            owner, last = ev.by, self.box.today + timedelta(days=ev.day)
        referrer = next((self.box.people.names[ev.referred_by] for ev in (client.history if client else ())
                         if ev.referred_by), None)
        return {"name": name, "phone": phone, "tail": phone[-4:], "owner": owner or "", "asks_for": v.asks_for or "",
                "saw": v.saw or "", "budget": f"{v.budget:,}" if v.budget else "", "referrer": referrer or "",
                "today": self.box.today.isoformat(), "last_contact": last.isoformat() if last else ""}

    def visit(self) -> Visit:
        s = self.story
        p = self._params(s)
        v = s.visitor
        return Visit(len(self.verdicts) + 1, len(self.stories), s.id, s.title.get(self.lang).format(**p),
                     s.says.get(self.lang).format(**p), s.sees.get(self.lang).format(**p), p["name"], p["phone"],
                     {"visited_before": v.visited_before, "materials": v.materials, "saw": v.saw},
                     tuple(s.situation.away), s.situation.volume)

    def lookup(self) -> dict[str, Any]:
        """What the lookup shows at the counter: the owner, the window, the household, why."""
        assert self._expected is not None
        return self._expected.lookup

    def expected(self) -> Expected:
        assert self._expected is not None
        return self._expected

    # answering ------------------------------------------------------------------------------
    def answer(self, ans: Answer) -> Verdict:
        if self.done:
            raise RuntimeError("the drill is over")
        s = self.story
        now = self.timer()
        verdict = judge(s.id, self.expected(), ans, now - self._shown_at)
        self._register(s)
        self.verdicts.append(verdict)
        self._shown_at = now
        if not self.done:
            self._enter()
        return verdict

    def right_answer(self) -> Answer:
        """The answer the rules want now (for the tests and a PM's walkthrough)."""
        e = self.expected()
        return Answer(frozenset(SCRIPT), True, e.route, e.advisor, e.duties)

    def sheet(self) -> Sheet:
        end = self._shown_at if self.done else self.timer()
        titles = {s.id: s.title.get(self.lang) for s in self.stories}
        return Sheet(self.dset.name, self.seed, self.trainee, list(self.verdicts), end - self.started, titles)

    def close(self) -> None:
        self.box.close()

    def __enter__(self) -> "Drill":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # the sandbox ----------------------------------------------------------------------------
    def _enter(self) -> None:
        """Set the desk as the next story says, then ask the rules what it should be."""
        s, sv, pm = self.story, self.box.sv, self.box.pm
        self.box.at(len(self.verdicts) * MINUTES_APART)
        if sv.staff.settings(actor=pm)["volume_mode"] != s.situation.volume:
            sv.staff.settings("volume_mode", s.situation.volume, actor=pm)
        away_now = set(sv.roster.show(actor=pm)["away"])
        for n in self.dset.world.roster:
            if (n in s.situation.away) != (n in away_now):
                sv.roster.mark(n, n in s.situation.away, actor=pm)
        name, phone = self._who(s)
        v = s.visitor
        client = next((c for c in self.dset.world.clients if c.key == v.client), None)
        household = client is not None and client.household_of is not None
        self._expected = expect(sv, pm, phone, name, v.asks_for, v.visited_before, v.saw, v.budget, household)

    def _register(self, s: Story) -> None:
        """The visit as the rules want it, on the sandbox: the registers and the rotation move on."""
        name, phone = self._who(s)
        v = s.visitor
        self.box.sv.reception.visit(phone, name, v.asks_for, v.visited_before, v.materials, v.saw, actor=self.box.pm)
