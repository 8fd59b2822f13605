"""The console is the PM's and the GM's (R2.1): who finds it, and every call it makes refused to others."""

from __future__ import annotations

from typing import Any, Callable

import pytest
from textual.widgets._footer import FooterKey

from frontdesk import i18n
from frontdesk.services import Services
from frontdesk.services.errors import Refused
from frontdesk.services.manager import ManagerService
from frontdesk.ui.console.screen import ConsoleScreen
from frontdesk.ui.screens.desk import DeskScreen

from .conftest import ADMIN, CHEN, LI, LIU, PILOT_SIZE, PM, SUN, ZHANG, Office, palette_prompts, settle
from .consolekit import OTHER, console_app, large_deposit, pending, person, the_open_case


# 8 who may (R2.1: the console is the PM's and the GM's) ------------------------------------------

NOT_PM = [pytest.param(LI, id="advisor"), pytest.param(SUN, id="trainee"), pytest.param(ADMIN, id="sales-admin")]


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
async def test_pm_finds_the_console_in_footer_and_palette(sv: Services, lang: str) -> None:
    """The control for the test below: the same searches find it for the PM."""
    word = i18n.t("ui.key_console", lang)
    app = console_app(sv, lang=lang)
    async with app.run_test(size=PILOT_SIZE) as pilot:
        await settle(pilot)
        assert ("m", word) in {(k.key, k.description) for k in app.screen.query(FooterKey)}
        prompts = await palette_prompts(pilot, word)
        assert any(word in p for p in prompts), prompts
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConsoleScreen)


@pytest.mark.parametrize("user", NOT_PM)
@pytest.mark.parametrize("lang", ["en", "zh_CN"])
async def test_console_is_not_there_for_others(sv: Services, user: str, lang: str) -> None:
    word = i18n.t("ui.key_console", lang)
    app = console_app(sv, lang=lang, user=user)
    async with app.run_test(size=PILOT_SIZE) as pilot:
        await settle(pilot)
        footer = {(k.key, k.description) for k in app.screen.query(FooterKey)}
        assert footer and not any(k == "m" or d == word for k, d in footer), footer
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)
        assert not any(isinstance(s, ConsoleScreen) for s in app.screen_stack)
        prompts = await palette_prompts(pilot, word)
        assert not any(word in p for p in prompts), prompts
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)


Call = Callable[[Services, str, dict[str, Any]], Any]

# every service call the console makes (and every ManagerService method), with arguments that
# work for the PM (test_the_pm_may_make_every_call proves it), so a refusal is about the role
CALLS: dict[str, Call] = {
    "roster.set": lambda sv, who, f: sv.roster.set(f["order"], actor=who),
    "roster.mark other": lambda sv, who, f: sv.roster.mark(LIU, True, actor=who),
    "staff.settings set": lambda sv, who, f: sv.staff.settings("idle_lock_minutes", "15", actor=who),
    "staff.add": lambda sv, who, f: sv.staff.add("王芳", "advisor", actor=who),
    "staff.trainee_pass": lambda sv, who, f: sv.staff.trainee_pass(SUN, 85, actor=who),
    "staff.transfer": lambda sv, who, f: sv.staff.transfer(LI, OTHER, actor=who),
    "records.verify_followup": lambda sv, who, f: sv.records.verify_followup(f["followup"], actor=who),
    "crossings.decide": lambda sv, who, f: sv.crossings.decide(f["crossing"], None, False, actor=who),
    "deals.large_decision": lambda sv, who, f: sv.deals.large_decision(f["unit"], f["phone"], "alone", actor=who),
    "manager.approvals": lambda sv, who, f: sv.manager.approvals(actor=who),
    "manager.refuse_followup": lambda sv, who, f: sv.manager.refuse_followup(f["followup"], "no log", actor=who),
    "manager.lapsing": lambda sv, who, f: sv.manager.lapsing(actor=who),
    "manager.remind": lambda sv, who, f: sv.manager.remind(f["client"], actor=who),
    "manager.set_mentor": lambda sv, who, f: sv.manager.set_mentor(SUN, ZHANG, actor=who),
    "manager.redistribution": lambda sv, who, f: sv.manager.redistribution(CHEN, actor=who),
    "manager.redistribute": lambda sv, who, f: sv.manager.redistribute(f["plan"], actor=who),
    "manager.daily": lambda sv, who, f: sv.manager.daily(actor=who),
    "manager.decide_discount": lambda sv, who, f: sv.manager.decide_discount(f["discount"], True, actor=who),
    "manager.decide_referral": lambda sv, who, f: sv.manager.decide_referral(f["referral"], False, "不合适", actor=who),
    "roster.copy_yesterday": lambda sv, who, f: sv.roster.copy_yesterday(actor=who),
    "staff.set_pin other": lambda sv, who, f: sv.staff.set_pin(ZHANG, "2580", actor=who),
    "staff.deactivate": lambda sv, who, f: sv.staff.deactivate(LIU, actor=who),
    "manager.decide_setting": lambda sv, who, f: sv.manager.decide_setting(f["setting"], True, actor=who),
}


