"""The greeter flow (R3.1) at the desk: phone → routing card → Enter → a visitor-register row.

Each test drives the real app (pilot) and checks both the screen and the database."""

from __future__ import annotations

from textual.widgets import DataTable, Input, OptionList, Select, Static

from frontdesk import i18n
from frontdesk.services import Services
from frontdesk.ui.app import make_app
from frontdesk.ui.screens.desk import DeskScreen
from frontdesk.ui.screens.greeter import GreeterScreen
from frontdesk.ui.screens.signin import SignInScreen

from .conftest import LI, NEW_PHONE, PILOT_SIZE, PINS, PM, SUN, ZHANG, Office, rows, settle, text, type_text


def short(route: str, lang: str = "en") -> str:
    """The register tables' short word for a route (the card and the records say it in full)."""
    return i18n.t(f"layout.route_short.{route}", lang)


def visits(sv: Services) -> list[dict]:
    return sv.desk.today("visit", actor=PM)


async def open_greeter(pilot, phone: str) -> GreeterScreen:
    await settle(pilot)
    await pilot.press("n")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, GreeterScreen)
    await type_text(pilot, phone)
    return screen


async def test_new_client_goes_to_next_in_rotation(sv: Services) -> None:
    """R3.3: a new phone is served by the advisor roster.show names as next."""
    nxt = sv.roster.show(actor=LI)["next"]
    app = make_app(sv, lang="en", user=LI)
    async with app.run_test(size=PILOT_SIZE) as pilot:
        greeter = await open_greeter(pilot, NEW_PHONE)
        card = text(greeter.query_one("#g-card", Static))
        assert f"→ {nxt}" in card and "(rotation)" in card and "R3.3" in card
        assert "Not registered" in text(greeter.query_one("#g-verdict", Static))
        assert visits(sv) == []  # the card writes nothing

        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)
        table = app.screen.query_one("#visits", DataTable)
        assert table.row_count == 1
        row = rows(table)[0]
        assert row[4] == short("rotation") and row[5] == nxt and row[6] == nxt
        assert row[3].endswith("1111")  # phone shown (masked for a non-owner)

    [v] = visits(sv)
    assert (v["route"], v["advisor"], v["operator"]) == ("rotation", nxt, LI)
    assert sv.roster.show(actor=LI)["next"] != nxt  # the turn was used


async def test_returning_client_goes_to_present_owner(sv: Services, office: Office) -> None:
    """R2.2/R3: a protected client whose owner is present is served by the owner."""
    client = office.client_of_present(exclude=(LI,))
    app = make_app(sv, lang="en", user=LI)
    async with app.run_test(size=PILOT_SIZE) as pilot:
        greeter = await open_greeter(pilot, client.phone)
        assert f"Owned by {client.owner}" in text(greeter.query_one("#g-verdict", Static))
        card = text(greeter.query_one("#g-card", Static))
        assert f"→ {client.owner}" in card and "(owner serves)" in card
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)
        [row] = rows(app.screen.query_one("#visits", DataTable))
        assert row[2] == client.name and row[4] == short("owner") and row[5] == client.owner

    [v] = visits(sv)
    assert (v["route"], v["advisor"], v["owner"]) == ("owner", client.owner, client.owner)


async def test_duty_reception_notifies_the_away_owner(sv: Services, office: Office) -> None:
    """R3.2: the owner is away → the duty advisor receives; the owner finds the notice on sign-in."""
    client = office.client_of_present(exclude=(office.roster["next"], office.roster["duty_next"]))
    owner = client.owner
    assert owner is not None
    sv.roster.mark(owner, True, actor=PM)
    unread_before = sv.inbox.list(actor=owner)["unread"]
    r = sv.roster.show(actor=PM)
    # SPEC R3.2: high volume → whoever's rotation turn it is; low volume → the reverse duty queue
    duty = r["next"] if r["volume_mode"] == "high" else r["duty_next"]

    app = make_app(sv, lang="en", user=PM)
    async with app.run_test(size=PILOT_SIZE) as pilot:
        greeter = await open_greeter(pilot, client.phone)
        card = text(greeter.query_one("#g-card", Static))
        assert f"→ {duty}" in card and "(duty reception)" in card and owner in card  # will notify the owner
        await pilot.press("enter")
        await settle(pilot)
        [row] = rows(app.screen.query_one("#visits", DataTable))
        assert row[4] == short("duty") and row[5] == duty and row[6] == owner

        # the owner comes to the counter PC: switch user, pick the name, type the PIN
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen) and app.user is None
        names = app.screen.query_one("#signin-names")
        names.highlighted = next(i for i in range(names.option_count) if names.get_option_at_index(i).id == owner)
        await pilot.press("enter")  # OptionSelected → the PIN field
        await settle(pilot)
        assert app.focused is app.screen.query_one("#signin-pin", Input)
        await type_text(pilot, PINS[owner])
        await pilot.press("enter")
        await settle(pilot)

        assert isinstance(app.screen, DeskScreen) and app.user["name"] == owner
        options = app.screen.query_one("#inbox", OptionList)
        inbox = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert inbox[0].startswith("●")  # unread, newest first
        assert client.name in inbox[0] and duty in inbox[0] and "on duty" in inbox[0]
        assert f"✉ {unread_before + 1}" in text(app.screen.query_one("#desk-bar", Static))

    [v] = visits(sv)
    assert (v["route"], v["advisor"], v["owner"]) == ("duty", duty, owner)
    assert sv.inbox.list(actor=owner)["unread"] == unread_before + 1


