"""The deal part of docs/cli.md end to end with --json: units, deposits (R1.2), deals (R7), large deals
(P2), credit (R6, R1.1, R3.2), reflections (R5.5), reports (R9) and complaints (R10).

Exit codes: 0 done; 1 refused by a rule (the error names it); 2 bad input (the error names the
field). Nothing is written when a command fails.

The deal office (a session template on top of the CLI office of conftest.py), on 2026-11-01:
10:00 P1 walks in → 李娜; 10:05 P2 walks in → 张伟; the PM lists unit A-101 at 800,000 and the
villa V-1 at 1,500,000 (a large deal: over the default threshold of 1,000,000).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from dbkit import copy_db

from .conftest import (CHEN, GM, LI, LIU, P1, P2, P3, PM, T0, ZHANG, FD, assert_error, assert_reasons, derive_template,
                       row_counts)

MONEY = ("deposit", "deal", "dealshare", "unit")
LATER = "2026-11-01 15:00"
DEAL_KEYS = {"deal", "large", "credit", "notified", "reasons"}
DEPOSIT_KEYS = {"deposit", "unit", "amount", "client", "notified", "reasons"}
ADMIN = "钱主管"


def _deal_office(office: FD) -> None:
    office.ok("visit", "--phone", P1, "--name", "陈先生", as_=PM, at=T0)
    office.ok("visit", "--phone", P2, "--name", "林女士", as_=PM, at="2026-11-01 10:05")
    office.ok("unit", "add", "A-101", "--price", "800000", as_=PM, at="2026-11-01 10:10")
    office.ok("unit", "add", "V-1", "--price", "1,500,000.00", as_=PM, at="2026-11-01 10:10")


@pytest.fixture(scope="session")
def deal_template(office_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return derive_template(office_template, tmp_path_factory.mktemp("deals") / "deals.db", _deal_office)


@pytest.fixture
def desk(deal_template: Path, tmp_path: Path) -> FD:
    db = copy_db(deal_template, tmp_path / "deals.db")
    return FD(db)


def money_counts(f: FD) -> dict[str, int]:
    return row_counts(f.db, MONEY)


def credit(out: dict) -> dict[str, tuple[str, str]]:
    return {c["advisor"]: (c["share"], c["amount"]) for c in out["credit"]}


def has_rule(reasons: list[str], rule: str) -> bool:
    return any(r.startswith(rule + ":") for r in reasons)


# ---------------------------------------------------------------- unit add


def test_unit_add(desk: FD) -> None:
    out = desk.ok("unit", "add", "C-1", "--price", "750000.5", as_=PM, at=LATER)
    assert out == {"unit": "C-1", "price": "750000.50"}
    code, _, err = desk("unit", "add", "C-2", "--price", "750000", as_=LI, at=LATER)
    assert_error(code, err, 1, error_code="refused", rule="R7")
    code, _, err = desk("unit", "add", "C-1", "--price", "750000", as_=PM, at=LATER)
    assert_error(code, err, 2, error_code="bad_input", field="code")
    assert money_counts(desk)["unit"] == 3


# ---------------------------------------------------------------- deposits, R1.2


def test_deposit_then_a_second_deposit_is_refused_naming_the_holder(desk: FD) -> None:
    out = desk.ok("deposit", "--unit", "A-101", "--phone", P1, "--amount", "50000", as_=LI, at=LATER)
    assert DEPOSIT_KEYS <= set(out)
    assert (out["unit"], out["amount"], out["notified"]) == ("A-101", "50000.00", [])
    assert_reasons(out["reasons"])
    assert has_rule(out["reasons"], "R1.2")
    before = money_counts(desk)
    code, _, err = desk("deposit", "--unit", "A-101", "--phone", P2, "--amount", "60000", as_=ZHANG,
                        at="2026-11-01 15:30")
    e = assert_error(code, err, 1, error_code="refused", rule="R1.2")
    assert LI in e["message"] and "A-101" in e["message"]
    assert money_counts(desk) == before


# ---------------------------------------------------------------- deal, R7


def test_deal_at_list_price_credits_the_owner(desk: FD) -> None:
    desk.ok("deposit", "--unit", "A-101", "--phone", P1, "--amount", "50000", as_=LI, at=LATER)
    out = desk.ok("deal", "--unit", "A-101", "--phone", P1, "--amount", "800000", as_=LI, at="2026-11-01 16:00")
    assert DEAL_KEYS <= set(out)
    assert out["large"] is False and out["notified"] == []
    assert out["credit"] == [{"advisor": LI, "share": "100.00", "amount": "800000.00"}]
    assert_reasons(out["reasons"])
    assert has_rule(out["reasons"], "R2.2")
    assert money_counts(desk) == {"deposit": 1, "deal": 1, "dealshare": 1, "unit": 2}
    listed = desk.ok("deals", as_=LI, at="2026-11-01 16:00")
    assert [(d["deal"], d["unit"], d["closer"], d["amount"]) for d in listed] == [(out["deal"], "A-101", LI,
                                                                                   "800000.00")]
    assert desk.ok("deals", as_=ZHANG, at="2026-11-01 16:00") == []
    # sold: another deal on A-101 is refused (R1.2)
    code, _, err = desk("deal", "--unit", "A-101", "--phone", P1, "--amount", "800000", as_=LI, at="2026-11-01 16:05")
    assert_error(code, err, 1, rule="R1.2")


def test_deal_below_list_needs_a_pm_approval_r7(desk: FD) -> None:
    before = money_counts(desk)
    code, _, err = desk("deal", "--unit", "A-101", "--phone", P1, "--amount", "780000", as_=LI, at=LATER)
    e = assert_error(code, err, 1, error_code="refused", rule="R7")
    assert "800000" in e["message"]  # names the list price
    code, _, err = desk("deal", "--unit", "A-101", "--phone", P1, "--amount", "780000", "--approved-by", ZHANG,
                        as_=LI, at=LATER)
    assert_error(code, err, 1, rule="R7")
    code, _, err = desk("deal", "--unit", "A-101", "--phone", P1, "--amount", "780000", "--approved-by", "无名氏",
                        as_=LI, at=LATER)
    assert_error(code, err, 2, field="approved_by")
    code, _, err = desk("deal", "--unit", "A-101", "--phone", P1, "--amount", "780000", "--approved-by", PM,
                        as_=LI, at=LATER)
    assert_error(code, err, 1, rule="R7")  # no approved request yet
    assert money_counts(desk) == before
    asked = desk.ok("discount", "request", "--unit", "A-101", "--phone", P1, "--discount", "20000", as_=LI, at=LATER)
    assert asked["status"] == "pending" and has_rule(asked["reasons"], "R7")
    code, _, err = desk("discount", "decide", str(asked["request"]), "--approve", as_=LI, at=LATER)
    assert_error(code, err, 1, rule="R2.1")  # only the PM decides
    code, _, err = desk("discount", "decide", str(asked["request"]), as_=PM, at=LATER)
    assert_error(code, err, 2, field="decision")
    code, _, err = desk("discount", "decide", str(asked["request"]), "--refuse", as_=PM, at=LATER)
    assert_error(code, err, 2, field="reason")  # a refusal says why
    decided = desk.ok("discount", "decide", str(asked["request"]), "--approve", "--reason", "老客户", as_=PM, at=LATER)
    assert decided["approved"] is True
    out = desk.ok("deal", "--unit", "A-101", "--phone", P1, "--amount", "780000", "--approved-by", PM, as_=LI,
                  at=LATER)
    assert has_rule(out["reasons"], "R7")
    assert credit(out) == {LI: ("100.00", "780000.00")}


def test_deal_on_a_unit_held_for_another_client_is_refused(desk: FD) -> None:
    desk.ok("deposit", "--unit", "A-101", "--phone", P1, "--amount", "50000", as_=LI, at=LATER)
    before = money_counts(desk)
    code, _, err = desk("deal", "--unit", "A-101", "--phone", P2, "--amount", "800000", as_=ZHANG, at=LATER)
    e = assert_error(code, err, 1, rule="R1.2")
    assert LI in e["message"]
    assert money_counts(desk) == before


# ---------------------------------------------------------------- bad amounts: exit 2, nothing written

BAD_AMOUNTS = ["-5", "abc", "1.234", ""]


@pytest.mark.parametrize("raw", BAD_AMOUNTS)
@pytest.mark.parametrize(("argv", "actor", "field"), [
    pytest.param(["deposit", "--unit", "A-101", "--phone", P1, "--amount"], LI, "amount", id="deposit-amount"),
    pytest.param(["deal", "--unit", "A-101", "--phone", P1, "--amount"], LI, "amount", id="deal-amount"),
    pytest.param(["deal", "--unit", "A-101", "--phone", P1, "--amount", "790000", "--approved-by", PM,
                  "--discount"], LI, "discount", id="deal-discount"),
    pytest.param(["unit", "add", "C-9", "--price"], PM, "price", id="unit-price"),
])
def test_bad_amounts_exit_2_naming_the_field_and_write_nothing(desk: FD, argv, actor, field, raw) -> None:
    before = money_counts(desk)
    code, out, err = desk(*argv, raw, as_=actor, at=LATER)
    e = assert_error(code, err, 2, error_code="bad_input", field=field)
    assert field in e["message"]
    assert out == ""
    assert money_counts(desk) == before


@pytest.mark.parametrize("raw", ["-5", "1.234"])
def test_bad_amount_in_equals_form_is_bad_input_too(desk: FD, raw) -> None:
    before = money_counts(desk)
    code, _, err = desk("deposit", "--unit", "A-101", "--phone", P1, f"--amount={raw}", as_=LI, at=LATER)
    assert_error(code, err, 2, field="amount")
    assert money_counts(desk) == before


def test_bad_unit_and_bad_phone_name_their_field(desk: FD) -> None:
    before = money_counts(desk)
    code, _, err = desk("deposit", "--unit", "Z-9", "--phone", P1, "--amount", "5000", as_=LI, at=LATER)
    assert_error(code, err, 2, field="unit")
    code, _, err = desk("deposit", "--unit", "A-101", "--phone", "abc", "--amount", "5000", as_=LI, at=LATER)
    assert_error(code, err, 2, field="phone")
    assert money_counts(desk) == before


# ---------------------------------------------------------------- part 2: large deals


def test_large_deal_alone_flow(desk: FD) -> None:
    dep = desk.ok("deposit", "--unit", "V-1", "--phone", P1, "--amount", "100000", as_=LI, at=LATER)
    assert dep["notified"] == [PM]
    assert has_rule(dep["reasons"], "P2")
    inbox = desk.ok("inbox", as_=PM, at=LATER)
    assert [(n["kind"], n["rule"]) for n in inbox["items"]] == [("large_deal", "P2")]

    before = money_counts(desk)
    code, _, err = desk("deal", "--unit", "V-1", "--phone", P1, "--amount", "1500000", as_=LI, at="2026-11-01 16:00")
    assert_error(code, err, 1, error_code="refused", rule="P2")
    assert money_counts(desk) == before

    code, _, err = desk("large-deal", "--unit", "V-1", "--phone", P1, "--decision", "alone", as_=LI,
                        at="2026-11-01 16:10")
    assert_error(code, err, 1, rule="P2")
    code, _, err = desk("large-deal", "--unit", "V-1", "--phone", P1, "--decision", "both", as_=PM,
                        at="2026-11-01 16:10")
    assert_error(code, err, 2, field="decision")
    dec = desk.ok("large-deal", "--unit", "V-1", "--phone", P1, "--decision", "alone", "--note", "老客户",
                  as_=PM, at="2026-11-01 16:10")
    assert dec["decision"] == "alone" and has_rule(dec["reasons"], "P2")
    desk.ok("settings", "company_rate", "50", as_=PM, at="2026-11-01 16:15")
    out = desk.ok("deal", "--unit", "V-1", "--phone", P1, "--amount", "1500000", as_=LI, at="2026-11-01 16:20")
    assert out["large"] is True and out["notified"] == [PM]
    assert credit(out) == {LI: ("100.00", "1250000.00")}
    assert has_rule(out["reasons"], "P2")


def test_large_deal_assisted_shares(desk: FD) -> None:
    desk.ok("large-deal", "--unit", "V-1", "--phone", P1, "--decision", "assist", as_=PM, at=LATER)
    before = money_counts(desk)
    code, _, err = desk("deal", "--unit", "V-1", "--phone", P1, "--amount", "1500000", "--share", f"{LI}=60",
                        "--share", f"{PM}=30", as_=PM, at=LATER)
    e = assert_error(code, err, 1, error_code="refused", rule="P2")
    assert e.get("reason") == "shares_not_100"
    code, _, err = desk("deal", "--unit", "V-1", "--phone", P1, "--amount", "1500000", "--share", f"{LI}=abc",
                        as_=PM, at=LATER)
    assert_error(code, err, 2, field="share")
    code, _, err = desk("deal", "--unit", "V-1", "--phone", P1, "--amount", "1500000", "--share", "无名氏=100",
                        as_=PM, at=LATER)
    assert_error(code, err, 2, field="share")
    assert money_counts(desk) == before
    out = desk.ok("deal", "--unit", "V-1", "--phone", P1, "--amount", "1500000", "--share", f"{LI}=60",
                  "--share", f"{PM}=40", as_=PM, at=LATER)
    assert credit(out) == {LI: ("60.00", "900000.00"), PM: ("40.00", "600000.00")}
    assert money_counts(desk) == {**before, "deal": 1, "dealshare": 2}


# ---------------------------------------------------------------- R6, R1.1, R3.2 through the CLI


@pytest.mark.parametrize(("when", "expected"), [
    pytest.param("2026-11-08 11:00", {LI: ("100.00", "800000.00")}, id="R6-day-5"),
    pytest.param("2026-11-23 11:00", {LI: ("50.00", "400000.00"), ZHANG: ("50.00", "400000.00")}, id="R6-day-20"),
])
def test_transfer_reassign_and_deal(desk: FD, when, expected) -> None:
    desk.ok("init", "--project", "P2", "--name", "江南新城", as_=PM, at="2026-11-03 09:00")
    t = desk.ok("staff", "transfer", LI, "--to", "P2", as_=PM, at="2026-11-03 09:30")
    assert (t["from"], t["to"], t["clients_held"]) == ("P1", "P2", 1)
    r = desk.ok("reassign", "--phone", P1, "--to", ZHANG, as_=PM, at="2026-11-03 10:00")
    assert r["owner"] == ZHANG
    out = desk.ok("deal", "--unit", "A-101", "--phone", P1, "--amount", "800000", as_=ZHANG, at=when)
    assert credit(out) == expected
    assert has_rule(out["reasons"], "R6")


def test_referral_to_another_project(desk: FD) -> None:
    desk.ok("init", "--project", "P2", "--name", "江南新城", as_=PM, at="2026-11-02 09:00")
    desk.ok("--project", "P2", "staff", "add", "赵经理", "--role", "pm", as_=PM, at="2026-11-02 09:00")
    desk.ok("staff", "add", "周杰", "--role", "advisor", as_="赵经理", at="2026-11-02 09:00")
    desk.ok("roster", "set", "周杰", as_="赵经理", at="2026-11-02 09:00")
    code, _, err = desk("referral", "--phone", P1, "--to", "P2", as_=ZHANG, at="2026-11-02 10:00")
    assert_error(code, err, 1, rule="R1.1")
    code, _, err = desk("referral", "--phone", P1, "--to", "P9", as_=LI, at="2026-11-02 10:00")
    assert_error(code, err, 2, field="to")
    ref = desk.ok("referral", "--phone", P1, "--to", "P2", as_=LI, at="2026-11-02 10:00")
    assert (ref["to"], ref["reporter"], ref["notified"]) == ("P2", LI, [PM])
    v = desk.ok("visit", "--phone", P1, as_="赵经理", at="2026-11-03 10:00")
    assert v["advisor"] == "周杰"
    desk.ok("unit", "add", "B-201", "--price", "900000", as_="赵经理", at="2026-11-03 10:00")
    out = desk.ok("deal", "--unit", "B-201", "--phone", P1, "--amount", "900000", as_="周杰", at="2026-11-03 11:00")
    assert credit(out) == {LI: ("50.00", "450000.00"), "周杰": ("50.00", "450000.00")}
    assert has_rule(out["reasons"], "R1.1")


def test_duty_share_setting(desk: FD) -> None:
    desk.ok("settings", "duty_share", "30", as_=PM, at="2026-11-02 09:00")
    desk.ok("roster", "away", LI, as_=LI, at="2026-11-02 09:00")
    v = desk.ok("visit", "--phone", P1, as_=PM, at="2026-11-02 09:30")
    assert (v["route"], v["owner"]) == ("duty", LI)
    duty = v["advisor"]
    out = desk.ok("deal", "--unit", "A-101", "--phone", P1, "--amount", "800000", as_=duty, at="2026-11-02 10:00")
    assert credit(out) == {LI: ("70.00", "560000.00"), duty: ("30.00", "240000.00")}
    assert has_rule(out["reasons"], "R3.2")


# ---------------------------------------------------------------- R5.5 reflection


def test_trainee_first_deal_and_reflection(desk: FD) -> None:
    desk.ok("drill", "record", "--trainee", CHEN, "--score", "80", as_=PM, at="2026-11-08 09:00")  # R5.3
    desk.ok("trainee", "pass", CHEN, "--score", "85", as_=PM, at="2026-11-08 09:00")
    desk.ok("roster", "set", CHEN, LI, ZHANG, LIU, as_=PM, at="2026-11-08 09:00")
    v = desk.ok("visit", "--phone", P3, "--name", "黄先生", as_=PM, at="2026-11-08 10:00")
    assert v["advisor"] == CHEN
    out = desk.ok("deal", "--unit", "A-101", "--phone", P3, "--amount", "800000", as_=CHEN, at="2026-11-08 11:00")
    assert out["reflection_pending"] is True
    assert has_rule(out["reasons"], "R5.5")
    [listed] = desk.ok("deals", as_=CHEN, at="2026-11-08 11:00")
    assert listed["reflection_pending"] is True
    code, _, err = desk("reflection", "abc", "--text", "x", as_=CHEN, at="2026-11-08 12:00")
    assert_error(code, err, 2, field="id")
    code, _, err = desk("reflection", str(out["deal"]), "--text", "x", as_=LI, at="2026-11-08 12:00")
    assert_error(code, err, 1, rule="R5.5")
    r = desk.ok("reflection", str(out["deal"]), "--text", "耐心讲解户型，抓住客户关注点", as_=CHEN,
                at="2026-11-08 12:00")
    assert r == {"deal": out["deal"], "reflection_pending": False}
    [listed] = desk.ok("deals", as_=PM, at="2026-11-08 12:00")
    assert listed["reflection_pending"] is False


# ---------------------------------------------------------------- R9 report, R10 complaints


def test_report_json_and_csv(desk: FD) -> None:
    desk.ok("deposit", "--unit", "A-101", "--phone", P1, "--amount", "50000", as_=LI, at=LATER)
    desk.ok("deal", "--unit", "A-101", "--phone", P1, "--amount", "800000", as_=LI, at="2026-11-01 16:00")
    rep = desk.ok("report", "--from", "2026-11-01", "--to", "2026-11-01", as_=PM, at="2026-11-01 18:00")
    assert (rep["from"], rep["to"]) == ("2026-11-01", "2026-11-01")
    rows = {r["advisor"]: r for r in rep["advisors"]}
    assert set(rows) == {PM, LI, ZHANG, LIU, CHEN}
    assert (rows[LI]["receptions"], rows[LI]["turns"], rows[LI]["deposits"], rows[LI]["deals"], rows[LI]["credit"]) \
        == (1, 1, 1, 1, "800000.00")
    assert (rows[ZHANG]["receptions"], rows[ZHANG]["deals"], rows[ZHANG]["credit"]) == (1, 0, "0.00")
    assert_reasons(rep["reasons"])

    mine = desk.ok("report", "--from", "2026-11-01", "--to", "2026-11-01", as_=LI, at="2026-11-01 18:00")
    assert [r["advisor"] for r in mine["advisors"]] == [LI]

    code, out, err = desk("report", "--from", "2026-11-01", "--to", "2026-11-01", "--csv", json=False, as_=PM,
                          at="2026-11-01 18:00")
    assert code == 0, err
    table = list(csv.reader(io.StringIO(out)))
    header, body = table[0], table[1:]
    assert header[0] == "advisor" and {"receptions", "turns", "deposits", "deals", "credit"} <= set(header)
    assert sorted(r[0] for r in body) == sorted([PM, LI, ZHANG, LIU, CHEN])
    li = dict(zip(header, next(r for r in body if r[0] == LI)))
    assert (li["deals"], li["credit"], li["deposits"]) == ("1", "800000.00", "1")

    code, _, err = desk("report", "--from", "2026-11-05", "--to", "2026-11-01", as_=PM, at="2026-11-01 18:00")
    assert_error(code, err, 2, field="from")


def test_complaints(desk: FD) -> None:
    desk.ok("staff", "add", ADMIN, "--role", "sales-admin", as_=PM, at=LATER)
    c = desk.ok("complaint", "add", "客户投诉：停车位不足", as_=LI, at=LATER)
    assert (c["kind"], c["status"], sorted(c["notified"])) == ("complaint", "open", sorted([ADMIN, GM]))  # R10: and the GM
    s = desk.ok("complaint", "add", "建议周末加派值班顾问", "--kind", "suggestion", as_=ZHANG, at=LATER)
    assert s["kind"] == "suggestion"
    assert [x["complaint"] for x in desk.ok("complaint", "list", as_=LI, at=LATER)] == [c["complaint"]]
    assert len(desk.ok("complaint", "list", as_=ADMIN, at=LATER)) == 2

    cid = str(c["complaint"])
    code, _, err = desk("complaint", "status", cid, "--status", "closed", "--resolution", "x", as_=LI, at=LATER)
    assert_error(code, err, 1, rule="R10")
    code, _, err = desk("complaint", "status", cid, "--status", "done", as_=ADMIN, at=LATER)
    assert_error(code, err, 2, field="status")
    out = desk.ok("complaint", "status", cid, "--status", "in_progress", as_=ADMIN, at=LATER)
    assert out["status"] == "in_progress"
    code, _, err = desk("complaint", "status", cid, "--status", "closed", as_=ADMIN, at=LATER)
    assert_error(code, err, 2, field="resolution")
    out = desk.ok("complaint", "status", cid, "--status", "closed", "--resolution", "已协调临时车位", as_=ADMIN,
                  at=LATER)
    assert (out["status"], out["resolution"]) == ("closed", "已协调临时车位")
    [mine] = desk.ok("complaint", "list", as_=LI, at=LATER)
    assert (mine["status"], mine["resolution"]) == ("closed", "已协调临时车位")
    code, _, err = desk("complaint", "add", "x", "--kind", "praise", as_=LI, at=LATER)
    assert_error(code, err, 2, field="kind")
