"""Writing a notice into the outbox, inside the transaction of the event that made it.

Called by Ctx.notify (services/base.py) once per event, after the inbox notices are added: when
the project has a webhook (settings webhook_url / webhook_kind / webhook_lang) one message for
the group robot is rendered in the project's language, every phone in it masked (the group is
not the owner), and added to the same session — the event and its message commit together or
not at all. Delivery is frontdesk.services.outbox's job."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Sequence

from sqlalchemy import insert

from frontdesk import i18n
from frontdesk.store import journal
from frontdesk.store.models import Notification

if TYPE_CHECKING:
    from frontdesk.store.models_outbox import OutboxItem

MAX_CONTENT = 2000  # WeCom takes 2048 bytes of text content; DingTalk more


def robot_payload(content: str) -> dict[str, Any]:
    """The JSON the WeCom and DingTalk group robots both take for a text message."""
    return {"msgtype": "text", "text": {"content": content}}


def render(project: str, kind: str, rule: str, data: dict[str, Any], to: Sequence[str], lang: str) -> str:
    """The message as the group reads it: project, addressees, the notice, its rule; phones masked."""
    text = i18n.notice_text(kind, lang, **data)
    content = i18n.t("outbox.message", lang, project=project, to=", ".join(n for n in to if n) or "—",
                     text=text, rule=rule or "—")
    from frontdesk.rules import phones  # phonenumbers loads on the first notice, not at start

    return phones.mask_in_text(content)[:MAX_CONTENT]


def enqueue(c: Any, kind: str, rule: str, data: dict[str, Any], to: Sequence[str],
            notices: Sequence[Notification]) -> OutboxItem | None:
    """One outbox item for this event when a webhook is set and the event told someone."""
    if not notices or not c.setting("webhook_url"):
        return None
    values = _item(c, kind, rule, data, to)
    c.s.flush()  # the first notice's id, to tie the message to it
    from frontdesk.store.models_outbox import OutboxItem  # built on first use (store.models.LAZY)

    item = OutboxItem(**values, notice_id=notices[0].id)
    c.s.add(item)
    return item


def enqueue_many(c: Any, kind: str, rule: str, events: Sequence[tuple[dict[str, Any], Sequence[str], int]]) -> int:
    """`enqueue` for many events of one kind at once — (data, to, the first notice's id) each,
    those notices already written — in one insert. The number of items queued."""
    if not events or not c.setting("webhook_url"):
        return 0
    from frontdesk.store.models_outbox import OutboxItem

    c.s.connection().execute(insert(OutboxItem.__table__),  # type: ignore[attr-defined]
                             [{**_item(c, kind, rule, data, to), "notice_id": nid} for data, to, nid in events])
    journal.seal_since(c.s.connection(), "outboxitem")
    return len(events)


def _item(c: Any, kind: str, rule: str, data: dict[str, Any], to: Sequence[str]) -> dict[str, Any]:
    """An outbox item's columns but its notice."""
    from .base import dumps  # the same JSON shape the inbox reads back

    lang = c.setting("webhook_lang")
    content = render(c.project.name, kind, rule, json.loads(dumps(data)), to, lang)
    return {"project_id": c.pid, "kind": kind, "rule": rule, "channel": c.setting("webhook_kind"), "lang": lang,
            "payload": dumps(robot_payload(content)), "at": c.at, "recorded_at": c.recorded_at}
