"""The console flows added after the first step (issue 5): copy yesterday's roster (R3),
redistribution that skips who is away or in induction (R6), discount requests decided in the
approvals queue (R7), referrals decided (R1.1), the week's figures (R9). Each change is checked
in the services and the rows it writes (who, when), not only on screen."""

from __future__ import annotations

import json
from typing import Any

import pytest

from frontdesk import i18n
from frontdesk.services import Services
from frontdesk.services.errors import BadInput, Refused
from frontdesk.store.models import Approval, RosterEvent

from .conftest import CHEN, GM, LI, LIU, PM, SUN, TODAY, ZHANG, ZHAO, Office, rows, settle
from .conftest import text, type_text
from .consolekit import DEMO, OTHER, all_rows, console_app, detail, notices, open_console, staff_id


# roster: copy yesterday's (R3) -------------------------------------------------------------------

def names(sv: Services, ids: list[int]) -> list[str]:
    by_id = {staff_id(sv, st["name"]): st["name"] for st in sv.staff.list(actor=PM)}
    return [by_id[i] for i in ids]


async def test_y_copies_the_last_roster_set_before_today(sv: Services) -> None:
    earlier = [e for e in all_rows(sv, RosterEvent, RosterEvent.kind == "set") if e.day < TODAY]
    assert earlier[-1].day.isoformat() == "2026-11-24"
    before = names(sv, json.loads(earlier[-1].data)["order"])
    assert before != [LI, ZHANG]
    sv.roster.set([LI, ZHANG], actor=PM)  # this morning's change, to be undone by the copy
    sets = len(all_rows(sv, RosterEvent, RosterEvent.kind == "set"))
    app = console_app(sv)
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        pane = await open_console(pilot, "roster")
        assert [r[1] for r in rows(pane.table)] == [LI, ZHANG]
        await pilot.press("y")
        await settle(pilot)
        assert [r[1] for r in rows(pane.table)] == before
        assert any("2026-11-24" in n for n in notices(app)), notices(app)
    assert sv.roster.show(actor=PM)["order"] == before
    events = all_rows(sv, RosterEvent, RosterEvent.kind == "set")
    assert len(events) == sets + 1
    last = events[-1]
    assert (last.by_id, last.day, json.loads(last.data)["copied_from"]) == (staff_id(sv, PM), TODAY, "2026-11-24")


def test_copy_yesterday_drops_who_left_and_is_refused_without_a_roster(sv: Services) -> None:
    sv.staff.init(OTHER, "江南新城", actor=PM)
    sv.staff.transfer(CHEN, OTHER, actor=PM)
    r = sv.roster.copy_yesterday(actor=PM, project=DEMO)
    assert CHEN not in r["order"] and r["dropped"] == [CHEN] and r["copied_from"].isoformat() == "2026-11-24"
    with pytest.raises(Refused) as refused:
        sv.roster.copy_yesterday(actor=GM, project=OTHER)  # the new project never had a roster
    assert (refused.value.reason.rule, refused.value.reason.code) == ("R3", "no_earlier_roster")
    with pytest.raises(Refused) as refused:
        sv.roster.copy_yesterday(actor=LI, project=DEMO)
    assert refused.value.reason.rule == "R3"


# people: redistribution skips who is away or in induction (R6) ----------------------------------

def test_redistribution_proposes_only_who_can_follow_up_today(sv: Services, office: Office) -> None:
    """赵磊 is away and 孙悦 in induction in the demo; with 刘洋 and 陈静 away too, only 李娜 remains."""
    assert ZHAO in office.roster["away"] and SUN in office.roster["shadow"]
    sv.roster.mark(LIU, True, actor=PM)
    sv.roster.mark(CHEN, True, actor=PM)
    sv.staff.init(OTHER, "江南新城", actor=PM)
    sv.staff.transfer(ZHANG, OTHER, actor=PM)
    plan = sv.manager.redistribution(ZHANG, actor=PM, project=DEMO)
    assert len(plan) >= 2
    assert {p["to"] for p in plan} == {LI}
    plan[0]["to"] = SUN
    with pytest.raises(BadInput) as bad:
        sv.manager.redistribute(plan, actor=PM, project=DEMO)
    assert bad.value.field == "to" and SUN in str(bad.value)


