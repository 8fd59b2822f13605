"""The greeter's owner verdict (R2.2) is painted as the phone's last digit lands, before the routing
card: whose client, present or away, protected through when, with the rule id and register entry."""

from __future__ import annotations

import threading

from textual.widgets import Static

from frontdesk.services import Services
from frontdesk.ui.app import make_app
from frontdesk.ui.screens.greeter import GreeterScreen

from .conftest import LI, PILOT_SIZE, Office, settle, text


async def new_walk_in(pilot) -> GreeterScreen:  # noqa: ANN001
    """The desk settled, `n` pressed: the greeter, its phone field empty."""
    await settle(pilot)
    await pilot.press("n")
    await settle(pilot)
    assert isinstance(pilot.app.screen, GreeterScreen)
    return pilot.app.screen


async def test_the_verdict_comes_before_the_card_and_cites_its_rule(sv: Services, office: Office) -> None:
    client = office.client_of_present(exclude=(LI,))
    verdict = sv.reception.owner_verdict(client.phone, actor=LI)
    entry = verdict["reasons"][0].data["entry"]
    card_may_go = threading.Event()
    preview = sv.reception.preview

    def held_preview(*a, **kw):  # noqa: ANN002, ANN003, ANN202 - the card waits until the test looked
        assert card_may_go.wait(10)
        return preview(*a, **kw)

    sv.reception.preview = held_preview  # type: ignore[method-assign]
    app = make_app(sv, lang="en", user=LI)
    async with app.run_test(size=PILOT_SIZE) as pilot:
        greeter = await new_walk_in(pilot)
        await pilot.press(*client.phone)
        for _ in range(200):
            if "R2.2" in text(greeter.query_one("#g-verdict", Static)):
                break
            await pilot.pause(0.01)
        shown = text(greeter.query_one("#g-verdict", Static))
        assert f"Owned by {client.owner} (present)" in shown
        assert f"protected through {client.protected_through}" in shown and f"R2.2 {entry}" in shown
        assert text(greeter.query_one("#g-card", Static)) == "" and greeter.card is None  # not routed yet
        card_may_go.set()
        await settle(pilot)
        assert f"→ {client.owner}" in text(greeter.query_one("#g-card", Static))
        assert f"Owned by {client.owner}" in text(greeter.query_one("#g-verdict", Static))


async def test_a_new_phone_says_not_registered_with_its_rule(sv: Services) -> None:
    app = make_app(sv, lang="zh_CN", user=LI)
    async with app.run_test(size=PILOT_SIZE) as pilot:
        greeter = await new_walk_in(pilot)
        greeter._show_card = lambda *a: None  # type: ignore[method-assign]  # the verdict alone
        await pilot.press(*"13911112222")
        await settle(pilot)
        assert text(greeter.query_one("#g-verdict", Static)) == "未登记：新客户 · R2.2"
