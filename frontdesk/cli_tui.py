"""The command line's doors to the apps: the desk (`frontdesk`, `frontdesk demo`) and the lobby
board (`frontdesk board`). Imported only by the commands that open them."""

from __future__ import annotations

from typing import Any

from frontdesk.cli import Opts, _services, check_db, default_db, fail


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
