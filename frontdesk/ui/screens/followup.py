"""A follow-up of one's own client (R2.1, R2.2); a duty advisor is refused (R3.4)."""

from __future__ import annotations

from functools import partial

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Select, Static

from .form import FormDialog


class FollowUpScreen(FormDialog):
    PREFIX = "f"

    def __init__(self, phone: str | None = None):
        super().__init__()
        self.phone = phone or ""

    def compose(self) -> ComposeResult:
        t = self.app.t  # type: ignore[attr-defined]
        with Vertical(id="followup", classes="dialog"):
            yield Static(t("ui.followup_title"), classes="dialog-title")
            yield from self.row(t("ui.phone"), Input(self.phone, id="f-phone", max_length=20,
                                                     restrict=r"[\d+\- ()]*", compact=True))
            yield from self.row(t("ui.outcome"), Select(
                [(t("word.reached"), "reached"), (t("word.unreachable"), "unreachable")],
                value="reached", allow_blank=False, id="f-outcome", compact=True))
            yield from self.row(t("word.sincerity"), Input(id="f-score", max_length=2, restrict=r"\d*",
                                                           placeholder="0–10", compact=True))
            yield from self.row(t("ui.note"), Input(id="f-note", max_length=2000, compact=True))
            yield from self.footer()

    def on_mount(self) -> None:
        self.query_one("#f-note" if self.phone else "#f-phone", Input).focus()

    def submit(self) -> None:
        score = self.value("score").strip()
        call = partial(self.app.services.records.followup, self.value("phone"),  # type: ignore[attr-defined]
                       str(self.query_one("#f-outcome", Select).value), self.value("note"),
                       int(score) if score else None)
        title = self.app.t("word.followup")  # type: ignore[attr-defined]
        self.run_service(call, lambda r: {"message": self.reasons(r), "title": title, "result": r})
