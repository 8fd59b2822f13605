"""PostgreSQL proven by plain `python -m pytest` wherever a server binary exists.

This module starts its own throwaway server (initdb + pg_ctl on a temporary directory,
loopback port, fsync off), runs the core flows on it — a visit, a crossing, a deposit race,
the register's refusal of UPDATE/DELETE and verify naming a tampered page — and stops it.
No `initdb` (PATH or /usr/lib/postgresql/*/bin): skipped with the reason. As root, initdb
refuses to run: the server runs as the `postgres` user (runuser), or the module is skipped.

The whole suite runs against a server given in FRONTDESK_TEST_PG (tests/dbkit.py, .ci/pg.sh).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy import text

from frontdesk.services import Clock, Services, open_services
from frontdesk.services.clock import parse_local
from frontdesk.services.errors import Refused
from frontdesk.store.db import Database, to_url

PM, LI, ZHANG, LIU = "王经理", "李娜", "张伟", "刘洋"
AT = "2026-11-02 10:00"


def _bindir() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    for d in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(d, "initdb").exists():
            return Path(d)
    return None


def _as_user() -> list[str]:
    """initdb and postgres refuse root: run them as `postgres` then."""
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        pytest.skip("running as root and there is no postgres user to run the server")
    if not shutil.which("runuser"):
        pytest.skip("running as root and runuser is missing")
    return ["runuser", "-u", "postgres", "--"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """A throwaway PostgreSQL server; its admin URL (user postgres, trust on loopback)."""
    bindir = _bindir()
    if bindir is None:
        pytest.skip("no PostgreSQL server binary (initdb) here")
    prefix = _as_user()
    home = Path(tempfile.mkdtemp(prefix="fd-pg-"))
    if prefix:
        shutil.chown(home, "postgres")
    data, port = home / "data", _free_port()
    run = dict(check=True, capture_output=True, text=True, timeout=120)
    subprocess.run(prefix + [str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust",
                             "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"], **run)
    opts = f"-p {port} -k {home} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
    subprocess.run(prefix + [str(bindir / "pg_ctl"), "-D", str(data), "-o", opts, "-l", str(home / "log"),
                             "-w", "-t", "60", "start"], **run)
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(prefix + [str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                       capture_output=True, timeout=60)
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture
def url(server: str, request: pytest.FixtureRequest) -> Iterator[str]:
    """A new, empty database on the throwaway server."""
    import psycopg

    name = "fd_" + "".join(c if c.isalnum() else "_" for c in request.node.name)[:50].lower()
    admin_url = server.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield server.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def office(url: str, at: str = AT) -> Services:
    sv = open_services(url, Clock(parse_local("2026-11-01 09:00")))
    sv.staff.init("P1", "滨江花园")
    sv.staff.add(PM, "pm", pin="2468")
    for a in (LI, ZHANG, LIU):
        sv.staff.add(a, "advisor", actor=PM)
    sv.roster.set([LI, ZHANG, LIU], actor=PM)
    sv.clock.fixed_local = parse_local(at)
    return sv


def test_urls_without_a_driver_mean_psycopg_3():
    assert to_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert to_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert to_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    assert to_url("/tmp/x.db") == "sqlite:////tmp/x.db"


def test_the_schema_is_migrated_with_plpgsql_guards_and_sessions_speak_utc(url):
    sv = office(url)
    try:
        with sv.db.writer.connect() as c:
            assert c.execute(text("SHOW timezone")).scalar() == "UTC"
            triggers = {r[0] for r in c.execute(text(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"))}
        assert "registerentry_append_only" in triggers and len(triggers) >= 10
        assert sv.db.revision() is not None
    finally:
        sv.close()


def test_a_visit_and_a_crossing(url):
    sv = office(url)
    try:
        first = sv.reception.visit("13800138000", name="张三", actor=PM)
        assert (first["entry"], first["route"], first["advisor"]) == (1, "rotation", LI)
        again = sv.reception.visit("13800138000", actor=PM)
        assert again["entry"] == 2 and again["advisor"] == LI and again["turn"] is False
        case = sv.reception.visit("13800138000", asks_for=ZHANG, actor=PM)["crossing"]
        assert case is not None
        sv.crossings.decide(case, winner=LI, none=False, actor=PM)
        assert sv.records.owner("13800138000", actor=PM)["owner"] == LI
        assert sv.integrity.verify() | {"sealed": 0} == {"ok": True, "entries": 3, "sealed": 0, "problems": []}
    finally:
        sv.close()


def test_eight_desks_deposit_on_one_unit_at_once_exactly_one_wins(url):
    sv = office(url)
    phones = [f"1380013800{i}" for i in range(8)]
    for p in phones:
        sv.reception.visit(p, actor=PM)
    sv.deals.unit_add("1-101", "500000", actor=PM)
    sv.close()
    barrier, won, refused, errors = threading.Barrier(8), [], [], []

    def desk(phone: str) -> None:
        s = open_services(url, Clock(parse_local(AT)))
        try:
            barrier.wait(timeout=30)
            s.deals.deposit("1-101", phone, "20000", actor=PM)
            won.append(phone)
        except Refused as exc:
            refused.append(exc)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            s.close()

    threads = [threading.Thread(target=desk, args=(p,)) for p in phones]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == [] and len(won) == 1 and len(refused) == 7
    db = Database(url)
    try:
        with db.read() as s:
            assert s.execute(text("SELECT COUNT(*) FROM deposit")).scalar() == 1
    finally:
        db.dispose()


def test_desks_at_once_number_the_register_without_gaps(url):
    office(url).close()
    barrier, got, errors = threading.Barrier(4), [], []

    def desk(w: int) -> None:
        s = open_services(url, Clock(parse_local(AT)))
        try:
            barrier.wait(timeout=30)
            for i in range(15):
                got.append(s.reception.visit(f"139{w:04d}{i:04d}", actor=PM)["entry"])
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            s.close()

    threads = [threading.Thread(target=desk, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == [] and sorted(got) == list(range(1, 61))
    sv = open_services(url, Clock(parse_local(AT)))
    try:
        assert sv.integrity.verify() | {"sealed": 0} == {"ok": True, "entries": 60, "sealed": 0, "problems": []}
    finally:
        sv.close()


def test_the_register_refuses_edits_and_verify_names_a_tampered_page(url):
    import psycopg

    sv = office(url)
    try:
        for p in ("13800138000", "13800138001", "13800138002"):
            sv.reception.visit(p, actor=PM)
        raw = url.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(raw, autocommit=True) as con:
            for st in ("UPDATE registerentry SET name = 'x' WHERE number = 2", "DELETE FROM registerentry"):
                with pytest.raises(psycopg.Error, match="append-only"):
                    con.execute(st)
            assert sv.integrity.verify()["ok"] is True
            con.execute("DROP TRIGGER registerentry_append_only ON registerentry")
            con.execute("UPDATE registerentry SET name = '赵六' WHERE book = 'visit' AND number = 2")
        v = sv.integrity.verify()
        assert v["ok"] is False
        assert [(p["register"], p["entry"], p["code"]) for p in v["problems"]] == [
            ("visit", 2, "altered"), ("triggers", None, "trigger_missing")]  # the page, and the guard dropped
    finally:
        sv.close()


def test_models_and_migrations_agree_on_postgresql(url):
    """The drift check of tests/test_migrations.py, on the server: the migrations build there
    exactly the tables, columns and indexes the models describe."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    from frontdesk.store import models
    from frontdesk.store.db import HEAD, open_db

    db = open_db(url)
    try:
        with db.writer.connect() as conn:
            models.load_all()
            diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
        assert diff == []
        assert db.revision() == HEAD
    finally:
        db.dispose()