async def test_asks_for_an_advisor(sv: Services) -> None:
    """R3.5: a new visitor who asks for an advisor by name is served by them (route requested)."""
    app = make_app(sv, lang="en", user=LI)
    async with app.run_test(size=PILOT_SIZE) as pilot:
        greeter = await open_greeter(pilot, NEW_PHONE)
        greeter.query_one("#g-asks", Select).value = ZHANG
        await settle(pilot)
        card = text(greeter.query_one("#g-card", Static))
        assert f"→ {ZHANG}" in card and "(asked for)" in card
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)
        [row] = rows(app.screen.query_one("#visits", DataTable))
        assert row[4] == short("requested") and row[5] == ZHANG

    [v] = visits(sv)
    assert (v["route"], v["advisor"]) == ("requested", ZHANG)


async def test_asks_for_another_advisor_than_the_owner_is_a_crossing(sv: Services, office: Office) -> None:
    """R4: a protected client asks for someone other than the owner → a crossing opens."""
    client = office.client_of_present()
    other = next(n for n in office.present if n != client.owner)
    open_before = len(sv.crossings.list(actor=PM, open_only=True))
    app = make_app(sv, lang="en", user=PM)
    async with app.run_test(size=PILOT_SIZE) as pilot:
        greeter = await open_greeter(pilot, client.phone)
        greeter.query_one("#g-asks", Select).value = other
        await settle(pilot)
        card = text(greeter.query_one("#g-card", Static))
        assert "(crossing)" in card
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)
        [row] = rows(app.screen.query_one("#visits", DataTable))
        assert row[4] == short("crossing")

    [v] = visits(sv)
    assert v["route"] == "crossing"
    assert len(sv.crossings.list(actor=PM, open_only=True)) == open_before + 1


async def test_trainee_in_induction_watches_but_cannot_register(sv: Services, office: Office) -> None:
    """R5.3: shadow mode — the banner names the mentor; the card shows; Enter is refused."""
    app = make_app(sv, lang="en", user=SUN)
    async with app.run_test(size=PILOT_SIZE) as pilot:
        await settle(pilot)
        banner = app.screen.query_one("#shadow-banner", Static)
        assert banner.display and LI in text(banner) and "R5.3" in text(banner)
        greeter = await open_greeter(pilot, NEW_PHONE)
        card = text(greeter.query_one("#g-card", Static))
        assert f"→ {office.roster['next']}" in card  # watching the routing is allowed (R5.1)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is greeter  # still open, showing the refusal
        assert "R5.3" in text(greeter.query_one("#g-card", Static))
    assert visits(sv) == []


async def test_trainee_refusal_names_the_trainee(sv: Services) -> None:
    """The refusal must name the person, not a database id ("9 is a trainee …")."""
    app = make_app(sv, lang="en", user=SUN)
    async with app.run_test(size=PILOT_SIZE) as pilot:
        greeter = await open_greeter(pilot, NEW_PHONE)
        await pilot.press("enter")
        await settle(pilot)
        card = text(greeter.query_one("#g-card", Static))
        assert "R5.3" in card
        assert SUN in card, card


async def test_non_trainee_banner_hidden_and_card_not_ready(sv: Services) -> None:
    """No banner for a full advisor; Enter before a valid phone writes nothing and says why."""
    app = make_app(sv, lang="en", user=LI)
    async with app.run_test(size=PILOT_SIZE) as pilot:
        await settle(pilot)
        assert not app.screen.query_one("#shadow-banner", Static).display
        greeter = await open_greeter(pilot, "1370")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is greeter
        assert text(greeter.query_one("#g-card", Static)) == i18n.t("ui.card_not_ready", "en")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)
    assert visits(sv) == []


async def test_zh_cn_desk_shows_chinese_route_words(sv: Services) -> None:
    app = make_app(sv, lang="zh_CN", user=LI)
    async with app.run_test(size=PILOT_SIZE) as pilot:
        greeter = await open_greeter(pilot, NEW_PHONE)
        assert i18n.t("word.route.rotation", "zh_CN") in text(greeter.query_one("#g-card", Static))
        await pilot.press("enter")
        await settle(pilot)
        [row] = rows(app.screen.query_one("#visits", DataTable))
        assert row[4] == short("rotation", "zh_CN")
        footer_words = {b.description for _k, bs in app.screen._bindings.key_to_bindings.items() for b in bs}
        assert i18n.t("ui.key_greet", "zh_CN") in footer_words and "New walk-in" not in footer_words


async def test_call_dialog_registers_a_call(sv: Services) -> None:
    """R2.2: the advisor who answers a new caller registers the call and owns the client."""
    app = make_app(sv, lang="en", user=LI)
    async with app.run_test(size=PILOT_SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        await type_text(pilot, NEW_PHONE)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)
        [row] = rows(app.screen.query_one("#calls", DataTable))
        assert row[5] == LI and row[3].endswith("1111")
    [c] = sv.desk.today("call", actor=PM)
    assert (c["advisor"], c["owner"]) == (LI, LI)
    assert sv.records.owner(NEW_PHONE, actor=PM)["owner"] == LI


async def test_call_dialog_shows_a_bad_phone_and_writes_nothing(sv: Services) -> None:
    """A phone that is not a number stays in the dialog with its error; no call is registered."""
    from frontdesk.ui.screens.call import CallScreen

    app = make_app(sv, lang="en", user=LI)
    async with app.run_test(size=PILOT_SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        await type_text(pilot, "12345")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CallScreen)
        assert "phone" in text(app.screen.query_one("#c-error", Static)).lower()
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)
    assert sv.desk.today("call", actor=PM) == []
