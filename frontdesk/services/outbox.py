"""Delivering the outbox to the project's group robot (WeCom / DingTalk), and its state for the PM.

`send` claims the due items of each project in one write transaction (an OutboxAttempt per item,
numbered: the unique (item, n) and the write lock make two senders at once claim each try only
once), posts each with urllib outside any transaction, then records the answer (OutboxOutcome)
in its own transaction. A failure — no connection, a timeout, an HTTP error, or a robot that
answers 200 with an errcode other than 0 — records the error and when to try again: back-off
doubling from BACKOFF_FIRST up to BACKOFF_CAP. A sender that dies between claim and answer
leaves an attempt without outcome; after its lease the item is due again (so delivery is at
least once; exactly once whenever the answer could be recorded)."""

from __future__ import annotations

import json
import os
import socket
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from frontdesk.store.models import OutboxAttempt, OutboxItem, OutboxOutcome, Project

from . import settings as settings_mod
from .base import Base, Ctx
from .clock import local_to_second

TIMEOUT = 10.0  # seconds for one POST
BACKOFF_FIRST = 30  # seconds after the first failure; doubled after each further one
BACKOFF_CAP = 3600  # never wait more than an hour between tries
LEASE_EXTRA = 30  # seconds a claim outlives the POST's timeout before another sender may retry
BATCH = 20  # items per project per round (WeCom robots take 20 messages a minute)
MAX_ERROR = 300
RECORD_TRIES = 5
STATES = ("pending", "failing", "sent")


def backoff(failures: int) -> timedelta:
    """The wait after `failures` failed tries in a row: 30 s, 60 s, 120 s, … at most an hour."""
    return timedelta(seconds=min(BACKOFF_FIRST * 2 ** max(failures - 1, 0), BACKOFF_CAP))


@dataclass(frozen=True)
class Answer:
    ok: bool
    status: int | None
    error: str


