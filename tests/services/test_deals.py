"""Units, deposits (R1.2), deals (R7), large deals (P2), credit (R6, R1.1, R3.2, R8), the trainee's
first-deal reflection (R5.5) — through the services, on the template office of conftest.py.

    王经理 PM · rotation 李娜, 张伟, 刘洋 (advisors), 小陈 (trainee in induction, mentor 李娜)
"""

from __future__ import annotations

import multiprocessing as mp
from datetime import date, timedelta
from decimal import Decimal

import pytest

from frontdesk.services.errors import BadInput, Refused

from .conftest import CHEN, LI, LISI, LIU, PM, SUNQI, ZHANG, ZHANGSAN, nov, reason, rules_of

D = Decimal
MONEY_TABLES = ("deposit", "deal", "dealshare", "unit", "largedealdecision", "reflection", "referral")
P2_CODE, P2_PM, P2_ADVISOR = "P2", "赵经理", "周杰"  # a second project (R6, R1.1)


def unit(office, code: str = "A-101", price: str = "800000") -> dict:
    return office.sv.deals.unit_add(code, price, actor=PM)


def credit_of(result: dict) -> dict[str, tuple[Decimal, Decimal]]:
    return {c["advisor"]: (D(c["share"]), D(c["amount"])) for c in result["credit"]}


def share_rows(office, deal_id: int) -> dict[str, tuple[Decimal, Decimal]]:
    rows = office.rows("SELECT s.name, d.percent, d.amount FROM dealshare d JOIN staff s ON s.id = d.advisor_id "
                       "WHERE d.deal_id = ?", [deal_id])
    return {n: (D(str(p)), D(str(a))) for n, p, a in rows}


def second_project(office, with_staff: bool = False) -> None:
    """P2 "江南新城", added by the PM of P1; optionally its own PM and one advisor on the roster."""
    office.sv.staff.init(P2_CODE, "江南新城", actor=PM)
    if with_staff:
        office.sv.staff.add(P2_PM, "pm", actor=PM, project=P2_CODE)
        office.sv.staff.add(P2_ADVISOR, "advisor", actor=P2_PM, project=P2_CODE)
        office.sv.roster.set([P2_ADVISOR], actor=P2_PM, project=P2_CODE)


# ---------------------------------------------------------------- units


def test_unit_add_by_pm_and_refused_to_an_advisor(office):
    u = unit(office)
    assert (u["unit"], u["price"]) == ("A-101", D("800000.00"))
    with pytest.raises(Refused) as exc:
        office.sv.deals.unit_add("A-102", "900000", actor=LI)
    assert exc.value.reason.rule == "R7"
    with pytest.raises(BadInput) as bad:
        office.sv.deals.unit_add("A-101", "900000", actor=PM)
    assert bad.value.field == "code"
    assert office.count("unit") == 1


# ---------------------------------------------------------------- R1.2 deposits


def test_second_deposit_by_another_client_is_refused_naming_the_holder(office):
    unit(office)
    office.visit(ZHANGSAN, name="张三")  # 李娜 by rotation
    office.visit(LISI, name="李四")  # 张伟
    office.at("2026-11-02 14:30")
    d = office.sv.deals.deposit("A-101", ZHANGSAN, "50000", actor=LI)
    assert (d["unit"], d["amount"], d["notified"]) == ("A-101", D("50000.00"), [])
    assert reason(d["reasons"], "deposit_taken").rule == "R1.2"

    office.at("2026-11-02 15:00")
    before = office.counts(*MONEY_TABLES)
    with pytest.raises(Refused) as exc:
        office.sv.deals.deposit("A-101", LISI, "60000", actor=ZHANG)
    assert exc.value.reason.rule == "R1.2" and exc.value.reason.code == "unit_held"
    assert LI in exc.value.message  # names the holder
    assert "A-101" in exc.value.message
    assert office.counts(*MONEY_TABLES) == before
    [(client, amount)] = office.rows("SELECT client_id, amount FROM deposit")
    assert client == d["client"] and D(str(amount)) == D("50000")


