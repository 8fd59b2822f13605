"""Every screen and dialog whole at 80×24 and 120×40, in en and zh_CN, for the PM and an advisor
(issue 17): rendered through the pilot, read back as lines (`layoutkit.rendered`), and checked for
what a person needs — names and table cells whole, the footer's help key, the greeter's hint line
under its card, every visible reason with its rule id, the inbox count — and for no wide (CJK)
character shown by half.

One app per case walks through the screens in turn (Esc back to the desk between them); every
finding is collected, so one failure lists all that is cut in that case."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import DataTable, Footer, Static

from frontdesk import i18n
from frontdesk.demo import demo_hint, load_dataset
from frontdesk.services import Services
from frontdesk.services.clientbook import initials
from frontdesk.ui.app import make_app
from frontdesk.ui.board import BigName, BoardApp
from frontdesk.ui.console.screen import TABS
from frontdesk.ui.screens.desk import DeskScreen
from frontdesk.ui.screens.setup import SetupScreen

from .conftest import LANGS, LI, PM, SIZES, SUN, ZHANG, Office, settle, text, type_text
from .layoutkit import cuts, flat, rendered, whole
from .test_setup_snapshots import KEYS as SETUP_KEYS
from .test_setup_snapshots import STEPS as SETUP_STEPS
from .test_setup_snapshots import never

SETUP_AT = {"project": 0, "refused": 0, "first": 1, "team": 2, "order": 3, "confirm": 4}  # the step each reaches

CASES = [pytest.param(size, lang, id=f"{lang}-{size[0]}x{size[1]}") for size in SIZES for lang in LANGS]
case = pytest.mark.parametrize("size,lang", CASES)
RULE = re.compile(r"• (R\d+(\.\d+)*|P\d+)\b")


def plain(value: Any) -> str:
    return (Text.from_markup(value) if isinstance(value, str) else Text(str(value))).plain.strip()


def findings(app: Any, where: str, must: tuple[str, ...] = ()) -> list[str]:
    """What is cut on the top screen, each finding named with `where`."""
    lines = rendered(app)
    out = [f"{where}: half a wide character: {line!r}" for line in cuts(lines)]
    out += [f"{where}: {word!r} not whole" for word in must if word and not whole(word, lines)]
    screen = app.screen
    for table in screen.query(DataTable):
        if not table.display or not table.region.height:
            continue
        for column in table.columns.values():  # every header line, whole
            out += [f"{where}: column {part!r} not whole" for part in plain(column.label).splitlines()
                    if part.strip() and not whole(part.strip(), lines)]
        in_view = max(0, table.scrollable_content_region.height - table.header_height)
        for i in range(min(table.row_count, in_view)):
            out += [f"{where}: cell {cell!r} not whole" for cell in map(plain, table.get_row_at(i))
                    if cell and not whole(cell, lines)]
    for line in lines:  # a reason in sight shows its rule
        if "•" in line and not RULE.search(line) and line.strip().startswith(("│ •", "•")):
            out.append(f"{where}: a reason without its rule id: {line!r}")
    if screen.query(Footer):  # help leads the footer: `?`, or F1 where `?` would be typed (sign-in)
        keys = (f"? {footer_word(app, 'help')}", f"f1 {footer_word(app, 'help')}")
        if not lines[-1].lstrip().startswith(keys):
            out.append(f"{where}: the footer does not start with {keys[0]!r}: {lines[-1]!r}")
    return out


def shown(app: Any, where: str, text: str) -> list[str]:
    """`text` (a key line, a message) all on screen, wrapped or not: nothing of it below the edge."""
    return [] if flat([text])[0] in flat(rendered(app))[0] else [f"{where}: {text!r} not all shown"]


def footer_word(app: Any, action: str) -> str:
    return i18n.t(f"layout.footer.{action}", app.lang)


async def press(pilot: Pilot, *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


async def back_to_desk(pilot: Pilot) -> None:
    for _ in range(4):
        if isinstance(pilot.app.screen, DeskScreen):
            return
        await press(pilot, "escape")
    assert isinstance(pilot.app.screen, DeskScreen), pilot.app.screen_stack


async def walk(pilot: Pilot, sv: Services, office: Office, user: str) -> list[str]:
    """Every screen the user can open from the desk, each checked."""
    app = pilot.app
    t = app.t
    out: list[str] = []
    await settle(pilot)
    roster = sv.roster.show(actor=user)
    unread = sv.inbox.list(actor=user)["unread"]
    must = (*roster["order"], f"✉ {unread}", f"{t('ui.inbox')}")
    if user == PM:
        must += (f"m {footer_word(app, 'console')}",)
    out += findings(app, "desk", must)

    # the greeter with a long card: an absent owner's client (duty reception, several reasons)
    away = next(c for c in office.clients if c.owner in roster["away"] and c.protected_through)
    await press(pilot, "n")
    await type_text(pilot, away.phone)
    card_lines = rendered(app)
    out += findings(app, "greeter", (t("ui.greeter_keys"), away.owner, roster["next"]))
    keys_at = next((i for i, line in enumerate(card_lines) if t("ui.greeter_keys") in line), -1)
    if keys_at < 1 or "╰" not in card_lines[keys_at - 1]:
        out.append("greeter: the card's bottom border is not right above the hint line")
    await back_to_desk(pilot)

    await press(pilot, "c")
    out += findings(app, "call", (t("ui.dialog_keys"),))
    await back_to_desk(pilot)

    own = office.client_of(user) if office.owned_by(user) else office.client_of(LI)
    await press(pilot, "f")
    await type_text(pilot, own.phone)
    out += findings(app, "follow-up", (t("ui.dialog_keys"),))
    await back_to_desk(pilot)

    await press(pilot, "slash")
    await type_text(pilot, initials(own.name)[:1])
    out += findings(app, "lookup", (t("ui.lookup_keys"),))
    await back_to_desk(pilot)

    from frontdesk.ui.screens.client import ClientScreen

    for label, phone in (("client", own.phone), ("client of another", office.client_of(ZHANG).phone)):
        [item] = sv.desk.search(phone, actor=user)["items"]
        await app.push_screen(ClientScreen(item))
        await settle(pilot)
        out += findings(app, label, (plain(item["name"] or "—"),))
        if label == "client" and user == LI:  # her own client: the discount request dialog (R7)
            await press(pilot, "d")
            out += findings(app, "discount request", (t("ui.dialog_keys"),))
        await back_to_desk(pilot)

    await press(pilot, "i")
    out += findings(app, "inbox")
    await back_to_desk(pilot)

    await press(pilot, "question_mark")
    out += findings(app, "help", (t("ui.help_title"),))
    await back_to_desk(pilot)

    if user == PM:
        await press(pilot, "e")  # the scenario drill: which trainee (R5.3)
        out += findings(app, "drill trainee picker", (t("drill.pick_trainee"),))
        await back_to_desk(pilot)

        await press(pilot, "m")
        tabs = tuple(f"{i} {t('ui.tab_' + name)}" for i, (name, _p) in enumerate(TABS, 1))
        for i, (name, _pane) in enumerate(TABS, 1):
            await press(pilot, str(i))
            out += findings(app, f"console {name}", tabs)
        await press(pilot, "question_mark")  # the console's own keys
        out += findings(app, "console help", (t("ui.help_title"), t("ui.tab_settings")))
        await press(pilot, "escape", "4", "p")  # the PIN dialog on the people tab (R2.1)
        out += findings(app, "set PIN", (t("ui.pins.keys"),))
        out += shown(app, "set PIN", t("ui.pins.keys"))
        await press(pilot, "escape", "i")
        out += findings(app, "import") + shown(app, "import", t("ui.import_keys"))
        await press(pilot, "escape", "o")
        out += findings(app, "outbox")
        await back_to_desk(pilot)
        # last, as it moves 张伟 away: the R6 redistribution of his clients
        from frontdesk.ui.console.redistribute import RedistributeScreen

        sv.staff.init("P2", "江南新城", actor=PM)
        sv.staff.transfer(ZHANG, "P2", actor=PM)
        await app.push_screen(RedistributeScreen(ZHANG))
        await settle(pilot)
        out += findings(app, "redistribute", (t("ui.redistribute_keys"),))
    return out


@case
@pytest.mark.parametrize("user", [PM, LI], ids=["pm", "advisor"])
async def test_every_screen_whole(sv: Services, office: Office, size: tuple[int, int], lang: str, user: str) -> None:
    app = make_app(sv, lang=lang, user=user, project=load_dataset()["project"]["code"])  # P2 comes in at the end
    async with app.run_test(size=size) as pilot:
        found = await walk(pilot, sv, office, user)
    assert not found, "\n".join(found)


@case
async def test_signin_and_board_whole(sv: Services, size: tuple[int, int], lang: str) -> None:
    app = make_app(sv, lang=lang, demo_hint=demo_hint(lang))
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        staff = [s["name"] for s in sv.staff.list(actor=PM)]
        found = findings(app, "sign-in", tuple(staff[:5]))
    board = BoardApp(sv, lang=lang)
    async with board.run_test(size=size) as pilot:
        await settle(pilot)
        roster = sv.roster.show(actor=PM)
        found += findings(board, "board", (i18n.t("word.next_up", lang),))
        name = board.query_one("#b-name", BigName)  # in big letters, all of them inside the screen
        lines = rendered(board)
        big = name.lines(name.content_size.width)
        if name.value != roster["next"] or len(big) < 8 or not all(any(row.strip() in line for line in lines) for row in big):
            found.append(f"board: {roster['next']!r} not shown whole in big letters")
    assert not found, "\n".join(found)


@case
async def test_shadow_desk_whole(sv: Services, size: tuple[int, int], lang: str) -> None:
    """A trainee's desk: the banner says what she may do (R5.3), all of it, and the desk stays whole."""
    app = make_app(sv, lang=lang, user=SUN)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        banner = text(app.screen.query_one("#shadow-banner", Static))
        assert "R5.3" in banner
        roster = sv.roster.show(actor=SUN)
        found = findings(app, "shadow desk", tuple(roster["order"])) + shown(app, "shadow banner", banner)
    assert not found, "\n".join(found)


