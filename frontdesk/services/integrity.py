"""Register integrity (R2.1) and backups."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from frontdesk.store import ledger

from .base import Base
from .errors import BadInput


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
        src = sqlite3.connect(make_url(self.db.url).database)
        out = sqlite3.connect(dest)
        try:
            with out:
                src.backup(out)
        finally:
            out.close()
            src.close()
        return {"file": str(dest), "bytes": dest.stat().st_size, **self.verify()}
