"""What every console tab shares: a table, a line of keys, a prompt, and service calls in
thread workers that report back on the UI thread."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Input, Static

from frontdesk import i18n
from frontdesk.services.errors import FrontdeskError


def key_word(description: str) -> str:
    """The catalog key of a footer word: "Away/back" → "ui.console_key.away_back"."""
    return "ui.console_key." + re.sub(r"[^a-z0-9]+", "_", description.lower()).strip("_")


def localise_bindings(node: Any) -> None:
    """Footer words in the user's language: the bindings are declared in English; each has its
    word in the catalog under `key_word(description)` (the console parts of the catalogs)."""
    lang = node.app.lang
    for key, bindings in list(node._bindings.key_to_bindings.items()):
        node._bindings.key_to_bindings[key] = [
            replace(b, description=i18n.t(k, lang)) if b.description and i18n.has_key(k := key_word(b.description), lang)
            else b for b in bindings]


class Pane(Vertical):
    """A console tab. Subclasses set COLUMNS (catalog keys) and implement `fetch` and `paint`."""

    COLUMNS: tuple[str, ...] = ()
    KEYS_HINT = ""  # catalog key of the line of keys under the table
    BINDINGS = [Binding("question_mark", "app.help", "Help")]  # a tab's own keys follow: help leads the footer

    def __init__(self, **kw: Any):
        super().__init__(**kw)
        self._answer: Callable[[str], None] | None = None

    def t(self, catalog_key: str, /, **params: Any) -> str:
        return self.app.t(catalog_key, **params)  # type: ignore[attr-defined]

    @property
    def sv(self) -> Any:
        return self.app.services  # type: ignore[attr-defined]

    @property
    def me(self) -> dict[str, Any]:
        return {"actor": self.app.user["name"], "project": self.app.project}  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        yield from self.compose_top()
        yield DataTable(cursor_type="row", classes="pane-table")
        yield from self.compose_bottom()
        yield Static("", classes="pane-detail")
        yield Input(classes="pane-prompt", compact=True)
        yield Static(self.t(self.KEYS_HINT) if self.KEYS_HINT else "", classes="pane-keys", markup=False)

    def compose_top(self) -> ComposeResult:
        yield from ()

    def compose_bottom(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        localise_bindings(self)
        table = self.table
        for key in self.COLUMNS:
            table.add_column(self.t(key))
        self.query_one(".pane-prompt", Input).display = False
        self.reload()

    @property
    def help_title(self) -> str:
        """The tab's name, over its keys on the help screen."""
        return self.t("ui.tab_" + (self.id or "").removeprefix("pane-"))

    @property
    def table(self) -> DataTable:
        return self.query_one(".pane-table", DataTable)

    def detail(self, text: str) -> None:
        self.query_one(".pane-detail", Static).update(text)

    # data ----------------------------------------------------------------------------------
    def reload(self) -> None:
        self.call(self.fetch, then=self._paint)

    def fetch(self) -> Any:
        raise NotImplementedError

    def _paint(self, data: Any) -> None:
        keep = self.table.cursor_row
        self.table.clear()
        self.paint(data)
        if keep is not None and self.table.row_count:
            self.table.move_cursor(row=min(keep, self.table.row_count - 1))

    def paint(self, data: Any) -> None:
        raise NotImplementedError

    def call(self, fn: Callable[..., Any], *args: Any, then: Callable[[Any], None] | None = None,
             **kw: Any) -> None:
        """Run a service call in a thread; show a refusal with its rule; then update on the UI thread."""
        def job() -> None:
            app = self.app
            try:
                result = fn(*args, **kw)
            except FrontdeskError as exc:
                app.call_from_thread(self.app.notify, app.error_text(exc), severity="error", timeout=8)  # type: ignore[attr-defined]
                return
            if then is not None:
                app.call_from_thread(then, result)

        self.run_worker(job, thread=True, group=f"pane-{id(self)}")

    def done(self, message: str) -> None:
        self.app.notify(message, timeout=6)
        self.reload()

    def cursor_key(self) -> str | None:
        table = self.table
        if not table.row_count or table.cursor_row is None:
            return None
        return table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value

    # a one-line prompt for what a key needs to know ---------------------------------------
    def ask(self, label: str, answer: Callable[[Any], None], value: str = "", allow_empty: bool = False) -> None:
        """`allow_empty`: Enter on an empty prompt answers None (an optional reason)."""
        prompt = self.query_one(".pane-prompt", Input)
        prompt.placeholder = label
        prompt.value = value
        prompt.display = True
        prompt.focus()
        self._answer = answer
        self._allow_empty = allow_empty

    @on(Input.Submitted, ".pane-prompt")
    def _answered(self, event: Input.Submitted) -> None:
        event.stop()
        prompt = event.input
        answer, self._answer = self._answer, None
        prompt.display = False
        self.table.focus()
        if answer is not None and event.value.strip():
            answer(event.value.strip())
        elif answer is not None and getattr(self, "_allow_empty", False):
            answer(None)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a row: the tab's own Enter action, where it has one."""
        action = getattr(self, "action_confirm", None) or getattr(self, "action_edit", None)
        if action is not None:
            event.stop()
            action()

    def cancel_prompt(self) -> bool:
        """Hide an open prompt; True when there was one (Esc closes the prompt, not the console)."""
        prompt = self.query_one(".pane-prompt", Input)
        if not prompt.display:
            return False
        prompt.display = False
        self._answer = None
        self.table.focus()
        return True