# approvals: discount requests (R7) and referrals (R1.1) ------------------------------------------

def discount_asked(sv: Services, office: Office, amount: str = "20000") -> tuple[str, dict[str, Any]]:
    phone = office.client_of(LI).phone
    sv.deals.unit_add("B-808", "800000", actor=PM)
    return phone, sv.deals.discount_request("B-808", phone, amount, "老客户介绍", actor=LI)


async def test_y_approves_a_discount_and_the_deal_rests_on_it(sv: Services, office: Office) -> None:
    phone, asked = discount_asked(sv, office)
    app = console_app(sv)
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        pane = await open_console(pilot, "approvals")
        key = f"discount:{asked['request']}"
        pane.table.move_cursor(row=pane.table.get_row_index(key))
        await settle(pilot)
        assert rows(pane.table)[pane.table.cursor_row][0] == i18n.t("ui.approval_discount", "en")
        assert "R7" in detail(pane) and "20000.00" in detail(pane)
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("enter")  # no note: approve as it is
        await settle(pilot)
        assert key not in [pane.table.coordinate_to_cell_key((i, 0)).row_key.value
                           for i in range(pane.table.row_count)]
    [ap] = all_rows(sv, Approval, Approval.subject == f"discount#{asked['request']}")
    assert (ap.kind, ap.approver_id, ap.by_id) == ("discount_approved", staff_id(sv, PM), staff_id(sv, PM))
    assert ap.at is not None and ap.recorded_at is not None
    deal = sv.deals.deal("B-808", phone, "780000", approved_by=PM, actor=LI)
    assert any(r.code == "discount_approved" and r.data["request"] == asked["request"] for r in deal["reasons"])
    told = [n for n in sv.inbox.list(actor=LI)["items"] if n["kind"] == "discount_request_approved"]
    assert told, "the advisor is told"


async def test_r_refuses_a_discount_with_a_reason_in_chinese(sv: Services, office: Office) -> None:
    phone, asked = discount_asked(sv, office)
    app = console_app(sv, lang="zh_CN")
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        pane = await open_console(pilot, "approvals")
        pane.table.move_cursor(row=pane.table.get_row_index(f"discount:{asked['request']}"))
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("enter")  # empty: nothing is sent, a refusal needs its reason
        await settle(pilot)
        assert not all_rows(sv, Approval, Approval.subject == f"discount#{asked['request']}")
        pane.table.move_cursor(row=pane.table.get_row_index(f"discount:{asked['request']}"))
        await pilot.press("r")
        await settle(pilot)
        await type_text(pilot, "低于底价")
        await pilot.press("enter")
        await settle(pilot)
        assert any("低于底价" in n and "未获" in n for n in notices(app)), notices(app)
    [ap] = all_rows(sv, Approval, Approval.subject == f"discount#{asked['request']}")
    assert (ap.kind, ap.reason) == ("discount_refused", "低于底价")
    with pytest.raises(Refused) as refused:
        sv.deals.deal("B-808", phone, "780000", approved_by=PM, actor=LI)
    assert refused.value.reason.code == "discount_not_approved"
    with pytest.raises(BadInput):  # decided once
        sv.manager.decide_discount(asked["request"], True, actor=PM)


