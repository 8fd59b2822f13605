"""Every action findable (help, command palette), the lobby board, words in zh_CN."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Digits, Static

from frontdesk import i18n
from frontdesk.services import Services
from frontdesk.ui.app import make_app
from frontdesk.ui import bigtext
from frontdesk.ui.board import BigName, BoardApp, plaque
from frontdesk.ui.screens.desk import DeskScreen
from frontdesk.ui.screens.greeter import GreeterScreen
from frontdesk.ui.screens.help import HelpScreen, declared, help_words, own_bindings

from .conftest import LI, NEW_PHONE, PILOT_SIZE, PM, palette_prompts, rows, settle, text, type_text


def help_text(app) -> str:
    return "\n".join(text(s) for s in app.screen.query("#help Static").results(Static))


def listed(app, node) -> list[tuple[str, str]]:
    """(key shown, words) the help must show for each key `node` declares, in the app's language."""
    out = []
    for group, binding in declared(node):
        words = help_words(binding, app.lang)
        assert words is not None, f"{type(node).__name__}: no words in {app.lang} for {binding.action!r}"
        out += [(app.get_key_display(b), words) for b in group]
    return out


def help_rows(app) -> list[tuple[str, str]]:
    rows_ = app.screen.query(".help-row")
    return [(text(r.query_one(".help-key", Static)), text(r.query_one(".help-words", Static))) for r in rows_]


def assert_all_listed(app, nodes) -> None:
    shown = help_rows(app)
    for node in nodes:
        for key, words in listed(app, node):
            assert any(key in k.split() and w == words for k, w in shown), (type(node).__name__, key, words, shown)


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
async def test_help_lists_the_desks_keys_with_question_mark_and_f1(sv: Services, lang: str) -> None:
    app = make_app(sv, lang=lang, user=PM)
    async with app.run_test(size=PILOT_SIZE) as pilot:
        await settle(pilot)
        desk = app.screen
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        assert_all_listed(app, [desk, app])
        assert any(k == "m" for k, _w in help_rows(app))  # the PM's console key
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)

        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("f1")  # F1 again closes it
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)


async def test_help_leaves_out_what_the_user_cannot_do(sv: Services) -> None:
    """An advisor has no console: no `m` in her help (the desk refuses the action for her)."""
    app = make_app(sv, lang="en", user=LI)
    async with app.run_test(size=PILOT_SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        keys = [k for k, _w in help_rows(app)]
        assert "n" in keys and "m" not in keys


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
async def test_help_from_the_console_lists_every_console_key(sv: Services, lang: str) -> None:
    """Opened from the console, the help lists the console's keys (tabs, i, o), every tab's keys
    (the tab in view first) and the keys that work everywhere — each in the user's language."""
    from frontdesk.ui.console.base import Pane
    from frontdesk.ui.console.screen import ConsoleScreen

    app = make_app(sv, lang=lang, user=PM)
    async with app.run_test(size=PILOT_SIZE) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        console = app.screen
        assert isinstance(console, ConsoleScreen)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        panes = list(console.query(Pane))
        assert_all_listed(app, [console, *panes, app])
        keys = [k for k, _w in help_rows(app)]
        assert {"i", "o", "1", "7"} <= set(keys)
        titles = [text(s) for s in app.screen.query(".help-section").results(Static)]
        assert titles[1] == i18n.t("ui.tab_approvals", lang)  # the tab in view comes first
        assert {i18n.t(f"ui.tab_{p.id.removeprefix('pane-')}", lang) for p in panes} <= set(titles)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConsoleScreen)


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
        assert text(app.query_one("#b-next", Static)) == f"next up  ·  {roster['next']}"  # the name in text too
        name = app.query_one("#b-name", BigName)
        assert name.value == roster["next"]
        drawn = name.lines(name.content_size.width)
        assert drawn == bigtext.fit(roster["next"], name.content_size.width, 99) and len(drawn) >= 8  # big letters
        turns = [v for v in sv.desk.today("visit", actor=PM) if v["route"] == "rotation"]
        assert app.query_one("#b-turn", Digits).value == str(len(turns) + 1)
        order = text(app.query_one("#b-order", Static))
        for name in roster["away"]:
            assert f"away: {name}" in order
        for name in roster["shadow"] + roster["away"]:
            assert name not in order.splitlines()[0]


async def test_board_name_falls_back_to_a_plaque_where_big_letters_do_not_fit(sv: Services) -> None:
    app = BoardApp(sv, lang="zh_CN")
    async with app.run_test(size=(30, 24)) as pilot:  # two ideographs need 32 columns at the smallest size
        await settle(pilot)
        name = app.query_one("#b-name", BigName)
        assert name.value and name.lines(name.content_size.width) == [plaque(name.value)]


async def test_board_follows_the_rotation(sv: Services) -> None:
    """After a new walk-in the next refresh shows the next advisor."""
    app = BoardApp(sv, lang="zh_CN", refresh_seconds=3600)
    async with app.run_test(size=PILOT_SIZE) as pilot:
        await settle(pilot)
        first = sv.roster.show(actor=PM)["next"]
        assert app.query_one("#b-name", BigName).value == first
        assert app.query_one("#b-turn", Digits).value == "1"
        sv.reception.visit(NEW_PHONE, actor=PM)
        app.load()
        await settle(pilot)
        second = sv.roster.show(actor=PM)["next"]
        assert second != first
        assert app.query_one("#b-name", BigName).value == second
        assert text(app.query_one("#b-next", Static)) == f"{i18n.t('word.next_up', 'zh_CN')}  ·  {second}"
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


def test_every_key_of_every_screen_has_words_in_both_languages() -> None:
    """A key added to any screen without words in the catalog is a key nobody finds in the help."""
    import importlib
    import inspect
    import pkgutil

    from textual.dom import DOMNode

    import frontdesk.ui.console as console
    import frontdesk.ui.screens as screens

    missing, seen = [], 0
    for pkg in (screens, console):
        for mod_info in pkgutil.iter_modules(pkg.__path__):
            mod = importlib.import_module(f"{pkg.__name__}.{mod_info.name}")
            for _n, cls in inspect.getmembers(mod, inspect.isclass):
                if not (issubclass(cls, DOMNode) and cls.__module__ == mod.__name__):
                    continue
                for b in own_bindings(cls.__new__(cls)):
                    seen += 1
                    missing += [(cls.__name__, b.key, lang) for lang in ("en", "zh_CN")
                                if b.description and help_words(b, lang) is None]
    assert seen > 50 and not missing, missing


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
async def test_help_in_the_setup_lists_the_step_in_view(tmp_path, lang: str) -> None:
    """F1 on the setup's order step: its keys (u/d move, x out/in) in the user's words; not the keys
    of the team step, which is out of view."""
    from frontdesk.ui.screens.setup_steps import OrderList, TeamList

    from .test_setup_snapshots import KEYS, STEPS, never

    app = make_app(never(tmp_path / "new.db"), lang=lang, setup={"project": None})
    async with app.run_test(size=PILOT_SIZE) as pilot:
        await settle(pilot)
        for k in STEPS["order"]:
            await (pilot.press(k) if k in KEYS or len(k) == 1 else pilot.press(*k))
        await settle(pilot)
        setup = app.screen
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        assert_all_listed(app, [setup, setup.query_one(OrderList)])
        words = {w for _k, w in help_rows(app)}
        assert i18n.t("ui.console_key.out_in", lang) in words
        assert not any(k == "delete" or "del" in k.split() for k, _w in help_rows(app)), help_rows(app)
        assert setup.query_one(TeamList)  # there, but out of view
