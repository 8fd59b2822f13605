"""Console tabs about the office: people, clients about to lapse, figures (settings: panes_settings)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Sparkline, Static

from .base import Pane


def _pad(text: str, cells: int) -> str:
    """Left-aligned in `cells` terminal cells (a Chinese character takes two)."""
    return text + " " * max(0, cells - cell_len(text))
from .panes import _route_words


class PeoplePane(Pane):
    """Staff, mentors, exams (R5.3), transfers with the redistribution of clients (R6)."""

    COLUMNS = ("ui.col_name", "ui.col_role", "word.mentor", "ui.col_joined", "ui.col_exam")
    KEYS_HINT = "ui.pins.people_keys"
    BINDINGS = [Binding("plus,equals_sign", "add", "Add"), Binding("m", "mentor", "Mentor"),
                Binding("e", "exam", "Exam"), Binding("t", "transfer", "Transfer"), Binding("p", "pin", "PIN"),
                Binding("x", "leaves", "Leaves", show=False),  # on the key line under the table: the footer is full at 80
                # the office's PIN lockout (SPEC "Who is acting"): said in the detail line when a name is locked
                Binding("l", "pin_log", "PIN log", show=False), Binding("u", "unlock", "Unlock", show=False)]

    def fetch(self) -> Any:
        return self.sv.staff.list(**self.me), self.sv.identity.lockouts(**self.me, limit=20)

    def paint(self, data: tuple[list[dict[str, Any]], dict[str, Any]]) -> None:
        staff, pins = data
        locked = [self.t("ui.people_lock_item", name=x["name"], until=x["until"].strftime("%H:%M"))
                  for x in pins["locked"]]
        self.detail(self.t("ui.people_locked", names=", ".join(locked)) if locked else "")
        for st in staff:
            exam = f"{st['exam_score']} ({st['exam_passed_on']})" if st["exam_passed_on"] else \
                (self.t("ui.shadow") if st["shadow"] else "")
            self.table.add_row(st["name"], self.t(f"word.{st['role'].replace('-', '_')}"), st["mentor"] or "",
                               str(st["joined_on"]), exam, key=st["name"])

    def action_add(self) -> None:
        def add(text: str) -> None:
            parts = text.split()
            name, role = parts[0], (parts[1] if len(parts) > 1 else "advisor")
            mentor = parts[2] if len(parts) > 2 else None
            self.call(self.sv.staff.add, name, role, mentor, None, **self.me,
                      then=lambda r: self.done(f"{r['name']}: {self.t('word.' + r['role'].replace('-', '_'))}"))
        self.ask(self.t("ui.ask_add_staff"), add)

    def action_pin_log(self) -> None:
        def show(pins: dict[str, Any]) -> None:
            lines = [self.t("ui.pin_log_line", at=e["at"].strftime("%m-%d %H:%M"), name=e["name"],
                            kind=self.t(f"ui.pin_kind_{e['kind']}"), door=e["door"], terminal=e["terminal"],
                            by=e["by"] or "") for e in pins["events"]]
            self.detail("\n".join(lines) if lines else self.t("ui.pin_log_empty"))
        self.call(self.sv.identity.lockouts, **self.me, limit=20, then=show)

    def action_unlock(self) -> None:
        name = self.cursor_key()
        if name:
            self.call(self.sv.identity.unlock, name, **self.me,
                      then=lambda r: self.done(self.t("ui.people_unlocked", name=r["name"])))

    def action_mentor(self) -> None:
        name = self.cursor_key()
        if name:
            self.ask(self.t("ui.ask_mentor", name=name), lambda m: self.call(
                self.sv.manager.set_mentor, name, m, **self.me,
                then=lambda r: self.done(f"{r['name']} → {r['mentor']}")))

    def action_exam(self) -> None:
        name = self.cursor_key()
        if not name:
            return

        def passed(score: str) -> None:
            if not score.isdigit():
                self.app.notify(self.t("ui.score_digits"), severity="error")
                return
            self.call(self.sv.staff.trainee_pass, name, int(score), **self.me,
                      then=lambda r: self.done(_route_words(self, r["reasons"])))
        self.ask(self.t("ui.ask_exam", name=name), passed)

    def action_transfer(self) -> None:
        name = self.cursor_key()
        if not name:
            return

        def moved(to: str) -> None:
            def then(r: dict[str, Any]) -> None:
                self.done(_route_words(self, r["reasons"]))
                self.app.push_screen(RedistributeScreen(name))
            self.call(self.sv.staff.transfer, name, to, **self.me, then=then)
        self.ask(self.t("ui.ask_transfer", name=name), moved)


    def action_pin(self) -> None:
        """R2.1: set or reset the person's PIN (typed twice; a weak one is refused with the reason)."""
        from frontdesk.ui.screens.pin import PinDialog

        name = self.cursor_key()
        if name:
            me = self.app.user["name"]  # type: ignore[attr-defined]
            self.app.push_screen(PinDialog(name, own=name == me), lambda r: r and self.done(
                self.t("ui.pins.saved", name=r["name"])))

    def action_leaves(self) -> None:
        """The person leaves: confirmed by typing their name; they cannot sign in, their history stays."""
        name = self.cursor_key()
        if not name:
            return

        def confirmed(typed: str) -> None:
            if typed != name:
                self.app.notify(self.t("ui.pins.not_confirmed"), severity="warning")
                return
            self.call(self.sv.staff.deactivate, name, **self.me,
                      then=lambda r: self.done(self.t("ui.pins.left", name=r["name"])))
        self.ask(self.t("ui.pins.ask_leave", name=name), confirmed)


