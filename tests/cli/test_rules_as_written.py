"""Rules as written (issue 15), end to end through the command line, with exact dates and the
rule's line quoted from the office's source (sales-office-rules.zh.txt).

The office (conftest): 李娜, 张伟, 刘洋 advisors in that rotation order, 小陈 a trainee in induction
(mentor 李娜), N = 7, set up on 2026-11-01.
"""

from __future__ import annotations

import pytest

from .conftest import CHEN, FD, LI, LIU, P1, P2, PM, ZHANG, assert_error

R8_LINE = "所有業務交叉均由置業顧問自行協商,協商不成雙方均不計入業績"
R41_LINE = "確定前後順序以《來訪客戶登記本》/《進線電話登記本》的登記為準,沒有客戶登記的自動退出"
R24_LINE = "須由服務老客戶的置業顧問事先在《進線電話登記本》上登記新客戶的資訊"
R35_LINE = "客戶上門主動找置業顧問將視為該置業顧問的客戶"
R10_LINE = "銷售管理部接收投訴和建議,防止任何不公平不合理事件"
R53_LINE = "現場觀摹滿一周通過上崗考試(含情景模擬考試)方可以參與接聽電話和輪序接待,在沒有其他置業顧問在場時,可接待客戶"
from .conftest import GM  # noqa: E402  (the office's GM, there from its first day)

ADMIN2 = "赵主管"


def rules(reasons: list[str]) -> list[str]:
    return [r.split(":", 1)[0] for r in reasons]


# ---------------------------------------------------------------- 1. R8


@pytest.mark.parametrize(("rule", "line", "visit_at", "asks_for", "deal_at", "closer", "credited"), [
    pytest.param("R8", R8_LINE, None, None, "2026-11-05 11:00", LI, None, id="R8-holder-closes-no-credit"),
    pytest.param("R8", R8_LINE, "2026-11-12 10:00", LIU, "2026-11-13 11:00", LIU, LIU,
                 id="R8-third-advisor-after-lapse-credited"),
])
def test_r8_neither_bars_only_its_two_advisors(office: FD, rule, line, visit_at, asks_for, deal_at, closer, credited):
    office.ok("unit", "add", "A-101", "--price", "800000", as_=PM, at="2026-11-01 10:00")
    office.ok("visit", "--phone", P1, "--name", "张三", as_=PM, at="2026-11-01 10:05")  # 李娜's
    office.ok("roster", "away", LI, as_=PM, at="2026-11-03 09:00")
    v = office.ok("visit", "--phone", P1, "--asks-for", ZHANG, as_=PM, at="2026-11-03 10:00")
    assert v["route"] == "crossing"
    [case] = office.ok("crossing", "list", as_=PM, at="2026-11-03 10:30")
    office.ok("crossing", "decide", str(case["crossing"]), "--none", as_=PM, at="2026-11-03 11:00")
    if visit_at:  # 李娜's window: 11-01 → 11-08, lapsed 11-09
        assert office.ok("visit", "--phone", P1, "--asks-for", asks_for, as_=PM, at=visit_at)["owner"] == asks_for
    d = office.ok("deal", "--unit", "A-101", "--phone", P1, "--amount", "800000", as_=closer, at=deal_at)
    assert rule in rules(d["reasons"])
    assert [c["advisor"] for c in d["credit"]] == ([credited] if credited else [])


# ---------------------------------------------------------------- 2. R4.1 with R2.4


@pytest.mark.parametrize(("rule", "line", "referral", "winner", "says", "zhang_out"), [
    pytest.param("R4.1", R41_LINE + "; " + R24_LINE, True, ZHANG,
                 "R4.1: 张伟 registered first on 2026-11-02 (call register #2); 李娜 later on 2026-11-03 (call register #3)",
                 False, id="R4.1-R2.4-referral-is-the-earlier-entry"),
    pytest.param("R4.1", R41_LINE, False, LI, "R4.1: only 李娜 registered the client, on 2026-11-03 (call register #2)",
                 True, id="R4.1-no-pre-registration-no-claim"),
])
def test_r4_1_a_referral_pre_registration_counts_in_the_order(office: FD, rule, line, referral, winner, says,
                                                              zhang_out):
    office.ok("call", "--phone", P2, "--name", "李四", as_=ZHANG, at="2026-11-01 10:00")  # 张伟's old client: call#1
    if referral:
        office.ok("call", "--phone", P1, "--name", "张三", "--referred-by", P2, as_=ZHANG, at="2026-11-02 10:00")
        office.ok("call", "--phone", P1, as_=LI, at="2026-11-03 10:00")
    else:
        office.ok("call", "--phone", P1, "--name", "张三", as_=LI, at="2026-11-03 10:00")
    v = office.ok("visit", "--phone", P1, "--asks-for", ZHANG, as_=PM, at="2026-11-04 10:00")
    [case] = office.ok("crossing", "list", as_=PM, at="2026-11-04 10:30")
    assert v["route"] == "crossing" and case["proposal"]["winner"] == winner
    assert says in case["proposal"]["reasons"]
    out = [r for r in case["proposal"]["reasons"] if r.startswith("R4.1: 张伟 has no entry")]
    assert bool(out) is zhang_out, case["proposal"]["reasons"]


