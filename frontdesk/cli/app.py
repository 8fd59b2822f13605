"""The root command of the command line: the global options, and the helpers every command uses
(open the services, run one operation, say its result or its error with the exit code).

Imports no command module: frontdesk.cli (the package) wires them onto `app`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, NoReturn, Optional

import typer

from frontdesk import i18n
from frontdesk.cli import render as cli_render

app = typer.Typer(add_completion=False, no_args_is_help=False, help="frontdesk — the sales-office reception desk. Plain `frontdesk` (no command) opens the app; `frontdesk demo` opens it on a demo office.")


# what a bare `frontdesk` does (open the app): set by frontdesk.cli, so that this module imports
# no command module
on_bare: list[Callable[["Opts"], None]] = []


@dataclass
class Opts:
    db: str | None
    at: str | None
    user: str | None
    project: str | None
    json: bool
    lang: str
    offset: Any = None  # a running clock shifted to the demo's morning
    db_source: str | None = None  # "option" (--db) or "env" (FRONTDESK_DB): frontdesk.config.choose
    pin: str | None = None  # the acting person's PIN (--pin / FRONTDESK_PIN)
    acting: Any = None  # who proved it: {"name", "role"}; None for a bootstrap on a new database

    def database(self, create: bool = False) -> tuple[str, str]:
        """(database, why): --db, FRONTDESK_DB, the office the setup remembered, … (frontdesk.config)."""
        from frontdesk import config

        return config.choose(self.db, self.db_source, create=create)


def default_db() -> str:
    from frontdesk import config

    return config.default_db()


@app.callback(invoke_without_command=True)
def main_options(
    ctx: typer.Context,
    db: Optional[str] = typer.Option(None, "--db", help="SQLite file or SQLAlchemy URL (env FRONTDESK_DB; default: "
                                     "the office the setup remembered, see `frontdesk where`)."),
    at: Optional[str] = typer.Option(None, "--at", envvar="FRONTDESK_NOW", help='The clock: "YYYY-MM-DD HH:MM".'),
    user: Optional[str] = typer.Option(None, "--as", envvar="FRONTDESK_USER", help="The staff member acting. `frontdesk --as NAME` with "
                                      "a PIN opens the desk once the PIN proves; without one, the sign-in on that name."),
    project: Optional[str] = typer.Option(None, "--project", envvar="FRONTDESK_PROJECT", help="Project code."),
    as_json: bool = typer.Option(False, "--json", help="One JSON document on stdout."),
    lang: Optional[str] = typer.Option(None, "--lang", help="zh_CN or en (default: LANG)."),
    pin: Optional[str] = typer.Option(None, "--pin", envvar="FRONTDESK_PIN", show_default=False,
                                      help="Your PIN, proving you are --as NAME; asked for when stdin is a "
                                           "terminal. Every command needs it but the first init and the first "
                                           "staff add of a new database, and demo. (`staff add NAME --pin P`: "
                                           "P is the new member's PIN; give yours before the command.)"),
) -> None:
    from frontdesk.config import given_db

    given, source = given_db(db)  # --db, else FRONTDESK_DB (read here: `frontdesk where` says which)
    ctx.obj = Opts(given, at, user, project, as_json, i18n.pick_lang(lang), db_source=source, pin=pin)
    if ctx.invoked_subcommand is None:
        if as_json:
            run(ctx, _desk_state, bootstrap="demo")  # on the demo's sandbox: no one to prove
        else:
            on_bare[0](ctx.obj)


def _services(o: Opts, create: bool = False, lazy: bool = False):  # noqa: ANN202
    from frontdesk.services.clock import Clock, parse_local

    clock = Clock(parse_local(o.at) if o.at else None)
    if o.offset is not None and not o.at:
        clock.offset = o.offset
    db, _why = o.database(create)
    check_db(db, create)
    return open_db_services(db, clock, lazy)


def open_db_services(db: str, clock: Any, lazy: bool = False):  # noqa: ANN201
    """The services on `db`, or BadInput naming `db` when it cannot be opened (a server that does
    not answer, a refused login, a file that is not a database): that is the user's input to fix."""
    from sqlalchemy.exc import DBAPIError, NoSuchModuleError

    from frontdesk.services import open_services
    from frontdesk.services.errors import BadInput

    try:
        return open_services(db, clock, create=not lazy)
    except (DBAPIError, NoSuchModuleError) as exc:
        first = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:300]
        raise BadInput("db", f"cannot open the database: {first}") from None


