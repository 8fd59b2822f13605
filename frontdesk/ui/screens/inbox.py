"""The inbox in full: every notice with its time; Enter marks one read."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from rich.text import Text

from frontdesk import i18n
from frontdesk.services.errors import FrontdeskError


class InboxScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape", "close", "Close")]

    def compose(self) -> ComposeResult:
        t = self.app.t  # type: ignore[attr-defined]
        with Vertical(id="inbox-dialog", classes="dialog"):
            yield Static(t("ui.inbox_title"), classes="dialog-title")
            yield OptionList(id="ib-items")  # a notice wraps: the whole of it, at 80 columns too
            yield Static("", id="ib-status")

    def on_mount(self) -> None:
        self.query_one("#ib-items", OptionList).focus()
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
        items = self.query_one("#ib-items", OptionList)
        keep = items.highlighted
        items.clear_options()
        for item in r["items"]:
            text = i18n.notice_text(item["kind"], self.app.lang, **item["data"])  # type: ignore[attr-defined]
            when = item["at"].strftime("%m-%d %H:%M")  # the desk's time (the service gives it)
            line = Text.assemble(f"{'●' if not item['read'] else ' '} ", (when, "bold"), f"  {text}")
            items.add_option(Option(line, id=str(item["id"])))
        if keep is not None and items.option_count:
            items.highlighted = min(keep, items.option_count - 1)
        if not r["items"]:
            self.query_one("#ib-status", Static).update(self.app.t("ui.inbox_empty"))  # type: ignore[attr-defined]

    @on(OptionList.OptionSelected, "#ib-items")
    def _ack(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.ack(int(event.option.id))

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
