"""`frontdesk drill`: the scenario drill on its own, on a sandbox (never the live database).

The app gets a ready Drill (the sandbox built) and, when a PM is at hand, a recorder that writes
the result on the trainee's record through the live services (R5.3)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Iterable

from textual.app import App

from frontdesk import i18n
from frontdesk.drill.engine import Drill

STYLES = Path(__file__).parent / "styles"


class DrillApp(App[None]):
    CSS_PATH = [STYLES / "app.tcss", STYLES / "drill.tcss"]
    TITLE = "frontdesk drill"
    drill_only = True  # leaving the drill or closing the sheet ends the app

    def __init__(self, drill: Drill, lang: str = "en", record: Callable[[dict[str, Any]], str] | None = None):
        super().__init__()
        self.drill, self.lang, self.record = drill, lang, record
        self.last_sheet: Any = None

    def t(self, key: str, /, **params: Any) -> str:
        return i18n.t(key, self.lang, **params)

    def reason_text(self, reasons: Iterable[Any]) -> list[str]:
        return i18n.render_reasons(reasons, self.lang)

    def error_text(self, exc: Exception) -> str:
        from frontdesk.services.errors import Refused

        if isinstance(exc, Refused) and i18n.has_key(f"reason.{exc.reason.code}", self.lang):
            return i18n.render_reason(exc.reason, self.lang)
        return getattr(exc, "message", str(exc))

    def on_mount(self) -> None:
        from .screens.drill import DrillScreen

        self.title = self.t("drill.title")
        self.push_screen(DrillScreen(self.drill, self.record))
