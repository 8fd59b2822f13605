"""The desk: rotation, today's registers and the inbox; one key per counter action."""

from __future__ import annotations

import gc
from typing import Any, Iterable

from rich.cells import cell_len
from rich.text import Text
from textual._context import NoActiveAppError
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import DataTable, Footer, OptionList, Static
from textual.widgets.option_list import Option

from frontdesk.services.errors import FrontdeskError
from frontdesk.ui.firstread import desk_view

REFRESH_SECONDS = 10


def fill(table: DataTable, labels: list[str], rows: list[list[str]], keys: list[str] | None = None) -> None:
    """Columns as wide as their widest cell in terminal cells (a Chinese character takes two) and
    one more, the gap to the next (the desk's tables have no cell padding: two cells a column that
    80 columns cannot spare); fixed before the rows go in, so the table never paints a narrower guess."""
    widths = [max([cell_len(Text.from_markup(x).plain) for x in (label, *(r[i] for r in rows))]) + 1
              for i, label in enumerate(labels)]
    table.clear(columns=True)
    for label, width in zip(labels, widths):
        table.add_column(label, width=width)
    for i, row in enumerate(rows):
        table.add_row(*row, key=keys[i] if keys else None)


def route_word(t: Any, route: str) -> str:
    """The register tables' short word for a route (the full words are on the card and the records)."""
    from frontdesk import i18n

    key = f"layout.route_short.{route}"
    return t(key) if i18n.has_key(key, "en") else t(f"word.route.{route}")


def footer_key(action: str) -> str:
    """The footer's word for a desk action: its short form where the catalog has one."""
    from frontdesk import i18n

    name = action.split(".")[-1]
    return f"layout.footer.{name}" if i18n.has_key(f"layout.footer.{name}", "en") else f"ui.key_{name}"


def turn_places(roster: dict[str, Any]) -> dict[str, int]:
    """Who comes when: 1 is next up, then the rotation order onwards (wrapping round), counting
    only those who take turns today — the away and the shadowing have no number."""
    order = roster["order"]
    start = order.index(roster["next"]) if roster["next"] in order else 0
    taking = [n for n in order[start:] + order[:start] if n not in roster["away"] and n not in roster["shadow"]]
    return {name: i for i, name in enumerate(taking, 1)}