def test_second_deposit_refusal_names_the_local_time_of_the_first(office):
    unit(office)
    office.visit(ZHANGSAN, name="张三")
    office.visit(LISI, name="李四")
    office.at("2026-11-02 14:30")
    office.sv.deals.deposit("A-101", ZHANGSAN, "50000", actor=LI)
    office.at("2026-11-02 15:00")
    with pytest.raises(Refused) as exc:
        office.sv.deals.deposit("A-101", LISI, "60000", actor=ZHANG)
    assert "2026-11-02 14:30" in exc.value.message, exc.value.message


def test_second_deposit_even_by_the_same_client_is_refused(office):
    unit(office)
    office.visit(ZHANGSAN, name="张三")
    office.sv.deals.deposit("A-101", ZHANGSAN, "50000", actor=LI)
    with pytest.raises(Refused) as exc:
        office.sv.deals.deposit("A-101", ZHANGSAN, "10000", actor=LI)
    assert exc.value.reason.rule == "R1.2"
    assert office.count("deposit") == 1


def test_deal_by_another_client_on_a_held_unit_is_refused(office):
    unit(office)
    office.visit(ZHANGSAN, name="张三")
    office.visit(LISI, name="李四")
    office.sv.deals.deposit("A-101", ZHANGSAN, "50000", actor=LI)
    with pytest.raises(Refused) as exc:
        office.sv.deals.deal("A-101", LISI, "800000", actor=ZHANG)
    assert exc.value.reason.rule == "R1.2"
    assert LI in exc.value.message
    assert office.counts("deal", "dealshare") == {"deal": 0, "dealshare": 0}
    # the holder's client closes it
    r = office.sv.deals.deal("A-101", ZHANGSAN, "800000", actor=LI)
    assert credit_of(r) == {LI: (D(100), D("800000.00"))}
    # a sold unit is not sold twice
    with pytest.raises(Refused) as exc:
        office.sv.deals.deal("A-101", ZHANGSAN, "800000", actor=LI)
    assert (exc.value.reason.rule, exc.value.reason.code) == ("R1.2", "unit_sold")
    assert office.count("deal") == 1


def test_deposit_on_a_unit_sold_without_deposit_is_refused(office):
    unit(office)
    office.visit(ZHANGSAN, name="张三")
    office.visit(LISI, name="李四")
    office.sv.deals.deal("A-101", ZHANGSAN, "800000", actor=LI)  # paid in full, no deposit first
    with pytest.raises(Refused) as exc:
        office.sv.deals.deposit("A-101", LISI, "50000", actor=ZHANG)
    assert exc.value.reason.rule == "R1.2"
    assert office.count("deposit") == 0


def test_deposit_needs_a_known_unit_and_client_and_a_frontline_actor(office):
    unit(office)
    office.visit(ZHANGSAN, name="张三")
    with pytest.raises(BadInput) as bad:
        office.sv.deals.deposit("B-999", ZHANGSAN, "50000", actor=LI)
    assert bad.value.field == "unit"
    with pytest.raises(BadInput):
        office.sv.deals.deposit("A-101", SUNQI, "50000", actor=LI)  # never registered
    with pytest.raises(Refused) as exc:
        office.sv.deals.deposit("A-101", ZHANGSAN, "50000", actor=CHEN)  # trainee in induction
    assert exc.value.reason.rule == "R5.3"
    assert office.count("deposit") == 0


@pytest.mark.parametrize("raw", ["-5", "abc", "1.234", "", "0", "   ", "1e5", "NaN"])
def test_bad_deposit_amounts_name_the_field_and_write_nothing(office, raw):
    unit(office)
    office.visit(ZHANGSAN, name="张三")
    before = office.counts(*MONEY_TABLES)
    with pytest.raises(BadInput) as bad:
        office.sv.deals.deposit("A-101", ZHANGSAN, raw, actor=LI)
    assert bad.value.field == "amount"
    assert office.counts(*MONEY_TABLES) == before


