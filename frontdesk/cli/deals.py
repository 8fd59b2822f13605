"""The deal part of docs/cli.md: units, deposits, deals, credit, reports, complaints.

Wired onto the root command by frontdesk.cli (its __init__)."""

from __future__ import annotations

import csv
import io
import sys
from typing import Any, List, Optional

import typer

from frontdesk.cli.app import Opts, _int, run

commands = typer.Typer()  # merged into the root app by frontdesk.cli

unit_app = typer.Typer(help="Units and their list prices (R1.2, R7).")
complaint_app = typer.Typer(help="Complaints and suggestions (R10).")
commands.add_typer(unit_app, name="unit")
commands.add_typer(complaint_app, name="complaint")
discount_app = typer.Typer(help="Discount requests 折扣审批 (R7): the advisor asks, the PM decides.")
commands.add_typer(discount_app, name="discount")


@unit_app.command("add")
def unit_add(ctx: typer.Context, code: str, price: str = typer.Option(..., "--price")) -> None:
    """A unit with its list price (CNY)."""
    run(ctx, lambda sv, o: sv.deals.unit_add(code, price, actor=o.user, project=o.project))


@commands.command()
def deposit(ctx: typer.Context, unit: str = typer.Option(..., "--unit"), phone: str = typer.Option(..., "--phone"),
            amount: str = typer.Option(..., "--amount")) -> None:
    """A deposit takes the unit for the client; the first to pay gets it (R1.2)."""
    run(ctx, lambda sv, o: sv.deals.deposit(unit, phone, amount, actor=o.user, project=o.project))


@commands.command("large-deal")
def large_deal(ctx: typer.Context, unit: str = typer.Option(..., "--unit"), phone: str = typer.Option(..., "--phone"),
               decision: str = typer.Option(..., "--decision", help="assist | alone"),
               note: Optional[str] = typer.Option(None, "--note")) -> None:
    """The PM assists on a large deal, or consents to the advisor handling it alone (P2)."""
    run(ctx, lambda sv, o: sv.deals.large_decision(unit, phone, decision, note, actor=o.user, project=o.project))


@commands.command()
def deal(ctx: typer.Context, unit: str = typer.Option(..., "--unit"), phone: str = typer.Option(..., "--phone"),
         amount: str = typer.Option(..., "--amount"), discount: Optional[str] = typer.Option(None, "--discount"),
         approved_by: Optional[str] = typer.Option(None, "--approved-by"),
         share: List[str] = typer.Option([], "--share", help="NAME=PCT, set by the PM on an assisted large deal"),
         closer: Optional[str] = typer.Option(None, "--closer", help="PM only: the advisor who closed it.")) -> None:
    """Record a deal and its credit (R7, P2, R6, R1.1, R3.2, R8)."""
    run(ctx, lambda sv, o: sv.deals.deal(unit, phone, amount, discount, approved_by, share, closer, actor=o.user,
                                         project=o.project))


@discount_app.command("request")
def discount_request(ctx: typer.Context, unit: str = typer.Option(..., "--unit"), phone: str = typer.Option(..., "--phone"),
                     discount: str = typer.Option(..., "--discount"), note: Optional[str] = typer.Option(None, "--note")) -> None:
    """Ask the PM for a discount on a unit for a client (R7); a deal below the list names the PM who approved it."""
    run(ctx, lambda sv, o: sv.deals.discount_request(unit, phone, discount, note, actor=o.user, project=o.project))


@discount_app.command("decide")
def discount_decide(ctx: typer.Context, request_id: str, approve: bool = typer.Option(False, "--approve"),
                    refuse: bool = typer.Option(False, "--refuse"),
                    reason: Optional[str] = typer.Option(None, "--reason", help="Required with --refuse.")) -> None:
    """The PM approves or refuses a discount request (R7)."""
    from frontdesk.services.errors import BadInput

    def do(sv: Any, o: Opts) -> Any:
        if approve == refuse:
            raise BadInput("decision", "give exactly one of --approve or --refuse")
        return sv.manager.decide_discount(_int(request_id, "id"), approve, reason, actor=o.user, project=o.project)
    run(ctx, do)


