"""Rules as written (issue 15): seven places checked against the office's own rules, with the
rule's line quoted from its source (sales-office-rules.zh.txt), through the services, exact dates.

The office (conftest): 李娜, 张伟, 刘洋 advisors in that rotation order, 小陈 a trainee in induction
(mentor 李娜), N = 7; every test starts on 2026-11-01 10:00. Every result here also passes the
reason check of tests/reasoncheck.py (the office's hook).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from frontdesk.services.errors import Refused

from .conftest import CHEN, LI, LISI, LIU, PM, ZHANG, ZHANGSAN, nov, reason

R8_LINE = "所有業務交叉均由置業顧問自行協商,協商不成雙方均不計入業績"
R41_LINE = "確定前後順序以《來訪客戶登記本》/《進線電話登記本》的登記為準,沒有客戶登記的自動退出"
R24_LINE = "須由服務老客戶的置業顧問事先在《進線電話登記本》上登記新客戶的資訊,客戶上門主動找該置業顧問方視為該置業顧問的客戶"
R35_LINE = "客戶上門主動找置業顧問將視為該置業顧問的客戶"
R10_LINE = "銷售管理部接收投訴和建議,防止任何不公平不合理事件"
R53_LINE = "現場觀摹滿一周通過上崗考試(含情景模擬考試)方可以參與接聽電話和輪序接待,在沒有其他置業顧問在場時,可接待客戶"
from .conftest import GM  # noqa: E402  (the office's GM, there from its first day)

ADMIN, ADMIN2 = "钱主管", "赵主管"


def credit_of(d: dict) -> dict[str, Decimal]:
    return {c["advisor"]: Decimal(str(c["share"])) for c in d["credit"]}


# ---------------------------------------------------------------- 1. R8 neither: only its two advisors


def _neither(office) -> None:  # noqa: ANN001
    """李娜 registers 张三 on 11-01; on 11-03, 李娜 away, he asks for 张伟: a crossing, decided "neither"."""
    office.sv.deals.unit_add("A-101", "800000", actor=PM)
    office.visit(ZHANGSAN, name="张三")
    office.on(3)
    office.away(LI)
    v = office.visit(ZHANGSAN, asks_for=ZHANG)
    assert v["route"] == "crossing"
    office.sv.crossings.decide(v["crossing"], winner=None, none=True, actor=PM)


@pytest.mark.parametrize(("rule", "line", "visit_day", "asks_for", "deal_day", "closer", "credit"), [
    pytest.param("R8", R8_LINE, None, None, 5, LI, None, id="R8-holder-closes-the-deal-it-concerned-no-credit"),
    pytest.param("R8", R8_LINE, None, None, 9, ZHANG, None, id="R8-claimant-closes-on-11-09-lapse-day-no-credit"),
    pytest.param("R8", R8_LINE, 12, LIU, 13, LIU, {LIU: Decimal(100)}, id="R8-third-advisor-owns-after-lapse-credited"),
    pytest.param("R8", R8_LINE, 12, ZHANG, 13, ZHANG, {ZHANG: Decimal(100)},
                 id="R8-a-party-owning-anew-after-lapse-by-R2.2-credited"),
])
def test_r8_neither_bars_only_the_crossings_two_advisors(office, rule, line, visit_day, asks_for, deal_day,
                                                       closer, credit):
    _neither(office)
    if visit_day is not None:  # 李娜's window ran 11-01 → 11-08; lapsed on 11-09
        office.on(visit_day)
        v = office.visit(ZHANGSAN, asks_for=asks_for)
        assert (v["route"], v["owner"]) == ("requested", asks_for)
    office.on(deal_day)
    d = office.sv.deals.deal("A-101", ZHANGSAN, "800000", actor=closer)
    if credit is None:
        assert d["no_credit"] is True and d["credit"] == []
        assert reason(d["reasons"], "neither_credited").rule == rule
    else:
        assert d["no_credit"] is False and credit_of(d) == credit
        barred = reason(d["reasons"], "neither_not_party")
        assert barred.rule == rule and barred.data["advisor"] == closer


# ---------------------------------------------------------------- 2. R4.1: pre-registrations and held calls are entries


@pytest.mark.parametrize(("rule", "line", "first", "second", "a", "a_entry", "b", "b_entry", "winner"), [
    pytest.param("R4.1", R41_LINE + "; " + R24_LINE, "referral", "call", ZHANG, "call#2", LI, "call#3", ZHANG,
                 id="R4.1-R2.4-referral-then-anothers-call-referrer-first"),
    pytest.param("R4.1", R41_LINE, "visit", "held-call", LI, "visit#1", ZHANG, "call#2", LI,
                 id="R4.1-a-call-answered-for-a-held-client-is-an-entry"),
])
def test_r4_1_entries_that_count_in_a_crossing(office, rule, line, first, second, a, a_entry, b, b_entry, winner):
    """Referral: 张伟 pre-registers 张三 (referred by 李四) on 11-02; 李娜 answers 张三's call on 11-03;
    on 11-04 张三 walks in asking for 张伟 — 张伟's entry is the earlier one. Held call: 李娜 registers
    张三 on 11-01; 张伟 answers his call on 11-03 and claims him — 张伟 has an entry, the later one."""
    office.sv.reception.call(LISI, name="李四", actor=ZHANG)  # 11-01: 张伟's old client (call#1)
    if first == "referral":
        office.on(2)
        office.sv.reception.call(ZHANGSAN, name="张三", referred_by=LISI, actor=ZHANG)  # call#2, a claim
        office.on(3)
        c = office.sv.reception.call(ZHANGSAN, actor=LI)  # call#3: 李娜's client now
        assert c["owner"] == LI
        office.on(4)
        v = office.visit(ZHANGSAN, asks_for=ZHANG)
        assert v["route"] == "crossing" and v["crossing"] is not None
        [case] = office.sv.crossings.list(actor=PM)
        prop = case["proposal"]
    else:
        office.visit(ZHANGSAN, name="张三")  # visit#1: 李娜's
        office.on(3)
        c = office.sv.reception.call(ZHANGSAN, actor=ZHANG)  # call#2: held by 李娜
        assert reason(c["reasons"], "call_held_by_other").data == {"owner": LI, "advisor": ZHANG}
        prop = office.sv.crossings.open(ZHANGSAN, claimant=ZHANG, actor=ZHANG)["proposal"]
    assert "no_registration" not in [r.code for r in prop["reasons"]]
    order = reason(prop["reasons"], "order")
    assert order.rule == rule
    assert (order.data["a"], order.data["a_entry"], order.data["b"], order.data["b_entry"]) == (a, a_entry, b, b_entry)
    assert prop["winner"] == winner and reason(prop["reasons"], "earlier_kept_up").rule == "R4.2"


# ---------------------------------------------------------------- 4. R2.4 expired: R3.5 like anyone


@pytest.mark.parametrize(("rule", "line", "pre", "day", "asks_for", "route", "advisor", "codes"), [
    pytest.param("R2.4", R24_LINE, 2, 9, ZHANG, "requested", ZHANG, ["referral_honoured"], id="R2.4-within-window-11-09"),
    pytest.param("R3.5", R35_LINE, 2, 10, ZHANG, "requested", ZHANG, ["referral_expired", "asked_for"],
                 id="R3.5-expired-11-10-asks-for-referrer-gets-them"),
    pytest.param("R3.5", R35_LINE, None, 10, ZHANG, "requested", ZHANG, ["asked_for"],
                 id="R3.5-never-pre-registered-asks-for-the-same"),
    pytest.param("R3.3", R24_LINE, 2, 10, None, "rotation", LI, ["referral_expired"], id="R3.3-expired-asks-nobody"),
])
def test_an_expired_referral_is_never_worse_than_none(office, rule, line, pre, day, asks_for, route, advisor, codes):
    office.sv.reception.call(LISI, name="李四", actor=ZHANG)
    if pre is not None:
        office.on(pre)
        office.sv.reception.call(ZHANGSAN, name="张三", referred_by=LISI, actor=ZHANG)
    office.on(day)
    r = office.visit(ZHANGSAN, asks_for=asks_for)
    assert (r["route"], r["advisor"], r["owner"]) == (route, advisor, advisor)
    got = [x.code for x in r["reasons"]]
    assert all(c in got for c in codes), got
    assert rule in {x.rule for x in r["reasons"]}


# ---------------------------------------------------------------- 5. R10 complaints: company-wide


@pytest.mark.parametrize(("rule", "line", "here", "there", "told"), [
    pytest.param("R10", R10_LINE, False, True, [ADMIN2, GM], id="R10-no-admin-here-reaches-the-other-projects-and-GM"),
    pytest.param("R10", R10_LINE, True, True, [ADMIN, ADMIN2, GM], id="R10-every-sales-admin-and-the-GM"),
    pytest.param("R10", R10_LINE, False, False, [GM], id="R10-no-sales-admin-at-all-the-GM"),
])
def test_r10_every_complaint_reaches_the_sales_admins_and_the_gm(office, rule, line, here, there, told):
    # the office's GM is there from its first day (only a GM makes a GM, R2.2)
    if here:
        office.sv.staff.add(ADMIN, "sales-admin", actor=PM)
    office.sv.staff.init("P2", "江畔花园", actor=GM)
    if there:
        office.sv.staff.add(ADMIN2, "sales-admin", actor=GM, project="P2")
    c = office.sv.reports.complaint_add("样板间空调不制冷", actor=LI)  # filed in P1 on 11-01
    assert sorted(c["notified"]) == sorted(told) and c["notified"]
    for who in told:
        assert (("complaint_received", rule) in office.inbox_kinds(who))
        listed = office.sv.reports.complaint_list(actor=who)
        assert [x["complaint"] for x in listed] == [c["complaint"]]
    handler = told[0]
    done = office.sv.reports.complaint_status(c["complaint"], "closed", "已修好", actor=handler)
    assert done["status"] == "closed"


# ---------------------------------------------------------------- 6. R5.3 a trainee alone registers the walk-in


@pytest.mark.parametrize(("rule", "line", "away", "what", "ok"), [
    pytest.param("R5.3", R53_LINE, (LI, ZHANG, LIU), "new", True, id="R5.3-alone-new-visitor-registered-by-trainee"),
    pytest.param("R5.3", R53_LINE, (LI, ZHANG, LIU), "owned", True, id="R5.3-alone-owners-client-duty-by-trainee"),
    pytest.param("R5.3", R53_LINE, (ZHANG, LIU), "new", False, id="R5.3-another-advisor-present-refused"),
    pytest.param("R5.3", R53_LINE, (LI, ZHANG, LIU), "call", False, id="R5.3-calls-stay-refused-before-the-exam"),
])
def test_r5_3_a_trainee_alone_registers_the_walk_in(office, rule, line, away, what, ok):
    if what == "owned":
        office.sv.reception.call(ZHANGSAN, name="张三", actor=LI)  # 李娜's client (call#1)
    office.on(2)
    office.away(*away)
    before = office.count("registerentry")
    act = (lambda: office.sv.reception.call(LISI, actor=CHEN)) if what == "call" else \
        (lambda: office.visit(ZHANGSAN if what == "owned" else LISI, actor=CHEN))
    if not ok:
        with pytest.raises(Refused) as exc:
            act()
        assert exc.value.reason.rule == rule and office.count("registerentry") == before
        return
    r = act()
    assert (r["route"], r["advisor"]) == ("trainee-solo", CHEN)
    assert LI in r["notified"]  # the mentor is told (R5.4)
    assert reason(r["reasons"], "mentor_told").rule == "R5.4"
    assert office.rows("SELECT operator_id = advisor_id, day FROM registerentry WHERE book = 'visit'") == [(1, "2026-11-02")]


# ---------------------------------------------------------------- 7. R5.3 the exam needs a passed drill


@pytest.mark.parametrize(("rule", "line", "drills", "ok"), [
    pytest.param("R5.3", R53_LINE, [], False, id="R5.3-no-drill-on-record-refused"),
    pytest.param("R5.3", R53_LINE, [59], False, id="R5.3-drill-below-the-mark-refused"),
    pytest.param("R5.3", R53_LINE, [59, 60], True, id="R5.3-a-passed-drill-on-record"),
])
def test_r5_3_the_exam_needs_a_passed_scenario_drill(office, rule, line, drills, ok):
    office.on(8)  # a week on site (joined 11-01)
    for score in drills:
        office.sv.drills.record(CHEN, score, actor=PM)
    if not ok:
        with pytest.raises(Refused) as exc:
            office.sv.staff.trainee_pass(CHEN, 85, actor=PM)
        assert (exc.value.reason.rule, exc.value.reason.code) == (rule, "exam_needs_drill")
        assert office.rows("SELECT exam_passed_on FROM staff WHERE name = ?", (CHEN,)) == [(None,)]
        return
    p = office.sv.staff.trainee_pass(CHEN, 85, actor=PM)
    assert p["exam_passed_on"] == nov(8)
    assert reason(p["reasons"], "exam_drill_on_record").data == {"advisor": CHEN, "score": 60, "date": nov(8)}