class DeskScreen(Screen[None]):
    _heap_frozen = False  # gc.freeze() once per process, at the first desk painted
    BINDINGS = [  # the footer shows them in this order: help first, then the counter's keys
        Binding("question_mark", "app.help", "Help"),
        Binding("n", "greet", "New walk-in"),
        Binding("t", "quick", "Next turn"),
        Binding("c", "call", "Call"),
        Binding("slash", "lookup", "Lookup"),
        Binding("a", "away", "Away/back", show=False),
        Binding("f", "followup", "Follow-up"),
        Binding("i", "inbox", "Inbox"),
        Binding("s", "switch", "Switch user", show=False),
        Binding("r", "refresh", "Refresh", show=False),
        Binding("m", "console", "Manager"),
        Binding("e", "drill", "Scenario drill", show=False),
    ]

    unread: reactive[int] = reactive(0)
    data: reactive[dict[str, Any] | None] = reactive(None, always_update=True)

    def compose(self) -> ComposeResult:
        t = self.app.t  # type: ignore[attr-defined]
        yield Static("", id="desk-bar")
        yield Static("", id="shadow-banner")
        with Horizontal(id="desk-body"):
            with Vertical(id="desk-left"):
                rot = DataTable(id="rotation", cursor_type="row", zebra_stripes=False, cell_padding=0)
                rot.border_title = t("ui.rotation_title")
                yield rot
                inbox = OptionList(id="inbox")  # a notice wraps in the narrow panel
                inbox.border_title = t("ui.inbox")
                yield inbox
            with Vertical(id="desk-right"):
                visits = DataTable(id="visits", cursor_type="row", cell_padding=0)
                visits.border_title = t("ui.today_visits")
                yield visits
                calls = DataTable(id="calls", cursor_type="row", cell_padding=0)
                calls.border_title = t("ui.today_calls")
                yield calls
        yield Footer(show_command_palette=False)  # ctrl+p is on the help screen: the desk's keys fit 80 columns

    def on_mount(self) -> None:
        t = self.app.t  # type: ignore[attr-defined]
        self._localise_bindings()
        fill(self.query_one("#rotation", DataTable), ["", t("layout.desk.col_advisor"), t("ui.col_status")], [])
        for tid in ("#visits", "#calls"):
            fill(self.query_one(tid, DataTable), self.register_columns(), [])
        self._banner()
        name = getattr(self.app, "signing_in", None)
        if name:  # the command line's PIN is being proven (frontdesk.ui.app): say so, keys off till then
            self.query_one("#desk-bar", Static).update(t("ui.signing_in", name=name))
        self.query_one("#rotation", DataTable).focus()
        self.action_refresh()
        self.set_interval(REFRESH_SECONDS, self.action_refresh)

    def _banner(self) -> None:
        user = self.app.user  # type: ignore[attr-defined]
        banner = self.query_one("#shadow-banner", Static)
        if user and user.get("shadow"):
            banner.update(self.app.t("ui.shadow_banner", mentor=user.get("mentor") or "—"))  # type: ignore[attr-defined]
            banner.display = True
        else:
            banner.display = False

    def user_known(self) -> None:
        """The app started before its services: the signed-in user's full record came later."""
        self._banner()
        if self.data is not None:
            self.data = self.data  # repaint the bar with the user's role

    def _localise_bindings(self) -> None:
        """Footer words in the user's language (the bindings are declared in English)."""
        from dataclasses import replace

        from frontdesk import i18n

        lang = self.app.lang  # type: ignore[attr-defined]
        for key, bindings in list(self._bindings.key_to_bindings.items()):
            self._bindings.key_to_bindings[key] = [
                replace(b, description=i18n.t(k, lang)) if i18n.has_key(k := footer_key(b.action), lang)
                else b for b in bindings]

    # data ---------------------------------------------------------------------------------
    def action_refresh(self) -> None:
        self.load()

    def tables_changed(self, tables: frozenset[str]) -> None:
        """Another counter (or this one) committed: re-read if it changed what the desk shows."""
        from ..live import DESK, touches

        if not touches(tables, DESK):
            return
        if any(w.group == "desk-load" and not w.is_finished for w in self.workers):
            self._stale = True  # read again once the read under way has painted (not cancelled)
        else:
            self.load()

    def show(self, data: dict[str, Any]) -> None:
        """Paint what a load (or the app's first read, frontdesk.ui.firstread) read."""
        self.data = data
        if getattr(self, "_stale", False):
            self._stale = False
            self.load()

    @work(thread=True, exclusive=True, group="desk-load")
    def load(self) -> None:
        try:
            app = self.app
        except NoActiveAppError:  # the app closed while a reload was on its way
            return
        user, project = app.user, app.project  # type: ignore[attr-defined]
        if user is None:  # the command line's PIN is still being proven: nothing to read, nothing to build
            return
        sv = app.services_or_none()  # type: ignore[attr-defined]
        if sv is None:
            return
        try:
            data = desk_view(sv, user["name"], project)
        except FrontdeskError as exc:
            app.call_from_thread(self.notify, app.error_text(exc), severity="error")  # type: ignore[attr-defined]
            return
        app.call_from_thread(self.show, data)

    def watch_data(self, data: dict[str, Any] | None) -> None:
        if data is None:
            return
        if not DeskScreen._heap_frozen:
            # what start-up built (SQLAlchemy's tables and mappers, the screens, the desk) lives as long as the app:
            # out of the collector's reach, a full collection no longer walks it (150 ms, in the middle of a keystroke)
            gc.freeze()
            DeskScreen._heap_frozen = True
        t = self.app.t  # type: ignore[attr-defined]
        self.unread = data["inbox"]["unread"]
        self._paint_rotation(data["roster"], data["visits"])
        for tid, rows in (("#visits", data["visits"]), ("#calls", data["calls"])):
            fill(self.query_one(tid, DataTable), self.register_columns(),
                 [[str(r["entry"]), r["time"], r["name"] or "—", r["phone"], route_word(t, r["route"]),
                   r["advisor"] or "—", r["owner"] or "—"] for r in rows])
        inbox = self.query_one("#inbox", OptionList)
        keep = inbox.highlighted
        inbox.clear_options()
        inbox.add_options(Option(Text(f"{'●' if not item['read'] else ' '}\u00a0{self._notice(item)}"), id=str(item["id"]))
                          for item in data["inbox"]["items"])
        if keep is not None and inbox.option_count:
            inbox.highlighted = min(keep, inbox.option_count - 1)
        self._paint_bar(data)

    def _notice(self, item: dict[str, Any]) -> str:
        from frontdesk import i18n

        return i18n.notice_text(item["kind"], self.app.lang, **item["data"])  # type: ignore[attr-defined]

    def _paint_rotation(self, roster: dict[str, Any], visits: list[dict[str, Any]]) -> None:
        t = self.app.t  # type: ignore[attr-defined]
        table = self.query_one("#rotation", DataTable)
        keep = table.cursor_row
        serving = visits[0]["advisor"] if visits else None
        place = turn_places(roster)
        rows = []
        for name in roster["order"]:
            mark = "▶" if place.get(name) == 1 else str(place.get(name, "·"))
            if name in roster["away"]:
                status = f"[dim]{t('word.away')}[/dim]"
            elif name in roster["shadow"]:
                status = f"[i]{t('ui.shadow')}[/i]"
            elif name == serving:  # one word a row: the ▶ says who is next
                status = f"[green]{t('ui.serving')}[/green]"
            elif name == roster["next"]:
                status = f"[b]{t('word.next_up')}[/b]"
            else:
                status = ""
            rows.append([mark, name, status])
        fill(table, ["", t("layout.desk.col_advisor"), t("ui.col_status")], rows, keys=roster["order"])
        if keep is not None and table.row_count:
            table.move_cursor(row=min(keep, table.row_count - 1))

    def register_columns(self) -> list[str]:
        t = self.app.t  # type: ignore[attr-defined]
        return ["#", t("ui.time"), t("ui.name"), t("ui.phone"), t("layout.desk.col_route"),
                t("layout.desk.col_advisor"), t("ui.col_owner")]

    def _paint_bar(self, data: dict[str, Any]) -> None:
        t = self.app.t  # type: ignore[attr-defined]
        user = self.app.user or {}  # type: ignore[attr-defined]
        role = t(f"word.{user.get('role', 'advisor').replace('-', '_')}")
        now = data["roster"]["now"].strftime("%m-%d %H:%M")
        mode = t("word.high_volume") if data["roster"]["volume_mode"] == "high" else t("word.low_volume")
        # the inbox count before the clock and the volume: at 80 columns the end of the bar is the first to go
        self.query_one("#desk-bar", Static).update(
            f"[b]{data['roster']['project']}[/b] │ {user.get('name', '')} ({role}) │ "
            f"{t('ui.inbox')} [b]✉ {self.unread}[/b] │ {now} {mode}")

    # actions --------------------------------------------------------------------------------
    def action_greet(self, quick: bool = False) -> None:
        from .greeter import GreeterScreen

        self.app.push_screen(GreeterScreen(quick=quick), self._after_register)

    def action_quick(self) -> None:
        self.action_greet(quick=True)

    def action_call(self) -> None:
        from .call import CallScreen

        self.app.push_screen(CallScreen(), self._after_register)

    def _after_register(self, result: dict[str, Any] | None) -> None:
        if result:
            self.notify(result["message"], title=result.get("title"), timeout=8)
        self.action_refresh()

    def action_lookup(self) -> None:
        from .lookup import LookupScreen

        self.app.push_screen(LookupScreen(), lambda _r: self.action_refresh())

    def action_followup(self, phone: str | None = None) -> None:
        from .followup import FollowUpScreen

        self.app.push_screen(FollowUpScreen(phone), self._after_register)

    def action_inbox(self) -> None:
        from .inbox import InboxScreen

        self.app.push_screen(InboxScreen(), lambda _r: self.action_refresh())

    @on(OptionList.OptionSelected, "#inbox")
    def _open_inbox(self) -> None:
        self.action_inbox()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """In shadow mode (R5.1–R5.3) a trainee watches: no calls, no follow-ups (shown disabled)."""
        if self.app.user is None:  # type: ignore[attr-defined]
            return action == "switch"  # the command line's PIN is still being proven
        user = self.app.user  # type: ignore[attr-defined]
        if user.get("shadow") and action in ("call", "followup", "away"):
            return None
        if action == "console" and user.get("role") not in ("pm", "gm"):
            return False  # the manager's console is the PM's (and the GM's); hidden for others
        if action == "drill" and user.get("role") not in ("pm", "gm", "trainee"):
            return False  # the PM runs a trainee's scenario drill (R5.3); a trainee may practise
        return True

    def action_console(self) -> None:
        from frontdesk.ui.console.screen import ConsoleScreen

        user = self.app.user or {}  # type: ignore[attr-defined]
        if user.get("role") in ("pm", "gm"):
            self.app.push_screen(ConsoleScreen(), lambda _r: self.action_refresh())

    def action_drill(self) -> None:
        from .drill_start import start_drill

        start_drill(self)

    def action_away(self) -> None:
        table = self.query_one("#rotation", DataTable)
        data = self.data
        if data is None or not table.row_count or table.cursor_row is None:
            return
        name = data["roster"]["order"][table.cursor_row]
        self.mark(name, name not in data["roster"]["away"])

    @work(thread=True, group="desk-write")
    def mark(self, name: str, away: bool) -> None:
        app = self.app
        try:
            app.services.roster.mark(name, away, actor=app.user["name"], project=app.project)  # type: ignore[attr-defined]
            word = app.t("word.away" if away else "word.back")  # type: ignore[attr-defined]
            app.call_from_thread(self.notify, f"{name}: {word}")
        except FrontdeskError as exc:
            app.call_from_thread(self.notify, app.error_text(exc), severity="error")  # type: ignore[attr-defined]
        app.call_from_thread(self.action_refresh)

    def action_switch(self) -> None:
        self.app.action_lock()  # type: ignore[attr-defined]

    def palette_commands(self) -> Iterable[SystemCommand]:
        t = self.app.t  # type: ignore[attr-defined]
        for action, fn in (("greet", self.action_greet), ("quick", self.action_quick), ("call", self.action_call),
                           ("lookup", self.action_lookup), ("away", self.action_away),
                           ("followup", self.action_followup), ("inbox", self.action_inbox),
                           ("switch", self.action_switch), ("refresh", self.action_refresh),
                           ("console", self.action_console), ("drill", self.action_drill)):
            if self.check_action(action, ()):
                yield SystemCommand(t(f"ui.key_{action}"), t(f"ui.help_{action}"), fn)

