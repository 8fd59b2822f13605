"""The setup's five steps as widgets (frontdesk.ui.screens.setup drives them): each a column of
labelled one-line fields, so the whole setup fits 80×24 in both languages."""

from __future__ import annotations

from typing import Any, Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Input, Label, OptionList, RadioButton, RadioSet, Static

STEPS = ("project", "first", "team", "order", "confirm")


class TeamList(OptionList):
    """The people added so far: Del removes the highlighted one."""

    BINDINGS = [Binding("delete", "screen.remove", "Remove", show=False)]


class OrderList(OptionList):
    """The rotation order: u/d move the highlighted person, x leaves them out or puts them back."""

    BINDINGS = [Binding("u,shift+up", "screen.move(-1)", "Up", show=False),
                Binding("d,shift+down", "screen.move(1)", "Down", show=False),
                Binding("x", "screen.toggle_out", "Out/in", show=False)]


def row(label: str, widget: Widget) -> ComposeResult:
    with Horizontal(classes="su-row"):
        yield Label(label, classes="su-label")
        yield widget


def field(id_: str, hint: str = "", value: str = "", password: bool = False, digits: bool = False,
          max_length: int = 0) -> Input:
    return Input(value=value, id=id_, placeholder=hint, password=password, compact=True,
                 restrict=r"\d*" if digits else None, max_length=max_length)


class RoleSet(RadioSet):
    """A role as a row of choices: the arrows choose, Enter goes on to the next field."""

    BINDINGS = [Binding("right,down", "step(1)", "Next choice", show=False),
                Binding("left,up", "step(-1)", "Previous choice", show=False),
                Binding("enter", "app.focus_next", "Next field", show=False)]

    def action_step(self, by: int) -> None:
        self.action_next_button() if by > 0 else self.action_previous_button()
        self.action_toggle_button()


def roles(id_: str, names: tuple[str, ...], t: Callable[..., str]) -> RadioSet:
    buttons = [RadioButton(t(f"word.{n}"), value=i == 0, id=f"{id_}-{n}", compact=True) for i, n in enumerate(names)]
    return RoleSet(*buttons, id=id_, compact=True)


def compose_steps(t: Callable[..., str], project: dict[str, Any] | None) -> ComposeResult:
    p = project or {}
    with Vertical(id="step-project", classes="su-step"):
        yield Static(t("setup.intro"), classes="su-intro")
        yield from row(t("setup.project_name"), field("su-name", value=p.get("name", "")))
        yield from row(t("setup.project_code"), field("su-code", "BJHY", value=p.get("code", ""), max_length=32))
        yield from row(t("setup.tz"), field("su-tz", value=p.get("tz", "Asia/Shanghai")))
        yield from row(t("setup.days"), field("su-days", t("setup.days_hint"), value=str(p.get("protection_days", 7)),
                                              digits=True, max_length=3))
    with Vertical(id="step-first", classes="su-step"):
        yield Static(t("setup.first_intro"), classes="su-intro")
        yield from row(t("setup.name"), field("su-first-name"))
        yield from row(t("setup.role"), roles("su-first-role", ("pm", "gm"), t))
        yield from row(t("setup.pin"), field("su-first-pin", t("setup.pin_hint"), password=True, digits=True,
                                             max_length=8))
        yield from row(t("setup.pin_again"), field("su-first-pin2", password=True, digits=True, max_length=8))
    with Vertical(id="step-team", classes="su-step"):
        yield Static(t("setup.team_intro"), classes="su-intro")
        yield TeamList(id="su-team")
        yield from row(t("setup.name"), field("su-p-name"))
        yield from row(t("setup.role"), roles("su-p-role", ("advisor", "trainee"), t))
        yield from row(t("setup.mentor"), field("su-p-mentor", t("setup.mentor_hint")))
        yield from row(t("setup.pin"), field("su-p-pin", t("setup.pin_hint"), password=True, digits=True,
                                             max_length=8))
        yield from row(t("setup.pin_again"), field("su-p-pin2", password=True, digits=True, max_length=8))
        yield Static(t("setup.or_import"), classes="su-intro")
        yield from row(t("setup.file"), field("su-file", "registers.xlsx"))
        yield Static("", id="su-file-info")
    with Vertical(id="step-order", classes="su-step"):
        yield Static(t("setup.order_intro"), classes="su-intro")
        yield OrderList(id="su-order")
    with Vertical(id="step-confirm", classes="su-step"):
        yield Static("", id="su-summary")


def picked(radios: RadioSet, names: tuple[str, ...]) -> str:
    i = radios.pressed_index
    return names[i if 0 <= i < len(names) else 0]