# ---------------------------------------------------------------- R1.2 at the same instant


def _try_deposit(path: str, worker: int, phone: str, actor: str, barrier, results) -> None:  # noqa: ANN001
    """One terminal: its own services; all terminals press Enter together."""
    from frontdesk.services import Clock, Refused, open_services
    from frontdesk.services.clock import parse_local

    sv = open_services(path, Clock(parse_local("2026-11-02 10:00")))
    try:
        barrier.wait(timeout=60)
        try:
            r = sv.deals.deposit("A-101", phone, "50000", actor=actor)
            results.put((worker, "ok", r["deposit"], ""))
        except Refused as exc:
            results.put((worker, "refused", exc.reason.rule, exc.message))
    except BaseException as exc:  # noqa: BLE001 - report to the parent
        results.put((worker, "error", repr(exc), ""))
    finally:
        sv.close()


def test_eight_terminals_deposit_on_one_unit_at_once_exactly_one_wins(office):
    unit(office)
    phones = [f"1390000{i:04d}" for i in range(8)]
    advisors = [office.visit(p, name=f"客{i}")["advisor"] for i, p in enumerate(phones)]
    assert set(advisors) == {LI, ZHANG, LIU}
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(8)
    results = ctx.Queue()
    procs = [ctx.Process(target=_try_deposit, args=(str(office.path), i, phones[i], advisors[i], barrier, results))
             for i in range(8)]
    for p in procs:
        p.start()
    got = [results.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    kinds = sorted(k for _, k, _, _ in got)
    assert kinds == ["ok"] + ["refused"] * 7, got
    assert {rule for _, k, rule, _ in got if k == "refused"} == {"R1.2"}
    [(worker, _, dep_id, _)] = [g for g in got if g[1] == "ok"]
    rows = office.rows("SELECT id, client_id FROM deposit")
    assert len(rows) == 1 and rows[0][0] == dep_id
    winner_client = office.owner(phones[worker])["client"]
    assert rows[0][1] == winner_client


# ---------------------------------------------------------------- R7 discounts


def test_r7_deal_below_list_needs_a_pm_approval(office):
    unit(office)
    office.visit(ZHANGSAN, name="张三")
    before = office.counts(*MONEY_TABLES)
    with pytest.raises(Refused) as exc:
        office.sv.deals.deal("A-101", ZHANGSAN, "780000", actor=LI)
    assert (exc.value.reason.rule, exc.value.reason.code) == ("R7", "discount_needs_pm")
    assert exc.value.reason.data["discount"] == D("20000.00")
    with pytest.raises(Refused) as exc:
        office.sv.deals.deal("A-101", ZHANGSAN, "780000", approved_by=ZHANG, actor=LI)
    assert (exc.value.reason.rule, exc.value.reason.code) == ("R7", "approver_not_pm")
    assert office.counts(*MONEY_TABLES) == before
    # a PM's name is not enough: the discount rests on a request that PM approved (R7)
    with pytest.raises(Refused) as exc:
        office.sv.deals.deal("A-101", ZHANGSAN, "780000", approved_by=PM, actor=LI)
    assert (exc.value.reason.rule, exc.value.reason.code) == ("R7", "discount_not_approved")
    small = office.sv.deals.discount_request("A-101", ZHANGSAN, "10000", actor=LI)["request"]
    office.sv.manager.decide_discount(small, True, actor=PM)
    with pytest.raises(Refused) as exc:  # approved, but for less than given
        office.sv.deals.deal("A-101", ZHANGSAN, "780000", approved_by=PM, actor=LI)
    assert exc.value.reason.code == "discount_not_approved"
    asked = office.sv.deals.discount_request("A-101", ZHANGSAN, "20000", actor=LI)
    assert asked["status"] == "pending" and asked["notified"] == [PM]
    with pytest.raises(Refused) as exc:  # not decided yet
        office.sv.deals.deal("A-101", ZHANGSAN, "780000", approved_by=PM, actor=LI)
    assert office.counts(*MONEY_TABLES) == before
    office.sv.manager.decide_discount(asked["request"], True, "老客户", actor=PM)

    r = office.sv.deals.deal("A-101", ZHANGSAN, "780000", approved_by=PM, actor=LI)
    assert reason(r["reasons"], "discount_approved").data["request"] == asked["request"]
    assert reason(r["reasons"], "discount_approved").rule == "R7"
    assert reason(r["reasons"], "discount_approved").data["pm"] == PM
    assert credit_of(r) == {LI: (D(100), D("780000.00"))}
    [(disc, approver, amount, list_price)] = office.rows(
        "SELECT d.discount, s.name, d.amount, d.list_price FROM deal d JOIN staff s ON s.id = d.approved_by_id")
    assert (D(str(disc)), approver, D(str(amount)), D(str(list_price))) == (D(20000), PM, D(780000), D(800000))


def test_r7_explicit_discount_needs_approval_and_list_price_needs_none(office):
    unit(office)
    unit(office, "A-102", "900000")
    office.visit(ZHANGSAN, name="张三")
    with pytest.raises(Refused) as exc:
        office.sv.deals.deal("A-101", ZHANGSAN, "800000", discount="5000", actor=LI)
    assert exc.value.reason.rule == "R7"
    r = office.sv.deals.deal("A-102", ZHANGSAN, "900000", actor=LI)  # at the list price: no approval
    assert not rules_of(r["reasons"]) & {"R7"}
    assert office.rows("SELECT discount, approved_by_id FROM deal") == [(0, None)]


@pytest.mark.parametrize("raw", ["-5", "abc", "1.234", ""])
def test_bad_deal_amounts_name_the_field_and_write_nothing(office, raw):
    unit(office)
    office.visit(ZHANGSAN, name="张三")
    before = office.counts(*MONEY_TABLES)
    with pytest.raises(BadInput) as bad:
        office.sv.deals.deal("A-101", ZHANGSAN, raw, actor=LI)
    assert bad.value.field == "amount"
    with pytest.raises(BadInput) as bad:
        office.sv.deals.deal("A-101", ZHANGSAN, "780000", discount=raw, approved_by=PM, actor=LI)
    assert bad.value.field == "discount"
    assert office.counts(*MONEY_TABLES) == before


# ---------------------------------------------------------------- part 2: large deals


def test_large_deposit_notifies_the_pm_at_once(office):
    unit(office, "V-1", "1500000")
    office.visit(ZHANGSAN, name="张三")
    d = office.sv.deals.deposit("V-1", ZHANGSAN, "100000", actor=LI)
    assert d["notified"] == [PM]
    assert reason(d["reasons"], "large_notified").rule == "P2"
    assert office.inbox_kinds(PM) == [("large_deal", "P2")]


def test_large_deal_without_the_pm_decision_is_refused(office):
    unit(office, "V-1", "1500000")
    office.visit(ZHANGSAN, name="张三")
    before = office.counts(*MONEY_TABLES)
    with pytest.raises(Refused) as exc:
        office.sv.deals.deal("V-1", ZHANGSAN, "1500000", actor=LI)
    assert (exc.value.reason.rule, exc.value.reason.code) == ("P2", "large_needs_pm")
    assert office.counts(*MONEY_TABLES) == before


def test_only_the_pm_records_the_large_decision(office):
    unit(office, "V-1", "1500000")
    office.visit(ZHANGSAN, name="张三")
    with pytest.raises(Refused) as exc:
        office.sv.deals.large_decision("V-1", ZHANGSAN, "alone", actor=LI)
    assert exc.value.reason.rule == "P2"
    with pytest.raises(BadInput) as bad:
        office.sv.deals.large_decision("V-1", ZHANGSAN, "maybe", actor=PM)
    assert bad.value.field == "decision"
    assert office.count("largedealdecision") == 0


@pytest.mark.parametrize(("rate", "credited"), [
    pytest.param(None, "1500000.00", id="P2-alone-default-company-rate-100"),
    pytest.param("50", "1250000.00", id="P2-alone-company-rate-50"),
])
def test_large_deal_handled_alone(office, rate, credited):
    unit(office, "V-1", "1500000")
    office.visit(ZHANGSAN, name="张三")
    if rate is not None:
        office.sv.staff.settings("company_rate", rate, actor=PM)
    office.sv.deals.deposit("V-1", ZHANGSAN, "100000", actor=LI)
    dec = office.sv.deals.large_decision("V-1", ZHANGSAN, "alone", note="客户熟悉", actor=PM)
    assert reason(dec["reasons"], "large_alone_recorded").data["pm"] == PM
    r = office.sv.deals.deal("V-1", ZHANGSAN, "1500000", actor=LI)
    assert r["large"] is True and r["no_credit"] is False
    assert credit_of(r) == {LI: (D(100), D(credited))}
    assert reason(r["reasons"], "large_alone").rule == "P2"
    assert r["notified"] == [PM]  # the deal is recorded: the PM is told again
    assert office.inbox_kinds(PM) == [("large_deal", "P2"), ("large_deal", "P2")]
    assert share_rows(office, r["deal"]) == {LI: (D(100), D(credited))}
    assert office.rows("SELECT large FROM deal") == [(1,)]


def test_large_deal_assisted_shares_set_by_the_pm(office):
    unit(office, "V-1", "1500000")
    office.visit(ZHANGSAN, name="张三")
    office.sv.deals.large_decision("V-1", ZHANGSAN, "assist", actor=PM)
    before = office.counts(*MONEY_TABLES)
    with pytest.raises(Refused) as exc:  # 60 + 30 = 90
        office.sv.deals.deal("V-1", ZHANGSAN, "1500000", shares=[f"{LI}=60", f"{PM}=30"], actor=PM)
    assert (exc.value.reason.rule, exc.value.reason.code) == ("P2", "shares_not_100")
    with pytest.raises(Refused) as exc:  # an advisor does not set the shares
        office.sv.deals.deal("V-1", ZHANGSAN, "1500000", shares=[f"{LI}=60", f"{PM}=40"], actor=LI)
    assert (exc.value.reason.rule, exc.value.reason.code) == ("P2", "pm_sets_shares")
    with pytest.raises(Refused) as exc:  # assisted without shares
        office.sv.deals.deal("V-1", ZHANGSAN, "1500000", actor=LI)
    assert (exc.value.reason.rule, exc.value.reason.code) == ("P2", "shares_not_100")
    with pytest.raises(BadInput) as bad:
        office.sv.deals.deal("V-1", ZHANGSAN, "1500000", shares=[f"{LI}=60", f"{LI}=40"], actor=PM)
    assert bad.value.field == "share"
    with pytest.raises(BadInput) as bad:
        office.sv.deals.deal("V-1", ZHANGSAN, "1500000", shares=[f"{LI}60"], actor=PM)
    assert bad.value.field == "share"
    assert office.counts(*MONEY_TABLES) == before

    r = office.sv.deals.deal("V-1", ZHANGSAN, "1500000", shares=[f"{LI}=60", f"{PM}=40"], actor=PM)
    assert credit_of(r) == {LI: (D(60), D("900000.00")), PM: (D(40), D("600000.00"))}
    assert reason(r["reasons"], "large_assisted").rule == "P2"
    assert share_rows(office, r["deal"]) == credit_of(r)


def test_shares_on_a_small_deal_are_bad_input(office):
    unit(office)
    office.visit(ZHANGSAN, name="张三")
    with pytest.raises(BadInput) as bad:
        office.sv.deals.deal("A-101", ZHANGSAN, "800000", shares=[f"{LI}=100"], actor=PM)
    assert bad.value.field == "share"
    assert office.count("deal") == 0


def test_large_threshold_is_a_project_setting(office):
    office.sv.staff.settings("large_deal_threshold", "2000000", actor=PM)
    unit(office, "V-1", "1500000")
    office.visit(ZHANGSAN, name="张三")
    d = office.sv.deals.deposit("V-1", ZHANGSAN, "100000", actor=LI)
    assert d["notified"] == []
    r = office.sv.deals.deal("V-1", ZHANGSAN, "1500000", actor=LI)
    assert r["large"] is False and credit_of(r) == {LI: (D(100), D("1500000.00"))}


# ---------------------------------------------------------------- R6 transfers


@pytest.mark.parametrize(("after", "expected", "code"), [
    pytest.param(5, {LI: (D(100), D("800000.00"))}, "transfer_full", id="R6-day-5-all-to-moved"),
    pytest.param(7, {LI: (D(100), D("800000.00"))}, "transfer_full", id="R6-day-7-all-to-moved"),
    pytest.param(8, {LI: (D(50), D("400000.00")), ZHANG: (D(50), D("400000.00"))}, "transfer_half",
                 id="R6-day-8-half-to-moved"),
    pytest.param(20, {LI: (D(50), D("400000.00")), ZHANG: (D(50), D("400000.00"))}, "transfer_half",
                 id="R6-day-20-half-to-moved"),
    pytest.param(40, {ZHANG: (D(100), D("800000.00"))}, "transfer_over", id="R6-day-40-nothing-to-moved"),
])
def test_r6_transfer_then_reassign_then_deal(office, after, expected, code):
    office.visit(ZHANGSAN, name="张三")  # 李娜 owns from the 1st
    second_project(office)
    office.on(3)
    t = office.sv.staff.transfer(LI, P2_CODE, actor=PM)
    assert (t["from"], t["to"], t["clients_held"]) == ("P1", P2_CODE, 1)
    assert reason(t["reasons"], "transferred").rule == "R6"
    r = office.sv.records.reassign(ZHANGSAN, ZHANG, note="李娜调项目", actor=PM)
    assert r["owner"] == ZHANG and r["notified"] == [ZHANG]
    unit(office)
    deal_day = nov(3) + timedelta(days=after)
    office.at(f"{deal_day.isoformat()} 11:00")
    if after > 30:  # long after: the client comes back and asks for 张伟
        v = office.visit(ZHANGSAN, asks_for=ZHANG)
        assert v["advisor"] == ZHANG
    d = office.sv.deals.deal("A-101", ZHANGSAN, "800000", actor=ZHANG)
    assert credit_of(d) == expected
    r6 = [x for x in d["reasons"] if x.rule == "R6"]
    assert [x.code for x in r6] == [code]
    assert r6[0].data["days"] == after and r6[0].data["moved"] == nov(3)
    assert share_rows(office, d["deal"]) == expected


def test_r6_moved_advisor_cannot_deal_in_the_old_project(office):
    office.visit(ZHANGSAN, name="张三")
    second_project(office)
    office.sv.staff.transfer(LI, P2_CODE, actor=PM)
    unit(office)
    with pytest.raises(Refused) as exc:
        office.sv.deals.deal("A-101", ZHANGSAN, "800000", actor=LI, project="P1")
    assert exc.value.reason.rule == "R1.1"
    assert office.count("deal") == 0


# ---------------------------------------------------------------- R1.1 referrals


def test_r1_1_referral_credits_the_reporting_advisor_half(office):
    office.visit(ZHANGSAN, name="张三")  # 李娜 in P1
    second_project(office, with_staff=True)
    office.on(4)
    with pytest.raises(Refused) as exc:  # only the advisor who followed the client reports them
        office.sv.deals.referral(ZHANGSAN, P2_CODE, actor=ZHANG)
    assert exc.value.reason.rule == "R1.1"
    with pytest.raises(BadInput) as bad:
        office.sv.deals.referral(ZHANGSAN, "P1", actor=LI)
    assert bad.value.field == "to"
    ref = office.sv.deals.referral(ZHANGSAN, P2_CODE, actor=LI)
    assert (ref["to"], ref["reporter"], ref["notified"]) == (P2_CODE, LI, [PM])
    assert office.inbox_kinds(PM) == [("referral_reported", "R1.1")]

    office.on(6)
    v = office.visit(ZHANGSAN, name="张三", actor=P2_PM, project=P2_CODE)
    assert v["advisor"] == P2_ADVISOR
    office.sv.deals.unit_add("B-201", "1000000", actor=P2_PM, project=P2_CODE)
    d = office.sv.deals.deal("B-201", ZHANGSAN, "1000000", actor=P2_ADVISOR, project=P2_CODE)
    assert credit_of(d) == {LI: (D(50), D("500000.00")), P2_ADVISOR: (D(50), D("500000.00"))}
    assert reason(d["reasons"], "referral_half").data == {"advisor": LI}


def test_r1_1_deal_in_the_first_project_owes_no_referral_credit(office):
    office.visit(ZHANGSAN, name="张三")
    second_project(office, with_staff=True)
    office.sv.deals.referral(ZHANGSAN, P2_CODE, actor=LI)
    unit(office)  # the client changes their mind and buys here after all
    d = office.sv.deals.deal("A-101", ZHANGSAN, "800000", actor=LI)
    assert credit_of(d) == {LI: (D(100), D("800000.00"))}
    assert "R1.1" not in rules_of(d["reasons"])


# ---------------------------------------------------------------- R3.2 duty share


@pytest.mark.parametrize(("share", "expected", "code"), [
    pytest.param(None, {LI: (D(100), D("800000.00"))}, "duty_no_share", id="R3.2-duty-share-default-0"),
    pytest.param("30", {LI: (D(70), D("560000.00")), ZHANG: (D(30), D("240000.00"))}, "duty_share",
                 id="R3.2-duty-share-30"),
])
def test_r3_2_duty_advisor_takes_the_deal_on_the_spot(office, share, expected, code):
    if share is not None:
        office.sv.staff.settings("duty_share", share, actor=PM)
    unit(office)
    office.visit(ZHANGSAN, name="张三")  # 李娜 owns
    office.on(3)
    office.away(LI)
    v = office.visit(ZHANGSAN)
    assert (v["route"], v["advisor"], v["owner"]) == ("duty", ZHANG, LI)
    office.at("2026-11-03 11:00")
    office.sv.deals.deposit("A-101", ZHANGSAN, "50000", actor=ZHANG)
    d = office.sv.deals.deal("A-101", ZHANGSAN, "800000", actor=ZHANG)
    assert credit_of(d) == expected
    assert reason(d["reasons"], code).rule == "R3.2"
    assert reason(d["reasons"], "credit_to_owner").data == {"advisor": LI}


def test_r3_2_duty_reception_on_another_day_gives_the_duty_advisor_nothing(office):
    office.sv.staff.settings("duty_share", "30", actor=PM)
    unit(office)
    office.visit(ZHANGSAN, name="张三")
    office.on(3)
    office.away(LI)
    office.visit(ZHANGSAN)  # 张伟 on duty on the 3rd
    office.on(4)
    d = office.sv.deals.deal("A-101", ZHANGSAN, "800000", actor=ZHANG)
    assert credit_of(d) == {LI: (D(100), D("800000.00"))}
    assert "R3.2" not in rules_of(d["reasons"])


# ---------------------------------------------------------------- R8 neither


def test_r8_crossing_decided_neither_no_credit(office):
    unit(office)
    office.visit(ZHANGSAN, name="张三")
    office.on(5)
    office.away(LI)
    v = office.visit(ZHANGSAN, asks_for=ZHANG)
    assert v["route"] == "crossing"
    dec = office.sv.crossings.decide(v["crossing"], winner=None, none=True, actor=PM)
    assert dec["decision"]["outcome"] == "neither"
    d = office.sv.deals.deal("A-101", ZHANGSAN, "800000", actor=ZHANG)
    assert d["no_credit"] is True and d["credit"] == []
    assert reason(d["reasons"], "neither_credited").rule == "R8"
    assert office.count("dealshare") == 0
    assert office.rows("SELECT no_credit FROM deal") == [(1,)]
    [listed] = office.sv.deals.list_deals(actor=PM)
    assert listed["no_credit"] is True and listed["credit"] == []


# ---------------------------------------------------------------- R5.5 the trainee's reflection


def test_r5_5_trainee_first_deal_reflection_pending_until_written(office):
    office.on(8)
    office.sv.drills.record(CHEN, 80, actor=PM)  # the exam's scenario simulation (R5.3)
    office.sv.staff.trainee_pass(CHEN, 85, actor=PM)
    office.sv.roster.set([CHEN, LI, ZHANG, LIU], actor=PM)
    v = office.visit(ZHANGSAN, name="张三")
    assert v["advisor"] == CHEN
    unit(office)
    unit(office, "A-102", "900000")
    d = office.sv.deals.deal("A-101", ZHANGSAN, "800000", actor=CHEN)
    assert d["reflection_pending"] is True
    assert reason(d["reasons"], "reflection_pending").rule == "R5.5"
    assert credit_of(d) == {CHEN: (D(100), D("800000.00"))}
    [listed] = office.sv.deals.list_deals(actor=CHEN)
    assert listed["reflection_pending"] is True

    with pytest.raises(Refused) as exc:  # the closer writes it
        office.sv.deals.reflect(d["deal"], "心得", actor=LI)
    assert exc.value.reason.rule == "R5.5"
    with pytest.raises(BadInput) as bad:
        office.sv.deals.reflect(d["deal"], "   ", actor=CHEN)
    assert bad.value.field == "text"
    assert office.count("reflection") == 0

    r = office.sv.deals.reflect(d["deal"], "先倾听客户需求，再带看样板间。", actor=CHEN)
    assert r == {"deal": d["deal"], "reflection_pending": False}
    [listed] = office.sv.deals.list_deals(actor=PM)
    assert listed["reflection_pending"] is False
    with pytest.raises(BadInput):
        office.sv.deals.reflect(d["deal"], "again", actor=CHEN)

    second = office.sv.deals.deal("A-102", ZHANGSAN, "900000", actor=CHEN)
    assert second["reflection_pending"] is False  # only the first deal needs one


def test_r5_5_an_advisor_deal_never_needs_a_reflection(office):
    unit(office)
    office.visit(ZHANGSAN, name="张三")
    d = office.sv.deals.deal("A-101", ZHANGSAN, "800000", actor=LI)
    assert d["reflection_pending"] is False
    assert "R5.5" not in rules_of(d["reasons"])


def test_trainee_in_induction_records_no_deal(office):
    unit(office)
    office.visit(ZHANGSAN, name="张三")
    with pytest.raises(Refused) as exc:
        office.sv.deals.deal("A-101", ZHANGSAN, "800000", actor=CHEN)
    assert exc.value.reason.rule == "R5.3"
    assert office.count("deal") == 0


# ---------------------------------------------------------------- who sees which deals


def test_an_advisor_lists_only_deals_they_share_in(office):
    unit(office)
    unit(office, "A-102", "900000")
    office.visit(ZHANGSAN, name="张三")  # 李娜
    office.visit(LISI, name="李四")  # 张伟
    office.sv.deals.deal("A-101", ZHANGSAN, "800000", actor=LI)
    office.sv.deals.deal("A-102", LISI, "900000", actor=ZHANG)
    assert [d["unit"] for d in office.sv.deals.list_deals(actor=LI)] == ["A-101"]
    assert [d["unit"] for d in office.sv.deals.list_deals(actor=ZHANG)] == ["A-102"]
    assert [d["unit"] for d in office.sv.deals.list_deals(actor=LIU)] == []
    assert [d["unit"] for d in office.sv.deals.list_deals(actor=PM)] == ["A-101", "A-102"]
    assert {d["day"] for d in office.sv.deals.list_deals(actor=PM)} == {date(2026, 11, 1)}
