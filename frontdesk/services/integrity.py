"""Register integrity (R2.1) and backups."""

from __future__ import annotations

import json
import sqlite3
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url
from sqlmodel import select

from frontdesk.rules.reasons import Reason
from frontdesk.store import anchor, ledger
from frontdesk.store.db import Database, open_db
from frontdesk.store.models import Staff

from .base import Base
from .checks import check
from .errors import BadInput, Refused


class IntegrityService(Base):
    def verify(self) -> dict[str, Any]:
        return check(self.db)

    def anchor(self, file: str | None = None) -> dict[str, Any]:
        """The register heads now (an anchor, R2.1), written to `file` when one is named.

        Keep it where the database is not: a tail torn out with its head rewound shows only
        against an anchor (`verify --anchor FILE`)."""
        dest = Path(file).expanduser() if file else None
        if dest is not None:
            if dest.exists():
                raise BadInput("file", f"{dest} exists; choose a new file name")
            if not dest.parent.is_dir():
                raise BadInput("file", f"folder {dest.parent} does not exist")
        with self.db.read() as s:
            doc = anchor.take(s, datetime.now().astimezone())
        if dest is not None:
            dest.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            return {**doc, "file": str(dest)}
        return doc

    def check_anchor(self, file: str) -> dict[str, Any]:
        """Hold the chains to an anchor written earlier: every anchored page still there, unchanged."""
        src = Path(file).expanduser()
        try:
            doc = anchor.parse(json.loads(src.read_text(encoding="utf-8")), "anchor")
        except FileNotFoundError:
            raise BadInput("anchor", f"{src} does not exist") from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise BadInput("anchor", f"{src} is not readable JSON ({type(exc).__name__})") from None
        except ValueError as exc:
            raise BadInput("anchor", f"{src} {exc}") from None
        with self.db.read() as s:
            problems = anchor.check(s, doc)
        return {"anchor": str(src), "taken_at": doc.get("taken_at"), "heads": len(doc["heads"]),
                "problems": [p.as_dict() for p in problems]}

    def backup(self, target: str) -> dict[str, Any]:
        """A consistent copy while the desk is in use (SQLite's online backup)."""
        if not self.db.is_sqlite:
            raise BadInput("file", "backup of a server database is the server's job (pg_dump)")
        dest = Path(target).expanduser()
        if dest.exists():
            raise BadInput("file", f"{dest} exists; choose a new file name")
        if not dest.parent.is_dir():
            raise BadInput("file", f"folder {dest.parent} does not exist")
        _copy(Path(make_url(self.db.url).database or ""), dest)
        return {"file": str(dest), "bytes": dest.stat().st_size, **self.verify()}

    def restore(self, source: str, actor: str | None = None) -> dict[str, Any]:
        """Put a backup in place of this database — only a backup that verifies (R2.1), only by a PM.

        The backup is checked on a copy (brought to the current schema first); the database it
        replaces is kept beside it as NAME.before-restore-TIMESTAMP, so nothing is lost. The
        actor must be a PM or GM of the database being replaced — or, when that one has no staff
        yet (a new machine), of the backup."""
        if not self.db.is_sqlite:
            raise BadInput("file", "restoring a server database is the server's job (pg_restore)")
        src = Path(source).expanduser()
        if not src.is_file():
            raise BadInput("file", f"{src} is not a file")
        target = Path(make_url(self.db.url).database or "")
        with tempfile.TemporaryDirectory(prefix="frontdesk-restore-") as tmp:
            trial = Path(tmp) / "trial.db"
            try:
                _copy(src, trial)
                candidate = open_db(str(trial))
            except Exception as exc:  # noqa: BLE001 - not a frontdesk database at all
                raise BadInput("file", f"{src} is not a frontdesk database ({type(exc).__name__})") from None
            try:
                self._may_restore(actor, candidate)
                with candidate.read() as s:
                    count, problems = ledger.verify(s)
            finally:
                candidate.dispose()
            if problems:
                raise Refused(Reason("R2.1", "restore_unverified", {"problems": len(problems)}),
                              f"{src} fails verify ({len(problems)} problems): not restored")
            self.db.dispose()
            kept = None
            if target.exists():
                kept = target.with_name(f"{target.name}.before-restore-{datetime.now():%Y%m%d-%H%M%S}")
                _copy(target, kept)
            _copy(trial, target)
        return {"restored": str(src), "entries": count, "kept": str(kept) if kept else None, "ok": True}


    def _may_restore(self, actor: str | None, candidate: Database) -> None:
        with self.db.read() as s:
            staffed = s.exec(select(Staff.id).limit(1)).first() is not None
        judge = self if staffed else Base(candidate, self.clock)
        with judge.op(actor, write=False, any_project=True) as c:
            c.require("pm", "gm", rule="R2.1", code="restore_by_pm")


def _copy(src: Path, dest: Path) -> None:
    """A consistent copy with SQLite's backup API (the source may be in use)."""
    a, b = sqlite3.connect(src), sqlite3.connect(dest)
    try:
        with b:
            a.backup(b)
    finally:
        b.close()
        a.close()
