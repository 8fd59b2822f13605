"""The command line's doors to the apps: the desk (`frontdesk`, `frontdesk demo`) and the lobby
board (`frontdesk board`).

Wired onto the root command by frontdesk.cli (its __init__), which also makes `open_tui` what a
bare `frontdesk` does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from frontdesk.cli.app import Opts, _desk_state, _services, check_db, default_db, fail, run

commands = typer.Typer()  # merged into the root app by frontdesk.cli


def open_tui(o: Opts, demo_hint: str | None = None, board: bool = False) -> None:
    """The Textual app on the configured database (the main door).

    The desk is given a factory and paints before the services are built (make_app). A missing
    or foreign database file is said before the screen opens; what only the services can tell
    (a database without a project, a server that does not answer) ends the app, and is said
    here once the terminal is back, with the exit code a command would give."""
    from frontdesk.services.errors import FrontdeskError

    if board:
        _open_board(o)
        return
    try:
        check_db(o.db or default_db(), False)
    except FrontdeskError as exc:
        fail(exc, o)
    built: list[Any] = []

    def services() -> Any:
        sv = _services(o)
        try:
            sv.roster.show(project=o.project)  # a database without a project: say so rather than show an empty desk
        except BaseException:
            sv.close()
            raise
        built.append(sv)
        return sv

    from frontdesk.ui.app import make_app

    tui = make_app(services, lang=o.lang, project=o.project, demo_hint=demo_hint)
    try:
        tui.run()
    finally:
        for sv in built:
            sv.close()
    exc = tui.start_error
    if isinstance(exc, FrontdeskError):
        fail(exc, o)
    if exc is not None:
        raise exc  # main() says it as an internal error (exit 3), as before the app opened


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


@commands.command()
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
        open_tui(o, demo_hint=demo_hint(o.lang))


@commands.command()
def board(ctx: typer.Context) -> None:
    """A large read-only "next up" view for a second screen in the lobby."""
    open_tui(ctx.obj, board=True)
