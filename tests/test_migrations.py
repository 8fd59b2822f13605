"""The schema: the migrations shipped in the package are the models (no drift), and an older
database upgrades in place with its registers intact."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from frontdesk.store import models
from frontdesk.services import build
from frontdesk.services.clock import Clock, parse_local
from frontdesk.store import ledger
from frontdesk.store.db import HEAD, MIGRATIONS, Database, open_db
from frontdesk.store.models import Client, Person, Project, RegisterEntry, Staff
from frontdesk.store.models import Phone as PhoneRow


def _alembic(db: Database) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def test_models_and_migrations_agree(tmp_path: Path) -> None:
    """A model changed without a migration fails here: autogenerate would find a difference."""
    db = open_db(str(tmp_path / "head.db"))
    with db.writer.connect() as conn:
        models.load_all()
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == []
    assert db.revision() == HEAD


def test_a_database_at_the_first_migration_upgrades_with_its_registers(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = Database(str(path))
    cfg = _alembic(old)
    with old.writer.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    assert old.revision() == "0001"
    # fill it as the first schema knew it (the tables 0001 made; these models did not change since)
    at = datetime(2026, 11, 1, 2, 0)
    with old.write() as s:
        p = Project(code="P1", name="滨江花园", created_at=at)
        s.add(p)
        s.flush()
        pm = Staff(project_id=p.id, name="王经理", role="pm", joined_on=date(2026, 11, 1), created_at=at)
        li = Staff(project_id=p.id, name="李娜", role="advisor", joined_on=date(2026, 11, 1), created_at=at)
        s.add_all([pm, li])
        s.flush()
        client = Client(project_id=p.id, owner_id=li.id, last_contact=date(2026, 11, 1), created_at=at)
        s.add(client)
        s.flush()
        person = Person(project_id=p.id, client_id=client.id, name="张三", initials="zs", created_at=at)
        s.add(person)
        s.flush()
        s.add(PhoneRow(project_id=p.id, person_id=person.id, client_id=client.id, e164="+8613800138000", tail="8000",
                       created_at=at))
        ledger.append(s, RegisterEntry(project_id=p.id, book="visit", number=0, at=at, day=date(2026, 11, 1),
                                       recorded_at=at, operator_id=li.id, advisor_id=li.id, owner_id=li.id,
                                       client_id=client.id, person_id=person.id, phone_e164="+8613800138000",
                                       name="张三", route="rotation", effect="register", turn=True,
                                       prev_hash="", hash=""))
    old.dispose()

    # opening it again brings it to the head and keeps every page and its chain
    sv = build(open_db(str(path)), Clock(parse_local("2026-11-02 10:00")))
    assert sv.db.revision() == HEAD
    assert sv.integrity.verify() | {"sealed": 0} == {"ok": True, "entries": 1, "sealed": 0, "problems": []}
    assert sv.records.owner("13800138000", actor="王经理")["owner"] == "李娜"
    sv.deals.unit_add("A-101", "800000", actor="王经理")  # the newer tables are there
    assert sv.deals.deal("A-101", "13800138000", "800000", actor="李娜")["credit"][0]["advisor"] == "李娜"
    sv.close()
