"""A live office in the app: the change feed (frontdesk/store/changes.py) tells each screen which
tables another counter, the PM's PC or a script just changed; a screen with a `tables_changed(tables)`
method re-reads what shows them. The screens' timers stay as a fallback."""

from __future__ import annotations

import os
from typing import Any

from frontdesk.store.changes import EVERYTHING, Watcher

# what each kind of screen shows, by table
DESK = frozenset({"registerentry", "rosterstate", "rosterevent", "notification", "staff", "staffevent", "setting",
                  "followup", "crossing", "crossingdecision"})
BOARD = frozenset({"registerentry", "rosterstate", "rosterevent", "staff", "staffevent", "setting", "project"})


def touches(tables: frozenset[str], shown: frozenset[str]) -> bool:
    return "*" in tables or not tables.isdisjoint(shown)


class LiveFeed:
    """One watcher for one app; its news reach the app's screens on the app's own thread."""

    @staticmethod
    def wanted() -> bool:
        """FRONTDESK_LIVE=0 leaves the screens on their timers (a fallback, and the bench's control)."""
        return os.environ.get("FRONTDESK_LIVE", "1") != "0"

    def __init__(self, app: Any, url: str, every: float = 0.2):
        self.app = app
        self.watcher = Watcher(url, self._arrived, every=every).start()

    def _arrived(self, tables: frozenset[str]) -> None:
        try:
            self.app.call_from_thread(self.deliver, tables)
        except RuntimeError:  # the app is closing
            pass

    def deliver(self, tables: frozenset[str] = EVERYTHING) -> None:
        if not self.app.is_running:  # closing: nothing to repaint
            return
        for part in (self.app, *self.app.screen_stack):  # the board app itself; the desk, the console
            handler = getattr(part, "tables_changed", None)
            if handler is not None:
                handler(tables)

    def stop(self) -> None:
        self.watcher.stop()
