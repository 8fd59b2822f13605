"""Integrity (R2.1): verify, anchors, and backups that are checked before they are called good."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from frontdesk.rules.reasons import Reason
from frontdesk.store import anchor, ledger
from frontdesk.store.db import Database, open_db, trial_path
from frontdesk.store.models import Project, Staff

from .base import Base
from .checks import check, unreadable
from .clock import Clock, local
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
            zones = {z for z in s.exec(select(Project.tz))}
            # the real time, as the office reads it: its projects' zone when they share one
            doc = anchor.take(s, local(Clock.wall(), zones.pop()) if len(zones) == 1 else datetime.now().astimezone())
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
        """A consistent copy while the desk is in use (SQLite's online backup), verified before
        it is called good: a copy that fails (a damaged source) is removed and refused."""
        if not self.db.is_sqlite:
            raise BadInput("file", "backup of a server database is the server's job (pg_dump)")
        dest = Path(target).expanduser()
        if dest.exists():
            raise BadInput("file", f"{dest} exists; choose a new file name")
        if not dest.parent.is_dir():
            raise BadInput("file", f"folder {dest.parent} does not exist")
        try:
            _copy(self.db.sqlite_path() or Path(), dest)
            found = _check_file(dest)
        except sqlite3.DatabaseError as exc:
            found = {"ok": False, "entries": 0, "problems": [unreadable(exc)]}
        if not found["ok"]:
            _remove(dest)
            raise Refused(Reason("R2.1", "backup_unverified", {"problems": len(found["problems"])}),
                          f"the copy fails verify ({_first(found)}): no backup written; the database "
                          "itself needs `frontdesk verify`")
        return {"file": str(dest), "bytes": dest.stat().st_size, **found}

    def restore(self, source: str, actor: str | None = None, pin: str | None = None) -> dict[str, Any]:
        """Put a backup in place of this database — only a backup that verifies (R2.1), only by a PM
        (by the GM when either database holds several projects).

        The backup is checked on a trial copy beside the target (`.NAME.restore-tmp-PID`, swept
        by the next open if this process dies), SQLite's integrity check first, then brought to
        the current schema and verified. The database it replaces is kept beside it as
        NAME.before-restore-TIMESTAMP, so nothing is lost. When anything fails, nothing is
        created: no database file, no trial left. The actor must be a PM or GM of the database
        being replaced — or, when that one has no staff yet (a new machine), of the backup; `pin`
        (the command line's) is proven against that same database, logged and counted there."""
        if not self.db.is_sqlite:
            raise BadInput("file", "restoring a server database is the server's job (pg_restore)")
        src = Path(source).expanduser()
        if not src.is_file():
            raise BadInput("file", f"{src} is not a file")
        target = self.db.sqlite_path() or Path()
        if not target.parent.is_dir():
            raise BadInput("db", f"folder {target.parent} does not exist")
        trial = trial_path(target)
        try:
            count = self._try(src, trial, actor, target.exists(), pin)
            self.db.dispose()
            kept = None
            if target.exists():
                kept = target.with_name(f"{target.name}.before-restore-{datetime.now():%Y%m%d-%H%M%S}")
                _copy(target, kept)
            _copy(trial, target)
        finally:
            _remove(trial)
        return {"restored": str(src), "entries": count, "kept": str(kept) if kept else None, "ok": True}

    def _try(self, src: Path, trial: Path, actor: str | None, replacing: bool, pin: str | None) -> int:
        """The backup on its trial copy: readable, whole, verified, and the actor's to restore."""
        try:
            _copy(src, trial)
        except sqlite3.DatabaseError as exc:
            raise BadInput("file", f"{src} is not a frontdesk database ({type(exc).__name__})") from None
        damage = _integrity(trial)
        if damage:
            raise Refused(Reason("R2.1", "restore_unverified", {"problems": 1}),
                          f"{src} fails SQLite's integrity check ({damage}): not restored")
        try:
            candidate = open_db(str(trial))
        except Exception as exc:  # noqa: BLE001 - not a frontdesk database at all
            raise BadInput("file", f"{src} is not a frontdesk database ({type(exc).__name__})") from None
        try:
            self._may_restore(actor, candidate, replacing, pin)
            found = check(candidate)
        finally:
            candidate.dispose()
        if not found["ok"]:
            n = len(found["problems"])
            raise Refused(Reason("R2.1", "restore_unverified", {"problems": n}),
                          f"{src} fails verify ({n} problems: {_first(found)}): not restored")
        return found["entries"]

    def _may_restore(self, actor: str | None, candidate: Database, replacing: bool, pin: str | None) -> None:
        staffed, projects = False, 0
        if replacing:
            try:
                with self.db.read() as s:
                    staffed = s.exec(select(Staff.id).limit(1)).first() is not None
                    projects = len(s.exec(select(Project.id)).all())
            except DBAPIError:  # a damaged database: the backup's PM (or GM) brings the office back
                self.db.dispose()
        with candidate.read() as s:
            projects = max(projects, len(s.exec(select(Project.id)).all()))
        judge = self if staffed else Base(candidate, self.clock)
        if pin is not None:
            from .identity import prove

            prove(judge.db, self.clock, actor, pin, "cli")
        with judge.op(actor, write=False, any_project=True) as c:
            if projects > 1:  # rolling back one project's office would roll back the others'
                c.require("gm", rule="R2.1", code="restore_by_gm")
            c.require("pm", "gm", rule="R2.1", code="restore_by_pm")


def _check_file(path: Path) -> dict[str, Any]:
    """verify on a SQLite file as it is (no migration): its pages, chains and guards."""
    db = Database(str(path))
    try:
        return check(db)
    finally:
        db.dispose()


def _integrity(path: Path) -> str:
    """SQLite's integrity check of a file: "" when whole, else its first complaint."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        lines = [r[0] for r in con.execute("PRAGMA integrity_check(5)")]
    except sqlite3.DatabaseError as exc:  # too damaged to check at all
        return str(exc)
    finally:
        con.close()
    return "" if lines == ["ok"] else "; ".join(lines)[:300]


def _first(found: dict[str, Any]) -> str:
    p = found["problems"][0]
    return f"{p['code']}: {p['detail']}"[:300]


def _remove(path: Path) -> None:
    """A file with SQLite's companions (-wal, -shm, -journal)."""
    for p in (path, *(path.with_name(path.name + x) for x in ("-wal", "-shm", "-journal"))):
        try:
            p.unlink()
        except FileNotFoundError:
            pass


def _copy(src: Path, dest: Path) -> None:
    """A consistent copy with SQLite's backup API (the source may be in use)."""
    a, b = sqlite3.connect(src), sqlite3.connect(dest)
    try:
        with b:
            a.backup(b)
    finally:
        b.close()
        a.close()
