"""The PIN dialog (R2.1): the PM sets or resets someone's PIN from the console; anyone changes
their own at the sign-in with the old one. The new PIN is typed twice; a weak one is refused with
the reason (the services decide; the dialog only shows it). PINs never stay on screen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from frontdesk import i18n
from frontdesk.services.errors import BadInput, FrontdeskError

from .form import FormDialog


class PinDialog(ModalScreen[dict[str, Any] | None]):
    """`own`: the person changes their own PIN (asks the old one; acts as themselves). Otherwise the
    signed-in PM or GM sets `name`'s PIN. Dismisses with the service's result, or None on Esc."""

    CSS_PATH = Path(__file__).parent.parent / "styles" / "pins.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    row = staticmethod(FormDialog.row)  # the desk forms' labelled row (its Enter-submits handling is not wanted)

    def __init__(self, name: str, own: bool):
        super().__init__()
        self.person, self.own = name, own

    def compose(self) -> ComposeResult:
        t = self.app.t  # type: ignore[attr-defined]
        title = t("ui.pins.title_change" if self.own else "ui.pins.title_set", name=self.person)
        digits = {"password": True, "max_length": 8, "restrict": r"[0-9]*", "compact": True}
        with Vertical(id="pin-dialog", classes="dialog"):
            yield Static(title, classes="dialog-title")
            if self.own:
                yield from self.row(t("ui.pins.old"), Input(id="pin-old", **digits))
            yield from self.row(t("ui.pins.new"), Input(id="pin-new", **digits))
            yield from self.row(t("ui.pins.again"), Input(id="pin-again", **digits))
            yield Static("", id="pin-error", classes="dialog-error")
            yield Static(t("ui.pins.keys"), classes="dialog-keys")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        inputs = list(self.query(Input))
        empty = next((i for i in inputs if not i.value), None)
        if empty is not None:  # Enter moves on until every field is filled
            empty.focus()
            return
        self.submit()

    def value(self, field: str) -> str:
        return self.query_one(f"#pin-{field}", Input).value

    def action_cancel(self) -> None:
        self.dismiss(None)

    def _error(self, text: str) -> None:
        self.query_one("#pin-error", Static).update(text)

    def submit(self) -> None:
        new, again = self.value("new"), self.value("again")
        if new != again:
            self._error(self.app.t("ui.pins.mismatch"))  # type: ignore[attr-defined]
            for field in ("new", "again"):
                self.query_one(f"#pin-{field}", Input).value = ""
            self.query_one("#pin-new", Input).focus()
            return
        self.save(new, self.value("old") if self.own else None)

    @work(thread=True, exclusive=True)
    def save(self, new: str, old: str | None) -> None:
        app: Any = self.app
        actor = self.person if self.own else app.user["name"]
        try:
            r = app.services.staff.set_pin(self.person, new, actor=actor, project=app.project, old=old)
        except FrontdeskError as exc:
            app.call_from_thread(self._failed, exc)
            return
        app.call_from_thread(self.dismiss, r)

    def _failed(self, exc: FrontdeskError) -> None:
        app: Any = self.app
        why = exc.data.get("why") if isinstance(exc, BadInput) else None
        # a weak PIN: the reason in the user's words (the services' message is English)
        weak = why and i18n.has_key(f"reason.{why}", app.lang)
        self._error(i18n.render_reason({"rule": "R2.1", "code": why, "data": exc.data.get("facts") or {}}, app.lang)
                    if weak else app.error_text(exc))
        for box in self.query(Input):
            box.value = ""
        self.query_one(Input).focus()
