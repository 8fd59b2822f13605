"""The PM's view of outbound notices (issue 6, part 4): what went to the group robot, what waits,
what keeps failing and why. Opened from the console with `o`; `s` sends what is due now."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from frontdesk import i18n

from ..wrap import clip
from .base import Pane

STYLES = Path(__file__).parent.parent / "styles"


class OutboxPane(Pane):
    """The latest messages with their state, tries and last error; the webhook and the counts above."""

    COLUMNS = ("ui.col_time", "ui.col_state", "ui.col_attempts", "ui.col_notice", "ui.col_last_error")
    KEYS_HINT = "ui.outbox_keys"
    BINDINGS = [Binding("s", "send", "Send now"), Binding("r", "reload", "Reload")]

    def compose_top(self) -> ComposeResult:
        yield Static("", classes="outbox-head", markup=False)

    def fetch(self) -> Any:
        return self.sv.outbox.list(**self.me)

    def paint(self, r: dict[str, Any]) -> None:
        hook = r["webhook"]
        head = self.t("outbox.webhook", kind=hook["kind"], url=hook["url"], language=hook["lang"]) + "\n" + \
            self.t("outbox.counts", **r["counts"]) if hook else self.t("outbox.no_webhook")
        self.query_one(".outbox-head", Static).update(head)
        for i in r["items"]:
            state = self.t("outbox.state_sending") if i["sending"] else self.t(f"outbox.state_{i['state']}")
            self.table.add_row(i["at"].strftime("%m-%d %H:%M"), state, str(i["attempts"]),
                               clip(i["text"], 26), clip(i["last_error"] or "", 14), key=str(i["id"]))  # whole below
        self.detail("")

    def on_data_table_row_highlighted(self, event: Any) -> None:
        """The whole message and, for one that fails, its error and next try."""
        key = event.row_key.value if event.row_key else None
        item = next((i for i in getattr(self, "_items", []) if str(i["id"]) == key), None)
        if item is None:
            return
        lines = [item["text"]]
        if item["last_error"]:
            lines.append(f"{item['last_error']}  {self.t('outbox.next_try', at=i18n.format_value(item['next_try']))}")
        self.detail("\n".join(lines))

    def _paint(self, data: Any) -> None:
        self._items = data["items"]
        super()._paint(data)

    def action_send(self) -> None:
        self.app.notify(self.t("outbox.send_now"), timeout=3)
        self.call(self.sv.outbox.send, project=self.app.project,  # type: ignore[attr-defined]
                  then=lambda r: self.done(self.t("outbox.sent_summary", sent=r["sent"], failed=r["failed"])))

    def action_reload(self) -> None:
        self.reload()


class OutboxScreen(ModalScreen[None]):
    CSS_PATH = STYLES / "outbox.tcss"
    BINDINGS = [Binding("escape", "close", "Close")]

    def compose(self) -> ComposeResult:
        with Vertical(id="outbox-dialog", classes="dialog"):
            yield Static(self.app.t("ui.outbox_title"), classes="dialog-title")  # type: ignore[attr-defined]
            yield OutboxPane(id="pane-outbox")

    def on_mount(self) -> None:
        self.query_one(OutboxPane).table.focus()

    def action_close(self) -> None:
        if not self.query_one(OutboxPane).cancel_prompt():
            self.dismiss(None)
