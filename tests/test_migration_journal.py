"""Migration 0008 seals the append-only rows a database already holds (the journal's back-fill),
so an older office's deals and follow-ups are guarded by verify from the day it upgrades."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlmodel import Session

from frontdesk.services import build
from frontdesk.services.clock import Clock, parse_local
from frontdesk.store.db import HEAD, MIGRATIONS, Database, open_db
from frontdesk.store.models import Client, FollowUp, Project, SettingChange, Staff, StaffEvent


def _at_0005(path: Path) -> None:
    old = Database(str(path))
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with old.writer.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0005")
    at, day = datetime(2026, 11, 1, 2, 0), date(2026, 11, 1)
    with Session(old.writer) as s, s.begin():  # a plain session: 0005 has no journal to seal into
        p = Project(code="P1", name="滨江花园", created_at=at)
        s.add(p)
        s.flush()
        li = Staff(project_id=p.id, name="李娜", role="advisor", joined_on=day, created_at=at)
        s.add(li)
        s.flush()
        client = Client(project_id=p.id, owner_id=li.id, last_contact=day, created_at=at)
        s.add(client)
        s.flush()
        s.add(StaffEvent(staff_id=li.id, project_id=p.id, kind="added", at=at, day=day, recorded_at=at))
        s.add(SettingChange(project_id=p.id, key="protection_days", new="10", at=at, recorded_at=at))
        for outcome in ("reached", "unreachable"):
            s.add(FollowUp(project_id=p.id, client_id=client.id, advisor_id=li.id, outcome=outcome, at=at, day=day,
                           recorded_at=at))
    old.dispose()


def test_the_upgrade_seals_what_is_there_and_verify_then_sees_a_change(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _at_0005(path)
    sv = build(open_db(str(path)), Clock(parse_local("2026-11-02 10:00")))
    try:
        assert sv.db.revision() == HEAD
        v = sv.integrity.verify()
        assert (v["ok"], v["sealed"], v["problems"]) == (True, 4, [])
    finally:
        sv.close()
    con = sqlite3.connect(path)
    con.execute("DROP TRIGGER followup_no_update")
    con.execute("UPDATE followup SET outcome = 'reached' WHERE outcome = 'unreachable'")
    con.commit()
    con.close()
    sv = build(open_db(str(path)), Clock(parse_local("2026-11-02 10:00")))
    try:
        codes = {(p.get("table"), p["code"]) for p in sv.integrity.verify()["problems"]}
    finally:
        sv.close()
    assert ("followup", "altered") in codes and ("followup", "trigger_missing") in codes
