"""The import service: the paths, permission, the one transaction (rolled back for a dry run), the report."""

from __future__ import annotations

import gc
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from sqlalchemy.exc import SQLAlchemyError

from ..base import Base
from ..errors import BadInput
from .report import message, write_report
from .run import _Import
from .read import read_table
from .table import EXTENSIONS, ImportFailed, Progress, _DryRun


def check_paths(path: str | os.PathLike[str] | None, report: str | os.PathLike[str] | None) -> tuple[Path, Path]:
    """The input file and the report file, or BadInput naming which is wrong."""
    if not path or not str(path).strip():
        raise BadInput("file", "give the file to import (.csv or .xlsx)")
    p = Path(path).expanduser()
    if p.suffix.lower() not in EXTENSIONS:
        raise BadInput("file", f"{p.name}: unknown extension {p.suffix or '(none)'!r}; import .csv or .xlsx "
                               "(save an .xls workbook as .xlsx)")
    if not p.is_file():
        raise BadInput("file", f"{p} does not exist")
    rp = Path(report).expanduser() if report else p.with_suffix(".report.csv")
    if rp.suffix.lower() != ".csv":
        raise BadInput("report", f"{rp.name}: the report is a .csv file")
    if not rp.parent.is_dir():
        raise BadInput("report", f"folder {rp.parent} does not exist")
    if rp.exists() and rp.resolve() == p.resolve():
        raise BadInput("report", "the report would overwrite the file being imported")
    if not os.access(rp.parent, os.W_OK):
        raise BadInput("report", f"folder {rp.parent} is not writable")
    return p, rp


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off for the import, as it was after. A big file is hundreds of
    thousands of live rows, dicts and dates that each full collection walked again (a seventh of
    a 100k import's time); an import makes no garbage cycles that need collecting before it ends."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


class ImportService(Base):
    def import_file(self, path: str | os.PathLike[str], dry_run: bool = False,
                    report: str | os.PathLike[str] | None = None, actor: str | None = None,
                    project: str | None = None, lang: str = "en", progress: Progress | None = None,
                    advisor_map: dict[str, str] | None = None, create_staff: bool = False) -> dict[str, Any]:
        """Import a CSV or xlsx file of registers, follow-ups and staff (PM or GM). All or nothing;
        `dry_run` does everything and rolls back. Writes the row report; returns the counts.
        Advisors the staff does not know: `advisor_map` (as written → a staff member's name) or
        `create_staff` (inactive, no PIN); a dry run lists them, an import without either refuses."""
        src, report_path = check_paths(path, report)
        with self.op(actor, project, write=False) as c:  # who may, before a long file is read
            c.require("pm", "gm", rule="R2.1", code="pm_imports")
        with collector_paused():
            table = read_table(src, progress)
            try:
                try:
                    with self.op(actor, project) as c:
                        c.require("pm", "gm", rule="R2.1", code="pm_imports")
                        result = _Import(c, src, table, progress, dry_run, advisor_map, create_staff).run()
                        if dry_run:
                            raise _DryRun(result)
                except _DryRun as dry:
                    result = dry.result
            except SQLAlchemyError as exc:
                raise ImportFailed(f"the database refused the import, so nothing was written: "
                                   f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}") from exc
            write_report(report_path, table.rows, lang)
        rejected = [r for r in table.rows if r.status == "rejected"]
        counts = {s: sum(1 for r in table.rows if r.status == s) for s in ("imported", "merged", "rejected")}
        return {**counts, "rows": len(table.rows), "report": str(report_path.resolve()), "dry_run": dry_run,
                "file": str(src.resolve()), **result,
                "rejected_rows": [{"sheet": r.sheet, "row": r.number, "type": r.kind or None, "code": r.code,
                                   "message": message(r, lang)} for r in rejected],
                "ignored_columns": table.ignored_columns, "skipped_sheets": table.skipped_sheets,
                "skipped_rows": table.skipped_rows,
                "dates": [ctx.summary() for ctx in table.contexts if ctx.used or ctx.kind]}
