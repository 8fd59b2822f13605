"""The change feed: every committed write tells the screens of every process which tables it changed.

Writers: an engine hook notes the tables each INSERT, UPDATE or DELETE of a write transaction
changed rows of (`install`; a statement that changed no row changes no screen); `Database.write()` publishes them just before COMMIT, in the writer's own
transaction (`publish`) — so a rolled-back write publishes nothing:
- SQLite: one upsert bumps a counter per table in `change_feed`;
- PostgreSQL: one `pg_notify('frontdesk_changes', 'table,table,…')`, delivered at COMMIT.

Readers: a `Watcher` thread calls `on_change(tables)` within a fraction of a second of a commit:
- SQLite: it polls `PRAGMA data_version` on its own connection (a few microseconds; it moves
  only when another connection committed), and when it moved reads the counters to see which
  tables changed ("*" when it cannot tell: a write that went around `Database.write()`);
- PostgreSQL: it LISTENs on its own connection and waits on the socket (no polling at all).
Screens re-read only what shows the tables named. Nothing here imports Textual."""

from __future__ import annotations

import re
import sqlite3
import threading
from functools import lru_cache
from typing import Any, Callable

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url

FEED = "change_feed"
CHANNEL = "frontdesk_changes"
EVERYTHING = frozenset({"*"})
_KEY = "frontdesk_changed_tables"
_WRITE = re.compile(r'^\s*(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM)\s+"?(\w+)', re.I)


@lru_cache(maxsize=2048)
def written_table(statement: str) -> str | None:
    """The table a statement writes to, or None for a read (statements repeat: cached)."""
    m = _WRITE.match(statement)
    return m.group(1).lower() if m else None


def install(engine: Engine) -> None:
    """Note on the DBAPI connection the tables each write statement touches."""

    @event.listens_for(engine, "after_cursor_execute")
    def _seen(conn, cursor, statement, _params, _context, _many):  # noqa: ANN001
        table = written_table(statement)
        if table is not None and table != FEED and cursor.rowcount != 0:  # -1: the driver cannot tell
            conn.info.setdefault(_KEY, set()).add(table)

    @event.listens_for(engine, "rollback")
    def _forget(conn):  # noqa: ANN001 - a rolled-back transaction changed nothing
        conn.info.pop(_KEY, None)


def publish(conn: Any, is_sqlite: bool) -> frozenset[str]:
    """Inside the writer's transaction, just before COMMIT: say which tables it changed."""
    tables = conn.info.pop(_KEY, None)
    if not tables:
        return frozenset()
    names = sorted(tables)
    if is_sqlite:
        conn.exec_driver_sql(f"INSERT INTO {FEED} (topic, n) VALUES " + ", ".join(["(?, 1)"] * len(names))
                             + " ON CONFLICT (topic) DO UPDATE SET n = n + 1", tuple(names))
    else:
        conn.exec_driver_sql("SELECT pg_notify(%s, %s)", (CHANNEL, ",".join(names)))
    conn.info.pop(_KEY, None)  # the upsert itself is not a change to tell
    return frozenset(names)


class Watcher:
    """A daemon thread that calls `on_change(frozenset of table names)` after other writers commit.

    `every`: seconds between two looks (SQLite) or the longest wait on the socket (PostgreSQL)."""

    def __init__(self, url: str, on_change: Callable[[frozenset[str]], None], every: float = 0.2):
        from .db import to_url  # db imports this module for its writers

        self.url = make_url(to_url(url))
        self.on_change = on_change
        self.every = every
        self.looks = 0  # how many times it looked (tests and the bench read it)
        self.failed = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> "Watcher":
        target = self._sqlite if self.url.get_backend_name() == "sqlite" else self._postgres
        self._thread = threading.Thread(target=self._guarded, args=(target,), name="frontdesk-changes", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=2)

    def _guarded(self, target: Callable[[], None]) -> None:
        try:
            target()
        except Exception:  # noqa: BLE001 - the screens' timers remain: a feed that fails is not fatal
            if not self._stop.is_set():
                self.failed = True

    def _sqlite(self) -> None:
        con = sqlite3.connect(self.url.database, check_same_thread=False, timeout=1)
        try:
            version = con.execute("PRAGMA data_version").fetchone()[0]
            counts = self._counts(con)
            while not self._stop.wait(self.every):
                self.looks += 1
                now = con.execute("PRAGMA data_version").fetchone()[0]
                if now == version:
                    continue
                version = now
                fresh = self._counts(con)
                changed = frozenset(t for t, n in fresh.items() if counts.get(t) != n)
                counts = fresh
                self.on_change(changed or EVERYTHING)
        finally:
            con.close()

    @staticmethod
    def _counts(con: sqlite3.Connection) -> dict[str, int]:
        try:
            return dict(con.execute(f"SELECT topic, n FROM {FEED}").fetchall())
        except sqlite3.OperationalError:  # busy or not migrated yet: say "something" next time
            return {}

    def _postgres(self) -> None:
        import psycopg

        dsn = self.url.set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(dsn, autocommit=True) as con:
            con.execute(f"LISTEN {CHANNEL}")
            while not self._stop.is_set():
                self.looks += 1
                tables: set[str] = set()
                for note in con.notifies(timeout=self.every, stop_after=64):
                    tables.update(t for t in note.payload.split(",") if t)
                if tables and not self._stop.is_set():
                    self.on_change(frozenset(tables))
