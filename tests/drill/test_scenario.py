"""Drill sets are data: a bad one is refused with the file, the story and the field named."""

from __future__ import annotations

import copy
import json

import pytest

from frontdesk.drill import scenario
from frontdesk.drill.scenario import DrillSetError


@pytest.fixture()
def raw() -> dict:
    return json.loads((scenario.DRILLS / "default.json").read_text(encoding="utf-8"))


def _write(tmp_path, data) -> str:
    p = tmp_path / "mine.json"
    p.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(p)


def test_the_shipped_sets_load():
    assert "default" in scenario.sets()
    for name in scenario.sets():
        assert scenario.load(name).stories


def test_a_missing_text_names_file_story_and_field(tmp_path, raw):
    del raw["stories"][2]["says"]["zh_CN"]
    path = _write(tmp_path, raw)
    with pytest.raises(DrillSetError) as exc:
        scenario.load_file(path)
    msg = str(exc.value)
    assert path in msg and "story 'owner-away-high'" in msg and "says.zh_CN" in msg


def test_an_unknown_advisor_is_named(tmp_path, raw):
    raw["stories"][4]["visitor"]["asks_for"] = "钱多多"
    with pytest.raises(DrillSetError, match=r"mine\.json.*stories\.asks-for-advisor\.visitor\.asks_for.*钱多多"):
        scenario.load_file(_write(tmp_path, raw))


def test_an_unknown_placeholder_is_named(tmp_path, raw):
    raw["stories"][0]["sees"]["en"] = "Phone {fone}"
    with pytest.raises(DrillSetError, match=r"story 'new-visitor'\.sees.*fone"):
        scenario.load_file(_write(tmp_path, raw))


@pytest.mark.parametrize("change, words", [
    (lambda d: d["world"]["clients"][0]["history"][0].update(by="无名"), "clients.zhao.history.by"),
    (lambda d: d["world"].update(roster=["李娜", "无名"]), "roster"),
    (lambda d: d["stories"][1].update(id=d["stories"][0]["id"]), "an id appears twice"),
    (lambda d: d["stories"][0]["visitor"].update(phone="12345"), "visitor.phone"),
    (lambda d: d["stories"][0]["mistake"].update(rule="X9"), "mistake.rule"),
    (lambda d: d["stories"][3]["situation"].update(volume="medium"), "situation.volume"),
])
def test_bad_sets_are_refused(tmp_path, raw, change, words):
    data = copy.deepcopy(raw)
    change(data)
    with pytest.raises(DrillSetError) as exc:
        scenario.load_file(_write(tmp_path, data))
    assert words in str(exc.value)


def test_not_json_and_unknown_set(tmp_path):
    p = tmp_path / "x.json"
    p.write_text("{ nope", encoding="utf-8")
    with pytest.raises(DrillSetError, match="not JSON: line 1"):
        scenario.load_file(p)
    with pytest.raises(DrillSetError, match="no drill set 'nope'"):
        scenario.load("nope")
    with pytest.raises(DrillSetError, match="not a set name"):
        scenario.load("../etc/passwd")


def test_the_set_vocabulary_is_the_scorers():
    """The words a set may use for routes, duties and questions are the ones the scorer knows."""
    from typing import get_args

    from frontdesk.drill.score import DUTIES, SCRIPT
    from frontdesk.rules.routing import ROUTES

    fields = scenario.Mistake.model_fields
    route = get_args(get_args(fields["route"].annotation)[0])
    duties = get_args(get_args(get_args(fields["duties"].annotation)[0])[0])
    asked = get_args(get_args(get_args(fields["asked"].annotation)[0])[0])
    assert set(route) == set(ROUTES) and set(duties) == set(DUTIES) and set(asked) == set(SCRIPT)


def test_the_drill_does_not_import_textual():
    import subprocess
    import sys

    code = ("import sys, frontdesk.drill.engine, frontdesk.drill.world, frontdesk.drill.score; "
            "bad = sorted(k for k in sys.modules if k.split('.')[0] == 'textual'); print(bad); sys.exit(1 if bad else 0)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
