"""Offices for the fault tests, built through the services and copied per test.

The counter office (project P1 "滨江花园", opened 2026-11-01 09:00 Asia/Shanghai):

    王经理  PM, PIN 1234 (not on the roster)
    李娜 张伟 刘洋 陈静   advisors; the rotation order as the PM set it

Everyone is present, nobody is in shadow: the rotation goes round these four in order.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest
from dbkit import Db, copy_db, new_db
from dbkit import checkpoint as checkpoint
from dbkit import rows as _rows
from dbkit import table_counts as _table_counts

from frontdesk.services import Clock, Services, open_services
from frontdesk.services.clock import parse_local

PROJECT = "P1"
PM, PM_PIN = "王经理", "2468"
LI, ZHANG, LIU, CHEN = "李娜", "张伟", "刘洋", "陈静"
ROSTER = [LI, ZHANG, LIU, CHEN]
SETUP_AT = "2026-11-01 09:00"
DAY = "2026-11-02 10:00"

_ENV = ("FRONTDESK_DB", "FRONTDESK_NOW", "FRONTDESK_USER", "FRONTDESK_PROJECT", "FRONTDESK_WITNESS_PIN")


def build_counter_office(path: Db) -> None:
    sv = open_services(str(path), Clock(parse_local(SETUP_AT)))
    try:
        sv.staff.init(PROJECT, "滨江花园")
        sv.staff.add(PM, "pm", pin=PM_PIN)
        for a in ROSTER:
            sv.staff.add(a, "advisor", actor=PM)
        sv.roster.set(ROSTER, actor=PM)
    finally:
        sv.close()
    checkpoint(path)


def rows(path: Db, sql: str, params: tuple[Any, ...] = ()) -> list[tuple]:
    """One statement on either backend (tests/dbkit.py)."""
    return _rows(path, sql, params)


def table_counts(path: Db) -> dict[str, int]:
    """Row counts of every table (alembic's own left out)."""
    return _table_counts(path)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for k in _ENV:
        monkeypatch.delenv(k, raising=False)


@pytest.fixture(scope="session")
def counter_template(tmp_path_factory: pytest.TempPathFactory) -> Db:
    path = new_db(tmp_path_factory.mktemp("faults") / "counter.db", keep=True)
    build_counter_office(path)
    return path


@pytest.fixture
def counter_db(counter_template: Db, tmp_path: Path) -> Db:
    return copy_db(counter_template, tmp_path / "counter.db")


@pytest.fixture
def counter(counter_db: Path) -> Iterator[Services]:
    sv = open_services(str(counter_db), Clock(parse_local(DAY)))
    yield sv
    sv.close()
