"""The inbox: notices to staff (R3.2, R5.4, R4.1, R4) and the day-before-lapse reminders (R2.2)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import select

from frontdesk.store.models import Client, Notification, Phone, Person, ReminderRun

from . import clientbook
from .base import Base, Ctx
from .errors import BadInput

REMIND_BATCH = 5000


def remind_lapsing(c: Ctx) -> int:
    """Once a day: tell each owner about their clients whose last protected day is today.

    Uses the (project, last_contact) index: a client lapses tomorrow when its last valid
    contact was exactly N days ago."""
    if c.s.get(ReminderRun, (c.pid, c.today)) is not None:
        return 0
    days = int(c.setting("protection_days"))
    contact_day = c.today - timedelta(days=days)
    sent, after = 0, 0
    while True:  # in batches by id, until every lapsing client has had its reminder
        rows = c.s.exec(select(Client).where(Client.project_id == c.pid, Client.last_contact == contact_day,
                                             Client.owner_id != None, Client.merged_into_id == None,  # noqa: E711
                                             Client.id > after)
                        .order_by(Client.id).limit(REMIND_BATCH)).all()
        if not rows:
            break
        after = rows[-1].id  # type: ignore[assignment]
        for cl in rows:
            ph = c.s.exec(select(Phone).where(Phone.client_id == cl.id)).first()
            person = c.s.get(Person, ph.person_id) if ph else None
            if ph is None or person is None:
                continue
            found = clientbook.Found(cl, ph, person)
            c.notify([cl.owner_id], "lapse_tomorrow", "R2.2",  # type: ignore[list-item]
                     {"client": clientbook.label(found, True), "lapses_on": c.today + timedelta(days=1)},
                     dedupe=f"lapse:{cl.id}:{c.today}")
            sent += 1
    c.s.add(ReminderRun(project_id=c.pid, day=c.today, at=c.at))
    return sent


class InboxService(Base):
    def list(self, actor: str | None = None, project: str | None = None, unread_only: bool = False,
             limit: int = 100) -> dict[str, Any]:
        with self.op(actor, project) as c:
            u = c.user()
            remind_lapsing(c)
            c.s.flush()
            q = select(Notification).where(Notification.recipient_id == u.id)
            if unread_only:
                q = q.where(Notification.acked_at == None)  # noqa: E711
            rows = c.s.exec(q.order_by(Notification.id.desc()).limit(limit)).all()  # type: ignore[union-attr]
            unread = c.s.exec(select(func.count()).select_from(Notification).where(
                Notification.recipient_id == u.id, Notification.acked_at == None)).one()  # noqa: E711
            return {"unread": unread, "items": [
                {"id": n.id, "kind": n.kind, "rule": n.rule, "at": n.at.isoformat(), "data": json.loads(n.data),
                 "read": n.acked_at is not None} for n in rows]}

    def ack(self, notification_id: int, actor: str | None = None, project: str | None = None) -> dict[str, Any]:
        with self.op(actor, project) as c:
            u = c.user()
            n = c.s.get(Notification, notification_id)
            if n is None or n.recipient_id != u.id:
                raise BadInput("id", f"no notice #{notification_id} in {u.name}'s inbox")
            if n.acked_at is None:
                n.acked_at = c.at
                c.s.add(n)
            return {"id": n.id, "read": True}
