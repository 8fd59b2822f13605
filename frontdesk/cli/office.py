"""The office on the command line: projects, settings, staff, trainees, the roster, and the
registers' integrity (verify, anchor, backup, restore).

Wired onto the root command by frontdesk.cli (its __init__)."""

from __future__ import annotations

from typing import Any, List, Optional

import typer

from frontdesk.cli.app import Opts, _int, pin_given, run

commands = typer.Typer()  # merged into the root app by frontdesk.cli
staff_app = typer.Typer(help="Staff: add, list, transfer, PINs, leaving (R5, R6, R2.1).")
approvals_app = typer.Typer(help="What waits for a signature (R2.2, P2, R7, R1.1); the GM signs protection-day requests.")
trainee_app = typer.Typer(help="Trainees (R5).")
roster_app = typer.Typer(help="The duty roster and rotation (R3).")
commands.add_typer(staff_app, name="staff")
commands.add_typer(trainee_app, name="trainee")
commands.add_typer(roster_app, name="roster")
commands.add_typer(approvals_app, name="approvals")


@commands.command()
def init(ctx: typer.Context, code: str = typer.Option(..., "--project"), name: str = typer.Option(..., "--name"),
         protection_days: Optional[str] = typer.Option(None, "--protection-days"),
         tz: Optional[str] = typer.Option(None, "--tz")) -> None:
    """Create a project (on an existing database: add one)."""
    run(ctx, lambda sv, o: sv.staff.init(code, name, _int(protection_days, "protection_days"), tz, actor=o.user),
        create=True, bootstrap="init")


@commands.command()
def settings(ctx: typer.Context, key: Optional[str] = typer.Argument(None), value: Optional[str] = typer.Argument(None),
             gm_approval: Optional[str] = typer.Option(
                 None, "--gm-approval", help="REASON: the GM's own approval of more than 10 protection days, "
                                             "given acting as the GM (--as the GM, their PIN) (R2.2)"),
             request: Optional[str] = typer.Option(
                 None, "--request", help="REASON: a PM asks the GM for more than 10 protection days; nothing changes "
                                         "until the GM signs it: `frontdesk --as GM approvals sign ID --approve`")) -> None:
    """Show the project's settings, or set one: KEY VALUE.

    More than 10 protection_days needs the GM's own signature (R2.2): the GM sets it with
    --gm-approval REASON, or a PM files --request REASON and the GM approves it (`approvals sign`,
    or the console's Approvals tab). A name typed by anyone else is not a signature.
    min_deposit is the smallest deposit that takes a unit (R1.2)."""
    run(ctx, lambda sv, o: sv.staff.settings(key, value, gm_approval, actor=o.user, project=o.project,
                                             request=request))


@approvals_app.command("list")
def approvals_list(ctx: typer.Context) -> None:
    """What waits for the PM's or the GM's signature: kind, id, day, who, facts, reasons."""
    run(ctx, lambda sv, o: sv.manager.approvals(actor=o.user, project=o.project))


@approvals_app.command("sign")
def approvals_sign(ctx: typer.Context, request_id: str, approve: bool = typer.Option(False, "--approve"),
                   refuse: bool = typer.Option(False, "--refuse"),
                   reason: Optional[str] = typer.Option(None, "--reason", help="Required with --refuse.")) -> None:
    """The GM, acting as themselves, approves or refuses a PM's request for more than 10 protection
    days (R2.2): ID is the request's id (kind protection_days in `approvals list`)."""
    from frontdesk.services.errors import BadInput

    def do(sv: Any, o: Opts) -> Any:
        if approve == refuse:
            raise BadInput("decision", "give exactly one of --approve or --refuse")
        return sv.manager.decide_setting(_int(request_id, "id"), approve, reason, actor=o.user, project=o.project)
    run(ctx, do)


@staff_app.command("add")
def staff_add(ctx: typer.Context, name: str, role: str = typer.Option(..., "--role"),
              mentor: Optional[str] = typer.Option(None, "--mentor"),
              pin: Optional[str] = typer.Option(None, "--pin", help="The NEW member's PIN. Yours (the PM's) goes "
                                                "before the command: frontdesk --as PM --pin P staff add …, "
                                                "or FRONTDESK_PIN."),
              ) -> None:
    """Add a staff member: advisor | trainee | pm | sales-admin | gm. Only a GM adds a GM (R2.2).

    On a database with no staff yet, the first member (the PM or the GM) is added without
    --as and sets their own PIN with --pin."""
    def do(sv: Any, o: Opts) -> Any:
        if o.acting is None:  # the bootstrap: nobody to vouch, so they must be able to sign in later
            from frontdesk.services.errors import BadInput

            if role not in ("pm", "gm"):
                raise BadInput("role", "the first staff member of a database is its PM or GM")
            if not pin:
                raise BadInput("pin", "the first staff member sets their own PIN: --pin PIN")
        return sv.staff.add(name, role, mentor, pin, actor=o.user, project=o.project)
    run(ctx, do, bootstrap="first_staff")


