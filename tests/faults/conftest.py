"""Offices for the fault tests, built through the services and copied per test.

The counter office (project P1 "滨江花园", opened 2026-11-01 09:00 Asia/Shanghai):

    王经理  PM, PIN 1234 (not on the roster)
    李娜 张伟 刘洋 陈静   advisors; the rotation order as the PM set it

Everyone is present, nobody is in shadow: the rotation goes round these four in order.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any, Iterator

import pytest

from frontdesk.services import Clock, Services, open_services
from frontdesk.services.clock import parse_local

PROJECT = "P1"
PM, PM_PIN = "王经理", "1234"
LI, ZHANG, LIU, CHEN = "李娜", "张伟", "刘洋", "陈静"
ROSTER = [LI, ZHANG, LIU, CHEN]
SETUP_AT = "2026-11-01 09:00"
DAY = "2026-11-02 10:00"

_ENV = ("FRONTDESK_DB", "FRONTDESK_NOW", "FRONTDESK_USER", "FRONTDESK_PROJECT", "FRONTDESK_WITNESS_PIN")


def checkpoint(path: Path) -> None:
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()


def build_counter_office(path: Path) -> None:
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


def rows(path: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple]:
    con = sqlite3.connect(path, timeout=30)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def table_counts(path: Path) -> dict[str, int]:
    """Row counts of every table (alembic's own left out)."""
    con = sqlite3.connect(path, timeout=30)
    try:
        names = [n for (n,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                           "AND name NOT LIKE 'sqlite_%' AND name != 'alembic_version'")]
        return {n: con.execute(f"SELECT COUNT(*) FROM {n}").fetchone()[0] for n in names}
    finally:
        con.close()


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for k in _ENV:
        monkeypatch.delenv(k, raising=False)


@pytest.fixture(scope="session")
def counter_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("faults") / "counter.db"
    build_counter_office(path)
    return path


@pytest.fixture
def counter_db(counter_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "counter.db"
    shutil.copy(counter_template, path)
    return path


@pytest.fixture
def counter(counter_db: Path) -> Iterator[Services]:
    sv = open_services(str(counter_db), Clock(parse_local(DAY)))
    yield sv
    sv.close()
