"""The inbox in full: every notice with its time; Enter marks one read."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from frontdesk import i18n
from frontdesk.services.errors import FrontdeskError


class InboxScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape", "close", "Close")]

    def compose(self) -> ComposeResult:
        t = self.app.t  # type: ignore[attr-defined]
        with Vertical(id="inbox-dialog", classes="dialog"):
            yield Static(t("ui.inbox_title"), classes="dialog-title")
            yield DataTable(id="ib-items", cursor_type="row")
            yield Static("", id="ib-status")

    def on_mount(self) -> None:
        t = self.app.t  # type: ignore[attr-defined]
        table = self.query_one("#ib-items", DataTable)
        table.add_column("", width=1)
        table.add_column(t("ui.col_time"), width=11)
        table.add_column(t("ui.col_notice"))
        table.focus()
        self.load()

    @work(thread=True, exclusive=True)
    def load(self) -> None:
        app = self.app
        try:
            r = app.services.inbox.list(actor=app.user["name"], project=app.project, limit=100)  # type: ignore[attr-defined]
        except FrontdeskError as exc:
            app.call_from_thread(self.query_one("#ib-status", Static).update, app.error_text(exc))  # type: ignore[attr-defined]
            return
        app.call_from_thread(self._show, r)

    def _show(self, r: dict[str, Any]) -> None:
        table = self.query_one("#ib-items", DataTable)
        keep = table.cursor_row
        table.clear()
        for item in r["items"]:
            text = i18n.notice_text(item["kind"], self.app.lang, **item["data"])  # type: ignore[attr-defined]
            when = item["at"][5:16].replace("T", " ")
            table.add_row("●" if not item["read"] else " ", when, text, key=str(item["id"]))
        if keep is not None and table.row_count:
            table.move_cursor(row=min(keep, table.row_count - 1))
        if not r["items"]:
            self.query_one("#ib-status", Static).update(self.app.t("ui.inbox_empty"))  # type: ignore[attr-defined]

    @on(DataTable.RowSelected, "#ib-items")
    def _ack(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.ack(int(event.row_key.value))

    @work(thread=True, group="inbox-write")
    def ack(self, notice_id: int) -> None:
        app = self.app
        try:
            app.services.inbox.ack(notice_id, actor=app.user["name"], project=app.project)  # type: ignore[attr-defined]
        except FrontdeskError as exc:
            app.call_from_thread(self.query_one("#ib-status", Static).update, app.error_text(exc))  # type: ignore[attr-defined]
            return
        self.load()

    def action_close(self) -> None:
        self.dismiss(None)
