"""Finding clients and reading their history — the facts the ownership rules fold.

Every desk-path query here is an indexed lookup: a phone by (project, e164), a client's
entries by (client_id, at), its follow-ups by (client_id, at).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Mapping

from sqlalchemy import Date, DateTime, Integer, String, bindparam, column, text
from sqlmodel import select

from frontdesk.rules import phones, protection
from frontdesk.rules.protection import Event, Ownership
from frontdesk.rules.routing import Referral
from frontdesk.store.models import (Client, CrossingDecision, Crossing, FollowUp, FollowUpVerification, Person, Phone,
                                    RegisterEntry)

from .base import Ctx
from .errors import BadInput


def parse_phone(raw: str | None, field: str = "phone") -> phones.Phone:
    try:
        return phones.normalise(raw or "")
    except phones.PhoneError as exc:
        why = {"empty": "is empty", "chars": "may hold only digits, spaces, + - ( )",
               "too_long": "is too long for a phone number"}.get(exc.code, "is not a valid phone number")
        raise BadInput(field, f"{raw!r} {why} (mainland mobile, or landline with area code)") from None


def initials(name: str) -> str:
    """Pinyin initials for search: 张三 → "zs"; Latin letters are kept."""
    if not name:
        return ""
    from pypinyin import Style, lazy_pinyin  # here, not at import: its phrase dictionary costs 0.3 s and 45 MB

    parts = lazy_pinyin(name, style=Style.FIRST_LETTER, errors=lambda s: list(s))
    return "".join(p for p in parts if p.strip()).lower()[:100]


@dataclass
class Found:
    client: Client
    phone: Phone
    person: Person


_FIND = (select(Phone, Client, Person).join(Client, Client.id == Phone.client_id)  # built once: every walk-in asks
         .join(Person, Person.id == Phone.person_id)
         .where(Phone.project_id == bindparam("pid"), Phone.e164 == bindparam("e164")))


def find(c: Ctx, phone: phones.Phone) -> Found | None:
    got = c.s.exec(_FIND, params={"pid": c.pid, "e164": phone.e164}).first()
    if got is None:
        return None
    row, client, person = got
    return Found(client, row, person)


def client_of(c: Ctx, phone: phones.Phone) -> int | None:
    """The client id of a phone, without loading the rows (the owner verdict needs no more)."""
    return c.s.exec(_CLIENT_OF, params={"pid": c.pid, "e164": phone.e164}).first()


_CLIENT_OF = select(Phone.client_id).where(Phone.project_id == bindparam("pid"), Phone.e164 == bindparam("e164"))


def require(c: Ctx, raw: str | None, field: str = "phone") -> Found:
    ph = parse_phone(raw, field)
    f = find(c, ph)
    if f is None:
        raise BadInput(field, f"no client with phone {ph.masked()} in project {c.project.code}")
    return f


def by_id(c: Ctx, client_id: int, field: str = "client") -> Found:
    """A client by id (as the lookup lists it); merged records resolve to their client (R2.5)."""
    client = c.s.get(Client, client_id)
    while client is not None and client.merged_into_id is not None:
        client = c.s.get(Client, client.merged_into_id)
    if client is None or client.project_id != c.pid:
        raise BadInput(field, f"no client #{client_id} in project {c.project.code}")
    row = c.s.exec(select(Phone).where(Phone.client_id == client.id).order_by(Phone.id)).first()
    if row is None:
        raise BadInput(field, f"client #{client_id} has no phone")
    person = c.s.get(Person, row.person_id)
    assert person is not None
    return Found(client, row, person)


def create(c: Ctx, phone: phones.Phone, name: str, relation: str = "self", client: Client | None = None) -> Found:
    if client is None:
        client = Client(project_id=c.pid, created_at=c.at)
        c.s.add(client)
        c.s.flush()
    person = Person(project_id=c.pid, client_id=client.id, name=name, initials=initials(name), relation=relation,
                    created_at=c.at)
    c.s.add(person)
    c.s.flush()
    row = Phone(project_id=c.pid, person_id=person.id, client_id=client.id, e164=phone.e164, tail=phone.tail,
                created_at=c.at)
    c.s.add(row)  # inserted with the operation's next flush: nothing needs its id before
    return Found(client, row, person)


def group(c: Ctx, client_id: int) -> list[int]:
    """The client and every client record merged into it (R2.5)."""
    merged = c.s.exec(select(Client.id).where(Client.merged_into_id == client_id)).all()
    return [client_id, *merged]


def events(c: Ctx, client_id: int) -> tuple[list[Event], list[RegisterEntry]]:
    """The client's history as ownership events, plus its register entries."""
    by_client, entries = histories(c, group(c, client_id))
    return [ev for evs in by_client.values() for ev in evs], entries


