"""A follow-up of one's own client (R2.1, R2.2); a duty advisor is refused (R3.4)."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static

from frontdesk.services.errors import FrontdeskError


class FollowUpScreen(ModalScreen[dict[str, Any] | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, phone: str | None = None):
        super().__init__()
        self.phone = phone or ""

    def compose(self) -> ComposeResult:
        t = self.app.t  # type: ignore[attr-defined]
        with Vertical(id="followup", classes="dialog"):
            yield Static(t("ui.followup_title"), classes="dialog-title")
            with Horizontal(classes="form-row"):
                yield Label(t("ui.phone"), classes="field-label")
                yield Input(self.phone, id="f-phone", max_length=20, restrict=r"[\d+\- ()]*", compact=True)
            with Horizontal(classes="form-row"):
                yield Label(t("ui.outcome"), classes="field-label")
                yield Select([(t("word.reached"), "reached"), (t("word.unreachable"), "unreachable")],
                             value="reached", allow_blank=False, id="f-outcome", compact=True)
            with Horizontal(classes="form-row"):
                yield Label(t("word.sincerity"), classes="field-label")
                yield Input(id="f-score", max_length=2, restrict=r"\d*", placeholder="0–10", compact=True)
            with Horizontal(classes="form-row"):
                yield Label(t("ui.note"), classes="field-label")
                yield Input(id="f-note", max_length=2000, compact=True)
            yield Static("", id="f-error", classes="dialog-error")
            yield Static(t("ui.dialog_keys"), classes="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#f-note" if self.phone else "#f-phone", Input).focus()

    @on(Input.Submitted)
    def _submit(self) -> None:
        score = self.query_one("#f-score", Input).value.strip()
        self.save(self.query_one("#f-phone", Input).value, str(self.query_one("#f-outcome", Select).value),
                  self.query_one("#f-note", Input).value, int(score) if score else None)

    @work(thread=True, exclusive=True)
    def save(self, phone: str, outcome: str, note: str, score: int | None) -> None:
        app = self.app
        try:
            r = app.services.records.followup(phone, outcome, note, score, actor=app.user["name"],  # type: ignore[attr-defined]
                                              project=app.project)  # type: ignore[attr-defined]
        except FrontdeskError as exc:
            app.call_from_thread(self.query_one("#f-error", Static).update, app.error_text(exc))  # type: ignore[attr-defined]
            return
        msg = "\n".join(app.reason_text(r["reasons"]))  # type: ignore[attr-defined]
        app.call_from_thread(self.dismiss, {"message": msg, "title": app.t("word.followup"), "result": r})  # type: ignore[attr-defined]

    def action_cancel(self) -> None:
        self.dismiss(None)
