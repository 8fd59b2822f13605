"""Outbound notices (issue 6, part 4): `frontdesk outbox send [--loop]` and `frontdesk outbox list`.

Wired onto the root command by frontdesk.cli (its __init__). `send` needs no --as: cron
runs it, and it only delivers what the desk already decided; `list` is the PM's (or the GM's)."""

from __future__ import annotations

import json
import sys
import time
from typing import Any, Optional

import typer

from frontdesk import i18n
from frontdesk.cli import render as cli_render
from frontdesk.cli.app import Opts, _int, run

commands = typer.Typer()  # merged into the root app by frontdesk.cli

outbox_app = typer.Typer(help="Notices sent to the project's WeCom / DingTalk group robot.")
commands.add_typer(outbox_app, name="outbox")

MAX_EVERY = 86_400


@outbox_app.command("send")
def send(ctx: typer.Context,
         loop: bool = typer.Option(False, "--loop", help="Keep sending every --every seconds until Ctrl-C."),
         every: Optional[str] = typer.Option(None, "--every", help="Seconds between rounds with --loop (default 30)."),
         rounds: Optional[str] = typer.Option(None, "--rounds", help="With --loop: stop after this many rounds.")) -> None:
    """Deliver the due notices once (for cron), or keep delivering (--loop); failures retry with back-off."""
    def do(sv: Any, o: Opts) -> Any:
        wait = _bounded(_int(every, "every"), "every", 1, MAX_EVERY, 30)
        limit = _bounded(_int(rounds, "rounds"), "rounds", 1, None, None)
        if not loop:
            return _summary(sv.outbox.send(project=o.project), o)
        done = {"rounds": 0, "sent": 0, "failed": 0}
        try:
            while limit is None or done["rounds"] < limit:
                r = sv.outbox.send(project=o.project)
                done["rounds"] += 1
                done["sent"] += r["sent"]
                done["failed"] += r["failed"]
                if r["items"]:
                    _progress(r, o)
                if limit is None or done["rounds"] < limit:
                    time.sleep(wait)
        except KeyboardInterrupt:
            pass
        return done
    run(ctx, do)


def _bounded(v: int | None, field: str, lo: int, hi: int | None, default: int | None) -> int | None:
    from frontdesk.services.errors import BadInput

    if v is None:
        return default
    if v < lo or (hi is not None and v > hi):
        raise BadInput(field, f"must be between {lo} and {hi}" if hi is not None else f"must be at least {lo}")
    return v


def _summary(r: dict[str, Any], o: Opts) -> dict[str, Any]:
    if o.json:
        return r
    return {"summary": i18n.t("outbox.sent_summary", o.lang, sent=r["sent"], failed=r["failed"]), "items": r["items"]}


def _progress(r: dict[str, Any], o: Opts) -> None:
    """One line per round that did something (JSON lines under --json); the totals come at the end."""
    if o.json:
        sys.stdout.write(json.dumps(cli_render.plain(r, o.lang), ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(i18n.t("outbox.sent_summary", o.lang, sent=r["sent"], failed=r["failed"]) + "\n")
    sys.stdout.flush()


@outbox_app.command("list")
def list_(ctx: typer.Context, limit: Optional[str] = typer.Option(None, "--limit", help="How many items (default 50).")) -> None:
    """Delivery state of the latest notices: pending / failing / sent, tries, last error (PM or GM)."""
    def do(sv: Any, o: Opts) -> Any:
        n = _bounded(_int(limit, "limit"), "limit", 1, 500, 50)
        r = sv.outbox.list(actor=o.user, project=o.project, limit=n)
        if o.json:
            return r
        head = i18n.t("outbox.counts", o.lang, **r["counts"]) if r["webhook"] else i18n.t("outbox.no_webhook", o.lang)
        return {"webhook": r["webhook"]["url"] if r["webhook"] else None, "state": head, "items": [
            {"id": i["id"], "at": i["at"], "state": i18n.t(f"outbox.state_{i['state']}", o.lang),
             "tries": i["attempts"], "last_error": i["last_error"], "text": i["text"][:60]} for i in r["items"]]}
    run(ctx, do)