def histories(c: Ctx, ids: list[int] | None, until: date | None = None,
              ) -> tuple[dict[int, list[Event]], list[RegisterEntry]]:
    """Ownership events per client record: of the records `ids`, or of the whole project up to
    `until` (for reports). Struck-out register pages are left out (R2.1)."""
    def scope(stmt, client_col, day_col):  # noqa: ANN001, ANN202
        stmt = stmt.where(client_col.in_(ids)) if ids is not None else stmt
        return stmt.where(day_col <= until) if until is not None else stmt

    from frontdesk.store.models import Assignment  # here: the deals' 11 tables are built on first use, not at start

    out: dict[int, list[Event]] = {}
    entries = list(c.s.exec(scope(select(RegisterEntry).where(RegisterEntry.project_id == c.pid),
                                  RegisterEntry.client_id, RegisterEntry.day)
                            .order_by(RegisterEntry.at, RegisterEntry.id)))
    void = voided(entries)
    for e in entries:
        if (e.book, e.number) in void or e.kind == "amend" or e.client_id is None:
            continue  # a page struck out by a later amending entry (R2.1) decides nothing
        ref = f"{e.book}#{e.number}"
        if e.effect == protection.REGISTER and e.owner_id is not None:
            ev = Event(e.at, e.day, protection.REGISTER, e.owner_id, ref, e.route)
        else:
            ev = Event(e.at, e.day, protection.NONE, e.advisor_id, ref, "referral" if e.kind == "referral" else e.route)
        out.setdefault(e.client_id, []).append(ev)
    rows = c.s.exec(scope(select(FollowUp, FollowUpVerification)
                          .join(FollowUpVerification, FollowUpVerification.followup_id == FollowUp.id, isouter=True)
                          .where(FollowUp.project_id == c.pid), FollowUp.client_id, FollowUp.day))
    for fu, ver in rows:
        effect, kind = protection.followup_effect(fu.outcome, ver is not None)
        out.setdefault(fu.client_id, []).append(Event(fu.at, fu.day, effect, fu.advisor_id, f"followup#{fu.id}", kind))
    for a in c.s.exec(scope(select(Assignment).where(Assignment.project_id == c.pid), Assignment.client_id,
                            Assignment.day)):
        out.setdefault(a.client_id, []).append(
            Event(a.at, a.day, protection.ASSIGN, a.advisor_id, f"assignment#{a.id}", a.rule))
    decided = c.s.exec(scope(select(Crossing, CrossingDecision).join(CrossingDecision)
                             .where(Crossing.project_id == c.pid), Crossing.client_id, CrossingDecision.day))
    for cr, dec in decided:
        if dec.winner_id is not None:
            out.setdefault(cr.client_id, []).append(
                Event(dec.at, dec.day, protection.ASSIGN, dec.winner_id, f"crossing#{cr.id}", "crossing"))
    return out, entries


def voided(entries: list[RegisterEntry]) -> set[tuple[str, int]]:
    """The entries struck out by amending entries that void them (R2.1: amend, never edit)."""
    out = set()
    for e in entries:
        if e.kind == "amend" and e.amends is not None and json.loads(e.data).get("void"):
            out.add((e.book, e.amends))
    return out


def ownership(c: Ctx, client_id: int | None, as_of: date | None = None) -> Ownership:
    days = int(c.setting("protection_days"))
    if client_id is None:
        return protection.fold([], as_of or c.today, days)
    return protection.fold(fold_events(c, client_id), as_of or c.today, days)


# The ownership events of a client and the records merged into it, in one statement: the same
# facts `histories` gathers with five ORM queries, read as plain columns (the owner verdict and
# every walk-in fold a history; building ORM objects for it was most of their time).
_EVENTS_SQL = text("""
WITH grp(id) AS (SELECT :cid UNION ALL SELECT id FROM client WHERE merged_into_id = :cid)
SELECT 'e', e.at, e.day, e.effect, e.owner_id, e.advisor_id, e.number, e.book, e.kind, e.route, e.amends, e.data
  FROM registerentry e WHERE +e.project_id = :pid AND e.client_id IN (SELECT id FROM grp)
UNION ALL
SELECT 'f', f.at, f.day, f.outcome, NULL, f.advisor_id, f.id, NULL,
       CASE WHEN v.id IS NULL THEN '' ELSE 'v' END, NULL, NULL, NULL
  FROM followup f LEFT OUTER JOIN followupverification v ON v.followup_id = f.id
  WHERE +f.project_id = :pid AND f.client_id IN (SELECT id FROM grp)
UNION ALL
SELECT 'a', a.at, a.day, a.rule, NULL, a.advisor_id, a.id, NULL, NULL, NULL, NULL, NULL
  FROM assignment a WHERE +a.project_id = :pid AND a.client_id IN (SELECT id FROM grp)
UNION ALL
SELECT 'c', d.at, d.day, NULL, NULL, d.winner_id, x.id, NULL, NULL, NULL, NULL, NULL
  FROM crossing x JOIN crossingdecision d ON d.crossing_id = x.id
  WHERE +x.project_id = :pid AND x.client_id IN (SELECT id FROM grp) AND d.winner_id IS NOT NULL
""").columns(column("src", String), column("at", DateTime), column("day", Date), column("effect", String),
               column("owner", Integer), column("advisor", Integer), column("num", Integer), column("book", String),
               column("kind", String), column("route", String), column("amends", Integer), column("data", String))


