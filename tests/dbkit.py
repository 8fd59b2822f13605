"""The database each test runs on: a SQLite file always, or a PostgreSQL database when a server
is given (`FRONTDESK_TEST_PG=postgresql+psycopg://user@host:port/postgres`).

The conftests build each office once per session as a *template* and give every test its own
copy: on SQLite a file copy (`shutil.copy`), on PostgreSQL `CREATE DATABASE … TEMPLATE …`
(a few tens of milliseconds), dropped again when the session ends. A test sees either a
`Path` (SQLite) or a `PgDb` (PostgreSQL); `str()` of both is what `--db` and `open_services`
take, and the helpers here (`rows`, `tables`, `checkpoint`) work on either.

Tests that only make sense on a SQLite file (file backup, kill -9, dropping SQLite triggers)
use `sqlite_only` (a skip mark with the reason) or the `needs_sqlite(db)` call.
"""

from __future__ import annotations

import atexit
import itertools
import os
import re
import shutil
import sqlite3
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Union

import pytest

import pins

PG_ENV = "FRONTDESK_TEST_PG"
PG_URL = os.environ.get(PG_ENV, "").strip() or None
ON_PG = PG_URL is not None

sqlite_only = pytest.mark.skipif(ON_PG, reason=f"SQLite-specific (a database file); {PG_ENV} is set")


class PgDb:
    """One PostgreSQL database on the test server; str() is its SQLAlchemy URL."""

    def __init__(self, server_url: str, name: str):
        from sqlalchemy.engine import make_url

        self.name = name
        self.url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
        self.server_url = server_url

    def __str__(self) -> str:
        return self.url

    def __repr__(self) -> str:
        return f"PgDb({self.name})"

    def connect(self):  # noqa: ANN201 - a psycopg connection, autocommit
        return _pg_connect(self.url, autocommit=True)


Db = Union[Path, PgDb]


def _libpq(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _pg_connect(url: str, autocommit: bool = True):  # noqa: ANN202
    import psycopg

    return psycopg.connect(_libpq(url), autocommit=autocommit, options="-c timezone=UTC")


class _Server:
    """The test server: an admin connection that creates and drops this session's databases."""

    def __init__(self, url: str):
        self.url = url
        self.prefix = f"fdt_{os.getpid()}_"
        self._n = itertools.count(1)
        self.made: list[str] = []
        self.templates: set[str] = set()  # databases copied from: kept until the session ends
        self._admin = None

    @property
    def admin(self):  # noqa: ANN201
        if self._admin is None or self._admin.closed:
            self._admin = _pg_connect(self.url)
        return self._admin

    def _kick(self, name: str) -> None:
        """Close whatever connections pooled engines left on `name` (CREATE … TEMPLATE needs none)."""
        self.admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                           "WHERE datname = %s AND pid <> pg_backend_pid()", (name,))

    @property
    def strategy(self) -> str:
        """PostgreSQL 15 copies a template through the WAL by default (0.3 s a database);
        FILE_COPY copies the files (0.04 s) — the right trade for small throwaway databases."""
        if not hasattr(self, "_strategy"):
            version = self.admin.execute("SHOW server_version_num").fetchone()[0]
            self._strategy = " STRATEGY FILE_COPY" if int(version) >= 150000 else ""
        return self._strategy

    def create(self, template: PgDb | None = None) -> PgDb:
        name = f"{self.prefix}{next(self._n)}"
        if template is None:
            self.admin.execute(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING \'UTF8\'{self.strategy}')
        else:
            self.templates.add(template.name)
            self._kick(template.name)
            self.admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template.name}"{self.strategy}')
        self.made.append(name)
        return PgDb(self.url, name)

    def drop(self, db: PgDb) -> None:
        self.admin.execute(f'DROP DATABASE IF EXISTS "{db.name}" WITH (FORCE)')
        if db.name in self.made:
            self.made.remove(db.name)

    def drop_since(self, mark: int) -> None:
        """Drop the databases made since `mark` (len(made) then), templates kept."""
        for name in [n for n in self.made[mark:] if n not in self.templates]:
            self.drop(PgDb(self.url, name))

    def drop_all(self) -> None:
        try:
            for name in list(self.made):
                self.admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            self.made.clear()
            if self._admin is not None:
                self._admin.close()
        except Exception:  # noqa: BLE001 - the server may already be gone at exit
            pass


_server: _Server | None = None


def server() -> _Server:
    global _server
    if _server is None:
        assert PG_URL is not None, f"{PG_ENV} is not set"
        _server = _Server(PG_URL)
        atexit.register(_server.drop_all)
    return _server


# ------------------------------------------------------------------ the API the conftests use


def new_db(path: Path, keep: bool = False) -> Db:
    """An empty database: the file `path` on SQLite (not created yet), a new database on PG.
    On PG it is dropped when the test that made it ends, unless `keep` (a session or module
    template, shared by many tests: dropped when the session ends)."""
    if not ON_PG:
        return path
    db = server().create()
    if keep:
        server().templates.add(db.name)
    return db


def copy_db(template: Db, path: Path, keep: bool = False) -> Db:
    """A fresh copy of a template: `path` on SQLite, a new database on PG (`keep`: see new_db)."""
    if isinstance(template, PgDb):
        db = server().create(template)
        if keep:
            server().templates.add(db.name)
        pins.inherit(template, db)
        return db
    shutil.copy(template, path)
    pins.inherit(template, path)  # the copy's staff have the template's PINs (tests/pins.py)
    return path


