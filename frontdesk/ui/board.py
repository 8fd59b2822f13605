"""The lobby board: a large, read-only "next up" for a second screen, refreshing itself."""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import work
from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Digits, Static

from frontdesk import i18n

from . import bigtext
from frontdesk.services import Services
from frontdesk.services.errors import FrontdeskError


def plaque(name: str) -> str:
    """The next advisor's name as the lobby reads it from afar: letters spread (a Chinese name
    one full-width space apart), Latin letters capitalised."""
    if any(cell_len(ch) == 2 for ch in name):
        return "\u3000".join(name)
    return " ".join(name.upper())


AROUND = 14  # the board's rows besides the name: title, frame, "next up", margins, the turn's digits, the order


class BigName(Widget):
    """The next advisor's name in big half-block letters (`bigtext`) as wide and tall as the board
    leaves room for; the plaque of ordinary letters where even the smallest size does not fit."""

    value: reactive[str] = reactive("", layout=True)

    def lines(self, width: int) -> list[str]:
        rows = self.app.size.height - AROUND
        return bigtext.fit(self.value, width, rows) or [plaque(self.value)]

    def get_content_height(self, container: Any, viewport: Any, width: int) -> int:
        return len(self.lines(width))

    def render(self) -> Text:
        width = self.content_size.width
        lines = self.lines(width)
        pad = " " * max(0, (width - bigtext.width(lines)) // 2)  # centred as one block: the letters' columns line up
        return Text("\n".join(pad + line for line in lines), no_wrap=True, overflow="crop")


class BoardApp(App[None]):
    CSS = """
    Screen { align: center middle; }
    #board { width: 100%; height: auto; }
    #b-title { text-style: bold; content-align: center middle; width: 100%; color: $text-muted; }
    #b-panel { width: 100%; height: auto; border: double $success; padding: 0 2; }
    #b-next { text-style: bold; content-align: center middle; width: 100%; height: auto; color: $success; }
    #b-name { text-style: bold; width: 100%; height: auto; margin: 1 0;
              color: $success; }
    #b-turn-row { width: 100%; height: auto; align: center middle; }
    #b-turn-word { width: auto; height: 3; content-align: center middle; padding: 0 2; color: $text-muted; }
    #b-turn { width: auto; color: $success; }
    #b-order { content-align: center middle; width: 100%; margin: 1 0 0 0; }
    """
    BINDINGS = [("q", "quit", "Quit")]

    def __init__(self, services: Services, lang: str = "en", project: str | None = None, refresh_seconds: float = 5):
        super().__init__()
        self.services, self.lang, self.project, self.refresh_seconds = services, lang, project, refresh_seconds

    def compose(self) -> ComposeResult:
        with Vertical(id="board"):
            yield Static("", id="b-title")
            with Vertical(id="b-panel"):  # "next up": the name in big letters, the turn in big digits
                yield Static("", id="b-next")
                yield BigName(id="b-name")
                with Horizontal(id="b-turn-row"):
                    yield Static("", id="b-turn-word")
                    yield Digits("", id="b-turn")
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
            turns = sum(1 for v in self.services.desk.today("visit", project=self.project) if v["route"] == "rotation")
        except FrontdeskError as exc:
            self.call_from_thread(self.query_one("#b-next", Static).update, exc.message)
            return
        self.call_from_thread(self._paint, r, turns + 1)

    def _paint(self, r: dict[str, Any], turn: int) -> None:
        t = lambda k, **p: i18n.t(k, self.lang, **p)  # noqa: E731
        self.query_one("#b-title", Static).update(f"{r['project']}  ·  {i18n.format_value(r['now'])}")
        nxt = r["next"] or "—"
        # the name in text too, above its big letters: read up close, by a screen reader, and found by a search
        self.query_one("#b-next", Static).update(f"{t('word.next_up')}  ·  {nxt}")
        self.query_one("#b-name", BigName).value = nxt
        self.query_one("#b-turn-word", Static).update(t("layout.board.turn"))
        self.query_one("#b-turn", Digits).update(str(turn))
        rest = [n for n in r["order"] if n != r["next"] and n not in r["away"] and n not in r["shadow"]]
        away = ", ".join(r["away"]) or "—"
        self.query_one("#b-order", Static).update(
            f"{t('word.rotation')}: {'  →  '.join(rest) or '—'}\n{t('word.away')}: {away}")
