"""The console tests' shared helpers: open the console on a tab, point at a row, answer a prompt,
read what the services wrote."""

from __future__ import annotations

from typing import Any

from sqlmodel import select
from textual.widgets import Input, Static

from frontdesk.demo import load_dataset
from frontdesk.services import Services
from frontdesk.store.models import Staff
from frontdesk.ui.app import FrontdeskApp, make_app
from frontdesk.ui.console.base import Pane
from frontdesk.ui.console.screen import ConsoleScreen

from .conftest import LI, PM, ZHANG, ZHAO, Office, settle, text, type_text

TABS = ("roster", "approvals", "crossings", "people", "lapsing", "figures", "settings")
DEMO = load_dataset()["project"]["code"]  # the demo project's code (滨江华苑)
OTHER = "P2"  # a second project, for transfers (R6)


def console_app(sv: Services, lang: str = "en", user: str = PM, **kw: Any) -> FrontdeskApp:
    return make_app(sv, lang=lang, user=user, **kw)


async def open_console(pilot, tab: str = "roster") -> Pane:
    """`m` on the desk, then the tab's number; the pane with its data painted and its table focused."""
    await settle(pilot)
    await pilot.press("m")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ConsoleScreen), pilot.app.screen_stack
    await pilot.press(str(TABS.index(tab) + 1))
    await settle(pilot)
    pane = pilot.app.screen.query_one(f"#pane-{tab}", Pane)
    assert pilot.app.focused is pane.table
    return pane


def point_at(pane: Pane, key: str) -> None:
    """Put the table's cursor on the row with `key`."""
    pane.table.move_cursor(row=pane.table.get_row_index(key))
    assert pane.cursor_key() == key


async def answer(pilot, pane: Pane, words: str) -> None:
    """Type into the pane's prompt (which must be open and focused) and press Enter."""
    prompt = pane.query_one(".pane-prompt", Input)
    assert prompt.display and pilot.app.focused is prompt
    await type_text(pilot, words)
    await pilot.press("enter")
    await settle(pilot)
    assert not prompt.display


def detail(pane: Pane) -> str:
    return text(pane.query_one(".pane-detail", Static))


def notices(app: FrontdeskApp, severity: str | None = None) -> list[str]:
    return [n.message for n in app._notifications if severity is None or n.severity == severity]


def all_rows(sv: Services, model: Any, *where: Any) -> list[Any]:
    with sv.db.read() as s:
        return list(s.exec(select(model).where(*where)).all())


def staff_id(sv: Services, name: str) -> int:
    [st] = all_rows(sv, Staff, Staff.name == name)
    return st.id


def pending(sv: Services, kind: str) -> list[dict[str, Any]]:
    return [it for it in sv.manager.approvals(actor=PM) if it["kind"] == kind]


def person(sv: Services, name: str) -> dict[str, Any]:
    return next(st for st in sv.staff.list(actor=PM) if st["name"] == name)


def large_deposit(sv: Services, office: Office, advisor: str = LI) -> tuple[str, str]:
    """P2: a 1,500,000 unit and a deposit on it by `advisor` for one of their clients."""
    phone = office.client_of(advisor).phone
    sv.deals.unit_add("A-1801", "1500000", actor=PM)
    sv.deals.deposit("A-1801", phone, "50000", actor=advisor)
    return "A-1801", phone


def the_open_case(sv: Services) -> dict[str, Any]:
    [case] = [x for x in sv.crossings.list(actor=PM) if x["status"] == "open"]
    assert (case["holder"], case["claimant"]) == (ZHANG, ZHAO)
    return case