@pytest.fixture
def facts(sv: Services, office: Office) -> dict[str, Any]:
    """What the calls need, prepared by the PM: a second project with 陈静 moved there (R6),
    a large deposit (P2), the pending follow-up, the open crossing, a lapsing client."""
    sv.staff.init(OTHER, "江南新城", actor=PM)
    unit, phone = large_deposit(sv, office, LI)
    sv.staff.transfer(CHEN, OTHER, actor=PM)
    [fu] = pending(sv, "followup")
    lapsing = next(x for x in sv.manager.lapsing(actor=PM) if x["owner"] != CHEN)
    sv.deals.unit_add("B-101", "800000", actor=PM)
    discount = sv.deals.discount_request("B-101", phone, "10000", actor=LI)["request"]
    sv.deals.referral(phone, OTHER, actor=LI)
    [referral] = pending(sv, "referral")
    setting = sv.staff.settings("protection_days", "14", request="春节前回访周期长", actor=PM)["request"]
    return {"setting": setting, "discount": discount, "referral": referral["id"],"order": sv.roster.show(actor=PM)["order"], "followup": fu["id"],
            "crossing": the_open_case(sv)["crossing"], "client": lapsing["client"], "unit": unit, "phone": phone,
            "plan": sv.manager.redistribution(CHEN, actor=PM)}


def test_every_manager_method_is_in_the_table() -> None:
    methods = {n for n in vars(ManagerService) if not n.startswith("_") and callable(getattr(ManagerService, n))}
    assert {f"manager.{m}" for m in methods} <= set(CALLS), methods


@pytest.mark.parametrize("call", list(CALLS))
@pytest.mark.parametrize("user", NOT_PM)
def test_console_calls_are_refused_to_others(sv: Services, facts: dict[str, Any], user: str, call: str) -> None:
    role = person(sv, user)["role"]
    with pytest.raises(Refused) as refused:
        CALLS[call](sv, user, facts)
    reason = refused.value.reason
    assert refused.value.exit_code == 1 and reason.rule
    # refused for the role (not for some other rule the arguments break)
    assert reason.data.get("role") == role or reason.code == "pm_or_self", reason


# the PM gets past the role check; these then meet a rule of their own
PM_MEETS = {"staff.trainee_pass": "week_on_site",  # 孙悦 joined three days ago (R5.3)
            "manager.decide_setting": "gm_signs_themselves"}  # R2.2: the GM's own signature


@pytest.mark.parametrize("call", list(CALLS))
def test_the_pm_may_make_every_call(sv: Services, facts: dict[str, Any], call: str) -> None:
    if call in PM_MEETS:
        with pytest.raises(Refused) as refused:
            CALLS[call](sv, PM, facts)
        assert refused.value.reason.code == PM_MEETS[call]
    else:
        CALLS[call](sv, PM, facts)
