"""A small sales office for the services tests, built once and copied per test.

The office (project P1 "滨江花园", opened on 2026-11-01 10:00 Asia/Shanghai):

    郭总    GM, PIN 8642 (the first staff member; not on the roster)
    王经理  PM, PIN 2468 (not on the roster)
    李娜    advisor        rotation order as the PM set it: 李娜, 张伟, 刘洋, 小陈
    张伟    advisor
    刘洋    advisor
    小陈    trainee in induction (shadow), mentor 李娜, joined 2026-11-01

The template database is built once per session; each test gets a copy (a file copy on
SQLite, `CREATE DATABASE … TEMPLATE` on PostgreSQL: tests/dbkit.py) and its own clock, so
tests stay independent and fast.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any, Callable

import pytest
import reasoncheck
from dbkit import Db, PgDb, checkpoint, copy_db, drop_db, needs_sqlite, new_db, rows, tables

from frontdesk.services import Clock, Services, open_services
from frontdesk.services.clock import parse_local

START = "2026-11-01 10:00"
PROJECT = "P1"
PM, LI, ZHANG, LIU, CHEN = "王经理", "李娜", "张伟", "刘洋", "小陈"
PM_PIN = "2468"
GM, GM_PIN = "郭总", "8642"  # the company's GM, in P1 (not on the roster)
ORDER = [LI, ZHANG, LIU, CHEN]

# phones used across the tests (all valid mainland mobiles)
ZHANGSAN = "13800138000"
LISI = "13800138001"
WANGWU = "13800138002"
ZHAOLIU = "13800138003"
SUNQI = "13800138004"


def nov(d: int) -> date:
    """A day of November 2026 (the seed's example month: received on the 1st, lapsed on the 9th)."""
    return date(2026, 11, d)


def build_office(path: Db) -> None:
    clock = Clock(parse_local(START))
    sv = open_services(str(path), clock)
    try:
        sv.staff.init(PROJECT, "滨江花园")
        sv.staff.add(GM, "gm", pin=GM_PIN)  # bootstrap: the first staff member needs no actor
        sv.staff.add(PM, "pm", pin=PM_PIN, actor=GM)  # only a GM makes a GM, so the GM comes first (R2.2)
        sv.staff.add(LI, "advisor", actor=PM)
        sv.staff.add(ZHANG, "advisor", actor=PM)
        sv.staff.add(LIU, "advisor", actor=PM)
        sv.staff.add(CHEN, "trainee", mentor=LI, actor=PM)
        sv.roster.set(ORDER, actor=PM)
    finally:
        sv.close()
    checkpoint(path)


class Office:
    """One test's office: the services, its clock, and raw access to the database."""

    def __init__(self, path: Db):
        self.path = path
        self.clock = Clock(parse_local(START))
        self.sv: Services = open_services(str(path), self.clock)
        # every owner answer, routing card and crossing proposal checked against the registers
        reasoncheck.watch(self.sv)

    # time ---------------------------------------------------------------------
    def at(self, when: str) -> None:
        """Move the business clock: "2026-11-03 10:00" (project-local)."""
        self.clock.fixed_local = parse_local(when)

    def on(self, day: int, hhmm: str = "10:00") -> None:
        """Move to a day of November 2026."""
        self.at(f"2026-11-{day:02d} {hhmm}")

    # desk shortcuts -----------------------------------------------------------
    def visit(self, phone: str, actor: str = PM, **kw: Any) -> dict[str, Any]:
        return self.sv.reception.visit(phone, actor=actor, **kw)

    def owner(self, phone: str, actor: str = PM, **kw: Any) -> dict[str, Any]:
        return self.sv.records.owner(phone, actor=actor, **kw)

    def away(self, *names: str) -> None:
        for n in names:
            self.sv.roster.mark(n, True, actor=PM)

    def inbox(self, name: str) -> list[dict[str, Any]]:
        return self.sv.inbox.list(actor=name)["items"]

    def inbox_kinds(self, name: str) -> list[tuple[str, str]]:
        return [(n["kind"], n["rule"]) for n in self.inbox(name)]

    # raw database -------------------------------------------------------------
    @property
    def on_pg(self) -> bool:
        return isinstance(self.path, PgDb)

    def connect(self) -> sqlite3.Connection:
        """A raw sqlite3 connection: SQLite-only tests (skipped on PostgreSQL)."""
        needs_sqlite(self.path)
        return sqlite3.connect(self.path, timeout=30)

    def rows(self, sql: str, params: Iterable[Any] = ()) -> list[tuple]:
        """One statement on either backend (`?` placeholders)."""
        return rows(self.path, sql, params)

    def tables(self) -> list[str]:
        return tables(self.path)

    def count(self, table: str) -> int:
        return self.rows(f"SELECT COUNT(*) FROM {table}")[0][0]

    def counts(self, *tables: str) -> dict[str, int]:
        return {t: self.count(t) for t in tables}

    def close(self) -> None:
        self.sv.close()


@pytest.fixture(scope="session")
def office_template(tmp_path_factory: pytest.TempPathFactory) -> Db:
    path = new_db(tmp_path_factory.mktemp("template") / "office.db", keep=True)
    build_office(path)
    return path


@pytest.fixture
def make_office(office_template: Db, tmp_path: Path) -> Iterable[Callable[[], Office]]:
    """A factory: each call copies the template into a new database and opens services on it."""
    made: list[Office] = []

    def make() -> Office:
        path = copy_db(office_template, tmp_path / f"office{len(made)}.db")
        o = Office(path)
        made.append(o)
        return o

    yield make
    for o in made:
        o.close()
        drop_db(o.path)


@pytest.fixture
def office(make_office: Callable[[], Office]) -> Office:
    return make_office()


# ---------------------------------------------------------------- reasons


def rules_of(reasons) -> set[str]:  # noqa: ANN001
    return {r.rule for r in reasons}


def codes_of(reasons) -> list[str]:  # noqa: ANN001
    return [r.code for r in reasons]


def reason(reasons, code: str):  # noqa: ANN001, ANN201
    """The first reason with this code (fails the test if there is none)."""
    for r in reasons:
        if r.code == code:
            return r
    raise AssertionError(f"no reason {code!r} in {[(r.rule, r.code) for r in reasons]}")
