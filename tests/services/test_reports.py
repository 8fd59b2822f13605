"""R9 figures per advisor and period, and R10 complaints and suggestions, through the services.

The scripted day (2026-11-01, high-volume mode, duty_share 30%):

    10:00 张三 walks in      → 李娜 by rotation (turn)
    10:05 李四 walks in      → 张伟 by rotation (turn)
    10:10 王五 walks in      → 刘洋 by rotation (turn)
    10:20 李娜 away; 10:25 张三 again → duty reception by 张伟 (李娜 is told); 10:30 李娜 back
    11:00 赵六 calls         → 刘洋 answers: his client
    14:00 follow-ups: 李娜 reaches 张三 (valid); 张伟 cannot reach 李四 (the PM signs it);
          刘洋 cannot reach 王五 (not signed)
    15:00 张伟, on duty for 张三, takes the deposit on A-101 and closes at the list price 800,000
          → 李娜 70% (owner), 张伟 30% (R3.2)
"""

from __future__ import annotations

import contextlib
from datetime import date
import csv
import io

import pins
import pytest

from frontdesk.services.errors import BadInput, Refused

from .conftest import CHEN, GM, LI, LISI, LIU, PM, WANGWU, ZHANG, ZHANGSAN, ZHAOLIU

ADMIN = "钱主管"
DAY = "2026-11-01"


def scripted_day(office) -> None:
    office.sv.staff.settings("duty_share", "30", actor=PM)
    office.sv.deals.unit_add("A-101", "800000", actor=PM)
    office.at(f"{DAY} 10:00")
    assert office.visit(ZHANGSAN, name="张三")["advisor"] == LI
    office.at(f"{DAY} 10:05")
    assert office.visit(LISI, name="李四")["advisor"] == ZHANG
    office.at(f"{DAY} 10:10")
    assert office.visit(WANGWU, name="王五")["advisor"] == LIU
    office.at(f"{DAY} 10:20")
    office.away(LI)
    office.at(f"{DAY} 10:25")
    v = office.visit(ZHANGSAN)
    assert (v["route"], v["advisor"], v["owner"]) == ("duty", ZHANG, LI)
    office.at(f"{DAY} 10:30")
    office.sv.roster.mark(LI, False, actor=PM)
    office.at(f"{DAY} 11:00")
    assert office.sv.reception.call(ZHAOLIU, name="赵六", actor=LIU)["advisor"] == LIU
    office.at(f"{DAY} 14:00")
    assert office.sv.records.followup(ZHANGSAN, "reached", note="约周末看房", score=8, actor=LI)["valid"] is True
    fu = office.sv.records.followup(LISI, "unreachable", note="关机", actor=ZHANG)
    office.sv.records.verify_followup(fu["id"], actor=PM)
    office.sv.records.followup(WANGWU, "unreachable", note="不通", actor=LIU)
    office.at(f"{DAY} 15:00")
    office.sv.deals.deposit("A-101", ZHANGSAN, "50000", actor=ZHANG)
    d = office.sv.deals.deal("A-101", ZHANGSAN, "800000", actor=ZHANG)
    assert {c["advisor"]: str(c["amount"]) for c in d["credit"]} == {LI: "560000.00", ZHANG: "240000.00"}
    office.at(f"{DAY} 18:00")


def zero(name: str, **kw) -> dict:
    row = {"advisor": name, "receptions": 0, "by_route": {}, "calls": 0, "turns": 0, "duty_given": 0,
           "duty_received": 0, "clients_held": 0, "lapses": 0, "followups_valid": 0, "followups_unreachable": 0,
           "followups_verified": 0, "deposits": 0, "deals": 0, "credit": "0.00"}
    row.update(kw)
    return row


EXPECTED_DAY = {
    PM: zero(PM),
    LI: zero(LI, receptions=1, by_route={"rotation": 1}, turns=1, duty_received=1, clients_held=1,
             followups_valid=1, credit="560000.00"),
    ZHANG: zero(ZHANG, receptions=2, by_route={"rotation": 1, "duty": 1}, turns=1, duty_given=1, clients_held=1,
                followups_unreachable=1, followups_verified=1, deposits=1, deals=1, credit="240000.00"),
    LIU: zero(LIU, receptions=1, by_route={"rotation": 1}, calls=1, turns=1, clients_held=2,
              followups_unreachable=1),
    CHEN: zero(CHEN),
}


def figures(rows: list[dict]) -> dict[str, dict]:
    return {r["advisor"]: {k: r[k] for k in zero("x")} for r in rows}