LOCKOUTS_HELP = """The office's PIN log and who is locked now (the PM or GM): wrong PINs from every door
and terminal, attempts refused while locked, unlocks (SPEC "Who is acting").

JSON: {"locked": [{"name", "until", "failures"}], "events": [{"at", "name", "kind", "door",
"terminal", "by"}]}, newest event first. kind: failure | locked (refused while locked, not
counted) | unlock; door: signin | cli | witness | unlock; by: the PM who unlocked; times are the
real clock (ISO 8601, project time zone). 5 failures within 5 minutes lock the name for 5 minutes."""


@staff_app.command("lockouts", help=LOCKOUTS_HELP)
def staff_lockouts(ctx: typer.Context, limit: str = typer.Option("200", "--limit", help="At most this many events.")) -> None:
    run(ctx, lambda sv, o: sv.identity.lockouts(actor=o.user, project=o.project, limit=_count(limit)))


def _count(value: str) -> int:
    from frontdesk.services.errors import BadInput

    n = _int(value, "limit")
    if n is None or not 1 <= n <= 10_000:
        raise BadInput("limit", f"{value!r} is outside 1–10000")
    return n


@staff_app.command("unlock")
def staff_unlock(ctx: typer.Context, name: str) -> None:
    """Lift a PIN lock (the PM or GM; recorded): failures before it no longer count.

    JSON: {"name", "was_locked_until" (or null), "by", "at"}."""
    run(ctx, lambda sv, o: sv.identity.unlock(name, actor=o.user, project=o.project))


@staff_app.command("list")
def staff_list(ctx: typer.Context) -> None:
    run(ctx, lambda sv, o: sv.staff.list(actor=o.user, project=o.project))


@staff_app.command("transfer")
def staff_transfer(ctx: typer.Context, name: str, to: str = typer.Option(..., "--to")) -> None:
    """Move an advisor to another project (R6)."""
    run(ctx, lambda sv, o: sv.staff.transfer(name, to, actor=o.user, project=o.project))


@staff_app.command("pin")
def staff_pin(ctx: typer.Context, name: str, pin: str,
              old: Optional[str] = typer.Option(None, "--old", help="Your current PIN, to change your own.")) -> None:
    """Set a PIN: your own with --old (your current one), or (the PM, the GM) set or reset someone's;
    only a GM resets a GM's. A PIN is 4–8 digits, not one digit repeated, not a straight run (R2.1)."""
    run(ctx, lambda sv, o: sv.staff.set_pin(name, pin, actor=o.user, project=o.project, old=old))


@staff_app.command("deactivate")
def staff_deactivate(ctx: typer.Context, name: str) -> None:
    """A person who leaves (PM or GM): cannot sign in or act, off the roster; their history stays."""
    run(ctx, lambda sv, o: sv.staff.deactivate(name, actor=o.user, project=o.project))


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


@commands.command()
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


@commands.command()
def anchor(ctx: typer.Context, file: Optional[str] = typer.Argument(None, help="Write it to this new file.")) -> None:
    """Write down every register's last page and hash, to keep away from the database (R2.1)."""
    run(ctx, lambda sv, o: sv.integrity.anchor(file))


@commands.command()
def backup(ctx: typer.Context, file: str) -> None:
    """A consistent copy of the database while the desk is in use."""
    run(ctx, lambda sv, o: sv.integrity.backup(file))


@commands.command()
def restore(ctx: typer.Context, file: str) -> None:
    """Replace the database with a backup that passes verify; the old one is kept beside it."""
    # the PIN is proven by restore itself, against the database that judges (the office it replaces,
    # or the backup on a new machine): the target may not exist yet
    run(ctx, lambda sv, o: sv.integrity.restore(file, actor=o.user, pin=pin_given(o)), create=True, lazy=True,
        signed=False)
