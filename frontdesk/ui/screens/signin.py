"""Sign-in at the shared counter PC: pick your name, type your PIN (R2.1)."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from frontdesk.services.errors import FrontdeskError


class SignInScreen(Screen[None]):
    BINDINGS = [Binding("question_mark", "app.help", "Help"), Binding("escape", "focus_names", "Names"),  # help first (F1 too)
                Binding("c", "change_pin", "Change PIN")]
    WORDS = {"app.help": "ui.key_help", "focus_names": "ui.signin_names_key", "change_pin": "ui.pins.change_key"}

    def __init__(self, person: str | None = None, error: str | None = None):
        """`person`: the name the command line gave (--as), picked; `error`: why its PIN did not prove."""
        super().__init__()
        self.preset, self.error = person, error

    def compose(self) -> ComposeResult:
        t = self.app.t  # type: ignore[attr-defined]
        with Vertical(id="signin-box"):
            yield Static(t("ui.signin_title"), id="signin-title")
            yield Label(t("ui.signin_name"))
            yield OptionList(id="signin-names")
            yield Label(t("ui.signin_pin"))
            yield Input(password=True, id="signin-pin", max_length=8, restrict=r"\d*",
                        placeholder=t("ui.signin_pin_hint"), compact=True)
            yield Static(self.error or "", id="signin-error")
            if getattr(self.app, "demo_hint", None):
                yield Static(self.app.demo_hint, id="signin-demo")  # type: ignore[attr-defined]
        yield Footer()

    def on_mount(self) -> None:
        from dataclasses import replace

        for key, bindings in list(self._bindings.key_to_bindings.items()):
            self._bindings.key_to_bindings[key] = [
                replace(b, description=self.app.t(self.WORDS[b.action])) if b.action in self.WORDS  # type: ignore[attr-defined]
                else b for b in bindings]
        self.load_names()

    @work(thread=True, exclusive=True)
    def load_names(self) -> None:
        app = self.app
        sv = app.services_or_none()  # type: ignore[attr-defined]
        if sv is None:
            return
        try:
            staff = sv.staff.list(project=app.project)
        except FrontdeskError as exc:
            self.app.call_from_thread(self._show_error, app.error_text(exc))  # type: ignore[attr-defined]
            return
        self.app.call_from_thread(self._fill, staff)

    def _fill(self, staff: list[dict]) -> None:
        names = self.query_one("#signin-names", OptionList)
        names.clear_options()
        for st in staff:
            role = self.app.t(f"word.{st['role'].replace('-', '_')}")  # type: ignore[attr-defined]
            names.add_option(Option(f"{st['name']}  [dim]{role}[/dim]", id=st["name"]))
        names.highlighted = 0 if staff else None
        preset = next((i for i, st in enumerate(staff) if st["name"] == self.preset), None)
        if preset is not None:  # the name the command line gave: straight to the PIN
            names.highlighted = preset
            self.query_one("#signin-pin", Input).focus()
        else:
            names.focus()

    def _show_error(self, text: str) -> None:
        self.query_one("#signin-error", Static).update(text)

    @on(OptionList.OptionSelected, "#signin-names")
    def _picked(self) -> None:
        self.query_one("#signin-pin", Input).focus()

    def action_change_pin(self) -> None:
        """R2.1: anyone changes their own PIN with the old one (the highlighted name)."""
        from .pin import PinDialog

        names = self.query_one("#signin-names", OptionList)
        if names.highlighted is None:
            self._show_error(self.app.t("ui.signin_pick_name"))  # type: ignore[attr-defined]
            return
        name = names.get_option_at_index(names.highlighted).id or ""

        def done(r: dict | None) -> None:
            if r:
                self._show_error("")
                self.app.notify(self.app.t("ui.pins.saved", name=r["name"]))  # type: ignore[attr-defined]
            names.focus()
        self.app.push_screen(PinDialog(name, own=True), done)

    def action_focus_names(self) -> None:
        self.query_one("#signin-names", OptionList).focus()

    @on(Input.Submitted, "#signin-pin")
    def _submit(self, event: Input.Submitted) -> None:
        names = self.query_one("#signin-names", OptionList)
        if names.highlighted is None:
            self._show_error(self.app.t("ui.signin_pick_name"))  # type: ignore[attr-defined]
            return
        name = names.get_option_at_index(names.highlighted).id
        pin = event.value
        event.input.value = ""
        self.check(name or "", pin)

    @work(thread=True, exclusive=True)
    def check(self, name: str, pin: str) -> None:
        app = self.app
        try:
            app.services.desk.sign_in(name, pin, project=app.project)  # type: ignore[attr-defined]
        except FrontdeskError as exc:
            self.app.call_from_thread(self._show_error, app.error_text(exc))  # type: ignore[attr-defined]
            return
        self.app.call_from_thread(app.sign_in_as, name)  # type: ignore[attr-defined]