@dataclass
class Facts:
    """What a walk-in folds and routes on: the ownership events and a pending referral (R2.4)."""

    events: list[Event]
    referral: Referral | None = None


def fold_events(c: Ctx, client_id: int) -> list[Event]:
    """The ownership events of `client_id` and its merged records, as `events` gives them."""
    return facts(c, client_id).events


def facts(c: Ctx, client_id: int) -> Facts:
    """The events (as `events`) and the pending referral (as `pending_referral`), in one statement."""
    c.s.flush()  # a text statement does not autoflush: let the fold see what this operation added
    rows = c.s.execute(_EVENTS_SQL, {"cid": client_id, "pid": c.pid}).all()
    void = {(r.book, r.amends) for r in rows
            if r.src == "e" and r.kind == "amend" and r.amends is not None and json.loads(r.data).get("void")}
    out = []
    referral = None
    for r in rows:
        if r.src == "e":
            if r.kind == "amend" or (r.book, r.num) in void:
                continue  # a page struck out by a later amending entry (R2.1) decides nothing
            ref = f"{r.book}#{r.num}"
            if r.kind == "referral" and (referral is None or r.at > referral[0]):
                referral = (r.at, Referral(r.advisor, r.day, ref))
            if r.effect == protection.REGISTER and r.owner is not None:
                out.append(Event(r.at, r.day, protection.REGISTER, r.owner, ref, r.route))
            else:
                out.append(Event(r.at, r.day, protection.NONE, r.advisor, ref,
                                 "referral" if r.kind == "referral" else r.route))
        elif r.src == "f":
            effect, kind = protection.followup_effect(r.effect, r.kind == "v")
            out.append(Event(r.at, r.day, effect, r.advisor, f"followup#{r.num}", kind))
        elif r.src == "a":
            out.append(Event(r.at, r.day, protection.ASSIGN, r.advisor, f"assignment#{r.num}", r.effect))
        else:
            out.append(Event(r.at, r.day, protection.ASSIGN, r.advisor, f"crossing#{r.num}", "crossing"))
    return Facts(out, referral[1] if referral else None)


def entry_event(e: RegisterEntry | Mapping[str, Any]) -> Event:
    """The ownership event of a register entry just appended (as `histories` reads it back): an
    entry, or its column values (the walk-in writes them without an ORM object)."""
    v = e if isinstance(e, Mapping) else {k: getattr(e, k) for k in _EVENT_COLS}
    ref = f"{v['book']}#{v['number']}"
    if v["effect"] == protection.REGISTER and v["owner_id"] is not None:
        return Event(v["at"], v["day"], protection.REGISTER, v["owner_id"], ref, v["route"])
    return Event(v["at"], v["day"], protection.NONE, v["advisor_id"], ref,
                 "referral" if v["kind"] == "referral" else v["route"])


_EVENT_COLS = ("book", "number", "effect", "owner_id", "at", "day", "route", "advisor_id", "kind")


def refresh_cache(c: Ctx, client: Client, events: list[Event] | None = None) -> Ownership:
    """Re-fold the client's history and keep its owner of record and last contact in step
    (`events`: the whole history when the caller already holds it, read and then appended to)."""
    if events is None:
        own = ownership(c, client.id)
    else:
        own = protection.fold(events, c.today, int(c.setting("protection_days")))
    client.owner_id = own.owner if own.owner is not None else own.previous_owner
    client.last_contact = own.last_contact
    c.s.add(client)
    return own


def pending_referral(c: Ctx, client_id: int) -> Referral | None:
    """The newest referral pre-registration in the call register for this client (R2.4)."""
    ids = group(c, client_id)
    rows = c.s.exec(select(RegisterEntry).where(RegisterEntry.client_id.in_(ids),  # type: ignore[union-attr]
                                                RegisterEntry.kind.in_(("referral", "amend")))  # type: ignore[attr-defined]
                    .order_by(RegisterEntry.at.desc())).all()  # type: ignore[attr-defined]
    void = voided(list(rows))
    e = next((r for r in rows if r.kind == "referral" and (r.book, r.number) not in void), None)
    if e is None:
        return None
    return Referral(e.advisor_id, e.day, f"{e.book}#{e.number}")


def lapse_day(last_contact: date, days: int) -> date:
    return protection.window_end(last_contact, days) + timedelta(days=1)


def label(f: Found, show_phone: bool) -> str:
    """How a client is named in a notice: name and phone, masked unless the reader may see it."""
    return label_of(f.person.name, f.phone.e164, show_phone)


def label_of(name: str, e164: str, show_phone: bool) -> str:
    """`label` from the two columns it reads (a set-based caller has no rows to build a Found from)."""
    shown = phones.national_of(e164) if show_phone else phones.masked_of(e164)
    return f"{name} {shown}".strip()
