"""The drill's score sheet: the score, points per rule family, the time, each visitor right or not.

The PM (signed in at the desk, or `frontdesk drill` with a recorder) presses `r` to record the
result as the scenario part of the trainee's exam (R5.3) on the live database — the only write
a drill makes there, through the services.
"""

from __future__ import annotations

from typing import Any, Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import DataTable, Static

from frontdesk.drill.score import Sheet


def duration(seconds: float, t: Callable[..., str]) -> str:
    s = int(round(seconds))
    return t("drill.minutes", m=s // 60, s=s % 60)


class DrillSheetScreen(Screen[None]):
    BINDINGS = [Binding("r", "record", "Record (R5.3)"), Binding("escape", "close", "Close"),
                Binding("q", "close", "Close", show=False)]

    def __init__(self, sheet: Sheet, record: Callable[[dict[str, Any]], str] | None = None):
        super().__init__()
        self.sheet = sheet
        self.record = record
        self.recorded = False

    def t(self, key: str, **kw: Any) -> str:
        return escape(self.app.t(key, **kw))  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        t, sh = self.t, self.sheet
        d = sh.as_dict()
        with Vertical(id="drill-sheet"):
            yield Static(f"[b]{t('drill.title')} · {t('drill.sheet_title')}[/b]", id="s-head")
            yield Static(t("drill.sheet_score", score=d["score"], points=d["points"], max=d["max"], right=d["right"],
                           visitors=d["visitors"], time=duration(sh.seconds, t)), id="s-score")
            yield Static(t("drill.sheet_who", trainee=sh.trainee or "—", set=sh.set,
                           seed="—" if sh.seed is None else sh.seed), id="s-who")
            yield DataTable(id="s-families", show_cursor=False, zebra_stripes=True)
            yield Static(self._stories(), id="s-stories")
            yield Static(id="s-message")
            yield Static(self._keys(), id="s-keys")

    def _keys(self) -> str:
        if self.record is not None and self.sheet.trainee and not self.recorded:
            return self.t("drill.sheet_keys", trainee=self.sheet.trainee)
        return self.t("drill.sheet_keys_plain")

    def _stories(self) -> str:
        lines = []
        for v in self.sheet.verdicts:
            mark = "✔" if v.right else "✘"
            wrong = ", ".join(sorted({i.rule for i in v.mistakes()}))
            title = self.sheet.titles.get(v.story, v.story)
            lines.append(f"{mark} {v.points}/{v.max}  {escape(title)}" + (f"  [b]{wrong}[/b]" if wrong else ""))
        return "\n".join(lines)

    def on_mount(self) -> None:
        t = self.t
        self.app.last_sheet = self.sheet  # type: ignore[attr-defined]
        table = self.query_one("#s-families", DataTable)
        table.add_columns(self.app.t("drill.family"), self.app.t("drill.points"))  # type: ignore[attr-defined]
        for fam, (p, m) in self.sheet.families().items():
            key = f"drill.family.{fam}"
            table.add_row(self.app.t(key) if self.app.t(key) != key else fam, f"{p}/{m}")  # type: ignore[attr-defined]

    def action_record(self) -> None:
        if self.record is None or not self.sheet.trainee or self.recorded:
            return
        try:
            msg = self.record(self.sheet.as_dict())
        except Exception as exc:  # noqa: BLE001 - a refusal or bad input, said on screen
            msg = f"[b red]{escape(self.app.error_text(exc))}[/b red]"  # type: ignore[attr-defined]
        else:
            self.recorded = True
        self.query_one("#s-message", Static).update(msg if msg.startswith("[b red]") else escape(msg))
        self.query_one("#s-keys", Static).update(self._keys())

    def action_close(self) -> None:
        if getattr(self.app, "drill_only", False):
            self.app.exit()
        else:
            self.app.pop_screen()
