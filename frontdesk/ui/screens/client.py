"""A client's records, as far as the user may see them (R2.1): own clients and the PM see
all; another advisor is refused with the rule, or sees them in a PM-witnessed view (logged)."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from frontdesk.services.errors import FrontdeskError


class ClientScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape", "close", "Close"), Binding("w", "witness", "PM-witnessed view"),
                Binding("f", "followup", "Follow-up"), Binding("d", "discount", "Discount")]

    def __init__(self, item: dict[str, Any]):
        super().__init__()
        self.item = item
        self.refused = False  # R2.1 refused the records: no follow-up, no discount from here

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (self.refused and action in ("followup", "discount"))

    def compose(self) -> ComposeResult:
        t = self.app.t  # type: ignore[attr-defined]
        with Vertical(id="client", classes="dialog"):
            yield Static(f"{self.item['name'] or '—'}  {self.item['phone']}", classes="dialog-title")
            with VerticalScroll(id="cl-body"):
                yield Static(t("ui.loading"), id="cl-text")
            with Horizontal(id="cl-witness"):
                yield Label(t("ui.witness_pm"), classes="field-label")
                yield Input(id="cl-wname", max_length=100, compact=True)
                yield Label(t("ui.signin_pin"), classes="field-label")
                yield Input(id="cl-wpin", password=True, max_length=8, restrict=r"\d*", compact=True)
            yield Static(t("ui.client_keys"), classes="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#cl-witness").display = False
        self.load()

    @work(thread=True, exclusive=True)
    def load(self, witness: str | None = None, pin: str | None = None) -> None:
        app = self.app
        try:
            h = app.services.records.history(client_id=self.item["client"], actor=app.user["name"],  # type: ignore[attr-defined]
                                             project=app.project, witness=witness, witness_pin=pin)  # type: ignore[attr-defined]
        except FrontdeskError as exc:
            app.call_from_thread(self._refused, app.error_text(exc))  # type: ignore[attr-defined]
            return
        app.call_from_thread(self._show, h)

    def _refused(self, text: str) -> None:
        t = self.app.t  # type: ignore[attr-defined]
        self.refused = True
        self.refresh_bindings()
        self.query_one(".dialog-keys", Static).update(t("layout.client_keys_refused"))
        self.query_one("#cl-text", Static).update(f"[b red]{text}[/b red]\n\n{t('ui.witness_hint')}")

    def _show(self, h: dict[str, Any]) -> None:
        t = self.app.t  # type: ignore[attr-defined]
        self.refused = False  # a PM-witnessed view opens them
        self.refresh_bindings()
        self.query_one(".dialog-keys", Static).update(t("ui.client_keys"))
        lines = []
        lines += [f"[b]{t('word.owner')}[/b]: {h['owner'] or '—'}   "
                  f"[b]{t('word.protected_through')}[/b]: {h['protected_through'] or '—'}"]
        lines += [f"  • {r}" for r in self.app.reason_text(h["reasons"])]  # type: ignore[attr-defined]
        lines += ["", f"[b]{t('word.household')}[/b]"]
        lines += [f"  {p['name'] or '—'} ({t('word.relation.' + p['relation'])}) {', '.join(p['phones'])}"
                  for p in h["people"]]
        lines += ["", f"[b]{t('ui.register_entries')}[/b]"]
        for e in h["entries"]:
            book = t("word.visitor_register" if e["register"] == "visit" else "word.call_register")
            said = "  ".join(x for x in (e.get("intent", ""), e.get("note", "")) if x)
            lines.append(f"  {e['day']} {book} #{e['entry']}  {t('word.route.' + e['route'])}  {e['advisor']}"
                         + (f"  {said}" if said else ""))
        lines += ["", f"[b]{t('word.followup')}[/b]"]
        for f in h["followups"]:
            ok = t("word.reached") if f["outcome"] == "reached" else t("word.unreachable")
            signed = f" ✓ {f['verified_by']}" if f["verified_by"] else ""
            lines.append(f"  {f['day']} {f['advisor']} {ok}{signed}  {f['note']}")
        self.query_one("#cl-text", Static).update("\n".join(lines))
        self.query_one("#cl-witness").display = False

    def action_witness(self) -> None:
        self.query_one("#cl-witness").display = True
        self.query_one("#cl-wname", Input).focus()

    @on(Input.Submitted, "#cl-wpin")
    @on(Input.Submitted, "#cl-wname")
    def _witnessed(self, event: Input.Submitted) -> None:
        if event.input.id == "cl-wname":
            self.query_one("#cl-wpin", Input).focus()
            return
        name = self.query_one("#cl-wname", Input).value
        pin = event.value
        event.input.value = ""
        self.load(name, pin)

    def action_followup(self) -> None:
        from .followup import FollowUpScreen

        phone = str(self.item["phone"])
        self.app.push_screen(FollowUpScreen(phone if "*" not in phone else None))

    def action_discount(self) -> None:
        """R7: ask the PM for a discount for this client (the console's approvals queue decides)."""
        from .discount import DiscountScreen

        phone = str(self.item["phone"])

        def told(result: dict[str, Any] | None) -> None:
            if result:
                self.app.notify(result["message"], timeout=8)
        self.app.push_screen(DiscountScreen(phone if "*" not in phone else None), told)

    def action_close(self) -> None:
        self.dismiss(None)
