"""Opening a database: the engine, SQLite pragmas, write transactions, migrations.

SQLite runs in WAL mode with a busy timeout; write transactions start with BEGIN IMMEDIATE so
two processes never both read a register head and then race to write it. Reads use a second
engine whose transactions are deferred, so the desk can read while another process writes.

PostgreSQL (a company's server, `postgresql+psycopg://user@host/db`) keeps the same promise,
one writer at a time, with a transaction-scoped advisory lock; see `_pg_engine`.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session

from . import changes, journal

MIGRATIONS = Path(__file__).parent / "migrations"
HEAD = "0009"  # the newest migration; opening a database older than this upgrades it
BUSY_TIMEOUT_MS = 30_000
# The key of the advisory lock every PostgreSQL write transaction takes ("fdsk"). Advisory
# locks are scoped to one database, so two offices' databases on one server never wait on
# each other.
PG_WRITE_LOCK = 0x6664736B
CACHE_KIB = 32 * 1024  # SQLite page cache per connection (default 2 MB): a 1M office's index pages stay in it


def to_url(db: str) -> str:
    """A SQLAlchemy URL from what a user gives: a URL, or a path to a SQLite file.

    `postgresql://…` and `postgres://…` mean psycopg 3 (the driver we ship), not psycopg2."""
    if "://" in db:
        for bare in ("postgresql://", "postgres://"):
            if db.startswith(bare):
                return "postgresql+psycopg://" + db[len(bare):]
        return db
    return f"sqlite:///{Path(db).expanduser().resolve()}"


def _sqlite_engine(url: str, immediate: bool) -> Engine:
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn, _record):  # noqa: ANN001
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA recursive_triggers=ON")  # REPLACE's delete fires the append-only triggers
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):  # noqa: ANN001
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def _pg_engine(url: str, writer: bool) -> Engine:
    """A PostgreSQL engine; every session speaks UTC (we store naive UTC timestamps).

    Concurrency, chosen over SERIALIZABLE-with-retry: a write transaction runs at READ
    COMMITTED and its first statement is `pg_advisory_xact_lock(PG_WRITE_LOCK)`, so writers
    queue one at a time exactly as SQLite's BEGIN IMMEDIATE makes them. Each writer then
    reads the register heads (the next number, the last hash), the deposit holder, the roster
    as the previous writer committed them, and the numbering and the hash chain cannot fork.
    SERIALIZABLE would need every service operation to be safe to re-run on a serialization
    failure (and the desk to retry it); the lock never aborts and the writes are short.
    Readers run at REPEATABLE READ: one consistent snapshot for a whole screen or report,
    and they never wait for the writer. The lock is released by COMMIT or ROLLBACK."""
    engine = create_engine(
        url,
        isolation_level="READ COMMITTED" if writer else "REPEATABLE READ",
        connect_args={"options": "-c timezone=UTC"},
        pool_pre_ping=True,
    )
    if writer:
        @event.listens_for(engine, "begin")
        def _begin(conn):  # noqa: ANN001
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_WRITE_LOCK})")

    return engine


class WriteSession(Session):
    """A session of the writer engine: each flush seals its new append-only rows."""


event.listen(WriteSession, "after_flush", journal.after_flush)


class Database:
    """Both engines for one database URL. Build one per process and hand it to the services."""

    def __init__(self, url: str):
        self.url = to_url(url)
        self.is_sqlite = make_url(self.url).get_backend_name() == "sqlite"
        if self.is_sqlite:
            self.writer = _sqlite_engine(self.url, immediate=True)
            self.reader = _sqlite_engine(self.url, immediate=False)
        else:
            self.writer = _pg_engine(self.url, writer=True)
            self.reader = _pg_engine(self.url, writer=False)
        changes.install(self.writer)
        self.at_head = False  # set by migrate()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction that writes: committed at the end, rolled back on any error. Its
        flushes seal the append-only rows they insert (journal.py)."""
        with WriteSession(self.writer, expire_on_commit=False) as s:
            with s.begin():
                yield s
                if self.at_head:  # (an older schema has no change_feed: only tests write to one)
                    s.flush()  # what the session still holds is written now, so the feed names its tables
                    changes.publish(s.connection(), self.is_sqlite)  # the screens of every process

    @contextmanager
    def read(self) -> Iterator[Session]:
        with Session(self.reader, expire_on_commit=False) as s:
            with s.begin():
                yield s

    def sqlite_path(self) -> Path | None:
        """The file of a SQLite database (None for PostgreSQL or memory)."""
        if not self.is_sqlite:
            return None
        path = make_url(self.url).database
        return Path(path) if path and path != ":memory:" else None

    def revision(self) -> str | None:
        with self.reader.connect() as c:
            try:
                return c.execute(text("SELECT version_num FROM alembic_version")).scalar()
            except Exception:  # noqa: BLE001 - no table yet: a new database
                c.rollback()
                return None

    def migrate(self) -> None:
        """Bring the database to HEAD with the migrations shipped in the package."""
        if self.revision() == HEAD:
            self.at_head = True
            return
        from alembic import command
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        with self.writer.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
        self.at_head = True

    def dispose(self) -> None:
        self.writer.dispose()
        self.reader.dispose()


def open_db(url: str) -> Database:
    """The database at `url`, made (folders included) or brought to HEAD; a SQLite file's stale
    restore trials beside it swept first. `Database(url)` alone touches nothing until used."""
    db = Database(url)
    path = db.sqlite_path()
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        sweep_trials(path)
    db.migrate()
    return db


# A restore tries the backup on a copy beside the database it replaces (same folder, so the
# copy never lands where the office's data should not be, like a shared temp folder), named
# for the restoring process: `.office.db.restore-tmp-PID`. A restore that dies (kill -9)
# leaves it; the next open sweeps the trials whose process is gone.
TRIAL = ".{name}.restore-tmp-"


def trial_path(target: Path) -> Path:
    return target.with_name(f"{TRIAL.format(name=target.name)}{os.getpid()}")


def sweep_trials(target: Path) -> list[Path]:
    """Remove the restore trials (and their -wal/-shm) beside `target` left by a dead process."""
    prefix = TRIAL.format(name=target.name)
    gone = []
    try:
        found = [p for p in target.parent.iterdir() if p.name.startswith(prefix)]
    except OSError:
        return gone
    for p in found:
        pid = p.name[len(prefix):].split("-")[0]
        if pid.isdigit() and _alive(int(pid)):
            continue
        try:
            p.unlink()
            gone.append(p)
        except OSError:
            pass
    return gone


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, another user's
        return True
    return True
