"""The command line (../shared/CLI.md): the same services as the app, for scripts and tests.

Exit codes: 0 done; 1 refused by a rule or permission; 2 bad input. With --json a failure is
one JSON object {"error": {...}} on stderr. Nothing is written when a command fails.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, List, NoReturn, Optional

import typer

from frontdesk import cli_render, i18n

app = typer.Typer(add_completion=False, no_args_is_help=False, help="frontdesk — the sales-office reception desk.")
staff_app = typer.Typer(help="Staff: add, list, transfer (R5, R6).")
trainee_app = typer.Typer(help="Trainees (R5).")
roster_app = typer.Typer(help="The duty roster and rotation (R3).")
app.add_typer(staff_app, name="staff")
app.add_typer(trainee_app, name="trainee")
app.add_typer(roster_app, name="roster")


@dataclass
class Opts:
    db: str | None
    at: str | None
    user: str | None
    project: str | None
    json: bool
    lang: str
    offset: Any = None  # a running clock shifted to the demo's morning


def default_db() -> str:
    from platformdirs import user_data_dir

    return str(Path(user_data_dir("frontdesk", appauthor=False)) / "frontdesk.db")


@app.callback(invoke_without_command=True)
def main_options(
    ctx: typer.Context,
    db: Optional[str] = typer.Option(None, "--db", envvar="FRONTDESK_DB", help="SQLite file or SQLAlchemy URL."),
    at: Optional[str] = typer.Option(None, "--at", envvar="FRONTDESK_NOW", help='The clock: "YYYY-MM-DD HH:MM".'),
    user: Optional[str] = typer.Option(None, "--as", envvar="FRONTDESK_USER", help="The staff member acting."),
    project: Optional[str] = typer.Option(None, "--project", envvar="FRONTDESK_PROJECT", help="Project code."),
    as_json: bool = typer.Option(False, "--json", help="One JSON document on stdout."),
    lang: Optional[str] = typer.Option(None, "--lang", help="zh_CN or en (default: LANG)."),
) -> None:
    ctx.obj = Opts(db, at, user, project, as_json, i18n.pick_lang(lang))
    if ctx.invoked_subcommand is None:
        if as_json:
            run(ctx, _desk_state)
        else:
            from frontdesk.cli_tui import open_tui

            open_tui(ctx.obj)


def _services(o: Opts, create: bool = False):  # noqa: ANN202
    from frontdesk.services import open_services
    from frontdesk.services.clock import Clock, parse_local

    clock = Clock(parse_local(o.at) if o.at else None)
    if o.offset is not None and not o.at:
        clock.offset = o.offset
    db = o.db or default_db()
    check_db(db, create)
    return open_services(db, clock)


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

        url = make_url(to_url(db))
        if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
            return
        path = Path(url.database)
    else:  # a path, as to_url reads it (no SQLAlchemy to import: the app opens before it)
        path = Path(db).expanduser().resolve()
    if path.is_dir():
        raise BadInput("db", f"{path} is a folder, not a database file")
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
    except sqlite3.DatabaseError:
        raise BadInput("db", f"{path} is not a frontdesk database (unreadable)") from None
    finally:
        con.close()
    if tables and "alembic_version" not in tables:
        raise BadInput("db", f"{path} is a SQLite file of another program, not a frontdesk database")


def run(ctx: typer.Context, fn: Callable[[Any, Opts], Any], create: bool = False) -> None:
    """Open the services, run one operation, print its result or its error, exit with the code.

    `create`: the command may make a new database file (init, restore)."""
    from frontdesk.services.errors import FrontdeskError

    o: Opts = ctx.obj
    try:
        sv = _services(o, create)
        try:
            result = fn(sv, o)
        finally:
            sv.close()
    except FrontdeskError as exc:
        fail(exc, o)
    cli_render.emit(result, o.json, o.lang)


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


# --- the office ----------------------------------------------------------------------------

@app.command()
def init(ctx: typer.Context, code: str = typer.Option(..., "--project"), name: str = typer.Option(..., "--name"),
         protection_days: Optional[str] = typer.Option(None, "--protection-days"),
         tz: Optional[str] = typer.Option(None, "--tz")) -> None:
    """Create a project (on an existing database: add one)."""
    run(ctx, lambda sv, o: sv.staff.init(code, name, _int(protection_days, "protection_days"), tz, actor=o.user),
        create=True)


@app.command()
def settings(ctx: typer.Context, key: Optional[str] = typer.Argument(None), value: Optional[str] = typer.Argument(None),
             gm_approval: Optional[str] = typer.Option(None, "--gm-approval", help='"NAME: reason" (R2.2, >10 days)')) -> None:
    """Show the project's settings, or set one: KEY VALUE."""
    run(ctx, lambda sv, o: sv.staff.settings(key, value, gm_approval, actor=o.user, project=o.project))