def drop_db(db: Db) -> None:
    if isinstance(db, PgDb):
        server().drop(db)


def needs_sqlite(db: Any) -> None:
    if isinstance(db, PgDb):
        pytest.skip("SQLite-specific (a database file)")


def checkpoint(db: Db) -> None:
    """Fold SQLite's WAL into the file, so a plain file copy is the whole database (no-op on PG)."""
    if isinstance(db, PgDb):
        return
    con = sqlite3.connect(db)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()


def _pg_sql(sql: str, params: tuple) -> str:
    if not params:
        return sql
    return sql.replace("%", "%%").replace("?", "%s")


def rows(db: Db, sql: str, params: Any = ()) -> list[tuple]:
    """Run one statement on its own connection (autocommit); the rows it returns, if any."""
    params = tuple(params)
    if isinstance(db, PgDb):
        with db.connect() as con:
            cur = con.execute(_pg_sql(sql, params), params or None)
            return [tuple(_as_sqlite(v) for v in r) for r in cur.fetchall()] if cur.description else []
    con = sqlite3.connect(db, timeout=30)
    try:
        out = con.execute(sql, params).fetchall()
        con.commit()
        return out
    finally:
        con.close()


def _as_sqlite(v: Any) -> Any:
    """A PostgreSQL value as SQLite hands it back to raw SQL (how SQLAlchemy stores it there):
    the tests compare raw rows with literals written for the SQLite file."""
    if isinstance(v, datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, Decimal):
        return float(v)
    return v


def tables(db: Db) -> list[str]:
    """The application's tables, sorted (alembic's own left out)."""
    if isinstance(db, PgDb):
        names = [n for (n,) in rows(db, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
    else:
        names = [n for (n,) in rows(db, "SELECT name FROM sqlite_master WHERE type = 'table' "
                                        "AND name NOT LIKE 'sqlite_%'")]
    return sorted(n for n in names if n != "alembic_version")


def table_counts(db: Db, names: Any = None) -> dict[str, int]:
    """Row counts of `names` (every application table by default), in one statement."""
    names = list(names or tables(db))
    got = rows(db, " UNION ALL ".join(f"SELECT '{t}', COUNT(*) FROM {t}" for t in names))
    return {t: n for t, n in got}


def is_refusal(exc: BaseException) -> bool:
    """A database error raised by the append-only triggers, on either backend."""
    return bool(re.search("append-only", str(exc)))


def _db_errors() -> tuple[type[BaseException], ...]:
    import psycopg

    return (sqlite3.DatabaseError, psycopg.Error)


DB_ERRORS = _db_errors()  # what a refused raw statement raises, on either backend


def drop_append_only(db: Db, table: str = "registerentry") -> None:
    """Tampering tests: remove the triggers that refuse UPDATE/DELETE on `table`."""
    if isinstance(db, PgDb):
        rows(db, f"DROP TRIGGER {table}_append_only ON {table}")
    else:
        rows(db, f"DROP TRIGGER {table}_no_update")
        rows(db, f"DROP TRIGGER {table}_no_delete")


def fail_inserts(db: Db, table: str, message: str) -> None:
    """Make every INSERT into `table` fail with `message` (a full disk, as far as a service can tell)."""
    if isinstance(db, PgDb):
        rows(db, f"CREATE FUNCTION fail_{table}() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION '{message}'; END; "
                 f"$$ LANGUAGE plpgsql")
        rows(db, f"CREATE TRIGGER fail_{table} BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION fail_{table}()")
    else:
        rows(db, f"CREATE TRIGGER fail_{table} BEFORE INSERT ON {table} BEGIN SELECT RAISE(ABORT, '{message}'); END")


def import_report_ids_out(report: list[dict[str, str]]) -> list[dict[str, str]]:
    """An import report without the ids a dry run cannot promise on PostgreSQL, whose sequences
    are not rolled back (the dry run used up client and follow-up ids). As is on SQLite."""
    if not ON_PG:
        return report
    return [{k: v for k, v in r.items() if k != "client" and not (k == "entry" and v.startswith("followup#"))}
            for r in report]


def tamper(db: Db, *sql: str, params: tuple = ()) -> None:
    """Behind the application's back: the append-only triggers on registerentry dropped, then
    `sql` run in one transaction (each statement with `params`), then the triggers put back as
    shipped (a careful forger leaves no missing trigger for verify to see)."""
    from frontdesk.store.guards import append_only_triggers

    if isinstance(db, PgDb):
        with db.connect() as con, con.transaction():
            con.execute("DROP TRIGGER IF EXISTS registerentry_append_only ON registerentry")
            for st in sql:
                con.execute(_pg_sql(st, params), params or None)
            con.execute(append_only_triggers("postgresql", "registerentry")[1])
        return
    con = sqlite3.connect(db)
    try:
        con.execute("DROP TRIGGER IF EXISTS registerentry_no_update")
        con.execute("DROP TRIGGER IF EXISTS registerentry_no_delete")
        for st in sql:
            con.execute(st, params)
        for st in append_only_triggers("sqlite", "registerentry"):
            con.execute(st)
        con.commit()
    finally:
        con.close()


def executemany(db: Db, sql: str, seq: list[tuple]) -> None:
    """One statement for each parameter tuple, in one transaction (`?` placeholders)."""
    if isinstance(db, PgDb):
        with db.connect() as con, con.transaction():
            con.cursor().executemany(_pg_sql(sql, ("x",)), seq)
        return
    con = sqlite3.connect(db, timeout=30)
    try:
        con.executemany(sql, seq)
        con.commit()
    finally:
        con.close()