def test_report_figures_per_advisor_after_a_scripted_day(office):
    scripted_day(office)
    r = office.sv.reports.report(DAY, DAY, actor=PM)
    assert (str(r["from"]), str(r["to"])) == (DAY, DAY)
    assert [x["advisor"] for x in r["advisors"]] == [PM, LI, ZHANG, LIU, CHEN]
    assert figures(r["advisors"]) == EXPECTED_DAY
    assert r["reasons"][0].rule == "R9"
    skipped = {x["advisor"]: x["skipped"] for x in r["advisors"]}
    assert skipped[LI] == {"away": 1} and skipped[ZHANG] == skipped[LIU] == {}  # 李娜 was away at 10:25


def test_report_default_period_is_this_month_to_today(office):
    scripted_day(office)
    r = office.sv.reports.report(actor=PM)
    assert (str(r["from"]), str(r["to"])) == (DAY, DAY)
    assert figures(r["advisors"]) == EXPECTED_DAY


def test_report_other_periods(office):
    scripted_day(office)
    # the next day: nothing happened, but every client is still protected (held)
    office.at("2026-11-02 18:00")
    r = office.sv.reports.report("2026-11-02", "2026-11-02", actor=PM)
    assert figures(r["advisors"]) == {
        PM: zero(PM), LI: zero(LI, clients_held=1), ZHANG: zero(ZHANG, clients_held=1),
        LIU: zero(LIU, clients_held=2), CHEN: zero(CHEN)}
    # the first half of the month: every client's last valid contact was on the 1st → lapsed on the 9th
    office.at("2026-11-15 18:00")
    r = office.sv.reports.report("2026-11-01", "2026-11-15", actor=PM)
    got = figures(r["advisors"])
    assert {n: (f["clients_held"], f["lapses"]) for n, f in got.items()} == {
        PM: (0, 0), LI: (0, 1), ZHANG: (0, 1), LIU: (0, 2), CHEN: (0, 0)}
    assert {n: (f["receptions"], f["deals"], f["credit"]) for n, f in got.items()} == {
        n: (e["receptions"], e["deals"], e["credit"]) for n, e in EXPECTED_DAY.items()}


def test_a_period_before_anything_happened_is_all_zero(office):
    scripted_day(office)
    r = office.sv.reports.report("2026-10-01", "2026-10-31", actor=PM)
    assert figures(r["advisors"]) == {n: zero(n) for n in EXPECTED_DAY}


def test_a_lapse_in_the_period_counts_even_if_the_client_came_back_later(office):
    office.visit(ZHANGSAN, name="张三")  # 李娜 on the 1st: protected through the 8th, lapsed on the 9th
    office.on(12)
    office.sv.roster.set([LI, ZHANG, LIU, CHEN], actor=PM)
    v = office.visit(ZHANGSAN)  # lapsed: 李娜 again by rotation, a new window from the 12th
    assert (v["route"], v["advisor"]) == ("rotation", LI)
    office.on(15)
    rows = figures(office.sv.reports.report("2026-11-01", "2026-11-10", actor=PM)["advisors"])
    assert (rows[LI]["lapses"], rows[LI]["clients_held"]) == (1, 0)


def test_report_bad_periods(office):
    with pytest.raises(BadInput) as bad:
        office.sv.reports.report("2026-11-05", "2026-11-01", actor=PM)
    assert bad.value.field == "from"
    with pytest.raises(BadInput) as bad:
        office.sv.reports.report("2025-01-01", "2026-11-01", actor=PM)
    assert bad.value.field == "to"
    with pytest.raises(BadInput) as bad:
        office.sv.reports.report("yesterday", None, actor=PM)
    assert bad.value.field == "from"


def test_an_advisor_sees_only_their_own_row(office):
    scripted_day(office)
    for name in (LI, ZHANG, LIU):
        rows = office.sv.reports.report(DAY, DAY, actor=name)["advisors"]
        assert [x["advisor"] for x in rows] == [name]
        assert figures(rows)[name] == EXPECTED_DAY[name]


def run_cli(*argv: str) -> tuple[int, str, str]:
    from frontdesk.cli import main

    argv, _ = pins.supply(list(argv))  # the acting person's PIN (tests/pins.py)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(list(argv))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 0
        else:
            raise AssertionError("main() returned without SystemExit")
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def no_env(monkeypatch):
    for k in ("FRONTDESK_DB", "FRONTDESK_NOW", "FRONTDESK_USER", "FRONTDESK_PROJECT"):
        monkeypatch.delenv(k, raising=False)


