"""The inbox: notices to staff (R3.2, R5.4, R4.1, R4) and the day-before-lapse reminders (R2.2)."""

from __future__ import annotations

import json
from datetime import timedelta
from functools import cache
from typing import Any

from sqlalchemy import bindparam, func, insert
from sqlmodel import select

from frontdesk.store.models import Notification, ReminderRun

from . import outbox_queue
from .base import Base, Ctx, dumps
from .errors import BadInput

REMIND_BATCH = 5000
KIND, RULE = "lapse_tomorrow", "R2.2"


@cache
def _lapsing() -> Any:
    """The lapsing clients of one batch, each with its first phone (the lowest id) and that phone's
    person, as columns: what the reminder's label needs, without loading a row per client. Built
    on the day's first run: the inbox's other reads do not build the clients' tables."""
    from frontdesk.store.models import Client, Person, Phone

    first_phone = select(func.min(Phone.id)).where(Phone.client_id == Client.id).correlate(Client).scalar_subquery()
    return (select(Client.id, Client.owner_id, Person.name, Phone.e164)
            .join(Phone, Phone.id == first_phone)
            .join(Person, Person.id == Phone.person_id)
            .where(Client.project_id == bindparam("pid"), Client.last_contact == bindparam("day"),
                   Client.owner_id != None, Client.merged_into_id == None,  # noqa: E711
                   Client.id > bindparam("after"))
            .order_by(Client.id))


def remind_lapsing(c: Ctx) -> int:
    """Once a day: tell each owner about their clients whose last protected day is today.

    Uses the (project, last_contact) index: a client lapses tomorrow when its last valid
    contact was exactly N days ago. Set-based, a batch at a time (a 1M office has ~11k such
    clients a day): one joined read, one dedupe read, the notices in one insert — the same
    rows `c.notify(owner, "lapse_tomorrow", …, dedupe=…)` writes per client, outbox messages
    included when the project has a webhook."""
    if c.s.get(ReminderRun, (c.pid, c.today)) is not None:
        return 0
    from . import clientbook  # the day's first run only: the inbox's other reads do not load it
    days = int(c.setting("protection_days"))
    contact_day = c.today - timedelta(days=days)
    lapses_on = c.today + timedelta(days=1)
    sent, after = 0, 0
    while True:  # in batches by id, until every lapsing client has had its reminder
        rows = c.s.exec(_lapsing().limit(REMIND_BATCH),
                        params={"pid": c.pid, "day": contact_day, "after": after}).all()
        if not rows:
            break
        after = rows[-1][0]
        sent += len(rows)
        # Ctx.notify's dedupe key for one recipient: f"{dedupe}:{recipient}"
        todo = [(f"lapse:{cid}:{c.today}:{owner}", owner, name, e164) for cid, owner, name, e164 in rows]
        seen = set(c.s.exec(select(Notification.dedupe).where(
            Notification.dedupe.in_([t[0] for t in todo]))))  # type: ignore[union-attr]
        todo = [t for t in todo if t[0] not in seen]
        if not todo:
            continue
        datas = [{"client": clientbook.label_of(name, e164, True), "lapses_on": lapses_on}
                 for _key, _owner, name, e164 in todo]
        c.s.connection().execute(insert(Notification.__table__), [  # type: ignore[attr-defined]
            {"project_id": c.pid, "recipient_id": owner, "kind": KIND, "rule": RULE, "data": dumps(data),
             "dedupe": key, "at": c.at, "acked_at": None}
            for (key, owner, _name, _e164), data in zip(todo, datas)])
        if c.setting("webhook_url"):  # the webhook's copy of each notice, as Ctx.notify queues it
            ids = dict(c.s.exec(select(Notification.dedupe, Notification.id).where(
                Notification.dedupe.in_([t[0] for t in todo]))).all())  # type: ignore[union-attr]
            outbox_queue.enqueue_many(c, KIND, RULE, [(data, [c.name_of(owner) or ""], ids[key])
                                                      for (key, owner, _n, _e), data in zip(todo, datas)])
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
                {"id": n.id, "kind": n.kind, "rule": n.rule, "at": c.local(n.at), "data": json.loads(n.data),
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
