"""The domain and the services never pull in Textual (STYLE.md "The house")."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_rules_and_services_do_not_import_textual():
    code = textwrap.dedent("""
        import importlib, pkgutil, sys
        import frontdesk.rules, frontdesk.services, frontdesk.store
        names = []
        for pkg in (frontdesk.rules, frontdesk.services, frontdesk.store):
            for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + "."):
                if ".migrations" in m.name:
                    continue
                importlib.import_module(m.name)
                names.append(m.name)
        assert "frontdesk.services.reception" in names and "frontdesk.rules.routing" in names, names
        bad = sorted(k for k in sys.modules if k == "textual" or k.startswith("textual."))
        print("IMPORTED", len(names), "TEXTUAL", bad)
        sys.exit(1 if bad else 0)
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "TEXTUAL []" in proc.stdout


def test_rules_import_nothing_of_the_store_or_orm():
    code = "import sys, frontdesk.rules.routing, frontdesk.rules.crossings, frontdesk.rules.protection, " \
           "frontdesk.rules.rotation, frontdesk.rules.reasons; " \
           "bad = sorted(k for k in sys.modules if k.split('.')[0] in ('sqlmodel', 'sqlalchemy', 'textual') " \
           "or k.startswith('frontdesk.store') or k.startswith('frontdesk.services')); print(bad); sys.exit(1 if bad else 0)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _frontdesk_imports(path) -> set[str]:
    """The frontdesk modules a source file imports (at any depth of the file)."""
    import ast

    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("frontdesk"):
            found |= {f"{node.module}.{a.name}" for a in node.names}
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("frontdesk")}
    return found


def test_the_command_line_has_no_import_circle():
    """STYLE.md: cli/app.py imports no command module; command modules import app and render, never
    the package that wires them nor each other; arrows point one way."""
    from pathlib import Path

    import frontdesk.cli as cli

    root = Path(cli.__file__).parent
    commands = {p.stem for p in root.glob("*.py")} - {"__init__", "__main__", "app", "render"}
    assert {"office", "counter", "deals", "io", "drill", "outbox", "tui"} <= commands
    helpers = {"frontdesk.cli.app", "frontdesk.cli.render"}
    app_imports = {m for m in _frontdesk_imports(root / "app.py") if m.startswith("frontdesk.cli")}
    assert app_imports <= {"frontdesk.cli", "frontdesk.cli.render"}, app_imports
    for name in sorted(commands):
        cli_imports = {m for m in _frontdesk_imports(root / f"{name}.py") if m.startswith("frontdesk.cli")}
        strays = {m for m in cli_imports if m != "frontdesk.cli" and not any(m.startswith(h) for h in helpers)}
        assert not strays, f"frontdesk/cli/{name}.py imports {strays}"


def office(tmp_path, *commands: list[str]) -> tuple[str, dict[str, str]]:
    """A small office made by the command line: project P, its PM W (PIN 2580), then `commands`
    as W. Returns the database and the environment that proves W."""
    import os

    db = str(tmp_path / "o.db")
    env = {**os.environ, "FRONTDESK_PIN": "2580"}
    for a in (["init", "--project", "P", "--name", "X"], ["staff", "add", "W", "--role", "pm", "--pin", "2580"],
              *(["--as", "W", *c] for c in commands)):
        p = subprocess.run([sys.executable, "-m", "frontdesk.cli", "--db", db, *a], env=env, capture_output=True, text=True)
        assert p.returncode == 0, p.stderr
    return db, env


def test_a_command_does_not_load_what_it_does_not_use(tmp_path):
    """`roster show` pays for neither openpyxl, the importer, the deals nor the TUI; nor for the
    other command modules, the deal and outbox tables, or the phone library."""
    db, env = office(tmp_path)
    code = ("import sys\n"
            "from frontdesk.cli import main\n"
            "try:\n"
            f"    main(['--db', {db!r}, '--as', 'W', 'roster', 'show'])\n"
            "except SystemExit as e:\n"
            "    assert e.code == 0, e.code\n"
            "bad = sorted(k for k in sys.modules if k.split('.')[0] in ('openpyxl', 'textual', 'phonenumbers')\n"
            "             or k.startswith(('frontdesk.services.importer', 'frontdesk.services.deals',\n"
            "                              'frontdesk.services.exporter', 'frontdesk.ui', 'frontdesk.store.models_deals',\n"
            "                              'frontdesk.store.models_outbox'))\n"
            "             or k.startswith('frontdesk.cli.') and k.split('.')[2] not in ('app', 'render', 'office'))\n"
            "print('LOADED', bad)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert "LOADED []" in proc.stdout, proc.stdout + proc.stderr


def test_the_wiring_table_names_every_command_where_it_lives():
    """frontdesk.cli.HOMES (which module a command line loads) is the commands' real homes."""
    import frontdesk.cli as cli

    for mod, names in cli.HOMES.items():
        m = cli._module(mod)
        real = [c.name or c.callback.__name__.lower().replace("_", "-") for c in m.commands.registered_commands]
        real += [g.name for g in m.commands.registered_groups]
        assert sorted(real) == sorted(names), mod
    from pathlib import Path

    root = Path(cli.__file__).parent
    assert set(cli.HOMES) == {p.stem for p in root.glob("*.py")} - {"__init__", "__main__", "app", "render"}


def test_the_desks_first_read_builds_no_client_table(tmp_path):
    """The forked first read (frontdesk.ui.firstread) signs in and reads the desk: it builds no
    client, deal or outbox table, and neither the client book nor the phone library is imported
    (a mobile is shown through the pattern phones.CN_MOBILE_PATTERN holds). The register it
    reads has a page with a phone on it. (The day's first start reads the clients: the reminders.)"""
    db, env = office(tmp_path, ["staff", "add", "A", "--role", "advisor", "--pin", "3691"], ["roster", "set", "A"],
                     ["visit", "--phone", "13800138000"])
    code = ("import sys\n"
            "from frontdesk.services import Clock, open_services\n"
            "from frontdesk.ui.firstread import sign_in_and_read\n"
            f"sv = open_services({db!r}, Clock())\n"
            "r = sign_in_and_read(sv, 'W', '2580', None)\n"
            "assert r['staff']['name'] == 'W' and r['desk']['visits'][0]['phone'] == '13800138000', r\n"
            "bad = sorted(k for k in sys.modules if k.split('.')[0] in ('phonenumbers', 'pypinyin', 'textual')\n"
            "             or k in ('frontdesk.store.models_clients', 'frontdesk.store.models_deals',\n"
            "                      'frontdesk.store.models_outbox', 'frontdesk.services.clientbook'))\n"
            "print('LOADED', bad)\n")
    # the day's first inbox read writes the lapse reminders, from the clients: the next start does not
    first = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert "LOADED" in first.stdout, first.stdout + first.stderr
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert "LOADED []" in proc.stdout, proc.stdout + proc.stderr
