"""The PM's console, tabs 4–7: people (R5.2, R5.3, R6), lapsing (R2.2), figures (R9), settings."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, Sparkline, Static

from frontdesk import i18n
from frontdesk.services import Clock, Services, open_services
from frontdesk.services.clock import parse_local
from frontdesk.store.models import Approval, SettingChange
from frontdesk.ui.console.base import Pane
from frontdesk.ui.console.redistribute import RedistributeScreen
from frontdesk.ui.console.screen import ConsoleScreen

from .conftest import ADMIN, CHEN, GM, LI, LIU, PILOT_SIZE, PM, SUN, TODAY, ZHANG, Office, rows, settle, text, type_text
from .consolekit import (DEMO, OTHER, all_rows, answer, console_app, detail, notices, open_console, person, point_at,
                         staff_id)


# 4 people (R5.2, R5.3, R6) -----------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["en", "zh_CN"])
async def test_exam_before_a_week_on_site_is_refused(sv: Services, lang: str) -> None:
    """R5.3: 孙悦 joined three days ago; the exam is refused and says why."""
    assert (TODAY - person(sv, SUN)["joined_on"]).days < 7
    app = console_app(sv, lang=lang)
    async with app.run_test(size=PILOT_SIZE, notifications=True) as pilot:
        pane = await open_console(pilot, "people")
        point_at(pane, SUN)
        await pilot.press("e")
        await settle(pilot)
        await answer(pilot, pane, "85")
        [error] = notices(app, "error")
        assert error.startswith("R5.3") and str(person(sv, SUN)["joined_on"]) in error
    assert person(sv, SUN)["exam_passed_on"] is None and person(sv, SUN)["shadow"]


async def test_exam_after_a_week_on_site_passes(db_path, sv: Services) -> None:
    """The same keys a week later: passed, out of shadow, into the rotation (R5.3)."""
    later = open_services(str(db_path), Clock(parse_local("2026-12-02 09:00")))
    try:
        later.drills.record(SUN, 80, actor=PM)  # the exam's scenario simulation is on record (R5.3)
        app = console_app(later)
        async with app.run_test(size=PILOT_SIZE) as pilot:
            pane = await open_console(pilot, "people")
            point_at(pane, SUN)
            await pilot.press("e")
            await settle(pilot)
            await answer(pilot, pane, "85")
            assert rows(pane.table)[pane.table.get_row_index(SUN)][4] == "85 (2026-12-02)"
        st = next(s for s in later.staff.list(actor=PM) if s["name"] == SUN)
        assert (st["exam_score"], st["shadow"]) == (85, False)
        assert SUN not in later.roster.show(actor=PM)["shadow"]
    finally:
        later.close()


async def test_exam_score_must_be_digits(sv: Services) -> None:
    app = console_app(sv)
    async with app.run_test(size=PILOT_SIZE, notifications=True) as pilot:
        pane = await open_console(pilot, "people")
        point_at(pane, SUN)
        await pilot.press("e")
        await settle(pilot)
        await answer(pilot, pane, "good")
        assert notices(app, "error") == [i18n.t("ui.score_digits", "en")]


async def test_m_sets_a_mentor(sv: Services) -> None:
    assert person(sv, SUN)["mentor"] == LI
    app = console_app(sv)
    async with app.run_test(size=PILOT_SIZE) as pilot:
        pane = await open_console(pilot, "people")
        point_at(pane, SUN)
        await pilot.press("m")
        await settle(pilot)
        await answer(pilot, pane, ZHANG)
        assert rows(pane.table)[pane.table.get_row_index(SUN)][2] == ZHANG
    assert person(sv, SUN)["mentor"] == ZHANG


async def test_plus_adds_staff(sv: Services) -> None:
    app = console_app(sv, lang="zh_CN")
    async with app.run_test(size=PILOT_SIZE) as pilot:
        pane = await open_console(pilot, "people")
        await pilot.press("plus")
        await settle(pilot)
        await answer(pilot, pane, "王芳 advisor")
        assert rows(pane.table)[-1][:2] == ["王芳", i18n.t("word.advisor", "zh_CN")]
    st = person(sv, "王芳")
    assert (st["role"], st["joined_on"], st["mentor"]) == ("advisor", TODAY, None)


async def test_transfer_then_redistribute(sv: Services, office: Office) -> None:
    """R6: t moves an advisor to another project; the clients they held go round the rotation
    for follow-up, as proposed; ctrl+s applies them."""
    sv.staff.init(OTHER, "江南新城", actor=PM)
    app = console_app(sv, project=DEMO)  # two projects now: the app names its own
    async with app.run_test(size=PILOT_SIZE, notifications=True) as pilot:
        pane = await open_console(pilot, "people")
        point_at(pane, ZHANG)
        await pilot.press("t")
        await settle(pilot)
        await answer(pilot, pane, OTHER)
        assert isinstance(app.screen, RedistributeScreen), app.screen_stack
        assert ZHANG not in [r[0] for r in rows(pane.table)]  # gone from this project's people
        plan = sv.manager.redistribution(ZHANG, actor=PM, project=DEMO)
        held = {c.name for c in office.owned_by(ZHANG) if c.protected_through and c.protected_through >= TODAY}
        assert {p["name"].split()[0] for p in plan} == held  # the clients he held on the move day (R6)
        assert all(p["to"] and p["to"] != ZHANG for p in plan)
        table = app.screen.query_one("#rd-plan", DataTable)
        assert rows(table) == [[p["name"], p["to"]] for p in plan]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConsoleScreen)
        assert i18n.t("ui.redistributed", "en", n=len(plan)) in notices(app)
    for p in plan:
        assert sv.records.owner(p["name"].split()[-1], actor=PM, project=DEMO)["owner"] == p["to"], p
    assert ZHANG in [s["name"] for s in sv.staff.list(project=OTHER)]


async def test_redistribute_c_changes_one_advisor(sv: Services) -> None:
    sv.staff.init(OTHER, "江南新城", actor=PM)
    sv.staff.transfer(ZHANG, OTHER, actor=PM)
    plan = sv.manager.redistribution(ZHANG, actor=PM, project=DEMO)
    other = next(n for n in (LI, CHEN, LIU) if n != plan[0]["to"])
    app = console_app(sv, project=DEMO)
    async with app.run_test(size=PILOT_SIZE) as pilot:
        await open_console(pilot, "people")
        await app.push_screen(RedistributeScreen(ZHANG))
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert app.focused is app.screen.query_one("#rd-to", Input)
        await type_text(pilot, other)
        await pilot.press("enter")
        await settle(pilot)
        assert rows(app.screen.query_one("#rd-plan", DataTable))[0] == [plan[0]["name"], other]
        await pilot.press("ctrl+s")
        await settle(pilot)
    expected = [other, *[p["to"] for p in plan[1:]]]
    assert [sv.records.owner(p["name"].split()[-1], actor=PM, project=DEMO)["owner"] for p in plan] == expected


async def test_redistribute_refuses_who_does_not_follow_up(sv: Services) -> None:
    """R6: clients are handed to an advisor for follow-up, not to the sales admin."""
    sv.staff.init(OTHER, "江南新城", actor=PM)
    sv.staff.transfer(ZHANG, OTHER, actor=PM)
    plan = sv.manager.redistribution(ZHANG, actor=PM, project=DEMO)
    phone = plan[0]["name"].split()[-1]
    app = console_app(sv, project=DEMO)
    async with app.run_test(size=PILOT_SIZE, notifications=True) as pilot:
        await open_console(pilot, "people")
        await app.push_screen(RedistributeScreen(ZHANG))
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        await type_text(pilot, ADMIN)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RedistributeScreen)  # still open: nothing applied
        [error] = notices(app, "error")
        assert ADMIN in error
    assert sv.records.owner(phone, actor=PM, project=DEMO)["owner"] != ADMIN


# 5 lapsing (R2.2) --------------------------------------------------------------------------------

async def test_lapsing_lists_and_r_reminds_the_owner(sv: Services) -> None:
    soon = sv.manager.lapsing(actor=PM)
    assert soon and all(0 < (x["lapses_on"] - TODAY).days <= 3 for x in soon)
    app = console_app(sv)
    async with app.run_test(size=PILOT_SIZE) as pilot:
        pane = await open_console(pilot, "lapsing")
        assert rows(pane.table) == [[x["owner"], x["name"], str(x["last_contact"]), str(x["lapses_on"])] for x in soon]
        target = next(x for x in soon if x["owner"] != soon[0]["owner"])  # not merely the first row
        point_at(pane, str(target["client"]))
        await pilot.press("r")
        await settle(pilot)
        assert i18n.t("ui.reminded", "en", owner=target["owner"]) in notices(app)
    told = [n for n in sv.inbox.list(actor=target["owner"])["items"] if n["kind"] == "lapse_reminder"]
    assert [(n["data"]["client"], n["data"]["pm"], n["data"]["lapses_on"]) for n in told] == [
        (target["name"], PM, str(target["lapses_on"]))]
    others = {x["owner"] for x in soon} - {target["owner"]}
    for owner in others:
        assert not [n for n in sv.inbox.list(actor=owner)["items"] if n["kind"] == "lapse_reminder"]


# 6 figures (R9) ----------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["en", "zh_CN"])
async def test_figures_match_the_report(sv: Services, lang: str) -> None:
    report = sv.reports.report(actor=PM)
    daily = sv.manager.daily(actor=PM)
    app = console_app(sv, lang=lang)
    async with app.run_test(size=PILOT_SIZE) as pilot:
        pane = await open_console(pilot, "figures")
        shown = rows(pane.table)
        assert [r[0] for r in shown] == [a["advisor"] for a in report["advisors"]]  # one row per advisor
        for row, a in zip(shown, report["advisors"]):
            assert row == [a["advisor"], str(a["receptions"]), str(a["turns"]), str(a["duty_given"]),
                           str(a["clients_held"]), str(a["lapses"]), str(a["deals"]), a["credit"],
                           str(a["turns_per_hour"] or "—")]
        busy = next(a for a in report["advisors"] if a["followups_valid"])  # the rest, spelled out for the row
        point_at(pane, busy["advisor"])
        await settle(pilot)
        assert detail(pane) == i18n.t("layout.fig.more", lang, **busy)
        spark = pane.query_one(Sparkline)
        assert list(spark.data) == daily["visits"] and sum(daily["visits"]) > 0
        caption = text(pane.query_one(".fig-caption", Static))
        assert caption == i18n.t("ui.console.period_month", lang) + " · " + i18n.t("ui.visits_per_day", lang, frm=daily["from"], to=daily["to"],
                                 total=sum(daily["visits"]))
        bars = text(pane.query_one(".fig-bars", Static)).splitlines()[1:]
        named = sorted(part.split()[0] for line in bars for part in line.split("    ") if part.strip())
        assert named == sorted(a["advisor"] for a in report["advisors"] if a["turns"])  # all who had a turn, no one else
        assert all("█" in line for line in bars)


# 7 settings ------------------------------------------------------------------------------------

async def test_settings_are_listed(sv: Services) -> None:
    values = sv.staff.settings(actor=PM)
    app = console_app(sv)
    async with app.run_test(size=PILOT_SIZE) as pilot:
        pane = await open_console(pilot, "settings")
        shown = {key: row for key, row in zip(values, rows(pane.table))}
        assert [pane.table.coordinate_to_cell_key((i, 0)).row_key.value for i in range(pane.table.row_count)] == list(values)
        assert shown["protection_days"] == [i18n.t("layout.setting.protection_days.name", "en"), "7 days",
                                            i18n.t("layout.setting.protection_days.range", "en")]
        assert shown["volume_mode"][:2] == [i18n.t("layout.setting.volume_mode.name", "en"), "high"]
        assert shown["duty_consumes_turn"][1] == "no" and "{" not in shown["greeter_script"][1]


async def edit_setting(pilot, pane: Pane, key: str, value: str, press: str = "e") -> None:
    point_at(pane, key)
    await pilot.press(press)
    await settle(pilot)
    await answer(pilot, pane, value)


async def test_settings_enter_edits_idle_lock(sv: Services) -> None:
    app = console_app(sv)
    async with app.run_test(size=PILOT_SIZE) as pilot:
        pane = await open_console(pilot, "settings")
        point_at(pane, "idle_lock_minutes")
        await pilot.press("enter")
        await settle(pilot)
        prompt = pane.query_one(".pane-prompt", Input)
        assert prompt.display and prompt.value == "10"  # the current value, selected: typing replaces it
        await answer(pilot, pane, "15")
        assert rows(pane.table)[pane.table.get_row_index("idle_lock_minutes")][1] == "15 min"
    assert sv.staff.settings(actor=PM)["idle_lock_minutes"] == 15
    [change] = all_rows(sv, SettingChange, SettingChange.key == "idle_lock_minutes")
    assert (change.old, change.new, change.by_id) == ("10", "15", staff_id(sv, PM))


async def test_settings_e_edits_idle_lock(sv: Services) -> None:
    app = console_app(sv)
    async with app.run_test(size=PILOT_SIZE) as pilot:
        pane = await open_console(pilot, "settings")
        await edit_setting(pilot, pane, "idle_lock_minutes", "15")
    assert sv.staff.settings(actor=PM)["idle_lock_minutes"] == 15
    assert len(all_rows(sv, SettingChange, SettingChange.key == "idle_lock_minutes")) == 1


async def test_settings_protection_days_above_ten_the_gm_signs_with_a_reason(sv: Services) -> None:
    """R2.2: more than 10 days is the GM's own approval: the console asks the GM for the reason."""
    app = console_app(sv, user=GM)
    async with app.run_test(size=PILOT_SIZE) as pilot:
        pane = await open_console(pilot, "settings")
        point_at(pane, "protection_days")
        await pilot.press("e")
        await settle(pilot)
        await type_text(pilot, "12")
        await pilot.press("enter")  # the prompt asks again, now for the GM's reason
        await settle(pilot)
        prompt = pane.query_one(".pane-prompt", Input)
        assert prompt.display and prompt.placeholder == i18n.t("ui.pins.ask_gm_reason", "en")
        assert sv.staff.settings(actor=PM)["protection_days"] == 7  # nothing yet
        await answer(pilot, pane, "大盘")
    assert sv.staff.settings(actor=PM)["protection_days"] == 12
    [ap] = all_rows(sv, Approval, Approval.kind == "protection_days")
    assert (ap.approver, ap.reason, ap.subject) == (GM, "大盘", "protection_days=12")
    assert ap.approver_id == staff_id(sv, GM)
    [change] = all_rows(sv, SettingChange, SettingChange.key == "protection_days")
    assert change.approval_id == ap.id and change.by_id == staff_id(sv, GM)


async def test_settings_bad_value_changes_nothing(sv: Services) -> None:
    app = console_app(sv)
    async with app.run_test(size=PILOT_SIZE, notifications=True) as pilot:
        pane = await open_console(pilot, "settings")
        await edit_setting(pilot, pane, "volume_mode", "medium")
        [error] = notices(app, "error")
        assert "volume_mode" in error and "medium" in error
        assert rows(pane.table)[pane.table.get_row_index("volume_mode")][1] == "high"
    assert sv.staff.settings(actor=PM)["volume_mode"] == "high"
    assert all_rows(sv, SettingChange) == []
