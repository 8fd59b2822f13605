"""Reasons (SPEC "What every decision shows") and the purity of rules/ (STYLE "The house").

rules/ is pure domain: no I/O, no clock, no sqlmodel, no textual; it imports nothing of ours
outside frontdesk.rules.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

import frontdesk.rules
from frontdesk.rules.reasons import EntryRef, Reason

RULES_DIR = Path(frontdesk.rules.__file__).parent
MODULES = sorted(p.stem for p in RULES_DIR.glob("*.py") if p.stem != "__init__")


def test_reason_as_dict_is_a_copy():
    r = Reason("R2.2", "owned", {"owner": 1, "protected_through": date(2026, 11, 8)})
    d = r.as_dict()
    assert d == {"rule": "R2.2", "code": "owned", "data": {"owner": 1, "protected_through": date(2026, 11, 8)}}
    d["data"]["owner"] = 2
    assert r.data["owner"] == 1


def test_reason_default_data_not_shared():
    assert Reason("R3", "nobody_present").data == {}
    assert Reason("R3", "a").data is not Reason("R3", "b").data


@pytest.mark.parametrize(("ref", "text"), [
    pytest.param(EntryRef("visit", 12), "visit#12", id="R2.1-visitor-register-entry"),
    pytest.param(EntryRef("call", 3), "call#3", id="R2.1-call-register-entry"),
])
def test_entry_ref_str(ref, text):
    assert str(ref) == text


def test_rules_modules_found():
    assert {"crossings", "phones", "protection", "reasons", "rotation", "routing"} <= set(MODULES)


@pytest.mark.parametrize("module", MODULES)
def test_rules_import_nothing_of_ours_outside_rules(module):
    tree = ast.parse((RULES_DIR / f"{module}.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            name = node.module or ""
            assert node.level >= 1 or not name.startswith("frontdesk") or name.startswith("frontdesk.rules"), name
            assert node.level <= 1, f"{module}: relative import leaves rules/"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                assert not alias.name.startswith("frontdesk") or alias.name.startswith("frontdesk.rules"), alias.name


def test_rules_import_no_ui_no_orm():
    code = (
        "import sys\n"
        + "".join(f"import frontdesk.rules.{m}\n" for m in MODULES)
        + "bad = sorted({m.split('.')[0] for m in sys.modules} & {'textual', 'sqlmodel', 'sqlalchemy', 'typer', 'alembic'})\n"
        + "ours = sorted(m for m in sys.modules if m.startswith('frontdesk.') and not m.startswith('frontdesk.rules'))\n"
        + "print(bad, ours)\n"
        + "sys.exit(1 if bad or ours else 0)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
