"""Tampering with what decides ownership or money, behind the services' back (R2.1): with the
append-only triggers dropped, every sealed table's row changed, deleted or added by raw SQL is
named by verify — the table, the row, what is wrong. And the guards themselves: a trigger
dropped, disabled or rewritten is a problem; REPLACE and (PostgreSQL) TRUNCATE are refused."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

import pytest
from dbkit import DB_ERRORS, ON_PG, Db, rows

from frontdesk.cli import main
from frontdesk.services import Clock, Services, open_services
from frontdesk.services.clock import parse_local
from frontdesk.store.guards import append_only_triggers
from frontdesk.store.journal import CHAINED

from . import chained
from .test_cli_fuzz import run as _cli_run  # main() in this process: (exit code, stdout, stderr)
from .conftest import DAY, PM


@pytest.fixture(scope="module")
def filled_template(counter_template: Db, tmp_path_factory: pytest.TempPathFactory) -> Db:
    from dbkit import checkpoint, copy_db

    path = copy_db(counter_template, tmp_path_factory.mktemp("sealed") / "sealed.db", keep=True)
    sv = open_services(str(path), Clock(parse_local(DAY)))
    try:
        chained.fill(sv)
    finally:
        sv.close()
    checkpoint(path)
    return path


@pytest.fixture
def sealed(filled_template: Db, tmp_path: Path) -> Iterator[Db]:
    from dbkit import copy_db

    yield copy_db(filled_template, tmp_path / "sealed.db")


def verify(db: Db) -> dict[str, Any]:
    sv: Services = open_services(str(db), Clock(parse_local(DAY)))
    try:
        return sv.integrity.verify()
    finally:
        sv.close()


def drop_guards(db: Db, table: str) -> None:
    if ON_PG:
        rows(db, f"DROP TRIGGER {table}_append_only ON {table}")
    else:
        rows(db, f"DROP TRIGGER {table}_no_update")
        rows(db, f"DROP TRIGGER {table}_no_delete")


def put_back(db: Db, table: str) -> None:
    """The forger restores the guards: verify must see the edit through the journal alone."""
    if ON_PG:
        rows(db, append_only_triggers("postgresql", table)[1])
    else:
        for st in append_only_triggers("sqlite", table):
            rows(db, st)


def found(v: dict[str, Any]) -> set[tuple[str, Any, str]]:
    return {(p.get("table"), p.get("row"), p["code"]) for p in v["problems"]}


def first_id(db: Db, table: str) -> int:
    return rows(db, f"SELECT MIN(id) FROM {table}")[0][0]


def test_every_sealed_table_has_rows_and_verifies(sealed):
    for t in CHAINED:
        assert rows(sealed, f"SELECT COUNT(*) FROM {t}")[0][0] >= 1, t
    v = verify(sealed)
    assert v["ok"] is True and v["problems"] == [], v["problems"]
    assert v["sealed"] == rows(sealed, "SELECT COUNT(*) FROM journal")[0][0] >= len(CHAINED)


@pytest.mark.parametrize("table", CHAINED)
def test_a_row_deleted_behind_the_triggers_is_named(sealed, table):
    rid = first_id(sealed, table)
    drop_guards(sealed, table)
    # rows it is referenced by stay (SQLite's raw connection checks no foreign key; on PostgreSQL
    # the replica role skips the checks)
    rows(sealed, ("SET session_replication_role = replica; " if ON_PG else "") + f"DELETE FROM {table} WHERE id = {rid}")
    put_back(sealed, table)
    v = verify(sealed)
    assert v["ok"] is False
    assert (table, rid, "deleted") in found(v)


@pytest.mark.parametrize("table", CHAINED)
def test_a_row_changed_behind_the_triggers_is_named(sealed, table):
    rid = first_id(sealed, table)
    drop_guards(sealed, table)
    col = _text_or_time_column(sealed, table)
    rows(sealed, f"UPDATE {table} SET {col} = {_changed(sealed, table, col)} WHERE id = {rid}")
    put_back(sealed, table)
    v = verify(sealed)
    assert v["ok"] is False
    assert found(v) == {(table, rid, "altered")}


def _text_or_time_column(db: Db, table: str) -> str:
    """A column to forge: a time, else an amount, else a text (no foreign key to break)."""
    from sqlalchemy import DateTime, Numeric, String

    from frontdesk.store.journal import table as t_of

    cols = [c for c in t_of(table).c if c.name != "id" and not c.foreign_keys]
    for kind in (DateTime, Numeric, String):
        for c in cols:
            if isinstance(c.type, kind):
                return c.name
    raise AssertionError(f"nothing to forge in {table}")


def _changed(db: Db, table: str, col: str) -> str:
    from sqlalchemy import DateTime, Numeric

    from frontdesk.store.journal import table as t_of

    kind = t_of(table).c[col].type
    if isinstance(kind, DateTime):
        return "'2026-10-01 08:00:00'"
    if isinstance(kind, Numeric):
        return f"{col} + 1"
    return f"{col} || 'x'"


def test_a_follow_up_turned_reached_and_all_deposits_deleted(sealed):
    """The issue's two examples, through the command line: exit 1, each row named."""
    deposits = [r[0] for r in rows(sealed, "SELECT id FROM deposit")]
    fu = first_id(sealed, "followup")
    for t in ("followup", "deposit"):
        drop_guards(sealed, t)
    rows(sealed, "UPDATE followup SET outcome = 'reached'")
    rows(sealed, "DELETE FROM deposit")
    out = _cli_verify(sealed)
    assert out[0] == 1
    got = found(out[1])
    assert ("followup", fu, "altered") in got
    assert {("deposit", d, "deleted") for d in deposits} <= got
    assert {p["trigger"] for p in out[1]["problems"] if p["code"] == "trigger_missing"} >= (
        {"followup_append_only", "deposit_append_only"} if ON_PG else
        {"followup_no_update", "followup_no_delete", "deposit_no_update", "deposit_no_delete"})


