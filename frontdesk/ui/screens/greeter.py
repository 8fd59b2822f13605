"""The greeter flow (R3.1): the script, the phone, the live owner verdict, the routing card.

`n`, the phone digits, Enter: a new walk-in registered and routed. The card shows who serves,
the route and the reasons with rule ids before anything is written.
"""

from __future__ import annotations

from typing import Any

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static
from textual.worker import get_current_worker

from frontdesk.rules import phones
from frontdesk.services.errors import FrontdeskError

from ..wrap import fold

YES_NO = ("yes", "no")


class PhoneInput(Input):
    """The phone field. Its size is its row's, whatever its digits: a keystroke repaints it alone.
    (Textual's Input asks for a layout of the whole dialog whenever its text's width changes — 10–20 ms
    a digit, before the owner verdict could be painted.)"""

    def refresh(self, *regions: Any, repaint: bool = True, layout: bool = False, recompose: bool = False) -> Any:
        return super().refresh(*regions, repaint=repaint, layout=False, recompose=recompose)


class GreeterScreen(ModalScreen[dict[str, Any] | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]  # at 24 rows: no blank lines, fewer reasons at once

    def __init__(self, quick: bool = False, phone: str = ""):
        super().__init__()
        self.quick = quick
        self.initial_phone = phone
        self.card: dict[str, Any] | None = None
        self.card_key: tuple | None = None

    def compose(self) -> ComposeResult:
        app = self.app
        t = app.t  # type: ignore[attr-defined]
        script = app.services.staff.settings(project=app.project)["greeter_script"]  # type: ignore[attr-defined]
        lines = script.get(app.lang) or script.get("en") or []  # type: ignore[attr-defined]
        yn = [(t("word.yes"), "yes"), (t("word.no"), "no")]
        with Vertical(id="greeter"):
            yield Static(t("ui.greeter_title_quick" if self.quick else "ui.greeter_title"), id="greeter-title")
            yield Static("  ".join(f"“{x}”" for x in lines), id="greeter-script")
            with Horizontal(classes="greeter-row"):
                yield Label(t("ui.phone"), classes="field-label")
                yield PhoneInput(self.initial_phone, id="g-phone", max_length=20, restrict=r"[\d+\- ()]*",
                            placeholder=t("layout.phone_hint"), compact=True)
                yield Label(t("ui.name"), classes="field-label")
                yield Input(id="g-name", max_length=100, compact=True)
            # each question keeps its label beside the answer (a Select's prompt goes once a value is set)
            with Horizontal(classes="greeter-row"):
                yield Label(t("ui.q_visited_before"), classes="field-label")
                yield Select(yn, prompt="—", id="g-visited", value="no" if self.quick else Select.NULL, compact=True)
                yield Label(t("ui.q_materials"), classes="field-label")
                yield Select(yn, prompt="—", id="g-materials", compact=True)
            with Horizontal(classes="greeter-row"):
                yield Label(t("ui.q_saw"), classes="field-label")
                yield Select([], prompt="—", id="g-saw", compact=True)
                yield Label(t("ui.q_asks_for"), classes="field-label")
                yield Select([], prompt="—", id="g-asks", compact=True)
            with Horizontal(classes="greeter-row", id="g-assign-row"):
                yield Label(t("ui.assign"), classes="field-label")
                yield Select([], prompt="—", id="g-assign", compact=True)
            yield Static(t("ui.verdict_wait"), id="g-verdict")
            with VerticalScroll(id="g-card-box"):  # long reasons scroll inside the card; its border and the keys stay
                yield Static("", id="g-card")
            yield Static(t("ui.greeter_keys"), id="g-keys")

    def on_mount(self) -> None:
        self.query_one("#g-assign-row").display = bool(self.app.user and self.app.user["role"] in ("pm", "gm"))  # type: ignore[attr-defined]
        self.query_one("#g-phone", Input).focus()
        self.load_staff()
        if self.initial_phone:
            self._changed()

    @work(thread=True)
    def load_staff(self) -> None:
        app = self.app
        staff = app.services.staff.list(project=app.project)  # type: ignore[attr-defined]
        names = [(s["name"], s["name"]) for s in staff if s["role"] in ("advisor", "trainee", "pm")]
        app.call_from_thread(self._set_staff, names)

    def _set_staff(self, names: list[tuple[str, str]]) -> None:
        for sel in ("#g-saw", "#g-asks", "#g-assign"):
            self.query_one(sel, Select).set_options(names)

    # the form --------------------------------------------------------------------------------
    def _value(self, sel: str) -> str | None:
        v = self.query_one(sel, Select).value
        return None if v is Select.NULL or v is None else str(v)

    def _args(self) -> dict[str, Any]:
        visited = self._value("#g-visited")
        return {
            "phone": self.query_one("#g-phone", Input).value.strip(),
            "name": self.query_one("#g-name", Input).value.strip() or None,
            "visited_before": None if visited is None else visited == "yes",
            "saw": self._value("#g-saw"), "asks_for": self._value("#g-asks"), "assign": self._value("#g-assign"),
        }

    @on(Input.Changed)
    @on(Select.Changed)
    def _changed(self) -> None:
        args = self._args()
        self.card = None
        try:
            phones.normalise(args["phone"])
        except phones.PhoneError:
            self.query_one("#g-verdict", Static).update(self.app.t("ui.verdict_wait"))  # type: ignore[attr-defined]
            self.query_one("#g-card", Static).update("")
            return
        self.preview(args)

    @work(thread=True, exclusive=True, group="preview")
    def preview(self, args: dict[str, Any]) -> None:
        """The owner verdict first (one indexed read, painted at once), the whole routing card after."""
        app = self.app
        who = {"actor": app.user["name"], "project": app.project}  # type: ignore[attr-defined]
        try:
            verdict = app.services.reception.owner_verdict(args["phone"], **who)  # type: ignore[attr-defined]
            app.call_from_thread(self._show_verdict, args, verdict)
            if get_current_worker().is_cancelled:
                return  # a newer digit is on its way
            card = app.services.reception.preview(**who, **args)  # type: ignore[attr-defined]
        except FrontdeskError as exc:
            app.call_from_thread(self._show_error, app.error_text(exc))  # type: ignore[attr-defined]
            return
        # the card once the verdict is on the screen: its layout does not hold the verdict's paint back
        app.call_from_thread(self.call_after_refresh, self._show_card, args, card)

    def _show_verdict(self, args: dict[str, Any], v: dict[str, Any]) -> None:
        """Who owns the client, present or away, and the owner rule's id and register entry (R2.2)."""
        if args != self._args() or self.card is not None:
            return
        t = self.app.t  # type: ignore[attr-defined]
        head = v["reasons"][0]
        cite = " ".join(x for x in (head.rule, head.data.get("entry")) if x)  # "R2.2 visit#12"
        if v["owner"]:
            text = t("ui.fast_owned", owner=v["owner"], through=v["protected_through"], days=v["days_left"],
                     presence=t("ui.owner_present" if v["present"] else "ui.owner_away"), cite=cite)
        elif v["previous_owner"]:
            text = t("ui.fast_lapsed", owner=v["previous_owner"], through=head.data["protected_through"], cite=cite)
        else:
            text = t("ui.fast_new", cite=cite)
        self._set_verdict(text)

    def _set_verdict(self, text: str) -> None:
        """The verdict, repainted alone when it keeps its height (no layout of the whole dialog)."""
        box = self.query_one("#g-verdict", Static)
        width = box.content_region.width
        lines = [ln for part in text.split("\n") for ln in fold(part, width)] if width else [text]
        box.update("\n".join(lines), layout=not width or len(lines) != box.content_region.height)

    def _show_error(self, text: str) -> None:
        self.card = None
        self.query_one("#g-card", Static).update(f"[b red]{text}[/b red]")

    def _show_card(self, args: dict[str, Any], card: dict[str, Any]) -> None:
        if args != self._args():
            return  # the form changed meanwhile; a newer preview is on its way
        t = self.app.t  # type: ignore[attr-defined]
        self.card, self.card_key = card, tuple(sorted(args.items()))
        if card["owner"]:
            verdict = t("ui.verdict_owned", owner=card["owner"], through=card["protected_through"],
                        days=card["days_left"])
        elif card["previous_owner"]:
            verdict = t("ui.verdict_lapsed", owner=card["previous_owner"])
        else:
            verdict = t("ui.verdict_new")
        people = ", ".join(f"{p['name'] or '—'} {p['phone']}" for p in card["people"])
        if people:
            verdict += f"\n{t('ui.people')}: {people}"
        self.query_one("#g-verdict", Static).update(verdict)
        route = t(f"word.route.{card['route']}")
        width = (self.query_one("#g-card", Static).content_region.width or 200) - 2  # room for a scrollbar
        # wrapped here, Chinese by the character: the rule id stays on its bullet's line
        reasons = "\n".join("\n".join(fold(f"  • {r}", width, indent="    "))
                            for r in self.app.reason_text(card["reasons"]))  # type: ignore[attr-defined]
        told = ", ".join(n for n in card["notify"] if n) or "—"
        self.query_one("#g-card", Static).update(
            f"[b]→ {card['advisor']}[/b]  ({route})    {t('ui.will_notify')}: {told}\n{reasons}")

    def on_resize(self, _event: events.Resize) -> None:
        if self.card is not None:
            self._show_card(self._args(), self.card)

    # confirm -----------------------------------------------------------------------------------
    @on(Input.Submitted)
    def _submit(self) -> None:
        if self.card is None:
            self.query_one("#g-card", Static).update(self.app.t("ui.card_not_ready"))  # type: ignore[attr-defined]
            return
        self.register(self._args())

    @work(thread=True, exclusive=True, group="register")
    def register(self, args: dict[str, Any]) -> None:
        app = self.app
        visited = args.pop("visited_before")
        materials = self._value("#g-materials")
        try:
            r = app.services.reception.visit(  # type: ignore[attr-defined]
                visited_before=visited, materials=None if materials is None else materials == "yes",
                actor=app.user["name"], project=app.project, **args)  # type: ignore[attr-defined]
        except FrontdeskError as exc:
            app.call_from_thread(self._show_error, app.error_text(exc))  # type: ignore[attr-defined]
            return
        t = app.t  # type: ignore[attr-defined]
        msg = t("ui.registered_visit", entry=r["entry"], advisor=r["advisor"], route=t(f"word.route.{r['route']}"))
        if r["notified"]:
            msg += "\n" + t("ui.notified", names=", ".join(r["notified"]))
        app.call_from_thread(self.dismiss, {"message": msg, "title": t("word.visitor_register"), "result": r})

    def action_cancel(self) -> None:
        self.dismiss(None)