@staff_app.command("add")
def staff_add(ctx: typer.Context, name: str, role: str = typer.Option(..., "--role"),
              mentor: Optional[str] = typer.Option(None, "--mentor"), pin: Optional[str] = typer.Option(None, "--pin")) -> None:
    """Add a staff member: advisor | trainee | pm | sales-admin | gm."""
    run(ctx, lambda sv, o: sv.staff.add(name, role, mentor, pin, actor=o.user, project=o.project))


@staff_app.command("list")
def staff_list(ctx: typer.Context) -> None:
    run(ctx, lambda sv, o: sv.staff.list(actor=o.user, project=o.project))


@staff_app.command("transfer")
def staff_transfer(ctx: typer.Context, name: str, to: str = typer.Option(..., "--to")) -> None:
    """Move an advisor to another project (R6)."""
    run(ctx, lambda sv, o: sv.staff.transfer(name, to, actor=o.user, project=o.project))


@staff_app.command("pin")
def staff_pin(ctx: typer.Context, name: str, pin: str) -> None:
    """Set a staff member's PIN (themself or the PM)."""
    run(ctx, lambda sv, o: sv.staff.set_pin(name, pin, actor=o.user, project=o.project))


@trainee_app.command("pass")
def trainee_pass(ctx: typer.Context, name: str, score: str = typer.Option(..., "--score")) -> None:
    """Record a passed exam (R5.3): the trainee joins the rotation."""
    run(ctx, lambda sv, o: sv.staff.trainee_pass(name, _int(score, "score"), actor=o.user, project=o.project))


# --- roster ----------------------------------------------------------------------------------

@roster_app.command("set")
def roster_set(ctx: typer.Context, names: List[str] = typer.Argument(...)) -> None:
    """The rotation order from now on, starting at its first name."""
    run(ctx, lambda sv, o: sv.roster.set(names, actor=o.user, project=o.project))


@roster_app.command("away")
def roster_away(ctx: typer.Context, name: str) -> None:
    run(ctx, lambda sv, o: sv.roster.mark(name, True, actor=o.user, project=o.project))


@roster_app.command("back")
def roster_back(ctx: typer.Context, name: str) -> None:
    run(ctx, lambda sv, o: sv.roster.mark(name, False, actor=o.user, project=o.project))


@roster_app.command("show")
def roster_show(ctx: typer.Context) -> None:
    run(ctx, lambda sv, o: sv.roster.show(actor=o.user, project=o.project))


@app.command()
def verify(ctx: typer.Context, anchor: Optional[str] = typer.Option(
        None, "--anchor", help="An anchor file written earlier by `frontdesk anchor`: its pages must all be there.")) -> None:
    """Check every register's numbering and hash chain (R2.1); exit 1 when a problem is found."""
    found: dict[str, Any] = {}

    def do(sv: Any, _o: Opts) -> Any:
        held = sv.integrity.check_anchor(anchor) if anchor else None
        found.update(sv.integrity.verify())
        if held is not None:
            found["problems"] = found["problems"] + held["problems"]
            found["ok"] = not found["problems"]
            found["anchor"] = {k: held[k] for k in ("anchor", "taken_at", "heads")}
        return found
    run(ctx, do)
    if not found.get("ok", True):
        raise typer.Exit(1)