def post(url: str, body: bytes, timeout: float) -> Answer:
    """POST the JSON body; a robot's success is HTTP 2xx with {"errcode": 0}."""
    req = urllib.request.Request(url, data=body, method="POST",
                                 headers={"Content-Type": "application/json; charset=utf-8"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - http(s) only, checked by settings
            status, raw = resp.status, resp.read(4096)
    except urllib.error.HTTPError as exc:
        return Answer(False, exc.code, f"HTTP {exc.code} {exc.reason}"[:MAX_ERROR])
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return Answer(False, None, f"no connection: {reason}"[:MAX_ERROR])
    try:
        answer = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return Answer(False, status, f"HTTP {status}, not a robot's answer: {raw[:100]!r}"[:MAX_ERROR])
    code = answer.get("errcode") if isinstance(answer, dict) else None
    if code != 0:
        msg = answer.get("errmsg", "") if isinstance(answer, dict) else ""
        return Answer(False, status, f"HTTP {status}, errcode {code}: {msg}"[:MAX_ERROR])
    return Answer(True, status, "")


@dataclass
class State:
    item: OutboxItem
    attempts: int = 0
    state: str = "pending"
    sending: bool = False  # claimed, no answer yet, lease running
    due_at: datetime | None = None  # None: due now (pending) or never (sent / sending)
    last_error: str = ""
    sent_at: datetime | None = None

    def due(self, now: datetime) -> bool:
        return self.state != "sent" and not self.sending and (self.due_at is None or self.due_at <= now)


def states(c: Ctx, items: list[OutboxItem]) -> list[State]:
    """Each item's delivery state, read from its attempts and outcomes."""
    ids = [i.id for i in items]
    out = {i.id: State(i) for i in items}
    if not ids:
        return []
    atts = c.s.exec(select(OutboxAttempt).where(OutboxAttempt.item_id.in_(ids)).order_by(OutboxAttempt.n)).all()  # type: ignore[attr-defined]
    outcomes = {o.attempt_id: o for o in c.s.exec(select(OutboxOutcome).where(OutboxOutcome.item_id.in_(ids)))}  # type: ignore[attr-defined]
    for a in atts:
        st = out[a.item_id]
        if st.state == "sent":
            continue
        st.attempts = a.n
        o = outcomes.get(a.id)
        st.sending = False
        if o is None:
            if a.lease_until > c.at:
                st.sending, st.due_at = True, a.lease_until
            else:
                st.state, st.due_at, st.last_error = "failing", a.lease_until, "no answer recorded (the sender stopped)"
        elif o.ok:
            st.state, st.sent_at, st.due_at = "sent", o.at, None
        else:
            st.state, st.due_at, st.last_error = "failing", o.next_try, o.error
    return [out[i] for i in ids]


def _unsent(c: Ctx) -> list[OutboxItem]:
    sent = select(OutboxOutcome.item_id).where(OutboxOutcome.ok == True)  # noqa: E712
    return list(c.s.exec(select(OutboxItem).where(OutboxItem.project_id == c.pid, OutboxItem.id.not_in(sent))  # type: ignore[union-attr]
                         .order_by(OutboxItem.id)))


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "")[:200]


class OutboxService(Base):
    timeout = TIMEOUT

    def send(self, project: str | None = None, batch: int = BATCH) -> dict[str, Any]:
        """One round: every project's due items (or one project's), each posted once; no acting user."""
        sender = f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        with self.db.read() as s:
            codes = [project] if project else list(s.exec(select(Project.code).order_by(Project.id)))
        done: list[dict[str, Any]] = []
        for code in codes:
            with self.op(None, code, write=False) as c:  # a quiet look first: no write lock when nothing is due
                if not c.setting("webhook_url") or not any(st.due(c.at) for st in states(c, _unsent(c))):
                    continue
            url, claimed = self._claim(code, sender, batch)
            for attempt_id, item_id, payload in claimed:
                answer = post(url, payload.encode("utf-8"), self.timeout)
                done.append(self._record(code, attempt_id, item_id, answer, _host(url)))
        return {"sent": sum(d["ok"] for d in done), "failed": sum(not d["ok"] for d in done), "items": done}

    def _claim(self, code: str, sender: str, batch: int) -> tuple[str, list[tuple[int, int, str]]]:
        try:
            with self.op(None, code) as c:
                url = c.setting("webhook_url")
                if not url:
                    return "", []
                due = [st for st in states(c, _unsent(c)) if st.due(c.at)][:batch]
                lease = c.at + timedelta(seconds=self.timeout + LEASE_EXTRA)
                rows = [OutboxAttempt(item_id=st.item.id, n=st.attempts + 1, sender=sender, at=c.at,  # type: ignore[arg-type]
                                      lease_until=lease) for st in due]
                c.s.add_all(rows)
                c.s.flush()
                return url, [(a.id, st.item.id, st.item.payload) for a, st in zip(rows, due)]  # type: ignore[misc]
        except DBAPIError:  # another sender claimed the same try first (unique item_id, n), or the database
            return "", []   # is busy or gone: nothing is claimed, the next round tries again

    def _record(self, code: str, attempt_id: int, item_id: int, answer: Answer, target: str) -> dict[str, Any]:
        """The answer, kept: retried when the database is busy (SQLite's lock wait ran out; on
        PostgreSQL the writers' advisory lock, store/db.py), since a lost answer means posting again."""
        for n in range(RECORD_TRIES):
            try:
                return self._record_once(code, attempt_id, item_id, answer, target)
            except DBAPIError:
                if n == RECORD_TRIES - 1:
                    raise
                time.sleep(0.05 * 2 ** n)
        raise AssertionError("unreachable")

    def _record_once(self, code: str, attempt_id: int, item_id: int, answer: Answer, target: str) -> dict[str, Any]:
        with self.op(None, code) as c:
            n = c.s.get(OutboxAttempt, attempt_id).n  # type: ignore[union-attr]
            nxt = None if answer.ok else c.at + backoff(n)
            c.s.add(OutboxOutcome(attempt_id=attempt_id, item_id=item_id, ok=answer.ok, status=answer.status,
                                  error=answer.error, target=target, next_try=nxt, at=c.at))
            return {"id": item_id, "attempt": n, "ok": answer.ok, "status": answer.status, "error": answer.error,
                    "next_try": local_to_second(nxt, ZoneInfo(c.project.tz)) if nxt else None}

    def list(self, actor: str | None = None, project: str | None = None, limit: int = 50) -> dict[str, Any]:
        """What the PM sees: the webhook (without its key), counts per state, the latest items."""
        with self.op(actor, project, write=False) as c:
            c.require("pm", "gm", rule="R2.1", code="pm_console")
            url = c.setting("webhook_url")
            total = c.s.exec(select(func.count()).select_from(OutboxItem).where(OutboxItem.project_id == c.pid)).one()
            unsent = states(c, _unsent(c))
            counts = {"pending": sum(st.state == "pending" for st in unsent),
                      "failing": sum(st.state == "failing" for st in unsent)}
            counts["sent"] = total - len(unsent)
            latest = list(c.s.exec(select(OutboxItem).where(OutboxItem.project_id == c.pid)
                                   .order_by(OutboxItem.id.desc()).limit(max(1, min(limit, 500)))))  # type: ignore[union-attr]
            zone = ZoneInfo(c.project.tz)
            return {"webhook": {"url": settings_mod.shown_url(url), "kind": c.setting("webhook_kind"),
                                "lang": c.setting("webhook_lang")} if url else None,
                    "counts": counts, "items": [_shown(st, zone) for st in states(c, latest)]}


def _shown(st: State, zone: ZoneInfo) -> dict[str, Any]:
    it = st.item
    return {"id": it.id, "kind": it.kind, "rule": it.rule, "at": local_to_second(it.at, zone), "state": st.state,
            "sending": st.sending, "attempts": st.attempts, "last_error": st.last_error or None,
            "next_try": local_to_second(st.due_at, zone) if st.state != "sent" and st.due_at else None,
            "sent_at": local_to_second(st.sent_at, zone) if st.sent_at else None, "text": json.loads(it.payload)["text"]["content"]}
