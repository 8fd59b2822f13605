"""A walk-in's reads and writes as Core statements (R3, R2.2, R2.1) — the counter's hot path.

`reception.visit` was 16 statements through the ORM's unit of work (three flushes, an ORM
object per row read or written: 4–7 ms). Here the same facts come in two reads — the office
(settings, staff, rotation queues, today's away/back marks) together with the phone's client,
then the client's history (`clientbook.facts`) — and the same rows are written with statements
built once with bind parameters: client, person and phone of a new visitor, the register entry
and its head (`ledger.next_page`/`write`: the same numbers and hashes), the client's ownership
cache, the rotation and its roster event (sealed in the journal). Notices and crossings stay on the ORM path
(`Ctx.notify`, `crossings.open_case`): rare, and shared with every other service.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any, Sequence

from sqlalchemy import Connection, Date, DateTime, Integer, String, bindparam, column, insert, text, update

from frontdesk.rules import phones
from frontdesk.rules.routing import Staffer
from frontdesk.store import journal
from frontdesk.store.models import Client, Person, Phone, RosterEvent, RosterState

from . import clientbook, roster
from .base import FRONTLINE, Ctx, dumps

# The office and the phone in one statement: settings ('s'), the project's staff ('n': names for
# every reason, presence for routing), the rotation queues ('q'), today's away/back marks ('r')
# and the phone's client and person ('p'). NULLs are cast so PostgreSQL can type the union.
_OFFICE = text("""
SELECT 's' AS src, CAST(NULL AS INTEGER) AS i, CAST(NULL AS INTEGER) AS j, CAST(NULL AS INTEGER) AS k,
       key AS a, value AS b, CAST(NULL AS TIMESTAMP) AS ts, CAST(NULL AS DATE) AS d
  FROM setting WHERE project_id = :pid
UNION ALL
SELECT 'n', id, mentor_id, CASE WHEN active THEN 1 ELSE 0 END + CASE WHEN exam_passed_on IS NULL THEN 0 ELSE 2 END,
       name, role, NULL, NULL
  FROM staff WHERE project_id = :pid
UNION ALL
SELECT 'q', NULL, NULL, NULL, queue, duty_queue, NULL, NULL FROM rosterstate WHERE project_id = :pid
UNION ALL
SELECT 'r', staff_id, id, NULL, kind, NULL, at, NULL
  FROM rosterevent WHERE project_id = :pid AND day = :today AND kind IN ('away', 'back')
UNION ALL
SELECT 'p', c.id, c.owner_id, p.id, p.name, NULL, NULL, c.last_contact
  FROM phone ph JOIN client c ON c.id = ph.client_id JOIN person p ON p.id = ph.person_id
  WHERE ph.project_id = :pid AND ph.e164 = :e164
""").bindparams(bindparam("today", type_=Date)).columns(
    column("src", String), column("i", Integer), column("j", Integer), column("k", Integer),
    column("a", String), column("b", String), column("ts", DateTime), column("d", Date))

_ACTIVE, _EXAM_PASSED = 1, 2


@dataclass
class Known:
    """A phone's client and person as plain columns (what a walk-in reads and writes of them)."""

    client_id: int
    owner_id: int | None
    last_contact: date | None
    person_id: int
    name: str
    e164: str

    def label(self, show_phone: bool) -> str:
        return clientbook.label_of(self.name, self.e164, show_phone)


@dataclass
class Office:
    """The rotation now and who may serve (SPEC "Presence"), read with the phone's client."""

    queue: tuple[int, ...]
    duty: tuple[int, ...]
    staff: dict[int, Staffer]
    has_state: bool  # the rotation has a row yet (a new office's first turn inserts it)
    known: Known | None


