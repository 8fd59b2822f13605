"""Lookup, client records and follow-ups (R2.1, R2.2, R3.4) from the desk."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Static

from frontdesk import i18n
from frontdesk.services import Services
from frontdesk.services.clientbook import initials
from frontdesk.ui.app import make_app
from frontdesk.ui.screens.client import ClientScreen
from frontdesk.ui.screens.desk import DeskScreen
from frontdesk.ui.screens.followup import FollowUpScreen
from frontdesk.ui.screens.lookup import LookupScreen

from .conftest import LI, PILOT_SIZE, PINS, PM, ZHANG, Office, rows, settle, text, type_text

LOOKUP_BUG = ("BUG: frontdesk/ui/screens/lookup.py:26 `self.offset = 0` in LookupScreen.__init__ assigns "
              "Widget.offset (a styles property): TypeError 'cannot unpack non-iterable int object' — "
              "pressing / crashes the app")


def followups_today(sv: Services, phone: str) -> list[dict]:
    return [f for f in sv.records.history(phone, actor=PM)["followups"] if str(f["day"]) == "2026-11-27"]


async def open_lookup(pilot) -> None:
    await settle(pilot)
    await pilot.press("slash")
    await settle(pilot)


async def test_slash_opens_lookup(sv: Services) -> None:
    app = make_app(sv, lang="en", user=LI)
    async with app.run_test(size=PILOT_SIZE) as pilot:
        await open_lookup(pilot)
        assert isinstance(app.screen, LookupScreen)
        assert app.focused is app.screen.query_one("#l-query", Input)


async def test_search_by_pinyin_initials(sv: Services, office: Office) -> None:
    """"zs" finds 张三: type a demo client's initials, the results show the name."""
    client = office.client_of(LI)
    query = initials(client.name)
    assert client.name in [i["name"] for i in sv.desk.search(query, actor=LI)["items"]]  # the service agrees
    app = make_app(sv, lang="en", user=LI)
    async with app.run_test(size=PILOT_SIZE) as pilot:
        await open_lookup(pilot)
        await type_text(pilot, query)
        table = app.screen.query_one("#l-results", DataTable)
        found = rows(table)
        assert client.name in [r[0] for r in found]
        assert "found" in text(app.screen.query_one("#l-status", Static))
        # Enter opens the first result's records
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ClientScreen)


async def open_client(pilot, sv: Services, phone: str, user: str) -> ClientScreen:
    """The client-records dialog for `phone`, opened as lookup opens it (with a search item)."""
    await settle(pilot)
    [item] = sv.desk.search(phone, actor=user)["items"]
    screen = ClientScreen(item)
    await pilot.app.push_screen(screen)
    await settle(pilot)
    return screen


async def test_client_records_owner_view(sv: Services, office: Office) -> None:
    client = office.client_of(LI)
    history = sv.records.history(client.phone, actor=LI)
    app = make_app(sv, lang="en", user=LI)
    async with app.run_test(size=PILOT_SIZE) as pilot:
        screen = await open_client(pilot, sv, client.phone, LI)
        body = text(screen.query_one("#cl-text", Static))
        assert f"owner: {LI}" in body and f"{client.protected_through}" in body
        assert "Register entries" in body and "R2.2" in body
        assert body.count("visitor register #") + body.count("call register #") == len(history["entries"])
        assert client.phone[-4:] in body  # the owner sees the number
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)


async def test_client_records_refused_then_pm_witnessed(sv: Services, office: Office) -> None:
    """R2.1: another advisor is refused; with the PM's name and PIN the view opens (logged)."""
    client = office.client_of(LI)
    app = make_app(sv, lang="en", user=ZHANG)
    async with app.run_test(size=PILOT_SIZE) as pilot:
        screen = await open_client(pilot, sv, client.phone, ZHANG)
        body = text(screen.query_one("#cl-text", Static))
        assert "R2.1" in body and "Press w" in body and "Register entries" not in body
        assert not screen.query_one("#cl-witness").display

        await pilot.press("w")
        await settle(pilot)
        assert screen.query_one("#cl-witness").display
        assert app.focused is screen.query_one("#cl-wname", Input)
        await type_text(pilot, PM)
        await pilot.press("enter")
        await settle(pilot)
        assert app.focused is screen.query_one("#cl-wpin", Input)
        await type_text(pilot, PINS[PM])
        await pilot.press("enter")
        await settle(pilot)
        body = text(screen.query_one("#cl-text", Static))
        assert "Register entries" in body and "R2.1" in body  # the witnessed-view reason
        assert not screen.query_one("#cl-witness").display


async def test_client_records_refusal_names_the_owner(sv: Services, office: Office) -> None:
    client = office.client_of(LI)
    app = make_app(sv, lang="en", user=ZHANG)
    async with app.run_test(size=PILOT_SIZE) as pilot:
        screen = await open_client(pilot, sv, client.phone, ZHANG)
        assert LI in text(screen.query_one("#cl-text", Static))


async def test_followup_by_the_owner(sv: Services, office: Office) -> None:
    client = office.client_of(LI)
    app = make_app(sv, lang="en", user=LI)
    async with app.run_test(size=PILOT_SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, FollowUpScreen)
        await type_text(pilot, client.phone)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)
        [note] = [n for n in app._notifications if n.title == i18n.t("word.followup", "en")]
        assert "R2.2" in note.message and note.severity == "information"
    [fu] = followups_today(sv, client.phone)
    assert (fu["advisor"], fu["outcome"], fu["valid"]) == (LI, "reached", True)


async def test_followup_by_a_non_owner_is_refused(sv: Services, office: Office) -> None:
    client = office.client_of(LI)
    app = make_app(sv, lang="en", user=ZHANG)
    async with app.run_test(size=PILOT_SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        await type_text(pilot, client.phone)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, FollowUpScreen)
        assert "R2.1" in text(app.screen.query_one("#f-error", Static))
    assert followups_today(sv, client.phone) == []


async def test_followup_by_the_duty_advisor_is_refused(sv: Services, office: Office) -> None:
    """R3.4: the advisor who received the client on duty may not follow it up."""
    client = office.client_of_present(exclude=(office.roster["next"],))
    sv.roster.mark(client.owner, True, actor=PM)
    r = sv.reception.visit(client.phone, actor=PM)
    assert r["route"] == "duty"
    duty = r["advisor"]
    app = make_app(sv, lang="en", user=duty)
    async with app.run_test(size=PILOT_SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        await type_text(pilot, client.phone)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, FollowUpScreen)
        assert "R3.4" in text(app.screen.query_one("#f-error", Static))
    assert followups_today(sv, client.phone) == []


async def test_followup_refusal_names_the_owner(sv: Services, office: Office) -> None:
    client = office.client_of(LI)
    app = make_app(sv, lang="en", user=ZHANG)
    async with app.run_test(size=PILOT_SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        await type_text(pilot, client.phone)
        await pilot.press("enter")
        await settle(pilot)
        assert LI in text(app.screen.query_one("#f-error", Static))


async def test_client_records_route_words_are_translated(sv: Services, office: Office) -> None:
    client = office.client_of(LI)
    routes = {e["route"] for e in sv.records.history(client.phone, actor=LI)["entries"]}
    app = make_app(sv, lang="zh_CN", user=LI)
    async with app.run_test(size=PILOT_SIZE) as pilot:
        screen = await open_client(pilot, sv, client.phone, LI)
        entries = text(screen.query_one("#cl-text", Static)).split(i18n.t("ui.register_entries", "zh_CN"))[1]
        for route in routes:
            assert f"  {route}  " not in entries, (route, entries)
