"""The registers as numbered, append-only, hash-chained books (R2.1)."""

from __future__ import annotations

import sqlite3

import pytest
from dbkit import DB_ERRORS, drop_append_only, sqlite_only

from .conftest import GM, LI, LISI, PM, PM_PIN, WANGWU, ZHANG, ZHANGSAN


def _three_visits_and_a_call(office):
    office.visit(ZHANGSAN, name="张三")
    office.visit(LISI, name="李四")
    office.visit(WANGWU, name="王五")
    office.sv.reception.call(ZHANGSAN, actor=LI)


def _raw(office, *statements: str) -> None:
    for st in statements:
        office.rows(st)


@pytest.mark.parametrize("statement", [
    "UPDATE registerentry SET name = '李四' WHERE number = 1",
    "UPDATE registerentry SET owner_id = NULL",
    "DELETE FROM registerentry WHERE number = 3",
    "DELETE FROM registerentry",
])
def test_the_database_refuses_update_and_delete_on_the_registers(office, statement):
    _three_visits_and_a_call(office)
    before = office.rows("SELECT * FROM registerentry ORDER BY id")
    with pytest.raises(DB_ERRORS, match="append-only"):
        _raw(office, statement)
    assert office.rows("SELECT * FROM registerentry ORDER BY id") == before


@pytest.mark.parametrize("table", ["followup", "followupverification", "viewlog", "crossing", "crossingdecision",
                                   "rosterevent", "settingchange", "approval", "staffevent", "clientlink"])
def test_other_logs_are_append_only_too(office, table):
    office.sv.staff.settings("protection_days", "12", gm_approval="大盘项目", actor=GM)
    office.visit(ZHANGSAN, name="张三")  # 李娜
    f = office.sv.records.followup(ZHANGSAN, "unreachable", actor=LI)
    office.sv.records.verify_followup(f["id"], actor=PM)
    case = office.visit(ZHANGSAN, asks_for=ZHANG)["crossing"]
    office.sv.crossings.decide(case, winner=LI, none=False, actor=PM)
    office.sv.records.history(ZHANGSAN, actor=ZHANG, witness=PM, witness_pin=PM_PIN)
    office.sv.records.link(ZHANGSAN, LISI, "spouse", actor=PM)
    n = office.count(table)
    assert n >= 1
    with pytest.raises(DB_ERRORS, match="append-only"):
        _raw(office, f"DELETE FROM {table}")
    with pytest.raises(DB_ERRORS, match="append-only"):
        _raw(office, f"UPDATE {table} SET id = id")
    assert office.count(table) == n


def test_entries_are_numbered_per_register(office):
    _three_visits_and_a_call(office)
    assert office.rows("SELECT book, number FROM registerentry ORDER BY id") == [
        ("visit", 1), ("visit", 2), ("visit", 3), ("call", 1)]


def test_verify_a_clean_database(office):
    assert office.sv.integrity.verify() | {"sealed": 0} == {"ok": True, "entries": 0, "sealed": 0, "problems": []}
    _three_visits_and_a_call(office)
    assert office.sv.integrity.verify() | {"sealed": 0} == {"ok": True, "entries": 4, "sealed": 0, "problems": []}


def _drop_triggers(office) -> None:
    drop_append_only(office.path)


def _pages(v):
    """The register chains' problems (verify also names the triggers the test dropped)."""
    return [p for p in v["problems"] if p["register"] in ("visit", "call")]


def _dropped(v):
    return {p["trigger"] for p in v["problems"] if p["code"] == "trigger_missing"}


def test_verify_names_an_altered_entry(office):
    _three_visits_and_a_call(office)
    _drop_triggers(office)
    _raw(office, "UPDATE registerentry SET name = '赵六' WHERE book = 'visit' AND number = 2")
    v = office.sv.integrity.verify()
    assert v["ok"] is False and v["entries"] == 4
    assert [(p["register"], p["entry"], p["code"]) for p in _pages(v)] == [("visit", 2, "altered")]
    assert _dropped(v)


def test_verify_reports_a_missing_tail(office):
    _three_visits_and_a_call(office)
    _drop_triggers(office)
    _raw(office, "DELETE FROM registerentry WHERE book = 'visit' AND number = 3")
    v = office.sv.integrity.verify()
    assert v["ok"] is False and v["entries"] == 3
    assert [(p["register"], p["entry"], p["code"]) for p in _pages(v)] == [("visit", 3, "missing_tail")]
    assert _dropped(v)


def test_verify_reports_a_gap(office):
    _three_visits_and_a_call(office)
    _drop_triggers(office)
    _raw(office, "DELETE FROM registerentry WHERE book = 'visit' AND number = 2")
    v = office.sv.integrity.verify()
    codes = {(p["register"], p["entry"], p["code"]) for p in v["problems"]}
    assert ("visit", 3, "gap") in codes and ("visit", 3, "broken_link") in codes


@sqlite_only
def test_backup_is_a_verified_copy(office, tmp_path):
    _three_visits_and_a_call(office)
    b = office.sv.integrity.backup(str(tmp_path / "copy.db"))
    assert b["ok"] is True and b["entries"] == 4 and b["bytes"] > 0
    con = sqlite3.connect(tmp_path / "copy.db")
    try:
        assert con.execute("SELECT COUNT(*) FROM registerentry").fetchone() == (4,)
    finally:
        con.close()
    from frontdesk.services.errors import BadInput
    with pytest.raises(BadInput):
        office.sv.integrity.backup(str(tmp_path / "copy.db"))  # never overwrites


def test_history_shows_the_register_entries(office):
    _three_visits_and_a_call(office)
    h = office.sv.records.history(ZHANGSAN, actor=PM)
    assert [(e["register"], e["entry"], e["advisor"]) for e in h["entries"]] == [("visit", 1, LI), ("call", 1, LI)]
    assert ZHANG not in {e["advisor"] for e in h["entries"]}
