"""The command line (../shared/CLI.md): the same services as the app, for scripts and tests.

Exit codes: 0 done; 1 refused by a rule or permission; 2 bad input. With --json a failure is
one JSON object {"error": {...}} on stderr. Nothing is written when a command fails.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, List, Optional

import typer

from frontdesk import cli_render, i18n

app = typer.Typer(add_completion=False, no_args_is_help=False, help="frontdesk — the sales-office reception desk.")
staff_app = typer.Typer(help="Staff: add, list, transfer (R5, R6).")
trainee_app = typer.Typer(help="Trainees (R5).")
roster_app = typer.Typer(help="The duty roster and rotation (R3).")
crossing_app = typer.Typer(help="Crossings 业务交叉 (R4, R8).")
app.add_typer(staff_app, name="staff")
app.add_typer(trainee_app, name="trainee")
app.add_typer(roster_app, name="roster")
app.add_typer(crossing_app, name="crossing")


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
            open_tui(ctx.obj)


def _services(o: Opts):  # noqa: ANN202
    from frontdesk.services import open_services
    from frontdesk.services.clock import Clock, parse_local

    clock = Clock(parse_local(o.at) if o.at else None)
    if o.offset is not None and not o.at:
        clock.offset = o.offset
    return open_services(o.db or default_db(), clock)


def run(ctx: typer.Context, fn: Callable[[Any, Opts], Any]) -> None:
    """Open the services, run one operation, print its result or its error, exit with the code."""
    from frontdesk.services.errors import FrontdeskError

    o: Opts = ctx.obj
    try:
        sv = _services(o)
        try:
            result = fn(sv, o)
        finally:
            sv.close()
    except FrontdeskError as exc:
        cli_render.error(cli_render.plain(exc.as_dict(), o.lang), o.json)
        raise typer.Exit(exc.exit_code) from None
    cli_render.emit(result, o.json, o.lang)


def open_tui(o: Opts, demo_hint: str | None = None, board: bool = False) -> None:
    """The Textual app on the configured database (the main door)."""
    from frontdesk.services.errors import FrontdeskError

    try:
        sv = _services(o)
        sv.roster.show(project=o.project)  # a database without a project: say so before the screen opens
    except FrontdeskError as exc:
        cli_render.error(cli_render.plain(exc.as_dict(), o.lang), o.json)
        raise typer.Exit(exc.exit_code) from None
    try:
        if board:
            from frontdesk.ui.board import BoardApp

            BoardApp(sv, lang=o.lang, project=o.project).run()
        else:
            from frontdesk.ui.app import make_app

            make_app(sv, lang=o.lang, project=o.project, demo_hint=demo_hint).run()
    finally:
        sv.close()


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


def _int(value: Optional[str], field: str) -> Optional[int]:
    from frontdesk.services.errors import BadInput

    if value is None:
        return None
    try:
        return int(value.strip())
    except ValueError:
        raise BadInput(field, f"{value!r} is not a whole number") from None


# --- the office ----------------------------------------------------------------------------

@app.command()
def init(ctx: typer.Context, code: str = typer.Option(..., "--project"), name: str = typer.Option(..., "--name"),
         protection_days: Optional[str] = typer.Option(None, "--protection-days"),
         tz: Optional[str] = typer.Option(None, "--tz")) -> None:
    """Create a project (on an existing database: add one)."""
    run(ctx, lambda sv, o: sv.staff.init(code, name, _int(protection_days, "protection_days"), tz, actor=o.user))


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


# --- the counter -----------------------------------------------------------------------------

@app.command()
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


@app.command()
def call(ctx: typer.Context, phone: str = typer.Option(..., "--phone"), name: Optional[str] = typer.Option(None, "--name"),
         referred_by: Optional[str] = typer.Option(None, "--referred-by")) -> None:
    """Register an incoming call (R2.3); --referred-by pre-registers a referral (R2.4)."""
    run(ctx, lambda sv, o: sv.reception.call(phone, name, referred_by, actor=o.user, project=o.project))


@app.command()
def owner(ctx: typer.Context, phone: str = typer.Option(..., "--phone"),
          as_of: Optional[str] = typer.Option(None, "--as-of", help="YYYY-MM-DD (default: today)")) -> None:
    """Who owns this phone's client, and why (R2.2)."""
    run(ctx, lambda sv, o: sv.records.owner(phone, actor=o.user, project=o.project, as_of=as_of))


@app.command()
def history(ctx: typer.Context, phone: str = typer.Option(..., "--phone"),
            witness: Optional[str] = typer.Option(None, "--witness", help="The PM witnessing the view (R2.1)."),
            witness_pin: Optional[str] = typer.Option(None, "--witness-pin", envvar="FRONTDESK_WITNESS_PIN")) -> None:
    """The client's register entries and follow-ups the acting user may see."""
    run(ctx, lambda sv, o: sv.records.history(phone, actor=o.user, project=o.project, witness=witness,
                                              witness_pin=witness_pin))


@app.command()
def link(ctx: typer.Context, phones: List[str] = typer.Option(..., "--phone"), relation: str = typer.Option(..., "--relation")) -> None:
    """R2.5: the second phone's person joins the first phone's client."""
    from frontdesk.services.errors import BadInput

    def do(sv: Any, o: Opts) -> Any:
        if len(phones) != 2:
            raise BadInput("phone", "give exactly two --phone options")
        return sv.records.link(phones[0], phones[1], relation, actor=o.user, project=o.project)
    run(ctx, do)


followup_app = typer.Typer(help="Follow-ups of one's own clients (R2.1, R2.2, R3.4).", invoke_without_command=True)
app.add_typer(followup_app, name="followup")


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
app.add_typer(inbox_app, name="inbox")


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


@app.command()
def amend(ctx: typer.Context, entry: str, register: str = typer.Option("visit", "--register", help="visit|call"),
          note: str = typer.Option(..., "--note"), void: bool = typer.Option(False, "--void", help="Strike the page out.")) -> None:
    """Correct a register entry with a new, amending entry (R2.1)."""
    run(ctx, lambda sv, o: sv.amend.amend(register, _int(entry, "entry"), note, void, actor=o.user, project=o.project))


@app.command()
def verify(ctx: typer.Context) -> None:
    """Check every register's numbering and hash chain (R2.1); exit 1 when a problem is found."""
    found: dict[str, Any] = {}

    def do(sv: Any, _o: Opts) -> Any:
        found.update(sv.integrity.verify())
        return found
    run(ctx, do)
    if not found.get("ok", True):
        raise typer.Exit(1)


@app.command()
def backup(ctx: typer.Context, file: str) -> None:
    """A consistent copy of the database while the desk is in use."""
    run(ctx, lambda sv, o: sv.integrity.backup(file))


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
        open_tui(o, demo_hint=demo_hint(o.lang))


@app.command()
def board(ctx: typer.Context) -> None:
    """A large read-only "next up" view for a second screen in the lobby."""
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


from frontdesk import cli_deals  # noqa: E402,F401  (registers the deal commands on `app`)

if __name__ == "__main__":
    main()
