"""The scenario drill at the counter (R5.3 情景模拟), by keyboard.

One visitor at a time: what they say and what the counter sees. The trainee works the greeter
flow — asks the script's questions (1 2 3), looks the phone up (/), chooses the route (o d r q x
t) and the advisor (a / A), records the follow-up duties (5–9) — and answers with Enter. The
verdict panel then says what was right or wrong and why (rule ids, dates); Enter goes on, and
after the last visitor the score sheet opens. Everything happens on the drill's sandbox.
"""

from __future__ import annotations

from typing import Any, Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import Static

from frontdesk.drill.engine import Drill
from frontdesk.drill.score import DUTIES, SCRIPT, Answer, Verdict

ROUTE_KEYS = {"o": "owner", "d": "duty", "r": "rotation", "q": "requested", "x": "crossing", "t": "trainee-solo"}
DUTY_KEYS = dict(zip("56789", DUTIES))


class DrillScreen(Screen[None]):
    BINDINGS = [
        Binding("1", "ask(0)", "Visited before?", show=False),
        Binding("2", "ask(1)", "Materials?", show=False),
        Binding("3", "ask(2)", "Served before?", show=False),
        Binding("slash", "lookup", "Lookup"),
        *[Binding(k, f"route('{r}')", r, show=False) for k, r in ROUTE_KEYS.items()],
        Binding("a", "advisor(1)", "Advisor", show=False),
        Binding("A", "advisor(-1)", "Advisor back", show=False),
        *[Binding(k, f"duty('{d}')", d, show=False) for k, d in DUTY_KEYS.items()],
        Binding("enter", "answer", "Answer", priority=True),
        Binding("escape", "leave", "Leave"),
    ]

    def __init__(self, drill: Drill, record: Callable[[dict[str, Any]], str] | None = None):
        super().__init__()
        self.drill = drill
        self.record = record
        self._reset()

    def _reset(self) -> None:
        self.asked: list[str] = []
        self.looked_up = False
        self.route: str | None = None
        self.advisor: str | None = None
        self.duties: set[str] = set()
        self.verdict: Verdict | None = None
        self.current: Any = None  # the visitor on screen (kept for the verdict after the last answer)

    def compose(self) -> ComposeResult:
        with Vertical(id="drill"):
            yield Static(id="d-head")
            yield Static(id="d-visitor")
            with VerticalScroll(id="d-body"):
                yield Static(id="d-form")
                yield Static(id="d-verdict")
            yield Static(id="d-keys")

    def on_mount(self) -> None:
        self.show()

    # words ------------------------------------------------------------------------------------
    def t(self, key: str, **kw: Any) -> str:
        """A catalog text, escaped for markup (the texts hold key hints such as "[o]")."""
        return escape(self.app.t(key, **kw))  # type: ignore[attr-defined]

    def show(self) -> None:
        t, d = self.t, self.drill
        if self.current is None:
            self.current = d.visit()
        v = self.current
        self.query_one("#d-head", Static).update(
            f"[b]{t('drill.title')}[/b] · {t('drill.visitor_n', n=v.index, total=v.total)} · {escape(v.title)}")
        away = escape(", ".join(v.away) or "—")
        volume = t("word.high_volume" if v.volume == "high" else "word.low_volume")
        self.query_one("#d-visitor", Static).update(
            f"[b]{t('drill.says')}[/b]: {escape(v.says)}\n[b]{t('drill.sees')}[/b]: {escape(v.sees)}\n"
            f"[dim]{t('drill.desk', away=away, volume=volume)}[/dim]")
        self.query_one("#d-form", Static).update(self._form(v))
        self.query_one("#d-form", Static).display = self.verdict is None
        verdict = self.query_one("#d-verdict", Static)
        verdict.display = self.verdict is not None
        if self.verdict is not None:
            verdict.update(self._verdict(self.verdict))
            verdict.set_class(not self.verdict.right, "wrong")
        keys = t("drill.keys") if self.verdict is None else t("drill.to_sheet" if d.done else "drill.next")
        self.query_one("#d-keys", Static).update(keys)

    def _reply(self, v: Any, q: str) -> str:
        if q not in self.asked:
            return self.t("drill.not_asked")
        r = v.replies[q]
        if q == "saw":
            return escape(str(r)) if r else self.t("drill.nobody")
        return self.t("word.yes" if r else "word.no")

    def _form(self, v: Any) -> str:
        t = self.t
        lines = [f"[b]{t('drill.script')}[/b]"]
        lines += [f"  {t(f'drill.q.{q}')}  → [b]{self._reply(v, q)}[/b]" for q in SCRIPT]
        lines.append(f"[b]{t('drill.lookup')}[/b]  {self._lookup()}")
        route = t(f"word.route.{self.route}") if self.route else t("drill.choose")
        lines.append(f"[b]{t('drill.route')}[/b]  → [b]{route}[/b]")
        lines.append(f"  [dim]{t('drill.route_keys')}[/dim]")
        lines.append(f"[b]{t('drill.advisor')}[/b]  → [b]{self.advisor or t('drill.choose')}[/b]")
        duties = [("[b reverse]✔ " + t(f"drill.duty.{k}") + "[/]") if k in self.duties else t(f"drill.duty.{k}")
                  for k in DUTIES]
        lines.append(f"[b]{t('drill.duties')}[/b]")
        lines.append("  " + "  ".join(duties[:3]))
        lines.append("  " + "  ".join(duties[3:]))
        return "\n".join(lines)

    def _lookup(self) -> str:
        t = self.t
        if not self.looked_up:
            return f"[dim]{t('drill.lookup_hint')}[/dim]"
        lk = self.drill.lookup()
        if lk["owner"]:
            text = t("drill.lookup_owned", owner=lk["owner"], through=lk["protected_through"])
        elif lk["previous_owner"]:
            lapsed = next((r.data.get("lapses_on") for r in lk["reasons"] if r.code == "lapsed"), None)
            text = t("drill.lookup_lapsed", owner=lk["previous_owner"], lapsed=lapsed)
        else:
            text = t("drill.lookup_new")
        people = escape(", ".join(f"{p['name'] or '—'} ({p['relation']})" for p in lk["people"] if p["relation"] != "self"))
        if people:
            text += " · " + t("drill.lookup_people", people=people)
        return text

    def _verdict(self, vd: Verdict) -> str:
        t = self.t
        head = t("drill.verdict_right" if vd.right else "drill.verdict_wrong", points=vd.points, max=vd.max)
        lines = [f"[b]{head}[/b]"]
        for i in vd.items:
            what = t(f"drill.item.{i.what}")
            if i.ok:
                lines.append(t("drill.item_ok", what=what, rule=i.rule, given=self._value(i.what, i.expected)))
            else:
                lines.append("[b]" + t("drill.item_wrong", what=what, rule=i.rule, expected=self._value(i.what, i.expected),
                                       given=self._value(i.what, i.given)) + "[/b]")
        lines.append(f"[b]{t('drill.why')}:[/b]")
        lines += [f"  • {escape(r)}" for r in self.app.reason_text(vd.expected.reasons)]  # type: ignore[attr-defined]
        return "\n".join(lines)

    def _value(self, what: str, value: Any) -> str:
        t = self.t
        if value is None or value == [] or value is False:
            return "—"
        if what == "route":
            return t(f"word.route.{value}")
        if what == "duty":
            return t(f"drill.duty.{value}").split("] ", 1)[-1]
        if what == "script":
            return ", ".join(t(f"drill.q.{q}").split("] ", 1)[-1] for q in value)
        if value is True:
            return t("word.yes")
        return escape(str(value))

    # keys ---------------------------------------------------------------------------------------
    def _open(self) -> bool:
        return self.verdict is None and not self.drill.done

    def action_ask(self, n: int) -> None:
        if self._open() and SCRIPT[n] not in self.asked:
            self.asked.append(SCRIPT[n])
            self.show()

    def action_lookup(self) -> None:
        if self._open():
            self.looked_up = True
            self.show()

    def action_route(self, route: str) -> None:
        if self._open():
            self.route = route
            self.show()

    def action_advisor(self, step: int) -> None:
        if not self._open():
            return
        staff = self.drill.staff()
        i = staff.index(self.advisor) if self.advisor in staff else (-1 if step > 0 else 0)
        self.advisor = staff[(i + step) % len(staff)]
        self.show()

    def action_duty(self, duty: str) -> None:
        if self._open():
            self.duties ^= {duty}
            self.show()

    def action_answer(self) -> None:
        if self.verdict is None:
            if self.drill.done:
                return
            self.verdict = self.drill.answer(Answer(frozenset(self.asked), self.looked_up, self.route, self.advisor,
                                                    frozenset(self.duties)))
            self.show()
            return
        if self.drill.done:
            from .drill_sheet import DrillSheetScreen

            self.app.switch_screen(DrillSheetScreen(self.drill.sheet(), self.record))
            return
        self._reset()
        self.show()

    def action_leave(self) -> None:
        if getattr(self.app, "drill_only", False):
            self.app.exit()
        else:
            self.app.pop_screen()

    def on_unmount(self) -> None:
        self.drill.close()  # the sandbox goes with the screen; the sheet keeps the results