SQLITE_MAGIC = b"SQLite format 3\x00"


def check_db(db: str, create: bool) -> None:
    """A SQLite --db must be a frontdesk database; only `init` and `restore` may make a new file.

    A mistyped path would otherwise leave folders and an empty database behind a command that
    failed, and a folder or a stranger's file would fail deep inside the migrations."""
    import sqlite3

    from frontdesk.services.errors import BadInput

    if "://" in db:
        from sqlalchemy.engine import make_url

        from frontdesk.store.db import to_url

        try:
            url = make_url(to_url(db))
        except Exception:  # noqa: BLE001 - SQLAlchemy's URL parser raises several kinds
            raise BadInput("db", f"{db!r} is neither a file path nor a database URL") from None
        backend = url.get_backend_name()
        if backend not in ("sqlite", "postgresql"):
            raise BadInput("db", f"{backend} is not supported: give a SQLite file or a postgresql:// URL")
        if backend != "sqlite":
            return
        if not url.database or url.database == ":memory:":
            raise BadInput("db", "an in-memory database keeps nothing: give a file or a postgresql:// URL")
        path = Path(url.database)
    else:  # a path, as to_url reads it (no SQLAlchemy to import: the app opens before it)
        path = Path(db).expanduser().resolve()
    if path.is_dir():
        raise BadInput("db", f"{path} is a folder, not a database file")
    if path.exists() and not path.is_file():
        raise BadInput("db", f"{path} is not a regular file (a device or a pipe), not a database file")
    if not path.exists():
        if create:
            return
        raise BadInput("db", f"there is no database at {path}: make one with `frontdesk init` "
                             "(or try `frontdesk demo`)")
    with path.open("rb") as f:
        head = f.read(len(SQLITE_MAGIC))
    if not head:
        return  # an empty file is an empty SQLite database
    if head != SQLITE_MAGIC:
        raise BadInput("db", f"{path} is not a frontdesk database (not a SQLite file)")
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = {n for (n,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:
        if create:  # restore may put a backup in place of a damaged database
            return
        from frontdesk.rules.reasons import Reason
        from frontdesk.services.errors import Refused

        raise Refused(Reason("R2.1", "database_damaged", {"detail": str(exc)}),
                      f"{path} is a damaged SQLite file ({exc}): restore a backup") from None
    finally:
        con.close()
    if tables and "alembic_version" not in tables:
        raise BadInput("db", f"{path} is a SQLite file of another program, not a frontdesk database")


def run(ctx: typer.Context, fn: Callable[[Any, Opts], Any], create: bool = False, bootstrap: str | None = None,
        signed: bool = True, lazy: bool = False) -> None:
    """Open the services, prove who is acting, run one operation, print its result or its error,
    exit with the code.

    `create`: the command may name a database file that is not there yet (init, restore); `lazy`:
    nor is it made or migrated when the services open (restore makes it only on success).
    `bootstrap`: "init" or "first_staff", what may run unsigned on a new database (docs/cli.md).
    `signed=False`: the demo only."""
    from frontdesk.services.errors import FrontdeskError

    o: Opts = ctx.obj
    try:
        sv = _services(o, create, lazy)
        try:
            if signed:
                prove(sv, o, bootstrap)
                if o.acting is None:  # a bootstrap on a new database: nobody acts (a name given is not there)
                    o.user = None
            result = fn(sv, o)
        finally:
            sv.close()
    except FrontdeskError as exc:
        fail(exc, o)
    except OSError as exc:  # a path the system refuses: too long, read-only, not there, no permission
        from frontdesk.services.errors import BadInput

        where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
        fail(BadInput("path", f"{exc.strerror or exc}{where}"[:400]), o)
    cli_render.emit(result, o.json, o.lang)


def prove(sv: Any, o: Opts, bootstrap: str | None = None) -> None:
    """Who is acting, proven before the operation (SPEC "Who is acting"): --as with --pin or
    FRONTDESK_PIN, or the PIN typed at a hidden prompt when stdin is a terminal. A wrong PIN is
    logged in the office's lockout and counts (frontdesk.services.identity)."""
    from sqlalchemy.exc import DatabaseError

    from frontdesk.rules.reasons import Reason
    from frontdesk.services.errors import Refused

    try:
        o.acting = sv.identity.authenticate(o.user, o.pin, door="cli", bootstrap=bootstrap)
    except DatabaseError as exc:  # the staff cannot even be read: say what is wrong with the file
        cause = str(getattr(exc, "orig", exc)).splitlines()[0][:200]
        raise Refused(Reason("R2.1", "database_damaged", {"detail": cause}),
                      f"the database cannot be read ({cause}): restore a backup (`frontdesk restore FILE`)") from None
    except Refused as exc:
        if exc.reason.code != "pin_required" or not _on_a_terminal():
            raise
        import getpass

        o.pin = getpass.getpass(f"PIN for {o.user.strip()}: ")  # type: ignore[union-attr]
        o.acting = sv.identity.authenticate(o.user, o.pin, door="cli", bootstrap=bootstrap)


def pin_given(o: Opts) -> str:
    """The acting person's PIN for a command that proves it itself (restore): --pin, FRONTDESK_PIN
    or the hidden prompt; refused (R2.1) when none can be had."""
    from frontdesk.rules.reasons import Reason
    from frontdesk.services.errors import Refused

    if not (o.user or "").strip():
        raise Refused(Reason("R2.1", "who_is_acting", {}),
                      "who is acting? give --as NAME (or FRONTDESK_USER) and your PIN (--pin or FRONTDESK_PIN)")
    if not o.pin and _on_a_terminal():
        import getpass

        o.pin = getpass.getpass(f"PIN for {o.user.strip()}: ")  # type: ignore[union-attr]
    if not o.pin:
        raise Refused(Reason("R2.1", "pin_required", {"name": o.user.strip()}),  # type: ignore[union-attr]
                      f"acting as {o.user} needs their PIN: --pin PIN or FRONTDESK_PIN")
    return o.pin


def _on_a_terminal() -> bool:
    import sys

    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (ValueError, AttributeError):  # a closed or replaced stdin
        return False


def fail(exc: Any, o: Opts) -> NoReturn:
    """Say a FrontdeskError (plain or --json on stderr) and exit with its code (1 refused, 2 bad input)."""
    cli_render.error(cli_render.plain(exc.as_dict(), o.lang), o.json)
    raise typer.Exit(exc.exit_code) from None


def _desk_state(sv: Any, o: Opts) -> dict[str, Any]:
    return {"roster": sv.roster.show(actor=o.user, project=o.project)}


def _yes_no(value: Optional[str], field: str) -> Optional[bool]:
    from frontdesk.services.errors import BadInput

    if value is None:
        return None
    v = value.strip().lower()
    if v in ("yes", "y", "是"):
        return True
    if v in ("no", "n", "否"):
        return False
    raise BadInput(field, f"{value!r} is not yes or no")


INT_MAX = 2**31 - 1


def _int(value: Optional[str], field: str) -> Optional[int]:
    from frontdesk.services.errors import BadInput

    if value is None:
        return None
    try:
        n = int(value.strip())
    except ValueError:
        raise BadInput(field, f"{value!r} is not a whole number") from None
    if abs(n) > INT_MAX:  # ids, numbers and counts are INTEGER columns: PostgreSQL refuses more
        raise BadInput(field, f"{value!r} is out of range (at most {INT_MAX})")
    return n
