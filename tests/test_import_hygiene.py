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
