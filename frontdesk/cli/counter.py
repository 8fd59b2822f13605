"""The counter part of docs/cli.md: visits, calls, ownership, history, links,
follow-ups, crossings, the inbox and amending entries.

Wired onto the root command by frontdesk.cli (its __init__)."""

from __future__ import annotations

from typing import Any, List, Optional

import typer

from frontdesk import i18n
from frontdesk.cli.app import Opts, _int, _yes_no, run

commands = typer.Typer()  # merged into the root app by frontdesk.cli

crossing_app = typer.Typer(help="Crossings 业务交叉 (R4, R8).")
commands.add_typer(crossing_app, name="crossing")


@commands.command()
def visit(ctx: typer.Context, phone: str = typer.Option(..., "--phone"), name: Optional[str] = typer.Option(None, "--name"),
          asks_for: Optional[str] = typer.Option(None, "--asks-for"),
          visited_before: Optional[str] = typer.Option(None, "--visited-before", help="yes|no"),
          materials: Optional[str] = typer.Option(None, "--materials", help="yes|no"),
          saw: Optional[str] = typer.Option(None, "--saw", help="The advisor the visitor says served them before."),
          assign: Optional[str] = typer.Option(None, "--assign", help="PM override of the serving advisor.")) -> None:
    """Register a walk-in and route it (R3)."""
    run(ctx, lambda sv, o: sv.reception.visit(
        phone, name, asks_for, _yes_no(visited_before, "visited_before"), _yes_no(materials, "materials"), saw, assign,
        actor=o.user, project=o.project))


@commands.command()
def call(ctx: typer.Context, phone: str = typer.Option(..., "--phone"), name: Optional[str] = typer.Option(None, "--name"),
         referred_by: Optional[str] = typer.Option(None, "--referred-by")) -> None:
    """Register an incoming call (R2.3); --referred-by pre-registers a referral (R2.4)."""
    run(ctx, lambda sv, o: sv.reception.call(phone, name, referred_by, actor=o.user, project=o.project))


@commands.command()
def owner(ctx: typer.Context, phone: str = typer.Option(..., "--phone"),
          as_of: Optional[str] = typer.Option(None, "--as-of", help="YYYY-MM-DD (default: today)")) -> None:
    """Who owns this phone's client, and why (R2.2)."""
    run(ctx, lambda sv, o: sv.records.owner(phone, actor=o.user, project=o.project, as_of=as_of))


@commands.command()
def history(ctx: typer.Context, phone: str = typer.Option(..., "--phone"),
            witness: Optional[str] = typer.Option(None, "--witness", help="The PM witnessing the view (R2.1)."),
            witness_pin: Optional[str] = typer.Option(None, "--witness-pin", envvar="FRONTDESK_WITNESS_PIN")) -> None:
    """The client's register entries and follow-ups the acting user may see."""
    run(ctx, lambda sv, o: sv.records.history(phone, actor=o.user, project=o.project, witness=witness,
                                              witness_pin=witness_pin))


@commands.command()
def link(ctx: typer.Context, phones: List[str] = typer.Option(..., "--phone"), relation: str = typer.Option(..., "--relation")) -> None:
    """R2.5: the second phone's person joins the first phone's client."""
    from frontdesk.services.errors import BadInput

    def do(sv: Any, o: Opts) -> Any:
        if len(phones) != 2:
            raise BadInput("phone", "give exactly two --phone options")
        return sv.records.link(phones[0], phones[1], relation, actor=o.user, project=o.project)
    run(ctx, do)


followup_app = typer.Typer(help="Follow-ups of one's own clients (R2.1, R2.2, R3.4).", invoke_without_command=True)
commands.add_typer(followup_app, name="followup")


@followup_app.callback(invoke_without_command=True)
def followup(ctx: typer.Context, phone: Optional[str] = typer.Option(None, "--phone"),
             outcome: Optional[str] = typer.Option(None, "--outcome", help="reached|unreachable"),
             note: Optional[str] = typer.Option(None, "--note"), score: Optional[str] = typer.Option(None, "--score")) -> None:
    """Record a follow-up: --phone P --outcome reached|unreachable [--note] [--score 0-10]."""
    if ctx.invoked_subcommand is not None:
        return
    from frontdesk.services.errors import BadInput

    def do(sv: Any, o: Opts) -> Any:
        if phone is None:
            raise BadInput("phone", "give --phone")
        if outcome is None:
            raise BadInput("outcome", "give --outcome reached|unreachable")
        return sv.records.followup(phone, outcome, note, _int(score, "score"), actor=o.user, project=o.project)
    run(ctx, do)


@followup_app.command("verify")
def followup_verify(ctx: typer.Context, followup_id: str) -> None:
    """The PM signs an unreachable follow-up (R2.2)."""
    run(ctx, lambda sv, o: sv.records.verify_followup(_int(followup_id, "id"), actor=o.user, project=o.project))


@crossing_app.command("open")
def crossing_open(ctx: typer.Context, phone: str = typer.Option(..., "--phone"), claimant: str = typer.Option(..., "--claimant"),
                  note: Optional[str] = typer.Option(None, "--note")) -> None:
    run(ctx, lambda sv, o: sv.crossings.open(phone, claimant, note, actor=o.user, project=o.project))


@crossing_app.command("decide")
def crossing_decide(ctx: typer.Context, crossing_id: str, winner: Optional[str] = typer.Option(None, "--winner"),
                    none: bool = typer.Option(False, "--none", help="Negotiation failed: neither is credited (R8)."),
                    note: Optional[str] = typer.Option(None, "--note")) -> None:
    run(ctx, lambda sv, o: sv.crossings.decide(_int(crossing_id, "id"), winner, none, note, actor=o.user, project=o.project))


@crossing_app.command("list")
def crossing_list(ctx: typer.Context, open_only: bool = typer.Option(False, "--open")) -> None:
    run(ctx, lambda sv, o: sv.crossings.list(actor=o.user, project=o.project, open_only=open_only))


inbox_app = typer.Typer(help="The acting user's notifications.", invoke_without_command=True)
commands.add_typer(inbox_app, name="inbox")


@inbox_app.callback(invoke_without_command=True)
def inbox(ctx: typer.Context, unread: bool = typer.Option(False, "--unread")) -> None:
    if ctx.invoked_subcommand is not None:
        return
    run(ctx, lambda sv, o: _inbox_text(sv.inbox.list(actor=o.user, project=o.project, unread_only=unread), o.lang))


def _inbox_text(result: dict[str, Any], lang: str) -> dict[str, Any]:
    for item in result["items"]:
        item["text"] = i18n.notice_text(item["kind"], lang, **item["data"])
    return result


@inbox_app.command("ack")
def inbox_ack(ctx: typer.Context, notification_id: str) -> None:
    run(ctx, lambda sv, o: sv.inbox.ack(_int(notification_id, "id"), actor=o.user, project=o.project))


@commands.command()
def amend(ctx: typer.Context, entry: str, register: str = typer.Option("visit", "--register", help="visit|call"),
          note: str = typer.Option(..., "--note"), void: bool = typer.Option(False, "--void", help="Strike the page out.")) -> None:
    """Correct a register entry with a new, amending entry (R2.1)."""
    run(ctx, lambda sv, o: sv.amend.amend(register, _int(entry, "entry"), note, void, actor=o.user, project=o.project))
