"""PINs as people expect, in the app (R2.1) and the GM's signature in the console (R2.2): "no PIN
set" at the sign-in, the PM's PIN dialog in People, one's own PIN changed at the sign-in with the
old one, a person who leaves, the GM signing a PM's request for more than 10 protection days."""

from __future__ import annotations

from textual.widgets import Input, OptionList, Static

from frontdesk import i18n
from frontdesk.services import Services
from frontdesk.store.models import Approval, SettingRequest
from frontdesk.ui.app import make_app
from frontdesk.ui.screens.pin import PinDialog
from frontdesk.ui.screens.signin import SignInScreen

from .conftest import GM, LI, PILOT_SIZE, PINS, PM, ZHANG, rows, settle, text, type_text
from .consolekit import all_rows, answer, console_app, notices, open_console, point_at, staff_id
from .test_signin import enter_pin, pick

NEWBIE = "新同事"


async def test_sign_in_without_a_pin_says_so_and_never_locks(sv: Services) -> None:
    sv.staff.add(NEWBIE, "advisor", actor=PM)  # no PIN yet
    for lang, words in (("en", "No PIN set for 新同事 — ask your PM"), ("zh_CN", "新同事尚未设置密码——请找项目经理设置")):
        app = make_app(sv, lang=lang)
        async with app.run_test(size=PILOT_SIZE) as pilot:
            await settle(pilot)
            await pick(pilot, NEWBIE)
            errors = [await enter_pin(pilot, "2580") for _ in range(6)]
            assert all(words in e and "R2.1" in e for e in errors), errors
            assert not any("locked" in e or "锁定" in e for e in errors)
            assert isinstance(app.screen, SignInScreen) and app.user is None


async def _pin_dialog(pilot, *pins: str) -> PinDialog:
    """Type each PIN into the dialog's fields in turn (Enter moves on, the last Enter saves)."""
    await settle(pilot)
    dialog = pilot.app.screen
    assert isinstance(dialog, PinDialog)
    for pin in pins:
        await type_text(pilot, pin)
        await pilot.press("enter")
        await settle(pilot)
    return dialog


async def test_the_pm_sets_a_pin_in_people_and_a_weak_one_is_refused_with_the_reason(sv: Services) -> None:
    sv.staff.add(NEWBIE, "advisor", actor=PM)
    app = console_app(sv, lang="zh_CN")
    async with app.run_test(size=PILOT_SIZE, notifications=True) as pilot:
        pane = await open_console(pilot, "people")
        point_at(pane, NEWBIE)
        await pilot.press("p")
        dialog = await _pin_dialog(pilot, "1234", "1234")
        assert app.screen is dialog  # refused: the dialog stays, says why in the user's words
        error = text(dialog.query_one("#pin-error", Static))
        assert error == "R2.1: " + i18n.t("reason.pin_run", "zh_CN")
        assert all(box.value == "" for box in dialog.query(Input))  # PINs never stay on screen
        await _pin_dialog(pilot, "2580", "2581")
        assert "不一致" in text(dialog.query_one("#pin-error", Static))
        await _pin_dialog(pilot, "2580", "2580")
        assert app.screen is not dialog
        assert any(NEWBIE in n for n in notices(app))
    assert sv.desk.sign_in(NEWBIE, "2580")["name"] == NEWBIE


async def test_anyone_changes_their_own_pin_at_the_sign_in_with_the_old_one(sv: Services) -> None:
    app = make_app(sv, lang="en")
    async with app.run_test(size=PILOT_SIZE, notifications=True) as pilot:
        await settle(pilot)
        names = app.screen.query_one("#signin-names", OptionList)
        names.focus()
        names.highlighted = next(i for i in range(names.option_count) if names.get_option_at_index(i).id == LI)
        await pilot.press("c")
        dialog = await _pin_dialog(pilot, "0000", "3691", "3691")  # a wrong old PIN
        assert app.screen is dialog and "wrong PIN" in text(dialog.query_one("#pin-error", Static))
        await _pin_dialog(pilot, PINS[LI], "3691", "3691")
        assert isinstance(app.screen, SignInScreen)
        await pick(pilot, LI)
        assert await enter_pin(pilot, "3691") == ""
        assert app.user["name"] == LI


async def test_a_person_who_leaves_is_confirmed_by_name(sv: Services) -> None:
    app = console_app(sv)
    async with app.run_test(size=PILOT_SIZE, notifications=True) as pilot:
        pane = await open_console(pilot, "people")
        point_at(pane, ZHANG)
        await pilot.press("x")
        await settle(pilot)
        await answer(pilot, pane, "no")
        assert ZHANG in [r[0] for r in rows(pane.table)]
        await pilot.press("x")
        await settle(pilot)
        await answer(pilot, pane, ZHANG)
        assert ZHANG not in [r[0] for r in rows(pane.table)]
    assert ZHANG not in sv.roster.show(actor=PM)["order"] and ZHANG not in sv.desk.staff_names()


async def test_a_pm_asks_and_the_gm_signs_more_than_ten_days_in_the_console(sv: Services) -> None:
    """R2.2: the PM's reason becomes a request; the GM approves it from their own session."""
    app = console_app(sv)
    async with app.run_test(size=PILOT_SIZE) as pilot:
        pane = await open_console(pilot, "settings")
        point_at(pane, "protection_days")
        await pilot.press("e")
        await settle(pilot)
        await type_text(pilot, "14")
        await pilot.press("enter")
        await settle(pilot)
        prompt = pane.query_one(".pane-prompt", Input)
        assert prompt.display and prompt.placeholder == i18n.t("ui.pins.ask_request", "en")
        await answer(pilot, pane, "春节前回访周期长")
    assert sv.staff.settings(actor=PM)["protection_days"] == 7
    [req] = all_rows(sv, SettingRequest)

    app = console_app(sv, user=GM)
    async with app.run_test(size=PILOT_SIZE) as pilot:
        pane = await open_console(pilot, "approvals")
        point_at(pane, f"protection_days:{req.id}")
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("enter")  # no note: approve
        await settle(pilot)
    assert sv.staff.settings(actor=PM)["protection_days"] == 14
    [ap] = all_rows(sv, Approval, Approval.kind == "protection_days")
    assert (ap.approver_id, ap.subject) == (staff_id(sv, GM), f"setting_request#{req.id}")
