"""The PM imports an office's registers from the console (issue 16): `i` opens this screen; type
the file's path and Enter runs the dry run (nothing written); the table shows every row as it
would be — a new client, merged, rejected and why — in the PM's language; `m` maps an advisor
the staff does not know to a staff member, `c` adds them as inactive staff; `y` imports. The row
report file (NAME.report.csv beside the file) stays, the same as `frontdesk import` writes."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Static

from frontdesk.services.errors import FrontdeskError

from .base import localise_bindings

STYLES = Path(__file__).parent.parent / "styles"
SHOWN = 2000  # rows shown in the table; the report file has them all
BOOKS = {"visit": "word.visitor_register", "call": "word.call_register", "followup": "word.followup"}


def report_rows(path: str, limit: int = SHOWN) -> list[dict[str, str]]:
    """The first `limit` rows of a row report (the CSV the import writes)."""
    out = []
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for i, row in enumerate(csv.DictReader(fh)):
            if i >= limit:
                break
            out.append(row)
    return out


class ImportScreen(ModalScreen[None]):
    CSS_PATH = STYLES / "importer.tcss"
    BINDINGS = [Binding("escape", "close", "Close"), Binding("y", "confirm", "Confirm"),
                Binding("m", "map", "Map advisor"), Binding("c", "create_staff", "Create staff"),
                Binding("f", "file", "File")]

    def __init__(self, **kw: Any):
        super().__init__(**kw)
        self.path = ""
        self.advisor_map: dict[str, str] = {}
        self.create_staff = False
        self.result: dict[str, Any] | None = None  # the last dry run
        self.imported = False
        self.why: list[str] = []  # each shown row's reason, in full

    def t(self, key: str, /, **params: Any) -> str:
        return self.app.t(key, **params)  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        with Vertical(id="import-dialog", classes="dialog"):
            yield Static(self.t("ui.import_title"), classes="dialog-title")
            yield Input(placeholder=self.t("ui.import_file_prompt"), id="import-path", compact=True)
            yield Static("", id="import-summary", markup=False)
            yield DataTable(cursor_type="row", id="import-rows")
            yield Static("", id="import-why", markup=False)
            yield Input(id="import-prompt", compact=True, select_on_focus=False)
            yield Static(self.t("ui.import_keys"), id="import-keys", classes="dialog-keys", markup=False)

    def on_mount(self) -> None:
        localise_bindings(self)
        table = self.query_one("#import-rows", DataTable)
        for key in ("ui.import_col_row", "ui.import_col_register", "ui.import_col_result", "ui.import_col_name",
                    "ui.import_col_phone", "ui.import_col_why"):
            table.add_column(self.t(key))
        self.query_one("#import-prompt", Input).display = False
        self.query_one("#import-path", Input).focus()

    # the dry run, then the import ----------------------------------------------------------
    @on(Input.Submitted, "#import-path")
    def _path(self, event: Input.Submitted) -> None:
        event.stop()
        self.path = event.value.strip()
        self.advisor_map, self.create_staff, self.imported = {}, False, False
        self._run(dry_run=True)

    def _run(self, dry_run: bool) -> None:
        if not self.path:
            return
        self.say(self.t("ui.import_checking" if dry_run else "ui.import_writing"))
        app = self.app
        kw = {"dry_run": dry_run, "actor": app.user["name"], "project": app.project, "lang": app.lang,  # type: ignore[attr-defined]
              "advisor_map": dict(self.advisor_map), "create_staff": self.create_staff}

        def job() -> None:
            try:
                result = app.services.importer.import_file(self.path, **kw)  # type: ignore[attr-defined]
                rows = report_rows(result["report"])
            except (FrontdeskError, OSError) as exc:
                text = app.error_text(exc) if isinstance(exc, FrontdeskError) else str(exc)  # type: ignore[attr-defined]
                app.call_from_thread(self._failed, text)
                return
            app.call_from_thread(self._show, result, rows)

        self.run_worker(job, thread=True, group="import")

    def _failed(self, text: str) -> None:
        self.say(text)
        self.app.notify(text, severity="error", timeout=8)

    def _show(self, result: dict[str, Any], rows: list[dict[str, str]]) -> None:
        self.result = result
        self.imported = not result["dry_run"]
        self.say(self.summary(result))
        table = self.query_one("#import-rows", DataTable)
        table.clear()
        self.why = [r["message"] for r in rows]
        for r in rows:
            where = f"{r['sheet']}:{r['row']}" if r["sheet"] else r["row"]
            book = self.t(BOOKS[r["type"]]) if r["type"] in BOOKS else r["type"]
            result_word = self.t(f"ui.import_result.{r['code'] if r['code'] == 'new_client' else r['status']}")
            table.add_row(where, book, result_word, r["name"], r["phone"], r["message"])
        table.focus()
        if self.imported:
            self.app.notify(self.t("ui.import_done", path=result["report"]), timeout=10)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """The whole reason of the row under the cursor (the table's last column is cut short)."""
        i = event.cursor_row
        self.query_one("#import-why", Static).update(self.why[i] if 0 <= i < len(self.why) else "")

    def summary(self, r: dict[str, Any]) -> str:
        """The counts, the registers, what the dates took from the sheets, the advisors to settle, the next key."""
        t = self.t
        created = r.get("created", {})
        lines = [t("import.summary", **{k: r[k] for k in ("rows", "imported", "merged", "rejected")}),
                 t("ui.import_created", clients=created.get("clients", 0), visits=created.get("visits", 0),
                   calls=created.get("calls", 0), followups=created.get("followups", 0))]
        for d in r.get("dates", []):
            if d["rows"]:
                lines.append(t("ui.import_dates", sheet=d["sheet"] or Path(r["file"]).name, rows=d["rows"],
                               year=d["year"], month=d["month"] or "—"))
        said = r.get("advisors") or {}
        if said.get("unknown"):
            lines.append(t("ui.import_unknown", names=", ".join(f"{a['name']} ({len(a['rows'])})" for a in said["unknown"])))
        for a in said.get("mapped", []):
            lines.append(t("ui.import_mapped", name=a["name"], to=a["to"]))
        if self.create_staff:
            lines.append(t("ui.import_creating"))
        if r["dry_run"]:
            lines.append(t("ui.import_unsettled") if said.get("unknown") else t("ui.import_ready"))
        else:
            lines.append(t("ui.import_done", path=r["report"]))
        return "\n".join(lines)

    def say(self, text: str) -> None:
        self.query_one("#import-summary", Static).update(text)

    def action_confirm(self) -> None:
        r = self.result
        if r is None or self.imported:
            return
        if (r.get("advisors") or {}).get("unknown"):
            self.app.notify(self.t("ui.import_unsettled"), severity="warning", timeout=6)
            return
        self._run(dry_run=False)

    # advisors the staff does not know ---------------------------------------------------------
    def action_map(self) -> None:
        if self.result is None or self.imported:
            return
        unknown = [a["name"] for a in (self.result.get("advisors") or {}).get("unknown", [])]
        prompt = self.query_one("#import-prompt", Input)
        prompt.placeholder = self.t("ui.import_map_prompt")
        prompt.value = f"{unknown[0]}=" if unknown else ""
        prompt.display = True
        prompt.focus()
        prompt.cursor_position = len(prompt.value)

    @on(Input.Submitted, "#import-prompt")
    def _mapped(self, event: Input.Submitted) -> None:
        event.stop()
        written, eq, to = event.value.partition("=")
        event.input.display = False
        if eq and written.strip() and to.strip():
            self.advisor_map[written.strip()] = to.strip()
            self._run(dry_run=True)
        else:
            self.query_one("#import-rows", DataTable).focus()

    def action_create_staff(self) -> None:
        if self.result is None or self.imported:
            return
        self.create_staff = not self.create_staff
        self._run(dry_run=True)

    def action_file(self) -> None:
        self.query_one("#import-path", Input).focus()

    def action_close(self) -> None:
        prompt = self.query_one("#import-prompt", Input)
        if prompt.display:
            prompt.display = False
            self.query_one("#import-rows", DataTable).focus()
            return
        self.dismiss(None)