@commands.command()
def deals(ctx: typer.Context) -> None:
    """The deals the acting user may see, with their credit."""
    run(ctx, lambda sv, o: sv.deals.list_deals(actor=o.user, project=o.project))


@commands.command()
def reflection(ctx: typer.Context, deal_id: str, text: str = typer.Option(..., "--text")) -> None:
    """A trainee's written reflection on their first deal (R5.5)."""
    run(ctx, lambda sv, o: sv.deals.reflect(_int(deal_id, "id"), text, actor=o.user, project=o.project))


@commands.command()
def referral(ctx: typer.Context, phone: str = typer.Option(..., "--phone"), to: str = typer.Option(..., "--to")) -> None:
    """R1.1: report a client to the PM and refer them to a similar project."""
    run(ctx, lambda sv, o: sv.deals.referral(phone, to, actor=o.user, project=o.project))


@commands.command()
def reassign(ctx: typer.Context, phone: str = typer.Option(..., "--phone"), to: str = typer.Option(..., "--to"),
             note: Optional[str] = typer.Option(None, "--note")) -> None:
    """The PM hands a client to another advisor for follow-up (R6)."""
    run(ctx, lambda sv, o: sv.records.reassign(phone, to, note, actor=o.user, project=o.project))


REPORT_COLUMNS = ("advisor", "receptions", "calls", "turns", "skipped", "duty_given", "duty_received", "clients_held",
                  "lapses", "followups_valid", "followups_unreachable", "followups_verified", "deposits", "deals",
                  "credit", "present_hours", "turns_per_hour")


@commands.command()
def report(ctx: typer.Context, start: Optional[str] = typer.Option(None, "--from", help="YYYY-MM-DD"),
           end: Optional[str] = typer.Option(None, "--to", help="YYYY-MM-DD"),
           as_csv: bool = typer.Option(False, "--csv", help="CSV on stdout.")) -> None:
    """R9 figures per advisor for a period (default: this month to today)."""
    if not as_csv:
        run(ctx, lambda sv, o: sv.reports.report(start, end, actor=o.user, project=o.project))
        return

    def do(sv: Any, o: Opts) -> None:
        r = sv.reports.report(start, end, actor=o.user, project=o.project)
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(REPORT_COLUMNS)
        for row in r["advisors"]:
            w.writerow([_flat(row[k]) for k in REPORT_COLUMNS])
        sys.stdout.write(buf.getvalue())
        raise typer.Exit(0)
    run(ctx, do)


def _flat(v: Any) -> Any:
    from frontdesk.services.exporter import neutral  # a name like =HYPERLINK(...) must not run

    if isinstance(v, dict):
        return neutral(" ".join(f"{k}={x}" for k, x in v.items()))
    return "" if v is None else neutral(v)


@complaint_app.command("add")
def complaint_add(ctx: typer.Context, text: str, kind: str = typer.Option("complaint", "--kind",
                                                                         help="complaint | suggestion")) -> None:
    run(ctx, lambda sv, o: sv.reports.complaint_add(text, kind, actor=o.user, project=o.project))


@complaint_app.command("list")
def complaint_list(ctx: typer.Context) -> None:
    run(ctx, lambda sv, o: sv.reports.complaint_list(actor=o.user, project=o.project))


@complaint_app.command("status")
def complaint_status(ctx: typer.Context, complaint_id: str, status: str = typer.Option(..., "--status"),
                     resolution: Optional[str] = typer.Option(None, "--resolution")) -> None:
    """Sales admin or GM: open | in_progress | closed (closing needs a resolution)."""
    run(ctx, lambda sv, o: sv.reports.complaint_status(_int(complaint_id, "id"), status, resolution,
                                                       actor=o.user, project=o.project))
