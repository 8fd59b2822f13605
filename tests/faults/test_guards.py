"""The guards themselves (R2.1): verify holds every append-only table's triggers to the ones
guards.py ships — a trigger dropped, disabled or rewritten is named — and the database refuses
the two ways around them: SQLite's INSERT OR REPLACE (recursive_triggers on every connection the
desk opens) and PostgreSQL's TRUNCATE (a statement trigger)."""

from __future__ import annotations

from typing import Any

import pytest
from dbkit import DB_ERRORS, ON_PG, Db, rows
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from frontdesk.services import Clock, open_services
from frontdesk.services.clock import parse_local
from frontdesk.store.db import Database
from frontdesk.store.models import APPEND_ONLY

from .conftest import DAY, PM


def verify(db: Db) -> dict[str, Any]:
    sv = open_services(str(db), Clock(parse_local(DAY)))
    try:
        return sv.integrity.verify()
    finally:
        sv.close()


def triggers(v: dict[str, Any]) -> set[tuple[str, str]]:
    return {(p["trigger"], p["code"]) for p in v["problems"] if p["register"] == "triggers"}


def test_a_clean_office_has_every_guard(counter_db):
    v = verify(counter_db)
    assert v["ok"] is True and triggers(v) == set()
    names = {r[0] for r in rows(counter_db, "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")} if ON_PG else \
        {r[0] for r in rows(counter_db, "SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert {"deposit_no_truncate" if ON_PG else "deposit_no_delete", "journal_no_truncate" if ON_PG
            else "journal_no_update"} <= names


@pytest.mark.parametrize("table", ["deposit", "followup", "registerentry", "journal", "settingchange"])
def test_a_dropped_trigger_is_named(counter_db, table):
    name = f"{table}_append_only" if ON_PG else f"{table}_no_delete"
    rows(counter_db, f"DROP TRIGGER {name}" + (f" ON {table}" if ON_PG else ""))
    v = verify(counter_db)
    assert v["ok"] is False and triggers(v) == {(name, "trigger_missing")}


def test_a_trigger_rewritten_to_let_deletes_through_is_named(counter_db):
    if ON_PG:  # the function that raises now lets the row go
        rows(counter_db, "CREATE OR REPLACE FUNCTION deposit_append_only() RETURNS trigger AS $$ "
                         "BEGIN RETURN OLD; END; $$ LANGUAGE plpgsql")
        want = {("deposit_append_only()", "trigger_altered")}
    else:
        rows(counter_db, "DROP TRIGGER deposit_no_delete")
        rows(counter_db, "CREATE TRIGGER deposit_no_delete BEFORE DELETE ON deposit WHEN 0 "
                         "BEGIN SELECT RAISE(ABORT, 'deposit is append-only (R2.1): amend with a new entry'); END")
        want = {("deposit_no_delete", "trigger_altered")}
    v = verify(counter_db)
    assert v["ok"] is False and triggers(v) == want


@pytest.mark.skipif(not ON_PG, reason="SQLite has no disabled triggers")
def test_a_disabled_trigger_is_named(counter_db):
    rows(counter_db, "ALTER TABLE deposit DISABLE TRIGGER deposit_append_only")
    assert triggers(verify(counter_db)) == {("deposit_append_only", "trigger_disabled")}


@pytest.mark.skipif(not ON_PG, reason="TRUNCATE is PostgreSQL's")
@pytest.mark.parametrize("table", APPEND_ONLY)
def test_truncate_is_refused_on_every_append_only_table(counter, counter_db, table):
    counter.reception.visit("13800138000", name="张三", actor=PM)  # rows in the register, roster log, journal
    before = rows(counter_db, f"SELECT COUNT(*) FROM {table}")[0][0]
    with pytest.raises(DB_ERRORS, match="append-only"):
        rows(counter_db, f"TRUNCATE {table} CASCADE")
    assert rows(counter_db, f"SELECT COUNT(*) FROM {table}")[0][0] == before


@pytest.mark.skipif(ON_PG, reason="REPLACE is SQLite's")
@pytest.mark.parametrize("table", ["registerentry", "rosterevent", "journal"])
def test_insert_or_replace_is_refused_on_the_desks_connections(counter, counter_db, table):
    counter.reception.visit("13800138000", name="张三", actor=PM)
    db = Database(str(counter_db))
    try:
        with db.writer.connect() as c:
            assert c.exec_driver_sql("PRAGMA recursive_triggers").scalar() == 1
            key = "seq" if table == "journal" else "id"
            before = c.exec_driver_sql(f"SELECT * FROM {table} ORDER BY {key} LIMIT 1").all()
            with pytest.raises(DBAPIError, match="append-only"):
                c.execute(text(f"INSERT OR REPLACE INTO {table} SELECT * FROM {table} ORDER BY {key} LIMIT 1"))
            c.rollback()
            assert c.exec_driver_sql(f"SELECT * FROM {table} ORDER BY {key} LIMIT 1").all() == before
    finally:
        db.dispose()
    assert verify(counter_db)["ok"] is True
