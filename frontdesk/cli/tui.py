"""The command line's doors to the apps: the desk (`frontdesk`, `frontdesk demo`) and the lobby
board (`frontdesk board`).

Wired onto the root command by frontdesk.cli (its __init__), which also makes `open_tui` what a
bare `frontdesk` does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from frontdesk.cli.app import Opts, _desk_state, _services, check_db, fail, run
from frontdesk.services.errors import BadInput, FrontdeskError

commands = typer.Typer()  # merged into the root app by frontdesk.cli


def open_tui(o: Opts, demo_hint: str | None = None, board: bool = False) -> None:
    """The Textual app on the chosen database (the main door; `frontdesk where` says which).

    The desk is given a factory and paints before the services are built (make_app). A new
    office — no database file yet, or one without a project or staff — gets the first day's
    setup (frontdesk.ui.screens.setup), which remembers the database in the config file once it
    is confirmed. A foreign file is said before the screen opens; what only the services can
    tell (a server that does not answer) ends the app, and is said here once the terminal is
    back, with the exit code a command would give."""
    from frontdesk import config
    from frontdesk.services.errors import FrontdeskError

    if board:
        _open_board(o)
        return
    db, why = o.database()
    new = _new_file(db)
    try:
        if new and why in ("option", "env") and not Path(new).parent.is_dir():
            raise BadInput("db", f"there is no database at {new} (and no folder {Path(new).parent}): "
                                 "check the path, or give a file in an existing folder for a new office")
        check_db(db, create=new is not None)
    except FrontdeskError as exc:
        fail(exc, o)
    o.db = db
    built: list[Any] = []

    def services() -> Any:
        sv = _services(o, create=new is not None)
        try:
            if sv.setup.needed(project=o.project) is None:
                sv.roster.show(project=o.project)  # several projects and no --project: say so
        except BaseException:
            sv.close()
            raise
        built.append(sv)
        return sv

    # --as NAME with a PIN opens the desk once the PIN proves; its data is read by a forked reader
    # while Textual is imported and the screen painted (frontdesk.ui.firstread): before that import
    first = None
    if o.user and o.pin and new is None:
        from frontdesk.ui.firstread import FirstRead

        first = FirstRead.start(services, o.user, o.pin, o.project)
    from frontdesk.ui.app import make_app

    tui = make_app(services, lang=o.lang, project=o.project, demo_hint=demo_hint,
                   setup={"project": None} if new else None, on_setup=lambda _r: config.remember_office(db),
                   sign_in=(o.user, o.pin) if o.user else None, first_read=first)
    try:
        tui.run()
    finally:
        if first is not None:
            first.close()
        for sv in built:
            sv.close()
    exc = tui.start_error
    if isinstance(exc, FrontdeskError):
        fail(exc, o)
    if exc is not None:
        raise exc  # main() says it as an internal error, as before the app opened


def _new_file(db: str) -> str | None:
    """The path of a SQLite database that does not exist yet (the setup will make it), else None."""
    if "://" in db and not db.startswith("sqlite:"):
        return None
    path = Path(db.split(":///", 1)[1] if "://" in db else db).expanduser().resolve()
    return str(path) if not path.exists() else None


def _open_board(o: Opts) -> None:
    from frontdesk.services.errors import FrontdeskError

    try:
        sv = _services(o)
        sv.roster.show(project=o.project)  # a database without a project: say so before the screen opens
    except FrontdeskError as exc:
        fail(exc, o)
    try:
        from frontdesk.ui.board import BoardApp

        BoardApp(sv, lang=o.lang, project=o.project).run()
    finally:
        sv.close()


class NotADemo(FrontdeskError):
    """`frontdesk demo` pointed at an office's database (or a stranger's file): refused, untouched."""

    exit_code = 1
    code = "refused"


def demo_target(o: Opts) -> str:
    """Where the demo may write: its own file, or a --db/FRONTDESK_DB that is missing, empty or a
    demo already. Anything else is refused here, before any other check or write (issue 14)."""
    from frontdesk import config
    from frontdesk.store import probe

    if not o.db:
        return config.demo_db()
    try:
        kind = probe.kind(o.db)
    except Exception as exc:  # noqa: BLE001 - a server that does not answer, a URL that is not one
        raise NotADemo(f"db: cannot read {o.db} ({type(exc).__name__}), so the demo leaves it alone", field="db",
                       db=o.db) from None
    if kind not in ("missing", "empty", "demo"):
        what = "an office's database" if kind == "office" else "not a frontdesk database"
        raise NotADemo(f"db: {o.db} is {what}, not a demo: the demo never writes to it. "
                       "Leave out --db (and FRONTDESK_DB) for the demo's own file", field="db", db=o.db)
    return o.db


@commands.command()
def demo(ctx: typer.Context, fresh: bool = typer.Option(True, "--fresh/--keep", help="Replace an earlier demo database."),
         print_only: bool = typer.Option(False, "--print", help="Print the desk state instead of opening the app.")) -> None:
    """Open the desk on a fresh demo database (default: demo.db in the user data directory).

    It writes only there, or to a --db that is missing or a demo already: an office's database
    is refused (exit 1) before anything else happens."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from frontdesk.demo import demo_hint, load_demo, start_of_demo_day
    from frontdesk.services.clock import parse_local
    from frontdesk.store import probe

    o: Opts = ctx.obj
    try:
        path = demo_target(o)
        if o.at:
            parse_local(o.at)  # a bad --at is said before the demo is replaced
    except FrontdeskError as exc:
        fail(exc, o)
    if fresh and "://" not in path:
        for suffix in ("", "-wal", "-shm"):
            Path(path + suffix).unlink(missing_ok=True)
    zone = ZoneInfo("Asia/Shanghai")
    today = datetime.now(zone).date()
    if probe.kind(path) in ("missing", "empty"):
        load_demo(path, today)
    o.db, o.db_source = path, "option"
    o.offset = start_of_demo_day(today).replace(tzinfo=zone) - datetime.now(zone)
    if print_only or o.json:
        run(ctx, _desk_state, signed=False)  # the demo: a sandbox office, no one to prove
    else:
        open_tui(o, demo_hint=demo_hint(o.lang))


@commands.command()
def board(ctx: typer.Context) -> None:
    """A large read-only "next up" view for a second screen in the lobby."""
    open_tui(ctx.obj, board=True)