class LapsingPane(Pane):
    """Clients whose protection ends in the next three days, per owner (R2.2); `r` reminds."""

    COLUMNS = ("word.owner", "ui.col_client", "ui.col_last_contact", "word.lapses_on")
    KEYS_HINT = "ui.lapsing_keys"
    BINDINGS = [Binding("r", "remind", "Remind owner")]

    def fetch(self) -> Any:
        return self.sv.manager.lapsing(**self.me)

    def paint(self, rows: list[dict[str, Any]]) -> None:
        for x in rows:
            self.table.add_row(x["owner"], x["name"], str(x["last_contact"]), str(x["lapses_on"]), key=str(x["client"]))
        self.detail("" if rows else self.t("ui.none_lapsing"))

    def action_remind(self) -> None:
        key = self.cursor_key()
        if key:
            self.call(self.sv.manager.remind, int(key), **self.me,
                      then=lambda r: self.done(self.t("ui.reminded", owner=r["owner"])))


class FiguresPane(Pane):
    """R9 figures for today (d), the last seven days (w) or this month (m): per advisor, with
    visits per day and turns per advisor drawn. The columns are named in words on two lines (80
    columns hold nine of them); the rest of an advisor's figures are spelled out under the table
    for the row the cursor is on."""

    COLUMNS = ("ui.col_advisor", "layout.fig.receptions", "layout.fig.turns", "layout.fig.duty_given",
               "layout.fig.held", "layout.fig.lapses", "layout.fig.deals", "layout.fig.credit", "layout.fig.turns_hour")
    KEYS_HINT = "ui.console.figures_keys"
    BINDINGS = [Binding("d", "period('day')", "Day"), Binding("w", "period('week')", "Week"),
                Binding("m", "period('month')", "Month"), Binding("x", "export", "Export")]
    PERIODS = {"day": 0, "week": 6}  # days before today; the month starts on its first

    period = "month"

    def compose_top(self) -> ComposeResult:
        yield Static("", classes="fig-caption")
        yield Sparkline([], classes="fig-visits")

    def compose_bottom(self) -> ComposeResult:
        yield Static("", classes="fig-bars", markup=False)

    def on_mount(self) -> None:  # after Pane.on_mount (Textual runs both)
        self.table.header_height = 2  # a column's name in words, on two lines
        self.query_one(".pane-keys").display = False  # the footer shows d, w, m, x: 80×24 needs the line

    def fetch(self) -> Any:
        period = self.period
        month = self.sv.manager.daily(**self.me)
        to = month["to"]
        if period == "month":
            frm, daily = month["from"], month
        else:
            frm = to - timedelta(days=self.PERIODS[period])
            daily = self.sv.manager.daily(frm.isoformat(), to.isoformat(), **self.me)
        report = self.sv.reports.report(frm.isoformat(), to.isoformat(), **self.me)
        return {"period": period, "report": report, "daily": daily}

    def paint(self, data: dict[str, Any]) -> None:
        r, daily = data["report"], data["daily"]
        self.rows = {row["advisor"]: row for row in r["advisors"]}
        for row in r["advisors"]:
            self.table.add_row(row["advisor"], str(row["receptions"]), str(row["turns"]), str(row["duty_given"]),
                               str(row["clients_held"]), str(row["lapses"]), str(row["deals"]), row["credit"],
                               str(row["turns_per_hour"] or "—"), key=row["advisor"])
        self.query_one(".fig-visits", Sparkline).data = daily["visits"] or [0]
        self.query_one(".fig-caption", Static).update(
            f"{self.t('ui.console.period_' + data['period'])} · " +
            self.t("ui.visits_per_day", frm=daily["from"], to=daily["to"], total=sum(daily["visits"])))
        self.query_one(".fig-bars", Static).update(turn_bars(self.t("ui.turns_per_advisor"), r["advisors"],
                                                             self.size.width or 80))

    def on_data_table_row_highlighted(self) -> None:
        row = getattr(self, "rows", {}).get(self.cursor_key() or "")
        if row:
            self.detail(self.t("layout.fig.more", **row))

    def action_period(self, period: str) -> None:
        self.period = period
        self.reload()

    def action_export(self) -> None:
        exporter = getattr(self.sv, "exporter", None)
        if exporter is None:
            self.app.notify(self.t("ui.export_cli"), timeout=8)
            return
        self.ask(self.t("ui.ask_export_dir"), lambda folder: self.call(
            exporter.export, folder, **self.me, then=lambda r: self.done(self.t("ui.exported", dir=folder))))


def turn_bars(title: str, advisors: list[dict[str, Any]], width: int) -> str:
    """Rotation turns per advisor as bars: everyone who had a turn, no one who had none; as many
    side by side as the width holds (names measured in cells: a Chinese character takes two)."""
    rows = [row for row in advisors if row["turns"]]
    if not rows:
        return title
    top = max(row["turns"] for row in rows)
    name_cells = max(cell_len(row["advisor"]) for row in rows)
    digits = len(str(top))
    bar = 12
    cells = [f"{_pad(row['advisor'], name_cells)} {_pad('█' * max(1, round(bar * row['turns'] / top)), bar)} "
             f"{row['turns']:>{digits}}" for row in rows]
    per_line = max(1, (width - 2 + 4) // (name_cells + bar + digits + 2 + 4))
    lines = -(-len(cells) // per_line)
    return title + "\n" + "\n".join("    ".join(cells[i::lines]) for i in range(lines))


from .redistribute import RedistributeScreen  # noqa: E402
