"""verify (R2.1: numbered, hash-chained registers) and backup, through the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from dbkit import DB_ERRORS, Db, drop_append_only, rows, sqlite_only

from .conftest import LI, P1, P2, P3, PM, T0, ZHANG, FD, assert_error, row_counts


def _busy_day(office: FD) -> None:
    office.ok("visit", "--phone", P1, as_=PM, at=T0)
    office.ok("visit", "--phone", P2, as_=PM, at="2026-11-01 10:10")
    office.ok("visit", "--phone", P1, as_=PM, at="2026-11-01 10:20")
    office.ok("call", "--phone", P3, as_=ZHANG, at="2026-11-01 10:30")
    office.ok("followup", "--phone", P1, "--outcome", "reached", as_=LI, at="2026-11-01 11:00")


def test_verify_an_empty_register(office: FD) -> None:
    assert office.ok("verify") | {"sealed": 0} == {"ok": True, "entries": 0, "sealed": 0, "problems": []}


def test_verify_after_a_busy_day(office: FD) -> None:
    _busy_day(office)
    out = office.ok("verify", as_=PM)
    assert {"ok", "entries", "problems"} <= set(out)
    assert out["ok"] is True and out["entries"] == 4 and out["problems"] == []


def test_the_database_refuses_edits_of_the_register(office: FD) -> None:
    _busy_day(office)
    with pytest.raises(DB_ERRORS, match="append-only"):
        rows(office.db, "UPDATE registerentry SET name = 'x' WHERE number = 1")
    with pytest.raises(DB_ERRORS, match="append-only"):
        rows(office.db, "DELETE FROM registerentry WHERE number = 2")
    assert office.ok("verify")["ok"] is True


def _tamper(db: Db, sql: str) -> None:
    drop_append_only(db)
    rows(db, sql)


def test_verify_detects_an_altered_entry(office: FD) -> None:
    _busy_day(office)
    _tamper(office.db, "UPDATE registerentry SET advisor_id = advisor_id + 1 WHERE book = 'visit' AND number = 2")
    code, out, err = office("verify")
    assert code in (0, 1), err  # the report itself is the answer
    assert out["ok"] is False and out["entries"] == 4
    assert any(p["code"] == "altered" and p["register"] == "visit" and p["entry"] == 2 for p in out["problems"])


def test_verify_detects_a_torn_page(office: FD) -> None:
    _busy_day(office)
    _tamper(office.db, "DELETE FROM registerentry WHERE book = 'visit' AND number = 2")
    code, out, _ = office("verify")
    assert code in (0, 1)
    assert out["ok"] is False
    assert any(p["code"] in ("gap", "broken_link") and p["register"] == "visit" for p in out["problems"])


@sqlite_only
def test_backup_makes_a_verifiable_copy(office: FD, tmp_path: Path) -> None:
    _busy_day(office)
    target = tmp_path / "copies" / "desk-2026-11-01.db"
    target.parent.mkdir()
    out = office.ok("backup", str(target), as_=PM, at="2026-11-01 18:00")
    assert target.exists() and target.stat().st_size > 0
    assert out["file"] == str(target)
    copy = FD(target)
    check = copy.ok("verify")
    assert check["ok"] is True and check["entries"] == 4
    assert row_counts(target) == row_counts(office.db)
    assert copy.ok("owner", "--phone", P1, as_=PM, at="2026-11-02 10:00")["owner"] == LI
    # an existing file is never overwritten
    code, _, err = office("backup", str(target), as_=PM)
    assert_error(code, err, 2, error_code="bad_input", field="file")
    code, _, err = office("backup", str(tmp_path / "no-such-dir" / "x.db"), as_=PM)
    assert_error(code, err, 2, error_code="bad_input", field="file")
