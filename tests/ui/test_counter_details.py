"""The small things of issue 17: the rotation numbered continuously, Chinese wrapped by the
character, bars for exactly those who had a turn, a refused record without f and d, toasts cleared
on a switch of user, the outbox key in the console's footer."""

from __future__ import annotations

from textual.widgets import Footer

from frontdesk.services import Services
from frontdesk.ui.app import make_app
from frontdesk.ui.console.panes_office import turn_bars
from frontdesk.ui.screens.client import ClientScreen
from frontdesk.ui.screens.desk import DeskScreen, turn_places
from frontdesk.ui.screens.followup import FollowUpScreen
from frontdesk.ui.screens.signin import SignInScreen
from frontdesk.ui.wrap import fold

from .conftest import LI, PILOT_SIZE, PM, ZHANG, Office, settle


def test_turn_places_count_only_those_who_take_turns_from_next_up() -> None:
    roster = {"order": ["A", "B", "C", "D", "E", "F"], "next": "C", "away": ["D"], "shadow": ["A"]}
    assert turn_places(roster) == {"C": 1, "E": 2, "F": 3, "B": 4}


def test_fold_breaks_chinese_by_the_character_and_keeps_latin_words() -> None:
    lines = fold("  • R3.2: 归属人赵磊不在场：由刘洋义务接待", 20, indent="    ")
    assert lines[0].startswith("  • R3.2: 归") and all(len(x) and sum(2 if ord(c) > 0x2e80 else 1 for c in x) <= 20
                                                      for x in lines)
    assert "".join(x.strip() for x in lines).replace(" ", "") == "•R3.2:归属人赵磊不在场：由刘洋义务接待"
    assert fold("the owner is absent", 10) == ["the owner", "is absent"]


def test_turn_bars_show_everyone_with_a_turn_and_no_one_without() -> None:
    rows = [{"advisor": "王经理", "turns": 0, "receptions": 3}, {"advisor": "李娜", "turns": 30},
            {"advisor": "张伟", "turns": 1}]
    lines = turn_bars("title", rows, 80).splitlines()
    assert lines[0] == "title" and "王经理" not in "".join(lines)
    assert any("李娜" in x for x in lines) and any("张伟 █" in x for x in lines)  # one turn still draws a block


async def test_a_refused_record_offers_no_followup_or_discount(sv: Services, office: Office) -> None:
    phone = office.client_of(LI).phone
    app = make_app(sv, lang="en", user=ZHANG)
    async with app.run_test(size=PILOT_SIZE) as pilot:
        await settle(pilot)
        [item] = sv.desk.search(phone, actor=ZHANG)["items"]
        await app.push_screen(ClientScreen(item))
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ClientScreen) and screen.refused
        shown = {b.binding.action for b in screen.active_bindings.values() if b.enabled}
        assert "followup" not in shown and "discount" not in shown and "witness" in shown
        await pilot.press("f")
        await settle(pilot)
        assert not isinstance(app.screen, FollowUpScreen)


async def test_switching_user_clears_the_toasts(sv: Services) -> None:
    app = make_app(sv, lang="en", user=LI)
    async with app.run_test(size=PILOT_SIZE, notifications=True) as pilot:
        await settle(pilot)
        app.notify("李娜's visitor registered")
        await settle(pilot)
        assert app._notifications
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen) and not app._notifications


async def test_the_console_footer_has_help_and_the_outbox(sv: Services) -> None:
    app = make_app(sv, lang="zh_CN", user=PM)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)
        await pilot.press("m")
        await settle(pilot)
        keys = [key for key, b in app.screen.active_bindings.items() if b.binding.show]
        assert keys[0] == "question_mark" and "o" in keys
        assert app.screen.query_one(Footer)


def test_clip_measures_cells_and_never_halves_a_chinese_character() -> None:
    from rich.cells import cell_len

    from frontdesk.ui.wrap import clip

    assert clip("【滨江华苑】致刘洋：您的客户", 11) == "【滨江华苑…" and cell_len(clip("【滨江华苑】致刘洋", 11)) <= 11
    assert clip("short", 11) == "short"