def test_report_csv_has_the_header_and_one_row_per_advisor(office, no_env):
    from frontdesk.cli.deals import REPORT_COLUMNS

    scripted_day(office)
    code, out, err = run_cli("--db", str(office.path), "--as", PM, "--at", f"{DAY} 18:00", "--lang", "en",
                             "report", "--from", DAY, "--to", DAY, "--csv")
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == list(REPORT_COLUMNS)
    assert {"advisor", "receptions", "turns", "duty_given", "clients_held", "lapses", "followups_valid", "deposits",
            "deals", "credit"} <= set(rows[0])
    body = [dict(zip(rows[0], r)) for r in rows[1:]]
    assert [b["advisor"] for b in body] == [PM, LI, ZHANG, LIU, CHEN]
    for b in body:
        exp = EXPECTED_DAY[b["advisor"]]
        for k in REPORT_COLUMNS:
            if k in exp and k != "advisor":
                assert b[k] == str(exp[k]), (b["advisor"], k)
    # an advisor's CSV carries their row only
    office.sv.staff.set_pin(LIU, pins.TEST_PIN, actor=PM)  # acting on the command line needs one's PIN
    code, out, _ = run_cli("--db", str(office.path), "--as", LIU, "--at", f"{DAY} 18:00", "report", "--from", DAY,
                           "--to", DAY, "--csv")
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert [r[0] for r in rows] == ["advisor", LIU]


def test_referral_credit_shows_in_the_reporting_advisors_report(office):
    office.visit(ZHANGSAN, name="张三")  # 李娜, P1
    office.sv.staff.init("P2", "江南新城", actor=PM)
    office.sv.staff.add("赵经理", "pm", actor=PM, project="P2")
    office.sv.staff.add("周杰", "advisor", actor="赵经理", project="P2")
    office.sv.roster.set(["周杰"], actor="赵经理", project="P2")
    office.sv.deals.referral(ZHANGSAN, "P2", actor=LI)
    office.visit(ZHANGSAN, name="张三", actor="赵经理", project="P2")
    office.sv.deals.unit_add("B-201", "1000000", actor="赵经理", project="P2")
    d = office.sv.deals.deal("B-201", ZHANGSAN, "1000000", actor="周杰", project="P2")
    assert {c["advisor"]: str(c["amount"]) for c in d["credit"]} == {LI: "500000.00", "周杰": "500000.00"}
    p1 = {x["advisor"]: x["credit"] for x in office.sv.reports.report(DAY, DAY, actor=PM)["advisors"]}
    p2 = {x["advisor"]: x["credit"] for x in office.sv.reports.report(DAY, DAY, actor="赵经理",
                                                                        project="P2")["advisors"]}
    assert p2["周杰"] == "500000.00"
    assert p1.get(LI) == "500000.00" or p2.get(LI) == "500000.00", (p1, p2)


def test_transfer_credit_shows_in_the_moved_advisors_report(office):
    office.visit(ZHANGSAN, name="张三")  # 李娜, P1
    office.sv.staff.init("P2", "江南新城", actor=PM)
    office.sv.staff.add("赵经理", "pm", actor=PM, project="P2")
    office.on(3)
    office.sv.staff.transfer(LI, "P2", actor=PM)
    office.sv.records.reassign(ZHANGSAN, ZHANG, actor=PM)
    office.sv.deals.unit_add("A-101", "800000", actor=PM)
    office.on(5)
    d = office.sv.deals.deal("A-101", ZHANGSAN, "800000", actor=ZHANG)
    assert {c["advisor"]: str(c["amount"]) for c in d["credit"]} == {LI: "800000.00"}
    p1 = {x["advisor"]: x["credit"] for x in office.sv.reports.report("2026-11-01", "2026-11-05",
                                                                        actor=PM)["advisors"]}
    p2 = {x["advisor"]: x["credit"] for x in office.sv.reports.report("2026-11-01", "2026-11-05", actor="赵经理",
                                                                        project="P2")["advisors"]}
    assert p1.get(LI) == "800000.00" or p2.get(LI) == "800000.00", (p1, p2)


# ---------------------------------------------------------------- R10 complaints and suggestions


@pytest.fixture
def desk_with_admin(office):
    office.sv.staff.add(ADMIN, "sales-admin", actor=PM)
    return office


