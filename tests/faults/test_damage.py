"""A database file with a page overwritten by random bytes (a failing disk, a bad copy): verify
says so (exit 1 with a problem, never a traceback), backup refuses to call a copy of it good,
and restore refuses to install such a file (R2.1)."""

from __future__ import annotations

import json
import random
import sqlite3
from pathlib import Path

import pytest
from dbkit import checkpoint, copy_db, sqlite_only

from frontdesk.services import Clock, Refused, open_services
from frontdesk.services.clock import parse_local
from frontdesk.services.integrity import _copy

from .conftest import DAY, LI, PM
from .test_cli_fuzz import run as _cli_run  # a traceback fails the test

pytestmark = sqlite_only


@pytest.fixture(scope="module")
def busy(counter_template, tmp_path_factory) -> Path:
    """The counter office after a day of 120 visits and their follow-ups: some dozens of pages."""
    path = copy_db(counter_template, tmp_path_factory.mktemp("busy") / "busy.db", keep=True)
    sv = open_services(str(path), Clock(parse_local(DAY)))
    try:
        for i in range(120):
            sv.reception.visit(f"1380013{i:04d}", name=f"客{i}", actor=PM)
        sv.records.followup("13800130000", "reached", note="回访" * 40, actor=LI)
    finally:
        sv.close()
    checkpoint(path)
    return path


def pages(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:100]
    size = int.from_bytes(head[16:18], "big")
    return (65536 if size == 1 else size), path.stat().st_size // (65536 if size == 1 else size)


def damage(path: Path, page: int, seed: int) -> None:
    """Overwrite page `page` (1-based) with random bytes."""
    size, _ = pages(path)
    with open(path, "r+b") as f:
        f.seek((page - 1) * size)
        f.write(random.Random(seed).randbytes(size))


def spread(n: int, k: int) -> list[int]:
    """k pages spread over 2..n (page 1 is the schema: a damage there is its own test)."""
    return sorted({2 + (n - 2) * i // (k - 1) for i in range(k)})


def test_every_damaged_page_fails_verify_with_exit_1(busy, tmp_path):
    _, n = pages(busy)
    assert n >= 20
    for page in spread(n, 10):
        f = tmp_path / f"p{page}.db"
        f.write_bytes(busy.read_bytes())
        damage(f, page, seed=page)
        code, out, err = _cli_run(["--db", str(f), "--as", PM, "--json", "verify"])
        assert code == 1, (page, out, err)
        doc = json.loads(out or err)
        if "problems" in doc:
            assert doc["ok"] is False and doc["problems"], page
            assert {p["code"] for p in doc["problems"]} & {"integrity_check", "unreadable"}, doc["problems"]
        else:  # too damaged to open: a refusal naming the rule
            assert doc["error"]["rule"] == "R2.1" and doc["error"]["reason"] == "database_damaged"


def test_a_damaged_schema_page_is_refused_not_a_crash(busy, tmp_path):
    f = tmp_path / "p1.db"
    f.write_bytes(busy.read_bytes())
    damage(f, 1, seed=1)
    code, out, err = _cli_run(["--db", str(f), "--as", PM, "--json", "verify"])
    assert code in (1, 2), (out, err)  # random bytes on page 1: not even a SQLite file


def test_backup_of_a_damaged_database_is_refused_and_leaves_no_copy(busy, tmp_path):
    f = tmp_path / "live.db"
    f.write_bytes(busy.read_bytes())
    _, n = pages(f)
    damage(f, n // 2, seed=7)
    code, out, err = _cli_run(["--db", str(f), "--as", PM, "--json", "backup", str(tmp_path / "copy.db")])
    assert code == 1, (out, err)
    assert json.loads(err)["error"]["rule"] == "R2.1"
    assert not (tmp_path / "copy.db").exists()


def test_restore_refuses_a_damaged_backup_and_leaves_the_office_as_it_was(busy, tmp_path):
    live = tmp_path / "live.db"
    live.write_bytes(busy.read_bytes())
    bad = tmp_path / "nightly.db"
    _copy(busy, bad)
    _, n = pages(bad)
    damage(bad, n // 2, seed=11)
    before = live.read_bytes()
    sv = open_services(str(live), Clock(parse_local(DAY)))
    try:
        with pytest.raises(Refused) as exc:
            sv.integrity.restore(str(bad), actor=PM)
        assert exc.value.reason.code == "restore_unverified"
    finally:
        sv.close()
    with sqlite3.connect(live) as c:
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert live.read_bytes()[:100] == before[:100]
    left = {p.name for p in tmp_path.iterdir()}
    assert {"live.db", "nightly.db"} <= left and not [n for n in left if "restore" in n], left
