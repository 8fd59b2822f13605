"""The look of the PM's outbox view (console, `o`): a webhook set, the morning's messages waiting,
one of them failing with its error — at 80×24 and 120×40, in en and zh_CN. Nothing is posted:
the failure is recorded through the services, so the picture is the same on every machine.

Regenerate after a deliberate change with
`pytest tests/ui/test_outbox_snapshots.py --snapshot-update` and read the diff."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

from frontdesk.services import Services
from frontdesk.services import outbox as outbox_mod
from frontdesk.ui.app import make_app
from frontdesk.ui.console.panes_outbox import OutboxScreen

from .conftest import LANGS, LI, PM, SIZES, Office, freeze, settle

CASES = [pytest.param(size, lang, id=f"{lang}-{size[0]}x{size[1]}") for size in SIZES for lang in LANGS]
URL = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=00000000-demo"


def failing_once(sv: Services, office: Office, monkeypatch: pytest.MonkeyPatch) -> None:
    sv.staff.settings("webhook_url", URL, actor=PM)
    client = sv.records.owner(office.client_of(LI).phone, actor=PM)["client"]
    sv.manager.remind(client, actor=PM)
    monkeypatch.setattr(outbox_mod, "post", lambda *_a: outbox_mod.Answer(False, 200, "HTTP 200, errcode 93000: "
                                                                                    "invalid webhook url"))
    sv.outbox.send()
    monkeypatch.undo()


@pytest.mark.parametrize("size,lang", CASES)
def test_outbox_view(snap_compare, sv: Services, office: Office, monkeypatch: pytest.MonkeyPatch, size, lang) -> None:
    failing_once(sv, office, monkeypatch)
    # the sender's own writes would wake the change feed and re-read the desk under the outbox
    # while the picture is taken: a still picture wants a still desk (the feed has its own tests)
    monkeypatch.setenv("FRONTDESK_LIVE", "0")

    async def run_before(pilot: Pilot) -> None:
        await pilot.pause()
        pilot.app.outbox_sender.timer.pause()  # type: ignore[attr-defined]
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(pilot.app.screen, OutboxScreen)
        freeze(pilot)
        await pilot.pause()

    app = make_app(sv, lang=lang, user=PM)
    assert snap_compare(app, terminal_size=size, run_before=run_before)
