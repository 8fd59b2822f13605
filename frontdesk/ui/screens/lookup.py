"""Lookup (`/`): clients by phone tail, full phone, name or pinyin initials, as you type."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Static

from frontdesk.services.errors import FrontdeskError

PAGE = 20


class LookupScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape", "cancel", "Close"), Binding("pagedown", "page(1)", "Next page", show=False),
                Binding("pageup", "page(-1)", "Previous page", show=False),
                Binding("down", "to_results", "Results", show=False)]

    def __init__(self) -> None:
        super().__init__()
        self.page_offset = 0
        self.items: list[dict[str, Any]] = []

    def compose(self) -> ComposeResult:
        t = self.app.t  # type: ignore[attr-defined]
        with Vertical(id="lookup", classes="dialog"):
            yield Static(t("ui.lookup_title"), classes="dialog-title")
            yield Input(id="l-query", max_length=40, placeholder=t("ui.lookup_hint"), compact=True)
            yield DataTable(id="l-results", cursor_type="row")
            yield Static("", id="l-status")
            yield Static(t("ui.lookup_keys"), classes="dialog-keys")

    def on_mount(self) -> None:
        t = self.app.t  # type: ignore[attr-defined]
        self.query_one("#l-results", DataTable).add_columns(
            t("ui.name"), t("ui.phone"), t("word.owner"), t("word.protected_through"))
        self.query_one("#l-query", Input).focus()

    @on(Input.Changed, "#l-query")
    def _typed(self, event: Input.Changed) -> None:
        self.page_offset = 0
        self.search(event.value, 0)

    def action_page(self, step: int) -> None:
        self.page_offset = max(0, self.page_offset + step * PAGE)
        self.search(self.query_one("#l-query", Input).value, self.page_offset)

    def action_to_results(self) -> None:
        self.query_one("#l-results", DataTable).focus()

    @work(thread=True, exclusive=True)
    def search(self, query: str, offset: int) -> None:
        app = self.app
        try:
            r = app.services.desk.search(query, actor=app.user["name"], project=app.project,  # type: ignore[attr-defined]
                                         offset=offset, limit=PAGE)
        except FrontdeskError as exc:
            app.call_from_thread(self.query_one("#l-status", Static).update, app.error_text(exc))  # type: ignore[attr-defined]
            return
        app.call_from_thread(self._show, r, offset)

    def _show(self, r: dict[str, Any], offset: int) -> None:
        t = self.app.t  # type: ignore[attr-defined]
        table = self.query_one("#l-results", DataTable)
        table.clear()
        self.items = r["items"]
        for i, it in enumerate(self.items):
            owner = it["owner"] or (t("word.lapsed") if it["lapsed"] else "—")
            table.add_row(it["name"] or "—", it["phone"], owner, str(it["protected_through"] or "—"), key=str(i))
        page = offset // PAGE + 1
        more = t("ui.more_pages") if r["more"] else ""
        self.query_one("#l-status", Static).update(
            t("ui.lookup_status", count=len(self.items), page=page) + (f"  {more}" if more else ""))

    @on(Input.Submitted, "#l-query")
    def _enter(self) -> None:
        if self.items:
            self._open(0)

    @on(DataTable.RowSelected, "#l-results")
    def _picked(self, event: DataTable.RowSelected) -> None:
        self._open(int(event.row_key.value or 0))

    def _open(self, index: int) -> None:
        from .client import ClientScreen

        self.app.push_screen(ClientScreen(self.items[index]))

    def action_cancel(self) -> None:
        self.dismiss(None)