# ---------------------------------------------------------------- 4. expired referral → R3.5


@pytest.mark.parametrize(("rule", "line", "pre", "at", "route"), [
    pytest.param("R2.4", R24_LINE, True, "2026-11-09 10:00", "requested", id="R2.4-within-the-window"),
    pytest.param("R3.5", R35_LINE, True, "2026-11-10 10:00", "requested", id="R3.5-expired-like-anyone"),
    pytest.param("R3.5", R35_LINE, False, "2026-11-10 10:00", "requested", id="R3.5-never-pre-registered"),
])
def test_an_expired_referral_routes_by_r3_5(office: FD, rule, line, pre, at, route):
    office.ok("call", "--phone", P2, "--name", "李四", as_=ZHANG, at="2026-11-01 10:00")
    if pre:
        office.ok("call", "--phone", P1, "--name", "张三", "--referred-by", P2, as_=ZHANG, at="2026-11-02 10:00")
    v = office.ok("visit", "--phone", P1, "--asks-for", ZHANG, as_=PM, at=at)
    assert (v["route"], v["advisor"], v["owner"]) == (route, ZHANG, ZHANG)
    assert rule in rules(v["reasons"])


# ---------------------------------------------------------------- 5. R10


@pytest.mark.parametrize(("rule", "line", "admin_elsewhere", "told"), [
    pytest.param("R10", R10_LINE, True, [ADMIN2, GM], id="R10-another-projects-admin-and-the-GM"),
    pytest.param("R10", R10_LINE, False, [GM], id="R10-the-GM-when-no-admin-exists"),
])
def test_r10_complaints_are_company_wide(office: FD, rule, line, admin_elsewhere, told):
    # the office's GM is there from its first day (only a GM makes a GM, R2.2)
    office.ok("init", "--project", "P2", "--name", "江畔花园", as_=GM, at="2026-11-01 09:40")
    if admin_elsewhere:
        office.ok("--project", "P2", "staff", "add", ADMIN2, "--role", "sales-admin", "--pin", "2468", as_=GM,
                  at="2026-11-01 09:50")
    c = office.ok("complaint", "add", "样板间空调不制冷", as_=LI, at="2026-11-02 10:00")
    assert sorted(c["notified"]) == sorted(told)
    listed = office.ok("complaint", "list", as_=told[0], at="2026-11-02 11:00")
    assert [x["complaint"] for x in listed] == [c["complaint"]]
    inbox = office.ok("inbox", as_=told[0], at="2026-11-02 11:00")
    assert any(n["kind"] == "complaint_received" for n in inbox["items"])


# ---------------------------------------------------------------- 6. R5.3 alone at the counter


@pytest.mark.parametrize(("rule", "line", "away", "code"), [
    pytest.param("R5.3", R53_LINE, (LI, ZHANG, LIU), 0, id="R5.3-alone-registers-the-walk-in"),
    pytest.param("R5.3", R53_LINE, (ZHANG, LIU), 1, id="R5.3-another-advisor-present-refused"),
])
def test_r5_3_a_trainee_alone_registers_the_walk_in(office: FD, rule, line, away, code):
    for a in away:
        office.ok("roster", "away", a, as_=PM, at="2026-11-02 09:00")
    got, out, err = office("visit", "--phone", P1, "--name", "张三", as_=CHEN, at="2026-11-02 10:00")
    assert got == code
    if code:
        assert_error(got, err, 1, error_code="refused", rule=rule)
        return
    assert (out["route"], out["advisor"], out["owner"]) == ("trainee-solo", CHEN, CHEN)
    assert LI in out["notified"]  # the mentor (R5.4)


# ---------------------------------------------------------------- 7. R5.3 the drill


@pytest.mark.parametrize(("rule", "line", "drill", "code"), [
    pytest.param("R5.3", R53_LINE, None, 1, id="R5.3-no-drill-refused"),
    pytest.param("R5.3", R53_LINE, "45", 1, id="R5.3-failed-drill-refused"),
    pytest.param("R5.3", R53_LINE, "80", 0, id="R5.3-passed-drill-passes"),
])
def test_r5_3_trainee_pass_needs_a_passed_drill(office: FD, rule, line, drill, code):
    if drill:
        office.ok("drill", "record", "--trainee", CHEN, "--score", drill, as_=PM, at="2026-11-08 09:00")
    got, out, err = office("trainee", "pass", CHEN, "--score", "85", as_=PM, at="2026-11-08 10:00")
    if code:
        e = assert_error(got, err, 1, error_code="refused", rule=rule)
        assert "drill" in e["message"]
        staff = {s["name"]: s for s in office.ok("staff", "list", as_=PM, at="2026-11-08 10:05")}
        assert staff[CHEN]["exam_passed_on"] is None
    else:
        assert got == 0 and out["exam_passed_on"] == "2026-11-08" and rule in rules(out["reasons"])
