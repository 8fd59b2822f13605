"""What `verify` holds a database to (R2.1), beyond the register chains:

- the file itself: SQLite's `PRAGMA integrity_check` (a page overwritten shows here first);
- the journal (store/journal.py): every sealed append-only row unchanged, none gone, none added
  behind the services' back;
- the guards: every append-only table's triggers present, enabled and as guards.py ships them.

A database too damaged to read is a problem found, never a crash: `check` reports it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, bindparam, text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from frontdesk.store import guards, journal, ledger
from frontdesk.store.db import Database
from frontdesk.store.models import APPEND_ONLY

INTEGRITY_LINES = 20  # the first lines of SQLite's answer are enough to name the damage


def problem(area: str, code: str, detail: str, **more: Any) -> dict[str, Any]:
    """A problem as the registers' are ({"register", "entry", "code", "detail"}), with more keys."""
    return {"register": area, "entry": None, "code": code, "detail": detail, **more}


def check(db: Database) -> dict[str, Any]:
    """Everything verify sees: {"ok", "entries", "sealed", "problems"}."""
    problems: list[dict[str, Any]] = []
    entries = sealed = 0
    try:
        if db.is_sqlite:
            problems += integrity(db)
        with db.read() as s:
            entries, found = ledger.verify(s)
            problems += [p.as_dict() for p in found]
            conn = s.connection()
            sealed, found_j = journal.verify(conn)
            problems += [p.as_dict() for p in found_j]
            problems += triggers(conn)
    except (DBAPIError, SQLAlchemyError) as exc:
        problems.append(unreadable(exc))
    return {"ok": not problems, "entries": entries, "sealed": sealed, "problems": problems}


def unreadable(exc: BaseException) -> dict[str, Any]:
    cause = getattr(exc, "orig", None) or exc
    return problem("database", "unreadable", f"the database cannot be read: {str(cause).splitlines()[0][:200]}")


def integrity(db: Database) -> list[dict[str, Any]]:
    """SQLite's own check of every page and index."""
    with db.reader.connect() as c:
        lines = [r[0] for r in c.exec_driver_sql(f"PRAGMA integrity_check({INTEGRITY_LINES})")]
    if lines == ["ok"]:
        return []
    return [problem("database", "integrity_check", "; ".join(lines)[:1000])]


def triggers(conn: Connection) -> list[dict[str, Any]]:
    """Every append-only table's guards as shipped: missing, disabled or rewritten ones named."""
    dialect = conn.dialect.name
    found = _sqlite_triggers(conn) if dialect == "sqlite" else _pg_triggers(conn)
    out = []
    for table in APPEND_ONLY:
        for name, want in guards.expected(dialect, table).items():
            have = found.get(name)
            if have is None:
                out.append(problem("triggers", "trigger_missing", f"{name} is gone: {table} is not append-only",
                                   table=table, trigger=name))
            elif have == "disabled":
                out.append(problem("triggers", "trigger_disabled", f"{name} is disabled", table=table, trigger=name))
            elif have != want:
                out.append(problem("triggers", "trigger_altered", f"{name} is not the shipped one",
                                   table=table, trigger=name))
    return out


def _sqlite_triggers(conn: Connection) -> dict[str, str]:
    rows = conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"))
    return {name: guards.canonical(sql or "") for name, sql in rows}


_PG_TRIGGERS = text("""
SELECT t.tgname, pg_get_triggerdef(t.oid) AS def, t.tgenabled
  FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
 WHERE NOT t.tgisinternal AND c.relname IN :tables AND c.relnamespace = to_regnamespace(current_schema())
""").bindparams(bindparam("tables", expanding=True))
_PG_FUNCTIONS = text("""
SELECT p.proname, p.prosrc FROM pg_proc p
 WHERE p.proname IN :names AND p.pronamespace = to_regnamespace(current_schema())
""").bindparams(bindparam("names", expanding=True))


def _pg_triggers(conn: Connection) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, definition, enabled in conn.execute(_PG_TRIGGERS, {"tables": list(APPEND_ONLY)}):
        out[name] = "disabled" if enabled in ("D", "R") else guards.canonical(definition)
    names = [f"{t}_append_only" for t in APPEND_ONLY]
    for name, src in conn.execute(_PG_FUNCTIONS, {"names": names}):
        out[f"{name}()"] = guards.canonical(src)
    return out
