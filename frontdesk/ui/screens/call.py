"""An incoming call, registered by the advisor who answers it (R2.3, R2.4)."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from frontdesk.services.errors import FrontdeskError


class CallScreen(ModalScreen[dict[str, Any] | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def compose(self) -> ComposeResult:
        t = self.app.t  # type: ignore[attr-defined]
        with Vertical(id="call", classes="dialog"):
            yield Static(t("ui.call_title"), classes="dialog-title")
            with Horizontal(classes="form-row"):
                yield Label(t("ui.phone"), classes="field-label")
                yield Input(id="c-phone", max_length=20, restrict=r"[\d+\- ()]*", placeholder="13800138000", compact=True)
            with Horizontal(classes="form-row"):
                yield Label(t("ui.name"), classes="field-label")
                yield Input(id="c-name", max_length=100, compact=True)
            with Horizontal(classes="form-row"):
                yield Label(t("ui.referred_by"), classes="field-label")
                yield Input(id="c-ref", max_length=20, restrict=r"[\d+\- ()]*", placeholder=t("ui.referred_by_hint"), compact=True)
            yield Static("", id="c-error", classes="dialog-error")
            yield Static(t("ui.dialog_keys"), classes="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#c-phone", Input).focus()

    @on(Input.Submitted)
    def _submit(self) -> None:
        self.register(self.query_one("#c-phone", Input).value, self.query_one("#c-name", Input).value or None,
                      self.query_one("#c-ref", Input).value or None)

    @work(thread=True, exclusive=True)
    def register(self, phone: str, name: str | None, referred_by: str | None) -> None:
        app = self.app
        try:
            r = app.services.reception.call(phone, name, referred_by, actor=app.user["name"],  # type: ignore[attr-defined]
                                            project=app.project)  # type: ignore[attr-defined]
        except FrontdeskError as exc:
            app.call_from_thread(self.query_one("#c-error", Static).update, app.error_text(exc))  # type: ignore[attr-defined]
            return
        t = app.t  # type: ignore[attr-defined]
        msg = t("ui.registered_call", entry=r["entry"], advisor=r["advisor"])
        msg += "\n" + "\n".join(app.reason_text(r["reasons"]))  # type: ignore[attr-defined]
        app.call_from_thread(self.dismiss, {"message": msg, "title": t("word.call_register"), "result": r})

    def action_cancel(self) -> None:
        self.dismiss(None)