async def test_a_refused_referral_leaves_the_queue_and_credits_nobody(sv: Services, office: Office) -> None:
    sv.staff.init(OTHER, "江南新城", actor=PM)
    phone = office.client_of(LI).phone
    sv.deals.referral(phone, OTHER, actor=LI)
    [item] = [it for it in sv.manager.approvals(actor=PM) if it["kind"] == "referral"]
    app = console_app(sv, project=DEMO)
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        pane = await open_console(pilot, "approvals")
        pane.table.move_cursor(row=pane.table.get_row_index(f"referral:{item['id']}"))
        await pilot.press("r")
        await settle(pilot)
        await type_text(pilot, "客户仍想在本项目买")
        await pilot.press("enter")
        await settle(pilot)
        assert f"referral:{item['id']}" not in [pane.table.coordinate_to_cell_key((i, 0)).row_key.value
                                                for i in range(pane.table.row_count)]
    [ap] = all_rows(sv, Approval, Approval.subject == f"referral#{item['id']}")
    assert (ap.kind, ap.reason, ap.by_id) == ("referral_refused", "客户仍想在本项目买", staff_id(sv, PM))
    # the deal in the other project: the reporting advisor gets no 50% (R1.1)
    sv.staff.add("江经理", "pm", actor=GM, project=OTHER)
    sv.staff.add("江顾问", "advisor", actor="江经理", project=OTHER)
    sv.roster.set(["江顾问"], actor="江经理", project=OTHER)
    sv.deals.unit_add("C-1", "500000", actor="江经理", project=OTHER)
    sv.reception.visit(phone, name="客户", actor="江经理", project=OTHER)
    deal = sv.deals.deal("C-1", phone, "500000", actor="江顾问", project=OTHER)
    assert [c["advisor"] for c in deal["credit"]] == ["江顾问"]
    assert not any(r.code == "referral_half" for r in deal["reasons"])


# figures: the week beside the day and the month (R9) ---------------------------------------------

@pytest.mark.parametrize(("key", "first"), [("w", "2026-11-21"), ("d", "2026-11-27"), ("m", "2026-11-01")])
async def test_figures_period_keys(sv: Services, key: str, first: str) -> None:
    app = console_app(sv, lang="zh_CN")
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_console(pilot, "figures")
        if key == "m":
            await pilot.press("w")
            await settle(pilot)
        await pilot.press(key)
        await settle(pilot)
        report = sv.reports.report(first, TODAY.isoformat(), actor=PM)
        assert [[r[0], r[1], r[2]] for r in rows(pane.table)] == [
            [a["advisor"], str(a["receptions"]), str(a["turns"])] for a in report["advisors"]]
        daily = sv.manager.daily(first, TODAY.isoformat(), actor=PM)
        caption = text(pane.query_one(".fig-caption"))
        period = {"w": "week", "d": "day", "m": "month"}[key]
        assert caption.startswith(i18n.t(f"ui.console.period_{period}", "zh_CN"))
        assert first in caption and f"共{sum(daily['visits'])}" in caption
        assert pane.query_one(".fig-visits").data == (daily["visits"] or [0])
        bars = text(pane.query_one(".fig-bars"))
        busy = [a for a in report["advisors"] if a["turns"] or a["receptions"]]
        assert all(a["advisor"] in bars for a in busy)
        assert len(bars.splitlines()) <= 1 + (len(busy) + 1) // 2 + (0 if len(busy) > 4 else 2)


# the advisor's door: d on a client's records asks for a discount (R7) ----------------------------

async def test_d_on_client_records_requests_a_discount_the_pm_sees(sv: Services, office: Office) -> None:
    from textual.widgets import Input as TextInput

    from frontdesk.ui.app import make_app
    from frontdesk.ui.screens.client import ClientScreen
    from frontdesk.ui.screens.discount import DiscountScreen

    client = office.client_of(LI)
    sv.deals.unit_add("B-808", "800000", actor=PM)
    app = make_app(sv, lang="zh_CN", user=LI)
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        await settle(pilot)
        [item] = sv.desk.search(client.phone, actor=LI)["items"]
        await app.push_screen(ClientScreen(item))
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DiscountScreen)
        assert app.focused is app.screen.query_one("#d-unit", TextInput)  # the phone is filled in: own client
        await type_text(pilot, "B-808")
        await pilot.press("tab")
        await type_text(pilot, "9000000")  # more than the list price: refused, the dialog stays
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DiscountScreen)
        assert "discount" in text(app.screen.query_one("#d-error")).lower() or "折扣" in text(
            app.screen.query_one("#d-error"))
        app.screen.query_one("#d-amount", TextInput).value = "20000"
        await pilot.press("tab")
        await type_text(pilot, "老客户")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ClientScreen)
        assert any("B-808" in n for n in notices(app)), notices(app)
    [item] = [it for it in sv.manager.approvals(actor=PM) if it["kind"] == "discount"]
    assert (item["advisor"], item["unit"], item["day"]) == (LI, "B-808", TODAY)
    assert "20000.00" in item["facts"] and "老客户" in item["facts"]