@case
async def test_pin_change_at_sign_in_whole(sv: Services, size: tuple[int, int], lang: str) -> None:
    app = make_app(sv, lang=lang)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await press(pilot, "c")  # the highlighted name changes their own PIN (R2.1)
        found = findings(app, "change PIN", (app.t("ui.pins.old"),)) + shown(app, "change PIN", app.t("ui.pins.keys"))
    assert not found, "\n".join(found)


@case
@pytest.mark.parametrize("step", list(SETUP_STEPS))
async def test_setup_wizard_whole(tmp_path: Path, size: tuple[int, int], lang: str, step: str) -> None:
    """Each step of the first day's setup (and a refused value), its title and key line whole."""
    app = make_app(never(tmp_path / "new.db"), lang=lang, setup={"project": None})
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        for k in SETUP_STEPS[step]:
            await (pilot.press(k) if k in SETUP_KEYS or len(k) == 1 else pilot.press(*k))
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SetupScreen) and screen.step == SETUP_AT[step]
        title, keys = (text(screen.query_one(f"#setup-{w}", Static)) for w in ("title", "keys"))
        found = findings(app, f"setup {step}", (title,)) + shown(app, f"setup {step}", keys)
        error = text(screen.query_one("#setup-error", Static))
        if step == "refused":
            assert error
            found += shown(app, "setup refused", error)
    assert not found, "\n".join(found)


