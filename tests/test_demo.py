"""The demo dataset and its loader: replayed through the services, genuine and deterministic."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, datetime, timedelta

import phonenumbers
import pytest
from sqlmodel import select

from frontdesk.demo import DATASET, DemoError, load_dataset, load_demo
from frontdesk.services import Clock, open_services
from frontdesk.store.models import RegisterEntry, Staff

PM = "王经理"
TODAY = date(2026, 11, 27)


def services_at(path, today=TODAY, hhmm="09:00"):
    return open_services(str(path), Clock(fixed_local=datetime.combine(today, datetime.strptime(hhmm, "%H:%M").time())))


def register(sv) -> list[tuple]:
    """Every register entry as (book, number, name, route, serving advisor, owner after, day)."""
    with sv.db.read() as s:
        names = {st.id: st.name for st in s.exec(select(Staff))}
        rows = s.exec(select(RegisterEntry).order_by(RegisterEntry.book, RegisterEntry.number)).all()
        return [(e.book, e.number, e.name, e.route, names[e.advisor_id], names.get(e.owner_id), e.day) for e in rows]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    summary = load_demo(str(path))
    sv = services_at(path)
    yield path, summary, sv
    sv.close()


def test_dataset_is_shaped_like_the_paper_registers():
    data = load_dataset()
    assert DATASET.name == "demo.json" and DATASET.parent.name == "data"
    assert data["project"] == {"code": "BJHY", "name": "滨江华苑", "tz": "Asia/Shanghai", "protection_days": 7}
    clients = data["clients"]
    assert 55 <= len(clients) <= 65
    phones = [c["phone"] for c in clients]
    assert len(set(phones)) == len(phones) and len({c["name"] for c in clients}) == len(clients)
    for p in phones:  # realistic mainland mobiles
        num = phonenumbers.parse(p, "CN")
        assert phonenumbers.is_valid_number(num) and phonenumbers.number_type(num) == phonenumbers.PhoneNumberType.MOBILE, p
    # every staff member's PIN is documented
    assert data["about"]["pins"] == {st["name"]: st["pin"] for st in data["staff"]}
    assert data["about"]["pins"][PM] == "1234"
    days = [e["day"] for e in data["events"]]
    assert min(days) <= -20 and max(days) == 0


def test_summary(demo):
    _, summary, _ = demo
    assert summary["project"] == "BJHY" and summary["today"] == "2026-11-27"
    assert summary["now"].isoformat() == "2026-11-27T09:00:00+08:00"  # the desk's time, with its offset
    assert 55 <= summary["clients"] <= 65
    assert set(summary["roles"]) >= {"advisor", "trainee", "pm", "sales-admin", "gm"}
    assert summary["staff"] == 9
    assert summary["visits"] > 50 and summary["calls"] > 10 and summary["followups"] > 20
    assert summary["open_crossings"] == 1


def test_registers_are_intact_and_every_route_is_there(demo):
    _, summary, sv = demo
    check = sv.integrity.verify()
    assert check["ok"], check["problems"]
    rows = register(sv)
    assert check["entries"] == len(rows) == summary["visits"] + summary["calls"]
    routes = Counter(r[3] for r in rows)
    assert routes["rotation"] >= 30 and routes["owner"] >= 5 and routes["duty"] >= 1
    assert routes["requested"] >= 1 and routes["referral"] >= 1 and routes["call"] >= 10
    # numbering is consecutive per register (R2.1)
    for book in ("visit", "call"):
        assert [r[1] for r in rows if r[0] == book] == list(range(1, summary[f"{book}s"] + 1))
    # three weeks of history, ending before today's 09:00
    assert min(r[6] for r in rows) == TODAY - timedelta(days=20)
    assert max(r[6] for r in rows) == TODAY - timedelta(days=1)


def test_some_clients_have_lapsed(demo):
    _, _, sv = demo
    lapsed = owned = 0
    for c in load_dataset()["clients"]:
        o = sv.records.owner(c["phone"], actor=PM)
        if c["name"] == "吴秀芝":  # a referral pre-registration is a claim, not ownership (R2.4)
            assert o["owner"] is None and o["reasons"][0].code == "not_registered"
        elif o["owner"] is None:
            assert o["reasons"][0].code == "lapsed" and o["previous_owner"] is not None
            lapsed += 1
        else:
            owned += 1
    assert lapsed >= 1 and owned >= 10


def test_unreachable_followups(demo):
    _, _, sv = demo
    clients = {c["name"]: c for c in load_dataset()["clients"]}
    verified = sv.records.history(clients["冯建军"]["phone"], actor=PM)
    fu = [f for f in verified["followups"] if f["outcome"] == "unreachable"]
    assert len(fu) == 1 and fu[0]["verified_by"] == PM and fu[0]["valid"]
    assert verified["owner"] is not None  # the PM's signature kept the window open
    unverified = sv.records.owner(clients["褚文博"]["phone"], actor=PM)
    assert unverified["owner"] is None and unverified["reasons"][0].code == "lapsed"


def test_open_crossing(demo):
    _, _, sv = demo
    cases = [x for x in sv.crossings.list(actor=PM) if x["status"] == "open"]
    assert len(cases) >= 1
    case = cases[0]
    assert (case["holder"], case["claimant"]) == ("张伟", "赵磊")
    assert case["proposal"]["winner"] == "张伟"
    assert "R4.3" in {r.rule for r in case["proposal"]["reasons"]}


def test_duty_reception_owners_were_told(demo):
    _, _, sv = demo
    duty = [r for r in register(sv) if r[3] == "duty"]
    assert len(duty) >= 2
    for _book, number, name, _route, served_by, owner, _day in duty:
        assert owner is not None and owner != served_by
        kinds = [(n["kind"], n["data"].get("entry")) for n in sv.inbox.list(actor=owner)["items"]]
        assert ("duty_reception", f"visit#{number}") in kinds, (name, owner, kinds)


def test_household_link_and_referrals(demo):
    _, _, sv = demo
    clients = {c["name"]: c for c in load_dataset()["clients"]}
    h = sv.records.history(clients["钱国栋"]["phone"], actor=PM)
    assert {p["name"] for p in h["people"]} == {"钱国栋", "何美玲"}
    assert {p["relation"] for p in h["people"]} == {"self", "spouse"}
    assert h["owner"] == "刘洋"
    # honoured: pre-registered by 李娜, came asking for her (R2.4)
    assert sv.records.owner(clients["林晓燕"]["phone"], actor=PM)["owner"] == "李娜"
    # still pending: a claim, not ownership
    pending = [r for r in register(sv) if r[2] == "吴秀芝"]
    assert [(r[3], r[4], r[5]) for r in pending] == [("referral", "陈静", None)]


def test_todays_desk(demo):
    _, _, sv = demo
    show = sv.roster.show(actor=PM)
    assert show["away"] == ["赵磊"]
    assert show["shadow"] == ["孙悦"]
    assert show["next"] not in (None, "赵磊", "孙悦")
    trainee = next(st for st in sv.staff.list(actor=PM) if st["role"] == "trainee")
    assert trainee["mentor"] == "李娜" and trainee["shadow"]
    assert trainee["joined_on"] == TODAY - timedelta(days=3)


def test_refuses_to_overwrite(demo):
    path, summary, sv = demo
    with pytest.raises(FileExistsError):
        load_demo(str(path))
    with pytest.raises(FileExistsError):
        load_demo(f"sqlite:///{path}")
    assert sv.integrity.verify()["entries"] == summary["visits"] + summary["calls"]


def test_an_empty_file_is_fine(tmp_path):
    path = tmp_path / "empty.db"
    path.touch()
    assert load_demo(str(path))["clients"] >= 55


def test_deterministic(demo, tmp_path):
    path, _, sv = demo
    again = tmp_path / "again.db"
    load_demo(str(again))
    sv2 = services_at(again)
    try:
        assert [r[1:5] for r in register(sv2)] == [r[1:5] for r in register(sv)]
        assert register(sv2) == register(sv)
    finally:
        sv2.close()


def test_today_is_configurable(tmp_path):
    today = date(2027, 3, 1)
    summary = load_demo(str(tmp_path / "later.db"), today=today)
    assert summary["today"] == "2027-03-01" and summary["now"].isoformat() == "2027-03-01T09:00:00+08:00"
    sv = services_at(tmp_path / "later.db", today)
    try:
        rows = register(sv)
        assert max(r[6] for r in rows) == today - timedelta(days=1)
        assert min(r[6] for r in rows) == today - timedelta(days=20)
        assert sv.roster.show(actor=PM)["away"] == ["赵磊"]
    finally:
        sv.close()


def test_a_bad_dataset_leaves_no_file(tmp_path):
    data = load_dataset()
    # a follow-up by an advisor who does not own the client: the services refuse it
    victim = next(e for e in data["events"] if e["op"] == "followup" and e["by"] == "陈静")
    victim["by"] = "张伟"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    target = tmp_path / "bad.db"
    with pytest.raises(DemoError, match="followup"):
        load_demo(str(target), dataset=bad)
    assert not target.exists()
