"""Opening a database: the engine, SQLite pragmas, write transactions, migrations.

SQLite runs in WAL mode with a busy timeout; write transactions start with BEGIN IMMEDIATE so
two processes never both read a register head and then race to write it. Reads use a second
engine whose transactions are deferred, so the desk can read while another process writes.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session

MIGRATIONS = Path(__file__).parent / "migrations"
HEAD = "0003"  # the newest migration; opening a database older than this upgrades it
BUSY_TIMEOUT_MS = 30_000
CACHE_KIB = 32 * 1024  # SQLite page cache per connection (default 2 MB): a 1M office's index pages stay in it


def to_url(db: str) -> str:
    """A SQLAlchemy URL from what a user gives: a URL, or a path to a SQLite file."""
    if "://" in db:
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
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):  # noqa: ANN001
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


class Database:
    """Both engines for one database URL. Build one per process and hand it to the services."""

    def __init__(self, url: str):
        self.url = to_url(url)
        self.is_sqlite = make_url(self.url).get_backend_name() == "sqlite"
        if self.is_sqlite:
            path = make_url(self.url).database
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            self.writer = _sqlite_engine(self.url, immediate=True)
            self.reader = _sqlite_engine(self.url, immediate=False)
        else:
            self.writer = create_engine(self.url, isolation_level="SERIALIZABLE")
            self.reader = create_engine(self.url)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction that writes: committed at the end, rolled back on any error."""
        with Session(self.writer, expire_on_commit=False) as s:
            with s.begin():
                yield s

    @contextmanager
    def read(self) -> Iterator[Session]:
        with Session(self.reader, expire_on_commit=False) as s:
            with s.begin():
                yield s

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
            return
        from alembic import command
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        with self.writer.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")

    def dispose(self) -> None:
        self.writer.dispose()
        self.reader.dispose()


def open_db(url: str) -> Database:
    db = Database(url)
    db.migrate()
    return db
