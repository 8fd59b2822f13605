"""What a database holds, read without changing it (no migration, no file made): used by
`frontdesk demo` to refuse an office's database before it does anything else (issue 14).

    "missing"  a SQLite file that does not exist
    "empty"    no project yet (an empty file, a fresh frontdesk database, an empty server database)
    "demo"     every project carries the demo mark (frontdesk.services.setup.DEMO_KEY)
    "office"   a project without the mark: an office's data
    "foreign"  not a frontdesk database (another program's file, text, a folder)
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

DEMO_KEY = "demo"  # = frontdesk.services.setup.DEMO_KEY (that module imports SQLAlchemy; this one need not)
SQLITE_MAGIC = b"SQLite format 3\x00"
_COUNTS = ("SELECT (SELECT COUNT(*) FROM project), "
           f"(SELECT COUNT(DISTINCT project_id) FROM setting WHERE key = '{DEMO_KEY}')")


def kind(db: str) -> str:
    if "://" in db:
        from sqlalchemy.engine import make_url

        from .db import to_url

        url = make_url(to_url(db))
        if url.get_backend_name() != "sqlite":
            return _server(url)
        if not url.database or url.database == ":memory:":
            return "empty"
        return _file(Path(url.database))
    return _file(Path(db).expanduser())


def _verdict(tables: set[str], projects: int = 0, marked: int = 0) -> str:
    if not tables:
        return "empty"
    if "alembic_version" not in tables or "project" not in tables:
        return "foreign"
    if projects == 0:
        return "empty"
    return "demo" if marked >= projects else "office"


def _file(path: Path) -> str:
    if not path.exists():
        return "missing"
    if not path.is_file():
        return "foreign"
    with path.open("rb") as fh:
        head = fh.read(len(SQLITE_MAGIC))
    if not head:
        return "empty"
    if head != SQLITE_MAGIC:
        return "foreign"
    # read-only, and without a write-ahead log beside it the file is the whole database: read it
    # as immutable, so not even the -wal/-shm files a WAL database's reader makes appear beside it
    wal = path.with_name(path.name + "-wal").exists()
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro{'' if wal else '&immutable=1'}", uri=True)
    try:
        tables = {n for (n,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if _verdict(tables) != "empty":
            return _verdict(tables)
        projects, marked = con.execute(_COUNTS).fetchone() if "setting" in tables else (0, 0)
        return _verdict(tables, projects, marked)
    except sqlite3.DatabaseError:
        return "foreign"
    finally:
        con.close()


def _server(url) -> str:  # noqa: ANN001
    from sqlalchemy import create_engine, inspect, text

    engine = create_engine(url, connect_args={"options": "-c timezone=UTC"})
    try:
        with engine.connect() as con:
            tables = set(inspect(con).get_table_names())
            if _verdict(tables) != "empty" or not tables:
                return _verdict(tables)
            projects, marked = con.execute(text(_COUNTS)).one()
            return _verdict(tables, projects, marked)
    finally:
        engine.dispose()