@case
async def test_drill_whole(size: tuple[int, int], lang: str) -> None:
    """The scenario drill: a visitor, a wrong answer's verdict (reasons with their rules), the sheet."""
    from frontdesk.ui.drill_app import DrillApp
    from frontdesk.ui.screens.drill_sheet import DrillSheetScreen

    from .test_drill import _drill, keys_for

    drill = _drill(lang)
    app = DrillApp(drill, lang=lang)
    try:
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            keys = lambda: text(app.screen.query_one("#d-keys", Static))  # noqa: E731
            found = findings(app, "drill visitor", (app.t("drill.route"),)) + shown(app, "drill visitor", keys())
            await press(pilot, *keys_for(drill, "new-visitor"), "enter")
            await press(pilot, "1", "2", "3", "slash", "r", "a", "a", "enter")  # wrong: the owner serves (R3)
            found += findings(app, "drill verdict", ("R2.2", "R3", drill.staff()[1])) + shown(app, "drill verdict", keys())
            await press(pilot, "enter")
            while not drill.done:
                await pilot.press(*keys_for(drill, drill.story.id), "enter")
                await settle(pilot)
            await press(pilot, "enter")
            assert isinstance(app.screen, DrillSheetScreen)
            found += findings(app, "drill sheet", (app.t("drill.title"),))
    finally:
        drill.close()
    assert not found, "\n".join(found)


def test_the_checks_catch_a_cut() -> None:
    """The reader marks half a wide character, and `whole` misses a cut word."""
    from rich.segment import Segment

    from .layoutkit import CUT, marking_cuts

    with marking_cuts():
        left, _right = Segment("置业顾问").split_cells(5)
    assert left.text.endswith(CUT)
    assert not whole("置业顾问", ["│ 置业顾¦ │"]) and whole("置业顾问", ["│ 置业顾问 │"])
