"""Every action findable (help, command palette), the lobby board, words in zh_CN."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Digits, Static

from frontdesk import i18n
from frontdesk.services import Services
from frontdesk.ui.app import make_app
from frontdesk.ui.board import BoardApp
from frontdesk.ui.screens.desk import DeskScreen
from frontdesk.ui.screens.greeter import GreeterScreen
from frontdesk.ui.screens.help import KEYS, HelpScreen

from .conftest import LI, NEW_PHONE, PILOT_SIZE, PM, palette_prompts, rows, settle, text, type_text


def help_text(app) -> str:
    return "\n".join(text(s) for s in app.screen.query("#help Static").results(Static))


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
async def test_help_opens_with_question_mark_and_f1(sv: Services, lang: str) -> None:
    app = make_app(sv, lang=lang, user=LI)
    async with app.run_test(size=PILOT_SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        body = help_text(app)
        for key, action in KEYS:
            assert key in body and i18n.t(f"ui.help_{action}", lang) in body
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)

        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("f1")  # F1 again closes it
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)


async def test_command_palette_lists_desk_actions(sv: Services) -> None:
    app = make_app(sv, lang="en", user=LI)
    async with app.run_test(size=PILOT_SIZE) as pilot:
        await settle(pilot)
        prompts = await palette_prompts(pilot, "walk")
        assert any("New walk-in" in p for p in prompts), prompts
        await pilot.press("enter")  # runs it: the greeter opens
        await settle(pilot)
        assert isinstance(app.screen, GreeterScreen)


async def test_command_palette_in_chinese(sv: Services) -> None:
    app = make_app(sv, lang="zh_CN", user=LI)
    async with app.run_test(size=PILOT_SIZE) as pilot:
        await settle(pilot)
        word = i18n.t("ui.key_greet", "zh_CN")
        prompts = await palette_prompts(pilot, word[:2])
        assert any(word in p for p in prompts), prompts


async def test_board_shows_next_up(sv: Services) -> None:
    roster = sv.roster.show(actor=PM)
    app = BoardApp(sv, lang="en")
    async with app.run_test(size=PILOT_SIZE) as pilot:
        await settle(pilot)
        assert text(app.query_one("#b-next", Static)) == "next up"
        assert text(app.query_one("#b-name", Static)).replace("\u3000", "") == roster["next"]
        turns = [v for v in sv.desk.today("visit", actor=PM) if v["route"] == "rotation"]
        assert app.query_one("#b-turn", Digits).value == str(len(turns) + 1)
        order = text(app.query_one("#b-order", Static))
        for name in roster["away"]:
            assert f"away: {name}" in order
        for name in roster["shadow"] + roster["away"]:
            assert name not in order.splitlines()[0]


async def test_board_follows_the_rotation(sv: Services) -> None:
    """After a new walk-in the next refresh shows the next advisor."""
    app = BoardApp(sv, lang="zh_CN", refresh_seconds=3600)
    async with app.run_test(size=PILOT_SIZE) as pilot:
        await settle(pilot)
        first = sv.roster.show(actor=PM)["next"]
        assert text(app.query_one("#b-name", Static)).replace("\u3000", "") == first
        assert app.query_one("#b-turn", Digits).value == "1"
        sv.reception.visit(NEW_PHONE, actor=PM)
        app.load()
        await settle(pilot)
        second = sv.roster.show(actor=PM)["next"]
        assert second != first
        assert text(app.query_one("#b-name", Static)).replace("\u3000", "") == second
        assert text(app.query_one("#b-next", Static)) == i18n.t("word.next_up", "zh_CN")
        assert app.query_one("#b-turn", Digits).value == "2"  # the walk-in took today's first turn


async def test_away_key_marks_the_highlighted_advisor(sv: Services) -> None:
    """R3: the PM marks the highlighted advisor away with "a", and back again."""
    app = make_app(sv, lang="en", user=PM)
    async with app.run_test(size=PILOT_SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#rotation", DataTable)
        order = sv.roster.show(actor=PM)["order"]
        table.move_cursor(row=order.index(LI))
        await pilot.press("a")
        await settle(pilot)
        assert LI in sv.roster.show(actor=PM)["away"]
        assert rows(table)[order.index(LI)][2] == "[dim]away[/dim]"
        await pilot.press("a")
        await settle(pilot)
        assert LI not in sv.roster.show(actor=PM)["away"]


async def test_zh_cn_call_register_route_is_translated(sv: Services) -> None:
    app = make_app(sv, lang="zh_CN", user=LI)
    async with app.run_test(size=PILOT_SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        await type_text(pilot, NEW_PHONE)
        await pilot.press("enter")
        await settle(pilot)
        [row] = rows(app.screen.query_one("#calls", DataTable))
        assert row[4] not in ("call", "held", "referral"), row


def test_help_names_every_desk_key() -> None:
    """A key added to the desk without a line in the help is a key nobody finds."""
    desk_actions = {b.action for b in DeskScreen.BINDINGS if not b.action.startswith("app.")}  # type: ignore[union-attr]
    assert desk_actions <= {action for _key, action in KEYS}
    for _key, action in KEYS:
        for lang in ("en", "zh_CN"):
            assert i18n.t(f"ui.help_{action}", lang) != f"ui.help_{action}"
