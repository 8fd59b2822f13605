"""The command line (docs/cli.md): the same services as the app, for scripts and tests.

Exit codes: 0 done; 1 refused by a rule or permission; 2 bad input. With --json a failure is
one JSON object {"error": {...}} on stderr. Nothing is written when a command fails.

Layout: `app` holds the root command, the global options and the helpers every command uses, and
imports no command module; each command module (MODULES below) has its own `commands` group,
merged onto the root here. Arrows point one way: this package's __init__ → command modules → app. A command imports what it runs inside itself.
"""

from __future__ import annotations

import os
import sys

import typer

from frontdesk.cli import counter, deals, drill, io, office, outbox, serve, tui, where
from frontdesk.cli import render as cli_render
from frontdesk.cli.app import app, on_bare

MODULES = (office, counter, deals, io, drill, outbox, tui, serve, where)
COMMANDS = [c for m in MODULES for c in m.commands.registered_commands]
GROUPS = [g for m in MODULES for g in m.commands.registered_groups]
app.registered_commands[:] = COMMANDS
app.registered_groups[:] = GROUPS
on_bare.append(tui.open_tui)
VALUED_GLOBALS = ("--db", "--at", "--as", "--project", "--lang", "--pin")


def _command_name(args: list[str]) -> str | None:
    """The command a command line names (its first word after the global options), if any."""
    i = 0
    while i < len(args):
        a = args[i]
        if a in VALUED_GLOBALS:
            i += 2
            continue
        if a.startswith("-"):
            i += 1
            continue
        return a
    return None


def wire(args: list[str]) -> None:
    """Put on the root command only the command this line names (or all of them, for help, a bare
    `frontdesk` or a name that is not a command): typer turns every wired function into a click
    command on each start, and that was a sixth of a command's start."""
    name = _command_name(args)
    cmds = [c for c in COMMANDS if (c.name or c.callback.__name__.lower().replace("_", "-")) == name]
    groups = [g for g in GROUPS if g.name == name]
    if not cmds and not groups:
        cmds, groups = COMMANDS, GROUPS
    app.registered_commands[:] = cmds
    app.registered_groups[:] = groups

HOISTED_FLAGS = ("--json",)
HOISTED_OPTIONS = ("--db", "--at", "--as", "--lang")  # no command has options of these names


# --pin is the acting person's PIN anywhere on the line, except after `staff add`, where it is
# the new member's (the PM gives theirs before the command, or in FRONTDESK_PIN)
OWN_PIN = (("staff", "add"),)


def command_words(args: list[str]) -> list[tuple[int, str]]:
    """(index, word) of the line's words that are neither options nor a global option's value:
    the command's path first (`staff add`), then its arguments."""
    out: list[tuple[int, str]] = []
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--":
            break
        if a in VALUED_GLOBALS:
            i += 2
            continue
        if not a.startswith("-"):
            out.append((i, a))
        i += 1
    return out


def hoist(args: list[str]) -> list[str]:
    """Let the global options stand anywhere: `frontdesk visit --phone P --json` works too."""
    front: list[str] = []
    rest: list[str] = []
    path = tuple(w for _, w in command_words(args)[:2])
    hoisted = HOISTED_OPTIONS + (() if path in OWN_PIN else ("--pin",))
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--":
            rest += args[i:]
            break
        if a in HOISTED_FLAGS:
            front.append(a)
        elif a in hoisted and i + 1 < len(args):
            front += [a, args[i + 1]]
            i += 1
        elif any(a.startswith(o + "=") for o in hoisted):
            front.append(a)
        else:
            rest.append(a)
        i += 1
    return front + rest


def _not_text(args: list[str]) -> str | None:
    """The field of the first argument that is not text (bytes that were not UTF-8 reach Python as
    lone surrogates): the option before it, else "argument"."""
    for i, a in enumerate(args):
        if any("\ud800" <= ch <= "\udfff" for ch in a):
            name = a.split("=", 1)[0] if a.startswith("--") else (args[i - 1] if i and args[i - 1].startswith("--") else "")
            return name.lstrip("-").replace("-", "_") or "argument"
    return None


def main(argv: list[str] | None = None) -> None:
    """Entry point: usage errors become exit 2 with a JSON error under --json."""
    args = hoist(sys.argv[1:] if argv is None else list(argv))
    as_json = "--json" in args
    bad = _not_text(args)
    if bad is not None:
        cli_render.error({"code": "bad_input", "field": bad, "message": f"{bad}: is not valid text (UTF-8)"}, as_json)
        sys.exit(2)
    wire(args)
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
            # never a traceback at the counter, and no exit code but 0, 1 and 2: say what failed
            # (nothing was written: the operation's transaction did not commit)
            payload = {"code": "internal", "message": f"{type(exc).__name__}: {exc} (nothing was written)"}
            cli_render.error(payload, as_json)
            sys.exit(1)
        field = getattr(getattr(exc, "param", None), "name", None) or ""
        payload = {"code": "bad_input", "field": field.replace("-", "_"), "message": exc.format_message()}
        if as_json:
            cli_render.error(payload, True)
        else:
            exc.show()  # type: ignore[attr-defined]
        sys.exit(2)
    sys.exit(code if isinstance(code, int) else 0)


__all__ = ["app", "hoist", "main"]
