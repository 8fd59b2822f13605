"""`frontdesk serve`: the app — or only the lobby board — in a browser (textual-serve).

Each browser tab runs its own `frontdesk` process on the same database, so sign-in, PINs, the
lockout and the idle lock are the terminal's; the board page needs no sign-in and shows no
phone. Loopback by default: another host is served only when `--allow-remote` says so too, and
then a warning line says who can reach it.

Wired onto the root command by frontdesk.cli (its __init__)."""

from __future__ import annotations

import ipaddress
import os
import shlex
import sys
from typing import Optional

import typer

from frontdesk.cli.app import Opts, check_db, fail

commands = typer.Typer()  # merged into the root app by frontdesk.cli
LOOPBACK_NAMES = ("localhost", "ip6-localhost")


def is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def app_command(o: Opts, db: str, board: bool) -> str:
    """The command textual-serve runs for each browser tab."""
    argv = [sys.executable, "-m", "frontdesk.cli", "--db", db, "--lang", o.lang]
    if o.project:
        argv += ["--project", o.project]
    if board:
        argv.append("board")
    return shlex.join(argv)


@commands.command()
def serve(ctx: typer.Context,
          board: bool = typer.Option(False, "--board", help="Serve only the lobby board (no sign-in, no phones)."),
          host: str = typer.Option("127.0.0.1", "--host", help="The address to listen on (default: this PC only)."),
          port: str = typer.Option("8000", "--port", help="The TCP port."),
          allow_remote: bool = typer.Option(False, "--allow-remote",
                                            help="Needed with a --host other than loopback: other PCs can reach it.")) -> None:
    """The app, or with --board the lobby board, in a browser: http://HOST:PORT (loopback by default)."""
    from frontdesk.services.errors import BadInput

    o: Opts = ctx.obj
    try:
        if not port.isdigit() or not 1 <= int(port) <= 65535:
            raise BadInput("port", f"{port!r} is not a TCP port (1-65535)")
        if not is_loopback(host) and not allow_remote:
            raise BadInput("host", f"{host} is reachable from other computers: add --allow-remote to serve there "
                                   "(default: 127.0.0.1, this PC only)")
        db, _why = o.database()  # as `frontdesk` and `frontdesk board` would open it (`frontdesk where`)
        check_db(db, False)
    except BadInput as exc:
        fail(exc, o)
    if not is_loopback(host):
        typer.echo(f"warning: serving on {host}:{port}: anyone who can reach this address can open the "
                   f"{'board' if board else 'sign-in'} page", err=True)
    from textual_serve.server import Server

    title = "frontdesk board" if board else "frontdesk"
    typer.echo(f"frontdesk: serving the {'board' if board else 'app'} of {db} on http://{host}:{port}", err=True)
    # each browser tab runs the app in a process started with this one's environment: a person's
    # FRONTDESK_USER / FRONTDESK_PIN would sign every tab in as them (the desk opens on --as + PIN)
    for var in ("FRONTDESK_USER", "FRONTDESK_PIN"):
        os.environ.pop(var, None)
    Server(app_command(o, db, board), host=host, port=int(port), title=title).serve()
