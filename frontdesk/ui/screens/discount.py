"""The advisor's discount request (R7): unit, discount and a note for the PM, who approves or
refuses it in the console; a deal below the list price then names that PM."""

from __future__ import annotations

from functools import partial

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Static

from .form import FormDialog


class DiscountScreen(FormDialog):
    PREFIX = "d"

    def __init__(self, phone: str | None = None):
        super().__init__()
        self.phone = phone or ""

    def compose(self) -> ComposeResult:
        t = self.app.t  # type: ignore[attr-defined]
        with Vertical(id="discount", classes="dialog"):
            yield Static(t("ui.discount_title"), classes="dialog-title")
            yield from self.row(t("ui.phone"), Input(self.phone, id="d-phone", max_length=20, compact=True))
            yield from self.row(t("ui.discount_unit"), Input(id="d-unit", max_length=40, compact=True))
            yield from self.row(t("ui.discount_amount"),
                                Input(id="d-amount", max_length=16, restrict=r"[\d.,]*", compact=True))
            yield from self.row(t("ui.note"), Input(id="d-note", max_length=500, compact=True))
            yield from self.footer()

    def on_mount(self) -> None:
        self.query_one("#d-unit" if self.phone else "#d-phone", Input).focus()

    def submit(self) -> None:
        call = partial(self.app.services.deals.discount_request,  # type: ignore[attr-defined]
                       self.value("unit"), self.value("phone"), self.value("amount"), self.value("note"))
        self.run_service(call, lambda r: {"message": self.reasons(r), "result": r})
