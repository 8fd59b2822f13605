"""`frontdesk where`: which database the app, the lobby board and the commands would open, and
why (frontdesk.config: --db, FRONTDESK_DB, the office the setup remembered, the default file,
the demo's)."""

from __future__ import annotations

from typing import Any

import typer

from frontdesk.cli import render as cli_render
from frontdesk.cli.app import Opts

commands = typer.Typer()  # merged into the root app by frontdesk.cli


def _choice(db: str, why: str) -> dict[str, Any]:
    from frontdesk import config
    from frontdesk.store import probe

    try:
        kind = probe.kind(db)
    except Exception as exc:  # noqa: BLE001 - a server that does not answer: say so, still say where
        kind = f"unreadable ({type(exc).__name__})"
    return {"db": db, "why": why, "reason": config.WHY[why], "holds": kind}


def places(o: Opts) -> dict[str, Any]:
    from frontdesk import config

    app = _choice(*o.database())
    demo_db = o.db or config.demo_db()
    return {"app": app, "board": app, "commands": app, "init": _choice(*o.database(create=True)),
            "demo": {"db": demo_db, "why": o.db_source or "demo"},
            "config": str(config.config_path()), "office": config.office()}


@commands.command()
def where(ctx: typer.Context) -> None:
    """Which database `frontdesk`, `frontdesk board` and the commands would open, and why."""
    o: Opts = ctx.obj
    found = places(o)
    if o.json:
        cli_render.emit(found, True, o.lang)
        return
    lines = [f"{k:9} {v['db']}\n{'':9} ({v['reason']}; holds: {v['holds']})" for k, v in found.items()
             if k in ("app", "init")]
    lines.insert(1, f"{'board':9} the same as the app, and so do the commands")
    lines += [f"{'demo':9} {found['demo']['db']}", f"{'config':9} {found['config']}"
              + ("" if found["office"] else " (no office remembered yet)")]
    typer.echo("\n".join(lines))
