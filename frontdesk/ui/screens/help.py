"""Keys and words: what each key does on the desk, in the user's language."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS = (("n", "greet"), ("t", "quick"), ("c", "call"), ("/", "lookup"), ("a", "away"), ("f", "followup"),
        ("i", "inbox"), ("s", "switch"), ("r", "refresh"), ("ctrl+p", "palette"), ("F1 ?", "help"),
        ("ctrl+l", "lock"), ("ctrl+q", "quit"))


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,question_mark,q", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        t = self.app.t  # type: ignore[attr-defined]
        lines = [f"[b]{t('ui.help_title')}[/b]", ""]
        lines += [f"  [b]{k:<8}[/b] {t(f'ui.help_{a}')}" for k, a in KEYS]
        lines += ["", t("ui.help_rules")]
        with VerticalScroll(id="help", classes="dialog"):
            yield Static("\n".join(lines))

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)
