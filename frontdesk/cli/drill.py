"""The scenario drill on the command line (R5.3 情景模拟).

`frontdesk drill [--set NAME] [--seed N] [--as TRAINEE] [--save FILE]` opens the drill on a
sandbox; `drill sets`, `drill check FILE`; `drill record --trainee NAME (--score N | --result
FILE)` and `drill results [--trainee NAME]` on the live database.

Wired onto the root command by frontdesk.cli (its __init__)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Optional

import typer

from frontdesk.cli import render as cli_render
from frontdesk.cli.app import Opts, _int, _services, fail, prove, run

commands = typer.Typer()  # merged into the root app by frontdesk.cli

drill_app = typer.Typer(help="The scenario drill 情景模拟 (R5.3): a trainee's exam on a sandbox office.",
                        invoke_without_command=True)
commands.add_typer(drill_app, name="drill")
MAX_RESULT = 1_000_000  # bytes: a saved drill result is a few kilobytes


def _local(ctx: typer.Context, fn: Callable[[Opts], Any]) -> None:
    """A drill command that needs no database: print its result or its error, exit with the code."""
    from frontdesk.services.errors import FrontdeskError

    o: Opts = ctx.obj
    try:
        result = fn(o)
    except FrontdeskError as exc:
        fail(exc, o)
    cli_render.emit(result, o.json, o.lang)


def _load_set(name: str, field: str = "set") -> Any:
    from frontdesk.drill import scenario
    from frontdesk.services.errors import BadInput

    try:
        if field == "set" and not name.endswith(".json"):
            return scenario.load(name)
        return scenario.load_file(name)  # a set of one's own, anywhere: --set my-office.json
    except scenario.DrillSetError as exc:
        raise BadInput(field, str(exc)) from None


def _seed(value: Optional[str]) -> Optional[int]:
    from frontdesk.services.errors import BadInput

    seed = _int(value, "seed")
    if seed is not None and not 0 <= seed < 2**63:
        raise BadInput("seed", f"{seed} is outside 0–2^63")
    return seed


@drill_app.callback(invoke_without_command=True)
def drill(ctx: typer.Context, set_name: str = typer.Option("default", "--set", help="A set in data/drills, or a .json file."),
          seed: Optional[str] = typer.Option(None, "--seed", help="Mix the stories, names, phones and day (replayable)."),
          save: Optional[str] = typer.Option(None, "--save", help="Write the score sheet (JSON) here at the end.")) -> None:
    """Open the drill: scripted visitors on a sandbox office, scored against the rules (R5.3)."""
    if ctx.invoked_subcommand is not None:
        return
    from frontdesk.services.errors import BadInput, FrontdeskError

    o: Opts = ctx.obj
    try:
        dset = _load_set(set_name)
        n = _seed(seed)
        if save and Path(save).exists():
            raise BadInput("save", f"{save} already exists")
        trainee = _trainee(o) if o.user else None
    except FrontdeskError as exc:
        fail(exc, o)
    from frontdesk.drill.engine import Drill
    from frontdesk.ui.drill_app import DrillApp

    d = Drill(dset, seed=n, lang=o.lang, trainee=trainee)
    ui = DrillApp(d, lang=o.lang)
    try:
        ui.run()
    finally:
        d.close()
    if save and ui.last_sheet is not None:
        Path(save).write_text(json.dumps(ui.last_sheet.as_dict(), ensure_ascii=False, indent=2, default=str),
                              encoding="utf-8")
        typer.echo(save)


def _trainee(o: Opts) -> str:
    """--as names the trainee taking the drill: they must be on the staff (read only)."""
    from frontdesk.services.errors import BadInput

    sv = _services(o)
    try:
        prove(sv, o)  # the score sheet names them: it must be them
        staff = sv.staff.list(actor=o.user, project=o.project)
    finally:
        sv.close()
    me = next((s for s in staff if s["name"] == (o.user or "").strip()), None)
    if me is None:
        raise BadInput("as", f"no staff member named {o.user!r}")
    return me["name"]


@drill_app.command("sets")
def drill_sets(ctx: typer.Context) -> None:
    """The drill sets in data/drills."""
    from frontdesk.drill import scenario

    def do(o: Opts) -> Any:
        out = []
        for name in scenario.sets():
            try:
                s = scenario.load(name)
                out.append({"name": name, "title": s.title.get(o.lang), "stories": len(s.stories), "ok": True})
            except scenario.DrillSetError as exc:
                out.append({"name": name, "ok": False, "error": str(exc)})
        return out
    _local(ctx, do)


@drill_app.command("check")
def drill_check(ctx: typer.Context, file: str = typer.Argument(..., help="A drill set (.json) to validate.")) -> None:
    """Validate a drill set: errors name the file, the story and the field."""
    def do(o: Opts) -> Any:
        s = _load_set(file, "file")
        return {"file": file, "set": s.name, "stories": [x.id for x in s.stories], "ok": True}
    _local(ctx, do)


@drill_app.command("record")
def drill_record(ctx: typer.Context, trainee: str = typer.Option(..., "--trainee"),
                 score: Optional[str] = typer.Option(None, "--score", help="0–100"),
                 set_name: str = typer.Option("default", "--set"),
                 result: Optional[str] = typer.Option(None, "--result", help="A sheet saved by `drill --save`."),
                 note: Optional[str] = typer.Option(None, "--note")) -> None:
    """The PM records a drill as the scenario part of the trainee's exam (R5.3)."""
    from frontdesk.services.drills import result_of
    from frontdesk.services.errors import BadInput

    def do(sv: Any, o: Opts) -> Any:
        if (score is None) == (result is None):
            raise BadInput("score", "give --score N or --result FILE (one of them)")
        if result is not None:
            data = _read_result(result)
            r = result_of(data)
            return sv.drills.record(trainee, r["score"], r["set"], r["seed"], r["families"], r["seconds"],
                                    r["visitors"], r["right"], note=note, actor=o.user, project=o.project)
        return sv.drills.record(trainee, _int(score, "score"), set_name, note=note, actor=o.user, project=o.project)
    run(ctx, do)


def _read_result(path: str) -> Any:
    from frontdesk.services.errors import BadInput

    p = Path(path)
    try:
        if p.stat().st_size > MAX_RESULT:
            raise BadInput("result", f"{path} is too large to be a drill result")
        return json.loads(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput("result", f"cannot read {path}: {exc}") from None
    except (json.JSONDecodeError, RecursionError):
        raise BadInput("result", f"{path} is not JSON") from None


@drill_app.command("results")
def drill_results(ctx: typer.Context, trainee: Optional[str] = typer.Option(None, "--trainee")) -> None:
    """Recorded drills: the PM sees the project's, a trainee their own."""
    run(ctx, lambda sv, o: sv.drills.results(trainee, actor=o.user, project=o.project))
