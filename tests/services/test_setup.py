"""The office's first day as one operation (issue 14): `sv.setup.setup(plan)` writes the
project, the staff, an import and the rotation together — or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from dbkit import new_db, rows

from frontdesk.services import BadInput, Clock, Refused, open_services
from frontdesk.services.clock import parse_local
from frontdesk.services.setup import Person, Plan, check_pin, check_project, preview_import

SAMPLE = Path(__file__).parents[2] / "data" / "sample-registers.csv"


def plan(**kw) -> Plan:  # noqa: ANN003
    base = dict(code="HX", name="和谐家园", tz="Asia/Shanghai", protection_days=5,
                first=Person("周经理", "pm", "2580"),
                team=[Person("马丽", "advisor", "1357"), Person("小吴", "trainee", "8024", mentor="马丽"),
                      Person("高远", "advisor", None)],
                order=["高远", "马丽", "小吴"])
    base.update(kw)
    return Plan(**base)


@pytest.fixture
def fresh(tmp_path: Path):  # noqa: ANN201
    db = new_db(tmp_path / "new.db")
    sv = open_services(str(db), Clock(parse_local("2026-12-01 09:00")))
    yield sv, db
    sv.close()


def counts(db) -> dict[str, int]:  # noqa: ANN001
    return {t: rows(db, f"SELECT COUNT(*) FROM {t}")[0][0] for t in ("project", "staff", "staffevent", "rosterevent")}


def test_needed_says_what_is_missing_and_the_setup_fills_it(fresh) -> None:  # noqa: ANN001
    sv, db = fresh
    assert sv.setup.needed() == {"project": None}
    got = sv.setup.setup(plan())
    assert got["signed_in"] == "周经理" and got["role"] == "pm" and got["order"] == ["高远", "马丽", "小吴"]
    assert sv.setup.needed() is None
    staff = {s["name"]: s for s in sv.staff.list(actor="周经理")}
    assert staff["小吴"]["mentor"] == "马丽" and staff["高远"]["has_pin"] is False and staff["马丽"]["has_pin"]
    assert sv.roster.show(actor="周经理")["order"] == ["高远", "马丽", "小吴"]
    assert sv.staff.settings(actor="周经理")["protection_days"] == 5
    assert sv.desk.sign_in("周经理", "2580")["name"] == "周经理"
    with pytest.raises(Refused):  # a second setup on a database with staff
        sv.setup.setup(plan(code="HX2", first=Person("别人", "pm", "2580"), team=[], order=[]))


def test_a_project_without_staff_is_set_up_in_place(fresh) -> None:  # noqa: ANN001
    sv, db = fresh
    sv.staff.init("OLD", "旧名字", protection_days=3)
    assert sv.setup.needed() == {"project": {"code": "OLD", "name": "旧名字", "tz": "Asia/Shanghai",
                                             "protection_days": 3}}
    sv.setup.setup(plan(code="OLD", name="新名字", protection_days=9))
    assert rows(db, "SELECT code, name FROM project") == [("OLD", "新名字")]
    assert sv.staff.settings(actor="周经理")["protection_days"] == 9


@pytest.mark.parametrize("bad,field", [
    (dict(name="  "), "name"),
    (dict(protection_days=0), "protection_days"),
    (dict(protection_days=11), "protection_days"),
    (dict(tz="Mars/Olympus"), "tz"),
    (dict(code="has space"), "project"),
    (dict(first=Person("周经理", "advisor", "2580")), "role"),
    (dict(first=Person("周经理", "pm", "12")), "pin"),
    (dict(team=[Person("小吴", "trainee", None)]), "mentor"),
    (dict(team=[Person("马丽", "advisor"), Person("马丽", "advisor")]), "name"),
    (dict(order=["周经理"]), "order"),
    (dict(order=["马丽", "马丽"]), "order"),
])
def test_bad_input_names_its_field_and_writes_nothing(fresh, bad, field) -> None:  # noqa: ANN001
    sv, db = fresh
    before = counts(db)
    with pytest.raises(BadInput) as exc:
        sv.setup.setup(plan(**bad))
    assert exc.value.field == field
    assert counts(db) == before == {"project": 0, "staff": 0, "staffevent": 0, "rosterevent": 0}


def test_a_failure_late_in_the_transaction_rolls_everything_back(fresh, monkeypatch) -> None:  # noqa: ANN001
    sv, db = fresh
    from frontdesk.services import roster

    def boom(*a, **k):  # noqa: ANN002, ANN003, ANN202
        raise RuntimeError("disk full")

    monkeypatch.setattr(roster, "log", boom)  # the very last write of the setup
    with pytest.raises(RuntimeError):
        sv.setup.setup(plan())
    assert counts(db) == {"project": 0, "staff": 0, "staffevent": 0, "rosterevent": 0}


def test_the_pin_checks() -> None:
    assert check_pin("2580", "2580") == "2580"
    with pytest.raises(BadInput, match="differ"):
        check_pin("2580", "2581")
    with pytest.raises(BadInput, match="4 to 8 digits"):
        check_pin("12a4")
    assert check_project(" BJ ", " 滨江 ", "", "7") == ("BJ", "滨江", "Asia/Shanghai", 7)


def test_an_import_comes_in_with_the_setup_and_its_staff_can_be_in_the_rotation(fresh, tmp_path: Path) -> None:  # noqa: ANN001
    sv, db = fresh
    src = tmp_path / "registers.csv"
    src.write_bytes(SAMPLE.read_bytes())
    seen = preview_import(str(src))
    names = [p.name for p in seen["staff"]]
    assert names == ["陈静", "李娜", "孙悦"] and seen["rows"] > 5
    got = sv.setup.setup(plan(team=[], order=["李娜", "陈静"], import_file=str(src)))
    assert got["import"]["created"]["staff"] == 3 and Path(got["report"]).exists()
    assert sv.roster.show(actor="周经理")["order"] == ["李娜", "陈静"]
    assert rows(db, "SELECT COUNT(*) FROM registerentry")[0][0] > 0


def test_the_demo_is_marked(tmp_path: Path) -> None:
    from frontdesk.demo import load_demo

    load_demo(str(tmp_path / "demo.db"))
    assert rows(tmp_path / "demo.db", "SELECT key, value FROM setting WHERE key = 'demo'") == [("demo", "true")]
