"""kill -9 in the middle of a visit loop: the database opens, verifies, and holds no half-written visit."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from dbkit import sqlite_only

from frontdesk.services import Clock, open_services
from frontdesk.services.clock import parse_local

from . import _workers
from .conftest import DAY, PM, PM_PIN, rows, table_counts

pytestmark = sqlite_only  # kill -9 of a process writing a SQLite file, its WAL, PRAGMA integrity_check

WORKER = Path(_workers.__file__)
ROUNDS = (0.7, 1.0, 1.3)  # seconds of visits before each SIGKILL


def _start_loop(db: Path, round_: int) -> subprocess.Popen[str]:
    p = subprocess.Popen([sys.executable, str(WORKER), "loop", str(db), str(round_)], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    assert p.stdout is not None
    line = p.stdout.readline()  # blocks until the first walk-in is committed
    if line.strip() != "ready":
        p.kill()
        raise AssertionError(f"the visit loop did not start: {line!r} {p.stderr.read() if p.stderr else ''}")
    return p


def assert_whole(db: Path) -> int:
    """Open, verify, and look for partial rows. Returns the number of visit entries."""
    assert rows(db, "PRAGMA integrity_check") == [("ok",)]
    assert rows(db, "PRAGMA foreign_key_check") == []
    sv = open_services(str(db), Clock(parse_local(DAY)))
    try:
        v = sv.integrity.verify()
        assert v["ok"] is True, v["problems"]
        # every register entry has its client and person; every client its person and phone
        assert rows(db, "SELECT e.number FROM registerentry e LEFT JOIN client c ON c.id = e.client_id "
                        "LEFT JOIN person p ON p.id = e.person_id WHERE c.id IS NULL OR p.id IS NULL") == []
        assert rows(db, "SELECT c.id FROM client c WHERE NOT EXISTS (SELECT 1 FROM person p WHERE p.client_id = c.id) "
                        "OR NOT EXISTS (SELECT 1 FROM phone x WHERE x.client_id = c.id)") == []
        # a client is created only by a visit: no client without its register entry
        assert rows(db, "SELECT c.id FROM client c WHERE NOT EXISTS "
                        "(SELECT 1 FROM registerentry e WHERE e.client_id = c.id)") == []
        # the register head is the last entry
        (count, top), = rows(db, "SELECT COUNT(*), MAX(number) FROM registerentry WHERE book = 'visit'")
        assert rows(db, "SELECT last_number FROM ledgerhead WHERE book = 'visit'") == [(top,)]
        assert count == top
        # the rotation moved exactly once per rotation turn recorded (its log and its entries agree)
        turns = rows(db, "SELECT COUNT(*) FROM registerentry WHERE turn = 1")[0][0]
        assert rows(db, "SELECT COUNT(*) FROM rosterevent WHERE kind = 'turn'")[0][0] == turns
        # and the desk carries on: the next number follows the last one
        nxt = sv.reception.visit("13699990000", name="杀后", actor=PM)
        assert nxt["entry"] == top + 1
        assert sv.integrity.verify()["ok"] is True
        return top + 1
    finally:
        sv.close()


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL")
def test_kill_9_in_the_middle_of_a_visit_loop_loses_nothing_committed(counter_db):
    total = 0
    for round_, seconds in enumerate(ROUNDS, 1):
        p = _start_loop(counter_db, round_)
        time.sleep(seconds)
        os.kill(p.pid, signal.SIGKILL)
        p.wait(timeout=30)
        assert p.returncode == -signal.SIGKILL
        after = assert_whole(counter_db)
        assert after > total + 1, "the loop committed nothing before it was killed"
        total = after
        # the test's own walk-in (13699990000) becomes a returning client in the next round: fine


def _import_exists() -> bool:
    import frontdesk.cli as cli

    return any(getattr(c, "name", None) == "import" for c in cli.app.registered_commands)


def _registers_csv(path: Path, rows: int) -> None:
    """Paper registers typed into a spreadsheet: walk-ins and calls of rows/2 clients, October."""
    import csv
    import random

    rnd = random.Random(7)
    advisors = ["李娜", "张伟", "刘洋", "陈静"]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["日期", "时间", "类型", "姓名", "电话", "置业顾问"])
        for i in range(rows):
            c = rnd.randrange(rows // 2)
            w.writerow([f"2026-10-{1 + rnd.randrange(30):02d}", f"{9 + rnd.randrange(9):02d}:{rnd.randrange(60):02d}",
                        "来访" if rnd.random() < 0.6 else "来电", f"客{c}", f"135{c:08d}", advisors[c % 4]])


IMPORT_ROWS = 20_000


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL")
def test_import_killed_midway_leaves_nothing_half_imported(counter_db, tmp_path):
    if not _import_exists():
        pytest.skip("`frontdesk import` does not exist yet")
    src = tmp_path / "registers.csv"
    _registers_csv(src, IMPORT_ROWS)
    before = table_counts(counter_db)
    wal = Path(str(counter_db) + "-wal")
    argv = [sys.executable, "-c", "from frontdesk.cli import main; main()", "--db", str(counter_db), "--as", PM, "--pin", PM_PIN,
            "--json", "--at", DAY, "import", str(src)]
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    # kill once the import's one transaction is writing (its pages spill into the WAL), or after 20 s
    while time.monotonic() < deadline and p.poll() is None:
        if wal.exists() and wal.stat().st_size > 512 * 1024:
            break
        time.sleep(0.02)
    killed_midway = p.poll() is None
    os.kill(p.pid, signal.SIGKILL)
    p.wait(timeout=30)
    assert killed_midway, "the import finished before it could be killed: make the file bigger"

    # all or nothing: not one row of the file is in the database
    assert table_counts(counter_db) == before
    assert assert_whole_after_import(counter_db) == 0
    # and the same file imports whole afterwards
    done = subprocess.run(argv, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    n = assert_whole_after_import(counter_db)
    assert n > 0
    assert rows(counter_db, "SELECT COUNT(*) FROM registerentry")[0][0] == n


def assert_whole_after_import(db: Path) -> int:
    assert rows(db, "PRAGMA integrity_check") == [("ok",)]
    sv = open_services(str(db), Clock(parse_local(DAY)))
    try:
        v = sv.integrity.verify()
        assert v["ok"] is True, v["problems"]
    finally:
        sv.close()
    assert rows(db, "SELECT e.number FROM registerentry e LEFT JOIN client c ON c.id = e.client_id "
                    "LEFT JOIN person p ON p.id = e.person_id WHERE c.id IS NULL OR p.id IS NULL") == []
    for book, last in rows(db, "SELECT book, last_number FROM ledgerhead"):
        assert rows(db, "SELECT COUNT(*), MAX(number) FROM registerentry WHERE book = ?", (book,)) == [(last, last)]
    return v["entries"]
