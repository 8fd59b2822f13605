"""The PM records a drill as the scenario part of a trainee's exam (R5.3), on the command line and
through the services; results are the PM's to see, and a trainee's own; bad input writes nothing."""

from __future__ import annotations

import contextlib
import io
import json
import sqlite3
from pathlib import Path
from typing import Any

import pins
import pytest

from frontdesk.cli import main
from frontdesk.drill import scenario
from frontdesk.drill.engine import Drill
from frontdesk.services import BadInput, Clock, Refused, open_services
from frontdesk.services.clock import parse_local

PM, LI, SUN = "王经理", "李娜", "孙悦"
AT = "2026-11-20 10:00"


@pytest.fixture()
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for k in ("FRONTDESK_DB", "FRONTDESK_NOW", "FRONTDESK_USER", "FRONTDESK_PROJECT"):
        monkeypatch.delenv(k, raising=False)
    path = tmp_path / "office.db"
    sv = open_services(str(path), Clock(parse_local("2026-11-01 09:00")))
    try:
        sv.staff.init("P1", "滨江花园")
        sv.staff.add(PM, "pm", pin="2468")
        sv.staff.add(LI, "advisor", actor=PM, pin=pins.TEST_PIN)
        sv.staff.add(SUN, "trainee", mentor=LI, actor=PM, pin=pins.TEST_PIN)
    finally:
        sv.close()
    return path


def fd(db: Path, *args: str, as_: str | None = PM) -> tuple[int, Any, Any]:
    argv, _ = pins.supply(["--db", str(db), "--json", "--lang", "en", "--at", AT, *(["--as", as_] if as_ else []), *args])
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(argv)
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
    parse = lambda s: json.loads(s) if s.strip() else None  # noqa: E731
    return code, parse(out.getvalue()), parse(err.getvalue())


def counts(db: Path) -> dict[str, int]:
    con = sqlite3.connect(db)
    try:
        names = [n for (n,) in con.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
        return {n: con.execute(f"SELECT COUNT(*) FROM {n}").fetchone()[0] for n in names}
    finally:
        con.close()


def test_record_a_score_and_list_it(db):
    code, out, _ = fd(db, "drill", "record", "--trainee", SUN, "--score", "86", "--note", "情景模拟")
    assert code == 0 and out["score"] == 86 and out["trainee"] == SUN and out["by"] == PM
    assert out["reasons"][0].startswith("R5.3:") and "86" in out["reasons"][0]
    code, rows, _ = fd(db, "drill", "results")
    assert code == 0 and [(r["trainee"], r["score"], r["day"]) for r in rows] == [(SUN, 86, "2026-11-20")]
    code, mine, _ = fd(db, "drill", "results", as_=SUN)
    assert code == 0 and len(mine) == 1
    code, _, err = fd(db, "drill", "results", "--trainee", SUN, as_=LI)
    assert code == 1 and err["error"]["rule"] == "R5.3"
    code, theirs, _ = fd(db, "drill", "results", as_=LI)
    assert code == 0 and theirs == []


def test_record_a_saved_sheet(db, tmp_path):
    with Drill(scenario.load("default"), seed=11, trainee=SUN) as d:
        while not d.done:
            d.answer(d.right_answer())
        sheet = d.sheet().as_dict()
    saved = tmp_path / "sheet.json"
    saved.write_text(json.dumps(sheet, ensure_ascii=False, default=str), encoding="utf-8")
    code, out, err = fd(db, "drill", "record", "--trainee", SUN, "--result", str(saved))
    assert code == 0, err
    assert out["score"] == 100 and out["seed"] == 11 and out["visitors"] == 10 and out["right"] == 10
    assert out["families"]["R3"]["points"] == out["families"]["R3"]["max"] > 0


@pytest.mark.parametrize("args, field, code", [
    (["--trainee", SUN, "--score", "101"], "score", 2),
    (["--trainee", SUN, "--score", "八十"], "score", 2),
    (["--trainee", LI, "--score", "80"], "trainee", 2),  # not a trainee
    (["--trainee", "无名", "--score", "80"], "trainee", 2),
    (["--trainee", SUN], "score", 2),  # neither --score nor --result
    (["--trainee", SUN, "--score", "80", "--set", "../x"], "set", 2),
])
def test_bad_records_write_nothing(db, args, field, code):
    before = counts(db)
    got, _, err = fd(db, "drill", "record", *args)
    assert got == code and err["error"]["field"] == field
    assert counts(db) == before


def test_only_the_pm_records(db):
    before = counts(db)
    for who in (LI, SUN):
        code, _, err = fd(db, "drill", "record", "--trainee", SUN, "--score", "90", as_=who)
        assert code == 1 and err["error"]["rule"] == "R5.3"
    assert counts(db) == before


def test_bad_saved_results(db, tmp_path):
    p = tmp_path / "r.json"
    for body, field in (("[1, 2]", "result"), ('{"score": 80}', "result"), ("nope", "result"),
                        ('{"score": 80, "set": "default", "seconds": -1}', "result.seconds"),
                        ('{"score": 80, "set": "default", "families": {"R3": {"points": 9, "max": 3}}}',
                         "families.R3.points")):
        p.write_text(body, encoding="utf-8")
        code, _, err = fd(db, "drill", "record", "--trainee", SUN, "--result", str(p))
        assert code == 2 and err["error"]["field"] == field, (body, err)


def test_drill_refuses_a_bad_set_or_seed_before_opening(db):
    assert fd(db, "drill", "--set", "nope")[2]["error"]["field"] == "set"
    code, _, err = fd(db, "drill", "--set", "/nowhere/mine.json")
    assert code == 2 and err["error"]["field"] == "set" and "/nowhere/mine.json" in err["error"]["message"]
    assert fd(db, "drill", "--seed", "x")[2]["error"]["field"] == "seed"
    assert fd(db, "drill", "--seed", "-1")[2]["error"]["field"] == "seed"
    code, _, err = fd(db, "drill", as_="无名")
    assert code == 2 and err["error"]["field"] == "as"


def test_the_service_checks_types(db):
    sv = open_services(str(db), Clock(parse_local(AT)))
    try:
        with pytest.raises(BadInput):
            sv.drills.record(SUN, True, actor=PM)  # a bool is not a score
        with pytest.raises(BadInput):
            sv.drills.record(SUN, 80, set_name=3, actor=PM)  # type: ignore[arg-type]
        with pytest.raises(Refused):
            sv.drills.record(SUN, 80, actor=LI)
        assert sv.drills.record(SUN, 80, actor=PM)["passed_exam"] is False
    finally:
        sv.close()