def office(c: Ctx, e164: str) -> Office:
    """One round trip: the project's settings and names (adopted by `c`), the roster, the phone."""
    c.s.flush()  # a text statement does not autoflush
    rows = c.s.connection().execute(_OFFICE, {"pid": c.pid, "today": c.today, "e164": e164}).all()
    settings, names, marks = [], {}, []
    queue: tuple[int, ...] = ()
    duty: tuple[int, ...] = ()
    has_state, known, people = False, None, []
    for r in rows:
        if r.src == "s":
            settings.append((r.a, r.b))
        elif r.src == "n":
            names[r.i] = r.a
            people.append(r)
        elif r.src == "q":
            queue, duty, has_state = tuple(json.loads(r.a)), tuple(json.loads(r.b)), True
        elif r.src == "r":
            marks.append(r)
        else:
            known = Known(r.i, r.j, r.d, r.k, r.a, e164)
    c.know(settings, names)
    away = roster.away_of([(m.i, m.a, m.ts) for m in sorted(marks, key=lambda m: (m.ts, m.j))], c.at)
    on_roster = set(queue)
    staff = {}
    for p in people:
        if not p.k & _ACTIVE or p.b not in FRONTLINE:
            continue
        shadow = p.b == "trainee" and not p.k & _EXAM_PASSED  # as roster.in_induction
        staff[p.i] = Staffer(p.i, p.a, p.b, present=p.i in on_roster and p.i not in away,
                             eligible=not shadow, shadow=shadow, mentor=p.j)
    return Office(queue, duty, staff, has_state, known)


_CLIENT_T = Client.__table__  # type: ignore[attr-defined]
_PERSON_T = Person.__table__  # type: ignore[attr-defined]
_NEW_CLIENT = insert(_CLIENT_T)
_NEW_PERSON = insert(_PERSON_T)
_NEW_PHONE = insert(Phone.__table__)  # type: ignore[attr-defined]
_CACHE = (update(_CLIENT_T).where(_CLIENT_T.c.id == bindparam("cid"))
          .values(owner_id=bindparam("owner"), last_contact=bindparam("last")))
_RENAME = (update(_PERSON_T).where(_PERSON_T.c.id == bindparam("person"))
           .values(name=bindparam("nm"), initials=bindparam("ini")))
_STATE_T = RosterState.__table__  # type: ignore[attr-defined]
_NEW_STATE = insert(_STATE_T)
_MOVE_STATE = (update(_STATE_T).where(_STATE_T.c.project_id == bindparam("pid"))
               .values(queue=bindparam("q"), duty_queue=bindparam("d"), updated_at=bindparam("u")))
_NEW_EVENT = insert(RosterEvent.__table__)  # type: ignore[attr-defined]


def new_client(conn: Connection, c: Ctx, ph: phones.Phone, name: str, initials: str,
               owner: int | None, last_contact: date | None) -> Known:
    """Client, person and phone of a first visit (as `clientbook.create`), the client's ownership
    cache written with it (as `clientbook.refresh_cache` would after the entry)."""
    cid = conn.execute(_NEW_CLIENT, {"project_id": c.pid, "merged_into_id": None, "owner_id": owner,
                                     "last_contact": last_contact, "created_at": c.at}).inserted_primary_key[0]
    pid = conn.execute(_NEW_PERSON, {"project_id": c.pid, "client_id": cid, "name": name, "initials": initials,
                                     "relation": "self", "created_at": c.at}).inserted_primary_key[0]
    conn.execute(_NEW_PHONE, {"project_id": c.pid, "person_id": pid, "client_id": cid, "e164": ph.e164,
                              "tail": ph.tail, "created_at": c.at})
    return Known(cid, owner, last_contact, pid, name, ph.e164)


def cache(conn: Connection, client_id: int, owner: int | None, last_contact: date | None) -> None:
    conn.execute(_CACHE, {"cid": client_id, "owner": owner, "last": last_contact})


def rename(conn: Connection, known: Known, name: str, initials: str) -> None:
    conn.execute(_RENAME, {"person": known.person_id, "nm": name, "ini": initials})
    known.name = name


def move_rotation(conn: Connection, c: Ctx, has_state: bool, queue: Sequence[int], duty: Sequence[int],
                  kind: str, staff_id: int | None, data: dict[str, Any]) -> None:
    """The rotation after this visit and its roster event (as `roster.save_queues` and `roster.log`)."""
    q, d = dumps(list(queue)), dumps(list(duty))
    if has_state:
        conn.execute(_MOVE_STATE, {"pid": c.pid, "q": q, "d": d, "u": c.at})
    else:
        conn.execute(_NEW_STATE, {"project_id": c.pid, "queue": q, "duty_queue": d, "updated_at": c.at})
    ev = {"project_id": c.pid, "kind": kind, "staff_id": staff_id, "by_id": c.actor.id if c.actor else None,
          "data": dumps(data), "at": c.at, "day": c.today, "recorded_at": c.recorded_at}
    ev["id"] = conn.execute(_NEW_EVENT, ev).inserted_primary_key[0]
    journal.seal_row(conn, "rosterevent", ev)
