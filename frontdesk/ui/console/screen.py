"""The console screen: the PM's tabs over the desk; Esc goes back."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Static, TabbedContent, TabPane

from .base import Pane, localise_bindings
from .panes import ApprovalsPane, CrossingsPane, RosterPane
from .panes_office import FiguresPane, LapsingPane, PeoplePane
from .panes_settings import SettingsPane

TABS = (("roster", RosterPane), ("approvals", ApprovalsPane), ("crossings", CrossingsPane),
        ("people", PeoplePane), ("lapsing", LapsingPane), ("figures", FiguresPane), ("settings", SettingsPane))


class ConsoleScreen(Screen[None]):
    BINDINGS = [Binding("question_mark", "app.help", "Help"), Binding("escape", "back", "Desk"),
                Binding("r", "reload", "Reload", show=False), Binding("o", "outbox", "Outbox"),
                Binding("i", "import_file", "Import", show=False)] + [
        Binding(str(i), f"tab('{name}')", name.title(), show=False) for i, (name, _p) in enumerate(TABS, 1)]

    def compose(self) -> ComposeResult:
        t = self.app.t  # type: ignore[attr-defined]
        yield Static(t("ui.console_title", name=self.app.user["name"]), id="console-bar")  # type: ignore[index]
        with TabbedContent(id="console-tabs"):
            for i, (name, pane) in enumerate(TABS, 1):
                with TabPane(f"{i} {t('ui.tab_' + name)}", id=f"tab-{name}"):
                    yield pane(id=f"pane-{name}")
        yield Footer(show_command_palette=False)  # ctrl+p is on the help screen: the tab's keys fit 80 columns

    def on_mount(self) -> None:
        localise_bindings(self)
        self.query_one("#pane-roster", Pane).table.focus()

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        pane = event.pane.query_one(Pane)
        pane.reload()
        pane.table.focus()

    def action_tab(self, name: str) -> None:
        self.query_one("#console-tabs", TabbedContent).active = f"tab-{name}"

    def action_outbox(self) -> None:
        from .panes_outbox import OutboxScreen  # outbound notices (issue 6, part 4)

        self.app.push_screen(OutboxScreen())

    def action_import_file(self) -> None:
        from .importer import ImportScreen  # the PM imports registers (issue 16, item 7)

        self.app.push_screen(ImportScreen())

    def action_reload(self) -> None:
        for pane in self.query(Pane):
            pane.reload()

    def tables_changed(self, _tables: frozenset[str]) -> None:
        """Someone committed a change: the tab in view re-reads (its cursor stays); others on opening."""
        active = self.query_one("#console-tabs", TabbedContent).active_pane
        if active is not None:
            for pane in active.query(Pane):
                pane.reload()

    def action_back(self) -> None:
        for pane in self.query(Pane):
            if pane.cancel_prompt():
                return
        self.dismiss(None)
