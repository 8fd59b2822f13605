"""The command line (docs/cli.md): the same services as the app, for scripts and tests.

Exit codes: 0 done; 1 refused by a rule or permission; 2 bad input. With --json a failure is
one JSON object {"error": {...}} on stderr. Nothing is written when a command fails.

Layout: `app` holds the root command, the global options and the helpers every command uses, and
imports no command module; each command module (MODULES below) has its own `commands` group,
merged onto the root here. Arrows point one way: this package's __init__ → command modules → app. A command imports what it runs inside itself.
"""

from __future__ import annotations

import importlib
import os
import sys
from types import ModuleType
from typing import Any, Iterable

import typer

from frontdesk.cli import render as cli_render
from frontdesk.cli.app import app, on_bare

# Each command module and the commands (or groups) it holds: a line imports only the module of
# the command it names (tests/test_import_hygiene.py holds this table to the modules).
HOMES = {
    "office": ("init", "settings", "verify", "anchor", "backup", "restore", "staff", "trainee", "roster", "approvals"),
    "counter": ("visit", "call", "owner", "history", "link", "amend", "crossing", "followup", "inbox"),
    "deals": ("deposit", "large-deal", "deal", "deals", "reflection", "referral", "reassign", "report", "unit",
              "complaint", "discount"),
    "io": ("import", "export"),
    "drill": ("drill",),
    "outbox": ("outbox",),
    "tui": ("demo", "board"),
    "serve": ("serve",),
    "where": ("where",),
}
_HOME = {cmd: mod for mod, cmds in HOMES.items() for cmd in cmds}


def _module(name: str) -> ModuleType:
    return importlib.import_module(f"frontdesk.cli.{name}")


def _commands(modules: Iterable[ModuleType]) -> tuple[list[Any], list[Any]]:
    mods = list(modules)
    return ([c for m in mods for c in m.commands.registered_commands],
            [g for m in mods for g in m.commands.registered_groups])


def __getattr__(name: str) -> Any:
    """MODULES, COMMANDS and GROUPS: every command module, loaded when asked for (help, the docs)."""
    if name == "MODULES":
        return tuple(_module(m) for m in HOMES)
    if name in ("COMMANDS", "GROUPS"):
        return _commands(_module(m) for m in HOMES)[name == "GROUPS"]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _bare(opts: Any) -> None:  # `frontdesk` alone opens the app
    _module("tui").open_tui(opts)


on_bare.append(_bare)
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
    home = _HOME.get(name or "")
    if home is not None:
        cmds, groups = _commands([_module(home)])
        cmds = [c for c in cmds if (c.name or c.callback.__name__.lower().replace("_", "-")) == name]
        groups = [g for g in groups if g.name == name]
    else:
        cmds, groups = _commands(_module(m) for m in HOMES)
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
