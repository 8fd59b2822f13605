"""Keys and words: what each key does on the desk, in the user's language."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS = (("n", "greet"), ("t", "quick"), ("c", "call"), ("/", "lookup"), ("a", "away"), ("f", "followup"),
        ("i", "inbox"), ("s", "switch"), ("r", "refresh"), ("m", "console"), ("e", "drill"),
        ("ctrl+p", "palette"), ("F1 ?", "help"),
        ("ctrl+l", "lock"), ("ctrl+q", "quit"))


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,question_mark,q", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        t = self.app.t  # type: ignore[attr-defined]
        with VerticalScroll(id="help", classes="dialog"):
            yield Static(f"[b]{t('ui.help_title')}[/b]\n", id="help-title")
            for key, action in KEYS:  # a key and its words side by side: a long line wraps in its column
                with Horizontal(classes="help-row"):
                    yield Static(key, classes="help-key", markup=False)
                    yield Static(t(f"ui.help_{action}"), classes="help-words", markup=False)
            yield Static("\n" + t("ui.help_rules"), id="help-rules", markup=False)

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)
