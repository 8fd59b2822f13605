"""An incoming call, registered by the advisor who answers it (R2.3, R2.4)."""

from __future__ import annotations

from functools import partial
from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Static

from .form import FormDialog


class CallScreen(FormDialog):
    PREFIX = "c"

    def compose(self) -> ComposeResult:
        t = self.app.t  # type: ignore[attr-defined]
        with Vertical(id="call", classes="dialog"):
            yield Static(t("ui.call_title"), classes="dialog-title")
            yield from self.row(t("ui.phone"), Input(id="c-phone", max_length=20, restrict=r"[\d+\- ()]*",
                                                     placeholder=t("layout.phone_hint"), compact=True))
            yield from self.row(t("ui.name"), Input(id="c-name", max_length=100, compact=True))
            yield from self.row(t("ui.referred_by"), Input(id="c-ref", max_length=20, restrict=r"[\d+\- ()]*",
                                                           placeholder=t("ui.referred_by_hint"), compact=True))
            yield from self.footer()

    def on_mount(self) -> None:
        self.query_one("#c-phone", Input).focus()

    def submit(self) -> None:
        call = partial(self.app.services.reception.call, self.value("phone"),  # type: ignore[attr-defined]
                       self.value("name") or None, self.value("ref") or None)
        self.run_service(call, self._done)

    def _done(self, r: dict[str, Any]) -> dict[str, Any]:
        t = self.app.t  # type: ignore[attr-defined]
        msg = t("ui.registered_call", entry=r["entry"], advisor=r["advisor"]) + "\n" + self.reasons(r)
        return {"message": msg, "title": t("word.call_register"), "result": r}
