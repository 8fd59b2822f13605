"""Register integrity (R2.1) and backups."""

from __future__ import annotations

import sqlite3
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from frontdesk.rules.reasons import Reason
from frontdesk.store import ledger
from frontdesk.store.db import open_db

from .base import Base
from .errors import BadInput, Refused


class IntegrityService(Base):
    def verify(self) -> dict[str, Any]:
        with self.db.read() as s:
            count, problems = ledger.verify(s)
        return {"ok": not problems, "entries": count, "problems": [p.as_dict() for p in problems]}

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

    def restore(self, source: str) -> dict[str, Any]:
        """Put a backup in place of this database — only a backup that verifies (R2.1).

        The backup is checked on a copy (brought to the current schema first); the database it
        replaces is kept beside it as NAME.before-restore-TIMESTAMP, so nothing is lost."""
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


def _copy(src: Path, dest: Path) -> None:
    """A consistent copy with SQLite's backup API (the source may be in use)."""
    a, b = sqlite3.connect(src), sqlite3.connect(dest)
    try:
        with b:
            a.backup(b)
    finally:
        b.close()
        a.close()
