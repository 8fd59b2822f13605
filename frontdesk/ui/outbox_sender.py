"""The running app delivers the outbox itself, so an office without cron still sends its notices.

Every SEND_EVERY seconds a thread worker runs one round of OutboxService.send (a quick read when
no webhook is set or nothing is due); one round at a time. When a round fails after one that did
not, a signed-in PM or GM is told once with a toast; the console's outbox view (`o`) has the detail."""

from __future__ import annotations

from typing import Any

from frontdesk import i18n

SEND_EVERY = 30.0


class OutboxSender:
    def __init__(self, app: Any, every: float = SEND_EVERY):
        self.app = app
        self.busy = False
        self.failing = False
        self.timer = app.set_interval(every, self.tick)

    def tick(self) -> None:
        if not self.busy:
            self.busy = True
            self.app.run_worker(self.round, thread=True, group="outbox-sender", exit_on_error=False)

    def round(self) -> dict[str, Any] | None:
        try:
            r = self.app.services.outbox.send(project=self.app.project)
        except Exception:  # noqa: BLE001 - a locked or closing database: the next round tries again
            return None
        finally:
            self.busy = False
        failed = [i for i in r["items"] if not i["ok"]]
        if failed and not self.failing:
            self.app.call_from_thread(self.tell, len(failed), failed[0]["error"])
        self.failing = bool(failed) if r["items"] else self.failing
        return r

    def tell(self, failed: int, error: str) -> None:
        user = self.app.user
        if user is not None and user.get("role") in ("pm", "gm"):
            self.app.notify(i18n.t("outbox.delivery_failed", self.app.lang, failed=failed, error=error[:60]),
                            severity="warning", timeout=10)
