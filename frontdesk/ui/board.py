"""The lobby board: a large, read-only "next up" for a second screen, refreshing itself."""

from __future__ import annotations

from typing import Any

from textual import work
from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from frontdesk import i18n
from frontdesk.services import Services
from frontdesk.services.errors import FrontdeskError


class BoardApp(App[None]):
    CSS = """
    Screen { align: center middle; }
    #board { width: 100%; height: auto; }
    #b-title { text-style: bold; content-align: center middle; width: 100%; color: $text-muted; }
    #b-next { text-style: bold; content-align: center middle; width: 100%; height: 9;
              border: double $success; color: $success; padding: 1 4; }
    #b-order { content-align: center middle; width: 100%; }
    """
    BINDINGS = [("q", "quit", "Quit")]

    def __init__(self, services: Services, lang: str = "en", project: str | None = None, refresh_seconds: float = 5):
        super().__init__()
        self.services, self.lang, self.project, self.refresh_seconds = services, lang, project, refresh_seconds

    def compose(self) -> ComposeResult:
        with Vertical(id="board"):
            yield Static("", id="b-title")
            yield Static("", id="b-next")
            yield Static("", id="b-order")

    def on_mount(self) -> None:
        self.title = i18n.t("ui.board_title", self.lang)
        self.load()
        self.set_interval(self.refresh_seconds, self.load)  # the fallback: the feed says it sooner
        from .live import LiveFeed

        self.live = LiveFeed(self, self.services.db.url) if LiveFeed.wanted() else None

    def tables_changed(self, tables: frozenset[str]) -> None:
        from .live import BOARD, touches

        if touches(tables, BOARD):
            self.load()

    def on_unmount(self) -> None:
        if self.live is not None:
            self.live.stop()

    @work(thread=True, exclusive=True)
    def load(self) -> None:
        try:
            r = self.services.roster.show(project=self.project)
        except FrontdeskError as exc:
            self.call_from_thread(self.query_one("#b-next", Static).update, exc.message)
            return
        self.call_from_thread(self._paint, r)

    def _paint(self, r: dict[str, Any]) -> None:
        t = lambda k, **p: i18n.t(k, self.lang, **p)  # noqa: E731
        self.query_one("#b-title", Static).update(f"{r['project']}  ·  {r['now'][:16].replace('T', ' ')}")
        nxt = r["next"] or "—"
        self.query_one("#b-next", Static).update(f"{t('word.next_up')}\n\n{nxt}")
        rest = [n for n in r["order"] if n != r["next"] and n not in r["away"] and n not in r["shadow"]]
        away = ", ".join(r["away"]) or "—"
        self.query_one("#b-order", Static).update(
            f"{t('word.rotation')}: {'  →  '.join(rest) or '—'}\n{t('word.away')}: {away}")
