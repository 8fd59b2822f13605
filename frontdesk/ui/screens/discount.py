"""The advisor's discount request (R7): unit, discount and a note for the PM, who approves or
refuses it in the console; a deal below the list price then names that PM."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from frontdesk.services.errors import FrontdeskError


class DiscountScreen(ModalScreen[dict[str, Any] | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, phone: str | None = None):
        super().__init__()
        self.phone = phone or ""

    def compose(self) -> ComposeResult:
        t = self.app.t  # type: ignore[attr-defined]
        with Vertical(id="discount", classes="dialog"):
            yield Static(t("ui.discount_title"), classes="dialog-title")
            for wid, label, kw in (("d-phone", t("ui.phone"), {"value": self.phone, "max_length": 20}),
                                   ("d-unit", t("ui.discount_unit"), {"max_length": 40}),
                                   ("d-amount", t("ui.discount_amount"), {"max_length": 16, "restrict": r"[\d.,]*"}),
                                   ("d-note", t("ui.note"), {"max_length": 500})):
                with Horizontal(classes="form-row"):
                    yield Label(label, classes="field-label")
                    yield Input(id=wid, compact=True, **kw)
            yield Static("", id="d-error", classes="dialog-error")
            yield Static(t("ui.dialog_keys"), classes="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#d-unit" if self.phone else "#d-phone", Input).focus()

    @on(Input.Submitted)
    def _submit(self) -> None:
        v = {w: self.query_one(f"#d-{w}", Input).value for w in ("phone", "unit", "amount", "note")}
        self.save(v["phone"], v["unit"], v["amount"], v["note"])

    @work(thread=True, exclusive=True)
    def save(self, phone: str, unit: str, amount: str, note: str) -> None:
        app = self.app
        try:
            r = app.services.deals.discount_request(unit, phone, amount, note, actor=app.user["name"],  # type: ignore[attr-defined]
                                                    project=app.project)  # type: ignore[attr-defined]
        except FrontdeskError as exc:
            app.call_from_thread(self.query_one("#d-error", Static).update, app.error_text(exc))  # type: ignore[attr-defined]
            return
        msg = "\n".join(app.reason_text(r["reasons"]))  # type: ignore[attr-defined]
        app.call_from_thread(self.dismiss, {"message": msg, "result": r})

    def action_cancel(self) -> None:
        self.dismiss(None)
