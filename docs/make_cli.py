"""Write the reference part of docs/cli.md from the real commands.

Walks frontdesk.cli.COMMANDS and frontdesk.cli.GROUPS as click sees them (typer turns each into a
click command) and writes, between the two markers of docs/cli.md, every command and subcommand
with its arguments, options and help. Run from the repository root:

    PYTHONPATH=$PWD python docs/make_cli.py          # rewrite docs/cli.md
    PYTHONPATH=$PWD python docs/make_cli.py --check  # exit 1 when docs/cli.md is out of date
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer
import typer.main

CLI_MD = Path(__file__).with_name("cli.md")
BEGIN = "<!-- BEGIN GENERATED: docs/make_cli.py -->"
END = "<!-- END GENERATED -->"


def _root() -> Any:
    from frontdesk import cli

    cli.app.registered_commands[:] = cli.COMMANDS
    cli.app.registered_groups[:] = cli.GROUPS
    return typer.main.get_command(cli.app)  # type: ignore[return-value]


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split()).replace("|", "\\|")


def _kind(p: Any) -> str:
    """The value's kind, from the annotation typer read off the command's function."""
    ann = getattr(getattr(p, "type_descriptor", None), "annotation", None)
    if getattr(ann, "__origin__", None) in (list, tuple):
        ann = ann.__args__[0]
    names = {str: "TEXT", int: "INTEGER", float: "NUMBER", bool: "yes/no"}
    return names.get(ann, getattr(ann, "__name__", "TEXT").upper())


def _param(p: Any) -> str:
    if p.param_type_name == "argument":
        name = (p.metavar or p.name).upper()
        return f"| `{name}` | argument{'' if p.required else ', optional'}{', repeatable' if p.nargs == -1 else ''} | |"
    names = ", ".join(f"`{n}`" for n in p.opts + p.secondary_opts)
    kind = "flag" if p.is_flag else _kind(p)
    extra = []
    if p.required:
        extra.append("required")
    if p.multiple:
        extra.append("repeatable")
    if p.envvar:
        extra.append(f"env `{p.envvar}`")
    if p.default not in (None, False, (), []) and not p.is_flag and p.show_default is not False:
        extra.append(f"default `{p.default}`")
    meta = kind + ("; " + "; ".join(extra) if extra else "")
    return f"| {names} | {meta} | {_one_line(p.help)} |"


def _usage(path: str, cmd: Any) -> str:
    words = [path]
    for p in cmd.params:
        if p.param_type_name == "argument":
            n = (p.metavar or p.name).upper() + ("…" if p.nargs == -1 else "")
            words.append(n if p.required else f"[{n}]")
    if any(p.param_type_name == "option" for p in cmd.params):
        words.append("[OPTIONS]")
    return " ".join(words)


def _section(path: str, cmd: Any, level: int) -> list[str]:
    out = [f"{'#' * level} `{path}`", ""]
    if hasattr(cmd, "commands"):
        out += [_one_line(cmd.help) or "", "", "Subcommands: " + ", ".join(f"`{path} {n}`" for n in cmd.commands), ""]
        for name, sub in cmd.commands.items():
            out += _section(f"{path} {name}", sub, level + 1)
        return out
    out += [f"    {_usage(path, cmd)}", "", _one_line(cmd.help), ""]
    params = [p for p in cmd.params if p.name != "help"]
    if params:
        out += ["| argument / option | kind | meaning |", "|---|---|---|"]
        out += [_param(p) for p in params]
        out.append("")
    return out


def reference() -> str:
    root = _root()
    lines = [BEGIN, "", "## Global options", "", "Given before or after the command (they are moved to the front).", "",
             "| option | kind | meaning |", "|---|---|---|"]
    lines += [_param(p) for p in root.params if p.name != "help"]
    lines += ["", "## Commands", "", "In the order the program lists them: " +
              ", ".join(f"`{n}`" for n in root.commands) + ".", ""]
    for name, cmd in root.commands.items():
        lines += _section(f"frontdesk {name}", cmd, 3)
    lines.append(END)
    return "\n".join(line.rstrip() for line in lines) + "\n"


def render(current: str) -> str:
    """docs/cli.md's text with its generated part replaced by the commands as they are."""
    head, _, rest = current.partition(BEGIN)
    _, _, tail = rest.partition(END)
    return head + reference() + tail.lstrip("\n")


def main(argv: list[str]) -> int:
    current = CLI_MD.read_text(encoding="utf-8") if CLI_MD.exists() else BEGIN + "\n" + END + "\n"
    new = render(current)
    if "--check" in argv:
        if new != current:
            print("docs/cli.md is out of date: run PYTHONPATH=$PWD python docs/make_cli.py", file=sys.stderr)
            return 1
        return 0
    CLI_MD.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