@app.command()
def anchor(ctx: typer.Context, file: Optional[str] = typer.Argument(None, help="Write it to this new file.")) -> None:
    """Write down every register's last page and hash, to keep away from the database (R2.1)."""
    run(ctx, lambda sv, o: sv.integrity.anchor(file))


@app.command()
def backup(ctx: typer.Context, file: str) -> None:
    """A consistent copy of the database while the desk is in use."""
    run(ctx, lambda sv, o: sv.integrity.backup(file))


@app.command()
def restore(ctx: typer.Context, file: str) -> None:
    """Replace the database with a backup that passes verify; the old one is kept beside it."""
    run(ctx, lambda sv, o: sv.integrity.restore(file, actor=o.user), create=True)


@app.command()
def demo(ctx: typer.Context, fresh: bool = typer.Option(True, "--fresh/--keep", help="Replace an earlier demo database."),
         print_only: bool = typer.Option(False, "--print", help="Print the desk state instead of opening the app.")) -> None:
    """Open the desk on a fresh demo database (default: demo.db in the user data directory)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from frontdesk.demo import demo_hint, load_demo, start_of_demo_day

    o: Opts = ctx.obj
    path = o.db or str(Path(default_db()).with_name("demo.db"))
    if fresh and "://" not in path:
        for suffix in ("", "-wal", "-shm"):
            Path(path + suffix).unlink(missing_ok=True)
    zone = ZoneInfo("Asia/Shanghai")
    today = datetime.now(zone).date()
    if "://" in path or not Path(path).exists():
        load_demo(path, today)
    o.db = path
    o.offset = start_of_demo_day(today).replace(tzinfo=zone) - datetime.now(zone)
    if print_only or o.json:
        run(ctx, _desk_state)
    else:
        from frontdesk.cli_tui import open_tui

        open_tui(o, demo_hint=demo_hint(o.lang))


@app.command()
def board(ctx: typer.Context) -> None:
    """A large read-only "next up" view for a second screen in the lobby."""
    from frontdesk.cli_tui import open_tui

    open_tui(ctx.obj, board=True)


HOISTED_FLAGS = ("--json",)
HOISTED_OPTIONS = ("--db", "--at", "--as", "--lang")  # no command has options of these names


def hoist(args: list[str]) -> list[str]:
    """Let the global options stand anywhere: `frontdesk visit --phone P --json` works too."""
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--":
            rest += args[i:]
            break
        if a in HOISTED_FLAGS:
            front.append(a)
        elif a in HOISTED_OPTIONS and i + 1 < len(args):
            front += [a, args[i + 1]]
            i += 1
        elif any(a.startswith(o + "=") for o in HOISTED_OPTIONS):
            front.append(a)
        else:
            rest.append(a)
        i += 1
    return front + rest


def main(argv: list[str] | None = None) -> None:
    """Entry point: usage errors become exit 2 with a JSON error under --json."""
    args = hoist(sys.argv[1:] if argv is None else list(argv))
    as_json = "--json" in args
    try:
        code = app(args=args, prog_name="frontdesk", standalone_mode=False)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        sys.exit(130)
    except Exception as exc:  # click's usage errors (typer vendors click in newer releases)
        if not (hasattr(exc, "format_message") and hasattr(exc, "exit_code")):
            if os.environ.get("FRONTDESK_DEBUG"):
                raise
            # never a traceback at the counter: say what failed, keep the details for the log
            payload = {"code": "internal", "message": f"{type(exc).__name__}: {exc}"}
            cli_render.error(payload, as_json)
            sys.exit(3)
        field = getattr(getattr(exc, "param", None), "name", None) or ""
        payload = {"code": "bad_input", "field": field.replace("-", "_"), "message": exc.format_message()}
        if as_json:
            cli_render.error(payload, True)
        else:
            exc.show()  # type: ignore[attr-defined]
        sys.exit(2)
    sys.exit(code if isinstance(code, int) else 0)


from frontdesk import cli_counter, cli_deals, cli_drill, cli_io  # noqa: E402,F401  (they register their commands on `app`)
from frontdesk import cli_outbox  # noqa: E402,F401  (outbound notices: frontdesk outbox send|list)

if __name__ == "__main__":
    main()
