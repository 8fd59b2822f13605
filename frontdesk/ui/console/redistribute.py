"""R6: after a transfer, the moved advisor's clients are handed on for follow-up — a list of
who goes to whom, proposed round the rotation, changed by the PM, applied in one go."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Static

from frontdesk.services.errors import FrontdeskError

from .base import localise_bindings


class RedistributeScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape", "close", "Close"), Binding("c", "change", "Change"),
                Binding("ctrl+s", "apply", "Apply")]

    def __init__(self, name: str):
        super().__init__()
        self.moved = name
        self.plan: list[dict[str, Any]] = []

    def compose(self) -> ComposeResult:
        t = self.app.t  # type: ignore[attr-defined]
        with Vertical(classes="dialog"):
            yield Static(t("ui.redistribute_title", name=self.moved), classes="dialog-title")
            yield DataTable(id="rd-plan", cursor_type="row")
            yield Input(id="rd-to", compact=True, placeholder=t("ui.ask_redistribute_to"))
            yield Static(t("ui.redistribute_keys"), classes="dialog-keys")

    def on_mount(self) -> None:
        localise_bindings(self)
        t = self.app.t  # type: ignore[attr-defined]
        self.query_one("#rd-plan", DataTable).add_columns(t("ui.col_client"), t("ui.col_to"))
        self.query_one("#rd-to", Input).display = False
        self.load()

    @work(thread=True)
    def load(self) -> None:
        app = self.app
        try:
            plan = app.services.manager.redistribution(self.moved, actor=app.user["name"], project=app.project)  # type: ignore[attr-defined]
        except FrontdeskError as exc:
            app.call_from_thread(app.notify, app.error_text(exc), severity="error")  # type: ignore[attr-defined]
            return
        app.call_from_thread(self._show, plan)

    def _show(self, plan: list[dict[str, Any]]) -> None:
        self.plan = plan
        table = self.query_one("#rd-plan", DataTable)
        table.clear()
        for i, row in enumerate(plan):
            table.add_row(row["name"], row["to"] or "—", key=str(i))
        table.focus()

    def action_change(self) -> None:
        box = self.query_one("#rd-to", Input)
        box.display = True
        box.focus()

    @on(Input.Submitted, "#rd-to")
    def _changed(self, event: Input.Submitted) -> None:
        table = self.query_one("#rd-plan", DataTable)
        row = table.cursor_row
        if row is not None and event.value.strip() and self.plan:
            self.plan[row]["to"] = event.value.strip()
            self._show(self.plan)
            table.move_cursor(row=row)
        event.input.value = ""
        event.input.display = False

    @work(thread=True)
    def action_apply(self) -> None:
        app = self.app
        try:
            r = app.services.manager.redistribute(self.plan, actor=app.user["name"], project=app.project)  # type: ignore[attr-defined]
        except FrontdeskError as exc:
            app.call_from_thread(app.notify, app.error_text(exc), severity="error")  # type: ignore[attr-defined]
            return
        app.call_from_thread(app.notify, app.t("ui.redistributed", n=r["reassigned"]))  # type: ignore[attr-defined]
        app.call_from_thread(self.dismiss, None)

    def action_close(self) -> None:
        self.dismiss(None)