def test_a_row_slipped_in_without_a_seal(sealed):
    """A follow-up added by raw SQL (no trigger refuses an INSERT): it has no seal."""
    cols = "project_id, client_id, advisor_id, outcome, note, score, at, day, recorded_at"
    rows(sealed, f"INSERT INTO followup ({cols}) SELECT {cols} FROM followup WHERE id = {first_id(sealed, 'followup')}")
    new = rows(sealed, "SELECT MAX(id) FROM followup")[0][0]
    assert found(verify(sealed)) == {("followup", new, "unsealed")}


def test_a_seal_torn_out_of_the_journal(sealed):
    drop_guards(sealed, "journal")
    rows(sealed, "DELETE FROM journal WHERE seq = 3")
    put_back(sealed, "journal")
    codes = {p["code"] for p in verify(sealed)["problems"]}
    assert {"gap", "broken_link", "unsealed"} <= codes


def _cli_verify(db: Db) -> tuple[int, dict[str, Any]]:
    code, out, _err = _cli_run(["--db", str(db), "--as", PM, "--json", "verify"])
    return code, json.loads(out)


def test_the_journals_tail_torn_out_shows_only_against_an_anchor(sealed, tmp_path):
    """The last seal and its row both removed leave a whole, shorter journal; the anchor knows."""
    sheet = tmp_path / "anchor.json"
    assert _cli_run(["--db", str(sealed), "--as", PM, "--json", "anchor", str(sheet)])[0] == 0
    assert json.loads(sheet.read_text(encoding="utf-8"))["journal"]["entry"] >= len(CHAINED)
    seq, tbl, rid = rows(sealed, "SELECT seq, tbl, row_id FROM journal ORDER BY seq DESC LIMIT 1")[0]
    for t in (tbl, "journal"):
        drop_guards(sealed, t)
    rows(sealed, f"DELETE FROM {tbl} WHERE id = {rid}")
    rows(sealed, f"DELETE FROM journal WHERE seq = {seq}")
    for t in (tbl, "journal"):
        put_back(sealed, t)
    assert verify(sealed)["ok"] is True  # the limit of a chain inside one file
    code, out, _err = _cli_run(["--db", str(sealed), "--as", PM, "--json", "verify", "--anchor", str(sheet)])
    assert code == 1
    assert {(p["register"], p["entry"], p["code"]) for p in json.loads(out)["problems"]} == {
        ("journal", seq, "anchor_missing")}
