"""Sign-in at the shared counter PC (R2.1): name + PIN, lockout, switch user, idle lock."""

from __future__ import annotations

from datetime import datetime

from textual.widgets import Input, OptionList, Static

from frontdesk.services import Services
from frontdesk.ui.app import make_app
from frontdesk.ui.screens.desk import DeskScreen
from frontdesk.ui.screens.signin import SignInScreen

from .conftest import LI, PILOT_SIZE, PINS, settle, text, type_text


async def pick(pilot, name: str) -> None:
    """Highlight `name` in the list and press Enter: the PIN field takes the focus."""
    names = pilot.app.screen.query_one("#signin-names", OptionList)
    names.focus()
    names.highlighted = next(i for i in range(names.option_count) if names.get_option_at_index(i).id == name)
    await pilot.press("enter")
    await settle(pilot)
    assert pilot.app.focused is pilot.app.screen.query_one("#signin-pin", Input)


async def enter_pin(pilot, pin: str) -> str:
    await type_text(pilot, pin)
    await pilot.press("enter")
    await settle(pilot)
    screen = pilot.app.screen
    return text(screen.query_one("#signin-error", Static)) if isinstance(screen, SignInScreen) else ""


async def test_sign_in_opens_the_desk(sv: Services) -> None:
    app = make_app(sv, lang="en")
    async with app.run_test(size=PILOT_SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        names = app.screen.query_one("#signin-names", OptionList)
        ids = [names.get_option_at_index(i).id for i in range(names.option_count)]
        assert set(PINS) <= set(ids)
        await pick(pilot, LI)
        assert await enter_pin(pilot, PINS[LI]) == ""
        assert isinstance(app.screen, DeskScreen) and app.user["name"] == LI
        assert f"{LI} (advisor)" in text(app.screen.query_one("#desk-bar", Static))


async def test_wrong_pins_lock_the_name(sv: Services) -> None:
    """Five wrong PINs in five minutes lock the name for five minutes of the real clock (SPEC
    "Who is acting"); then even the right PIN is refused."""
    sv.clock.real = lambda: datetime(2026, 11, 27, 1, 0)  # UTC: 09:00 in Shanghai
    app = make_app(sv, lang="en")
    async with app.run_test(size=PILOT_SIZE) as pilot:
        await settle(pilot)
        await pick(pilot, LI)
        errors = [await enter_pin(pilot, "0000") for _ in range(5)]
        assert [("R2.1" in e, "tries left" in e) for e in errors] == [(True, True)] * 4 + [(True, False)]
        assert [e.split("(")[1].split()[0] for e in errors[:4]] == ["4", "3", "2", "1"]
        assert "locked until 09:05 (real time)" in errors[4]  # the fifth wrong PIN says so at once
        locked = await enter_pin(pilot, PINS[LI])
        assert "locked until 09:05" in locked
        assert isinstance(app.screen, SignInScreen) and app.user is None
        assert app.screen.query_one("#signin-pin", Input).value == ""  # the PIN never stays on screen


async def test_switch_user_and_sign_in_as_another(sv: Services) -> None:
    app = make_app(sv, lang="zh_CN", user=LI)
    async with app.run_test(size=PILOT_SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen) and app.user is None
        assert len(app.screen_stack) == 2  # default screen + sign-in: nothing of 李娜's left below
        await pick(pilot, "张伟")
        assert await enter_pin(pilot, PINS["张伟"]) == ""
        assert isinstance(app.screen, DeskScreen) and app.user["name"] == "张伟"


async def test_enter_without_a_name_asks_for_one(sv: Services) -> None:
    app = make_app(sv, lang="en")
    async with app.run_test(size=PILOT_SIZE) as pilot:
        await settle(pilot)
        names = app.screen.query_one("#signin-names", OptionList)
        names.highlighted = None
        app.screen.query_one("#signin-pin", Input).focus()
        assert "Pick your name" in await enter_pin(pilot, "1111")


async def test_idle_desk_locks_itself(sv: Services) -> None:
    app = make_app(sv, lang="en", user=LI)
    async with app.run_test(size=PILOT_SIZE) as pilot:
        await settle(pilot)
        app._check_idle()  # nothing happens while there was input in the last 10 minutes
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)
        app.idle_lock_minutes = 0
        app._check_idle()
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen) and app.user is None


async def test_ctrl_l_locks_from_a_dialog(sv: Services) -> None:
    app = make_app(sv, lang="en", user=LI)
    async with app.run_test(size=PILOT_SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert app.screen.id != "_default" and not isinstance(app.screen, DeskScreen)
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen) and app.user is None
        assert len(app.screen_stack) == 2