def test_complaint_filed_by_an_advisor_and_handled_by_the_sales_admin(desk_with_admin):
    office = desk_with_admin
    c = office.sv.reports.complaint_add("客户投诉：样板间空调不制冷", actor=LI)
    assert (c["kind"], c["status"], sorted(c["notified"])) == ("complaint", "open", sorted([ADMIN, GM]))  # R10: and the GM
    cid = c["complaint"]
    assert office.inbox_kinds(ADMIN) == [("complaint_received", "R10")]

    for who in (LI, ZHANG, PM):  # only the sales admin and the GM move it along
        with pytest.raises(Refused) as exc:
            office.sv.reports.complaint_status(cid, "closed", "已修好", actor=who)
        assert exc.value.reason.rule == "R10"
    assert office.count("complaintevent") == 1

    office.at("2026-11-01 11:00")
    r = office.sv.reports.complaint_status(cid, "in_progress", actor=ADMIN)
    assert r == {"complaint": cid, "status": "in_progress", "resolution": ""}
    [row] = office.sv.reports.complaint_list(actor=LI)
    assert (row["status"], row["by"], row["text"]) == ("in_progress", LI, "客户投诉：样板间空调不制冷")

    with pytest.raises(BadInput) as bad:
        office.sv.reports.complaint_status(cid, "closed", actor=ADMIN)
    assert bad.value.field == "resolution"
    with pytest.raises(BadInput) as bad:
        office.sv.reports.complaint_status(cid, "closed", "   ", actor=ADMIN)
    assert bad.value.field == "resolution"
    assert office.count("complaintevent") == 2

    r = office.sv.reports.complaint_status(cid, "closed", "已请物业维修空调", actor=ADMIN)
    assert (r["status"], r["resolution"]) == ("closed", "已请物业维修空调")
    [row] = office.sv.reports.complaint_list(actor=LI)
    assert (row["status"], row["resolution"]) == ("closed", "已请物业维修空调")
    with pytest.raises(Refused) as exc:  # closed stays closed
        office.sv.reports.complaint_status(cid, "open", actor=ADMIN)
    assert exc.value.reason.rule == "R10"
    assert office.rows("SELECT status FROM complaintevent ORDER BY id") == [("open",), ("in_progress",), ("closed",)]


def test_suggestion_and_who_sees_what(desk_with_admin):
    office = desk_with_admin
    a = office.sv.reports.complaint_add("客户投诉：停车位不足", actor=LI)["complaint"]
    b = office.sv.reports.complaint_add("建议在周末增加一名值班顾问", kind="suggestion", actor=ZHANG)["complaint"]
    assert [x["complaint"] for x in office.sv.reports.complaint_list(actor=LI)] == [a]
    assert [x["complaint"] for x in office.sv.reports.complaint_list(actor=ZHANG)] == [b]
    assert office.sv.reports.complaint_list(actor=LIU) == []
    for who in (ADMIN, GM, PM):
        assert [(x["complaint"], x["kind"]) for x in office.sv.reports.complaint_list(actor=who)] == [
            (a, "complaint"), (b, "suggestion")]
    r = office.sv.reports.complaint_status(b, "closed", "已排班", actor=GM)  # the GM may close too
    assert r["status"] == "closed"


def test_complaint_bad_input(desk_with_admin):
    office = desk_with_admin
    with pytest.raises(BadInput) as bad:
        office.sv.reports.complaint_add("   ", actor=LI)
    assert bad.value.field == "text"
    with pytest.raises(BadInput) as bad:
        office.sv.reports.complaint_add("text", kind="praise", actor=LI)
    assert bad.value.field == "kind"
    cid = office.sv.reports.complaint_add("text", actor=LI)["complaint"]
    with pytest.raises(BadInput) as bad:
        office.sv.reports.complaint_status(cid, "done", actor=ADMIN)
    assert bad.value.field == "status"
    with pytest.raises(BadInput) as bad:
        office.sv.reports.complaint_status(cid + 100, "in_progress", actor=ADMIN)
    assert bad.value.field == "id"
    assert office.counts("complaint", "complaintevent") == {"complaint": 1, "complaintevent": 1}


def test_a_struck_out_visit_counts_for_no_one(office):
    """R2.1/R9: a page struck out by a later amending entry (written the next day) is no turn and
    no reception: the figures (and the console's bars) drop the advisor it named."""
    office.at(f"{DAY} 10:00")
    v = office.visit(ZHANGSAN, name="张三")
    assert v["advisor"] == LI
    office.at(f"{DAY} 10:30")
    assert office.visit(LISI, name="李四")["advisor"] != LI
    assert office.sv.manager.daily(DAY, DAY, actor=PM)["visits"] == [2]
    office.at("2026-11-02 09:30")
    office.sv.amend.amend("visit", v["entry"], "登记错了：客户没来", void=True, actor=PM)
    r = office.sv.reports.report(DAY, DAY, actor=PM)
    li = next(x for x in r["advisors"] if x["advisor"] == LI)
    assert (li["receptions"], li["turns"], li["by_route"]) == (0, 0, {})
    # and the console's daily chart: the struck-out page is no visit of its day; the other stays
    daily = office.sv.manager.daily(DAY, DAY, actor=PM)
    assert (daily["days"], daily["visits"]) == ([date.fromisoformat(DAY)], [1])
