"""The small modal forms of the desk (call, follow-up, discount request): a titled dialog of
labelled rows, an error line, the keys line; Enter runs one service call in a thread and either
shows its error (naming the field and the rule) or closes with the result and its reasons."""

from __future__ import annotations

from typing import Any, Callable

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from frontdesk.services.errors import FrontdeskError


class FormDialog(ModalScreen[dict[str, Any] | None]):
    """Subclasses compose their rows with `row`, end with `footer`, and implement `submit`."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    PREFIX = ""  # widget ids are "<PREFIX>-<field>"; the error line is "<PREFIX>-error"

    @staticmethod
    def row(label: str, field: Widget) -> ComposeResult:
        with Horizontal(classes="form-row"):
            yield Label(label, classes="field-label")
            yield field

    def footer(self) -> ComposeResult:
        yield Static("", id=f"{self.PREFIX}-error", classes="dialog-error")
        yield Static(self.app.t("ui.dialog_keys"), classes="dialog-keys")  # type: ignore[attr-defined]

    def value(self, field: str) -> str:
        return self.query_one(f"#{self.PREFIX}-{field}", Input).value

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.submit()

    def submit(self) -> None:
        raise NotImplementedError

    @work(thread=True, exclusive=True)
    def run_service(self, call: Callable[..., dict[str, Any]], done: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
        """`call(actor=…, project=…)` in a worker; on success dismiss with `done(result)`."""
        app = self.app
        try:
            r = call(actor=app.user["name"], project=app.project)  # type: ignore[attr-defined]
        except FrontdeskError as exc:
            app.call_from_thread(self.query_one(f"#{self.PREFIX}-error", Static).update,
                                 app.error_text(exc))  # type: ignore[attr-defined]
            return
        app.call_from_thread(self.dismiss, done(r))

    def reasons(self, r: dict[str, Any]) -> str:
        return "\n".join(self.app.reason_text(r["reasons"]))  # type: ignore[attr-defined]

    def action_cancel(self) -> None:
        self.dismiss(None)
