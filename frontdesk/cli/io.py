"""Import and export (docs/cli.md: `frontdesk import FILE.(csv|xlsx)` · `frontdesk export DIR`).

Wired onto the root command by frontdesk.cli (its __init__)."""

from __future__ import annotations

import sys
from typing import Any, List, Optional

import typer

from frontdesk import i18n
from frontdesk.cli.app import Opts, run
from frontdesk.services.errors import BadInput

commands = typer.Typer()  # merged into the root app by frontdesk.cli

SHOWN_ROWS = 30  # rejected rows listed on screen; the report file has them all


@commands.command("import")
def import_(ctx: typer.Context, file: str = typer.Argument(..., help="A .csv or .xlsx file of registers."),
            dry_run: bool = typer.Option(False, "--dry-run", help="Check and report; write nothing."),
            report: Optional[str] = typer.Option(None, "--report", help="The row report (default: NAME.report.csv "
                                                                         "next to the file)."),
            maps: Optional[List[str]] = typer.Option(None, "--map", metavar="AS_WRITTEN=STAFF",
                                                     help="An advisor the file names who is on the staff under "
                                                          "another name (--map 小王=王芳); repeatable."),
            create_staff: bool = typer.Option(False, "--create-staff",
                                              help="Add the advisors the staff does not know as inactive staff "
                                                   "(no PIN), so the history keeps its owners.")) -> None:
    """Import paper/Excel registers: visits, calls, follow-ups, staff (PM or GM). All or nothing."""
    def do(sv: Any, o: Opts) -> Any:
        kw = {"advisor_map": advisor_map(maps), "create_staff": create_staff}
        if not o.json and sys.stdout.isatty():  # a bar on long files, only for a person watching
            return _with_progress(sv, o, file, dry_run, report, kw)
        return _shown(sv.importer.import_file(file, dry_run=dry_run, report=report, actor=o.user,
                                              project=o.project, lang=o.lang, **kw), o)
    run(ctx, do)


def advisor_map(maps: Optional[List[str]]) -> dict[str, str]:
    """--map 小王=王芳 (repeatable) as {as written: staff name}; a bad one is BadInput naming --map."""
    out: dict[str, str] = {}
    for m in maps or []:
        written, eq, to = m.partition("=")
        if not eq or not written.strip() or not to.strip():
            raise BadInput("map", f"{m!r}: write it as the name in the file = a staff member (--map 小王=王芳)")
        out[written.strip()] = to.strip()
    return out


def _with_progress(sv: Any, o: Opts, file: str, dry_run: bool, report: Optional[str], kw: dict[str, Any]) -> Any:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  transient=True) as bar:
        tasks: dict[str, Any] = {}

        def step(stage: str, done: int, total: int) -> None:
            if total < 1000:  # a short file needs no bar
                return
            if stage not in tasks:
                tasks[stage] = bar.add_task(i18n.t(f"import.stage_{stage}", o.lang), total=total)
            bar.update(tasks[stage], completed=done, total=total)

        result = sv.importer.import_file(file, dry_run=dry_run, report=report, actor=o.user, project=o.project,
                                         lang=o.lang, progress=step, **kw)
    return _shown(result, o)


def _shown(result: dict[str, Any], o: Opts) -> dict[str, Any]:
    """The result as printed: everything under --json; on screen the summary and the rejected rows."""
    if o.json:
        return result
    rejected = result["rejected_rows"]
    out: dict[str, Any] = {
        "summary": i18n.t("import.summary", o.lang, **{k: result[k] for k in ("rows", "imported", "merged", "rejected")}),
        "imported": result["imported"], "merged": result["merged"], "rejected": result["rejected"],
        "dry_run": result["dry_run"], "created": result.get("created", {}), "report": result["report"],
    }
    if result["dry_run"]:
        out["note"] = i18n.t("import.dry_run", o.lang)
    if result["ignored_columns"]:
        out["ignored_columns"] = result["ignored_columns"]
    if result["skipped_sheets"]:
        out["skipped_sheets"] = result["skipped_sheets"]
    said = result.get("advisors") or {}
    for key in ("unknown", "mapped", "created"):
        if said.get(key):
            out[f"advisors_{key}"] = [{**a, "rows": ", ".join(a["rows"])} for a in said[key]]
    if rejected:
        out["rejected_rows"] = [{"sheet": r["sheet"] or "", "row": r["row"], "type": r["type"] or "",
                                 "reason": r["message"]} for r in rejected[:SHOWN_ROWS]]
        if len(rejected) > SHOWN_ROWS:
            out["more"] = i18n.t("import.report_written", o.lang, path=result["report"])
    out["reasons"] = result.get("reasons", [])
    return out


@commands.command("export")
def export(ctx: typer.Context, folder: str = typer.Argument(..., metavar="DIR", help="The folder to write into."),
           start: Optional[str] = typer.Option(None, "--from", help="YYYY-MM-DD (default: all registers; "
                                                                     "the report: this month)"),
           end: Optional[str] = typer.Option(None, "--to", help="YYYY-MM-DD"),
           fmt: str = typer.Option("both", "--format", help="xlsx | csv | both")) -> None:
    """Export the registers, follow-ups and the R9 report as xlsx and CSV (phones masked unless PM/GM)."""
    formats = ("xlsx", "csv") if fmt.strip().lower() == "both" else (fmt,)
    run(ctx, lambda sv, o: sv.exporter.export(folder, start, end, formats, actor=o.user, project=o.project))
