"""Starting a drill from the desk (key `e`): the PM picks the trainee, then the sandbox is built
and the drill opens; a trainee signed in practises on their own (nothing to record).

The sandbox is built off the event loop; the drill screen records the result on the trainee's
record through the live services only when the PM presses `r` on the score sheet (R5.3)."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

NO_ONE = "\x00"


class TraineePicker(ModalScreen[str | None]):
    """Which trainee takes the drill (their result can then be recorded)."""

    BINDINGS = [Binding("escape", "no_one", "No one")]

    def __init__(self, trainees: list[str]):
        super().__init__()
        self.trainees = trainees

    def compose(self) -> ComposeResult:
        t = self.app.t  # type: ignore[attr-defined]
        with Vertical(classes="dialog"):
            yield Static(t("drill.title"), classes="dialog-title")
            yield Static(t("drill.pick_trainee"))
            yield OptionList(*[Option(n, id=n) for n in self.trainees], Option("—", id=NO_ONE), id="d-trainees")

    @on(OptionList.OptionSelected)
    def _picked(self, ev: OptionList.OptionSelected) -> None:
        self.dismiss(None if ev.option.id == NO_ONE else ev.option.id)

    def action_no_one(self) -> None:
        self.dismiss(None)


def start_drill(screen: Any) -> None:
    """From the desk: the PM picks the trainee, then the drill opens on a fresh sandbox."""
    app = screen.app
    if app.user["role"] == "trainee":  # practice: the trainee's own drill, recorded by no one
        _build(app, app.user["name"], practice=True)
        return
    staff = app.services.staff.list(project=app.project)
    trainees = [s["name"] for s in staff if s["role"] == "trainee"]
    app.push_screen(TraineePicker(trainees), lambda who: _build(app, who))


def _build(app: Any, trainee: str | None, practice: bool = False) -> None:
    app.notify(app.t("drill.loading"))
    _worker(app, trainee, practice)


def _worker(app: Any, trainee: str | None, practice: bool) -> None:
    from frontdesk.drill import scenario
    from frontdesk.drill.engine import Drill

    def build() -> None:
        drill = Drill(scenario.load("default"), lang=app.lang, trainee=trainee)
        app.call_from_thread(_open, app, drill, None if practice else trainee)

    app.run_worker(build, thread=True, exclusive=True, group="drill")


def _open(app: Any, drill: Any, trainee: str | None) -> None:
    from .drill import DrillScreen

    user = app.user["name"]
    project = app.project

    def record(result: dict[str, Any]) -> str:
        r = app.services.drills.record(trainee, result["score"], result["set"], result["seed"], result["families"],
                                       result["seconds"], result["visitors"], result["right"],
                                       actor=user, project=project)
        return app.t("drill.recorded", trainee=r["trainee"], score=r["score"])

    app.push_screen(DrillScreen(drill, record if trainee else None))
