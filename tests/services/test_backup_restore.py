"""Backups while the desk is in use, and restores that refuse a file failing verify (R2.1)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from frontdesk.services import open_services
from frontdesk.services.clock import Clock, parse_local
from frontdesk.services.errors import BadInput, Refused

PM = "王经理"


@pytest.fixture
def sv(tmp_path: Path):
    s = open_services(str(tmp_path / "live.db"), Clock(parse_local("2026-11-01 10:00")))
    s.staff.init("P1", "滨江花园")
    s.staff.add("王经理", "pm")
    s.staff.add("李娜", "advisor", actor="王经理")
    s.roster.set(["李娜"], actor="王经理")
    s.reception.visit("13800138000", name="张三", actor="李娜")
    yield s
    s.close()


def _entries(path: Path) -> int:
    with sqlite3.connect(path) as c:
        return c.execute("SELECT count(*) FROM registerentry").fetchone()[0]


def test_restore_puts_the_backup_back_and_keeps_what_it_replaced(sv, tmp_path: Path) -> None:
    backup = tmp_path / "nightly.db"
    assert sv.integrity.backup(str(backup))["ok"] is True
    sv.reception.visit("13800138001", name="李四", actor="李娜")  # a page written after the backup
    r = sv.integrity.restore(str(backup), actor=PM)
    assert r["ok"] is True and r["entries"] == 1
    assert _entries(tmp_path / "live.db") == 1
    assert _entries(Path(r["kept"])) == 2  # nothing lost: the replaced database is kept beside it
    assert sv.integrity.verify()["ok"] is True


def test_restore_refuses_a_backup_that_fails_verify(sv, tmp_path: Path) -> None:
    backup = tmp_path / "tampered.db"
    sv.integrity.backup(str(backup))
    with sqlite3.connect(backup) as c:
        c.execute("DROP TRIGGER registerentry_no_update")
        c.execute("UPDATE registerentry SET name = '王五' WHERE number = 1")
    sv.reception.visit("13800138001", name="李四", actor="李娜")
    with pytest.raises(Refused) as exc:
        sv.integrity.restore(str(backup), actor=PM)
    assert exc.value.reason.rule == "R2.1" and exc.value.reason.code == "restore_unverified"
    assert _entries(tmp_path / "live.db") == 2  # the live database is untouched
    assert not list(tmp_path.glob("live.db.before-restore-*"))


def test_restore_refuses_what_is_not_a_database(sv, tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_text("not a database")
    with pytest.raises(BadInput) as exc:
        sv.integrity.restore(str(junk), actor=PM)
    assert exc.value.field == "file"
    with pytest.raises(BadInput):
        sv.integrity.restore(str(tmp_path / "missing.db"), actor=PM)
    assert _entries(tmp_path / "live.db") == 1


def test_only_a_pm_restores(sv, tmp_path: Path) -> None:
    backup = tmp_path / "nightly.db"
    sv.integrity.backup(str(backup))
    sv.reception.visit("13800138001", name="李四", actor="李娜")
    with pytest.raises(Refused) as exc:
        sv.integrity.restore(str(backup), actor="李娜")
    assert exc.value.reason.rule == "R2.1" and exc.value.reason.code == "restore_by_pm"
    with pytest.raises(BadInput) as bad:
        sv.integrity.restore(str(backup))  # nobody named: who restores must be known
    assert bad.value.field == "as"
    assert _entries(tmp_path / "live.db") == 2  # untouched


def test_a_new_machine_restores_as_a_pm_of_the_backup(sv, tmp_path: Path) -> None:
    backup = tmp_path / "nightly.db"
    sv.integrity.backup(str(backup))
    fresh = open_services(str(tmp_path / "new.db"), Clock(parse_local("2026-11-02 09:00")))
    try:
        with pytest.raises(Refused):
            fresh.integrity.restore(str(backup), actor="李娜")
        r = fresh.integrity.restore(str(backup), actor=PM)
        assert r["ok"] is True and r["entries"] == 1
    finally:
        fresh.close()
    assert _entries(tmp_path / "new.db") == 1
