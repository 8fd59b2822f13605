"""One import inside one transaction: check every row, find or create staff, merge rows into clients by phone."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable
from zoneinfo import ZoneInfo

from frontdesk.rules import phones
from frontdesk.store.models import Client, FollowUp, Person, Phone, RegisterEntry, Staff
from sqlmodel import select

from .. import clientbook
from ..base import Ctx
from .parse import _Parser, _Reject
from .staffing import _Staffing
from .table import Progress, Row, Table
from .writer import _Writer


class _Import(_Staffing, _Writer):
    """One import inside one transaction: check every row, then write in batches."""

    def __init__(self, c: Ctx, src: Path, table: Table, progress: Progress | None, dry_run: bool = False,
                 advisor_map: dict[str, str] | None = None, create_staff: bool = False):
        self.c = c
        self.dry_run = dry_run
        self.advisor_map = dict(advisor_map or {})
        self.create_staff = create_staff
        self.src = src
        self.rows = table.rows
        self.progress = progress or (lambda stage, done, total: None)
        self.pid = c.pid
        self.zone = ZoneInfo(c.project.tz)
        self.staff: dict[str, Staff] = {}
        self.compact: dict[str, Staff] = {}
        self.created: dict[str, int] = defaultdict(int)
        self.unknown: dict[str, list[Row]] = {}  # advisors not on the staff, unmapped: the rows they own
        self.mapped: dict[str, tuple[str, list[Row]]] = {}  # as written → (staff member, rows)
        self.added: dict[str, list[Row]] = {}  # created as inactive staff → rows

    # ------------------------------------------------------------------------------
    def run(self) -> dict[str, Any]:
        parser = _Parser(self.zone, self.c.now.replace(tzinfo=None))
        n = len(self.rows)
        for i, r in enumerate(self.rows):
            if r.status == "rejected":
                continue
            try:
                parser.parse(r)
            except _Reject as rej:
                r.reject(rej.code, **rej.data)
            if i % 2000 == 0:
                self.progress("check", i, n)
        self.progress("check", n, n)
        if any(r.also_call for r in self.rows):
            self.rows[:] = _split_ticked(self.rows)
        self._load_staff()
        self._staff_rows([r for r in self.rows if r.kind == "staff" and not r.status])
        rows = [r for r in self.rows if r.kind in ("visit", "call", "followup") and not r.status]
        self._advisors(rows)
        rows = sorted((r for r in rows if not r.status), key=lambda r: (r.at, r.seq))
        return {**self._clients(rows), "advisors": self.advisors_said()}

    # clients ------------------------------------------------------------------------
    def _db_phones(self, e164s: set[str]) -> dict[str, tuple[int, int, str, str]]:
        """e164 → (client id, person id, person name, person relation) for phones already on record."""
        c = self.c
        canon = {cid: m for cid, m in c.s.exec(select(Client.id, Client.merged_into_id)
                                                .where(Client.project_id == self.pid,
                                                       Client.merged_into_id != None))}  # noqa: E711
        out = {}
        items = sorted(e164s)
        for i in range(0, len(items), 500):
            chunk = items[i:i + 500]
            q = (select(Phone.e164, Phone.client_id, Phone.person_id, Person.name, Person.relation)
                 .join(Person, Person.id == Phone.person_id)
                 .where(Phone.project_id == self.pid, Phone.e164.in_(chunk)))  # type: ignore[attr-defined]
            for e164, cid, person_id, name, relation in c.s.exec(q):
                while cid in canon:
                    cid = canon[cid]
                out[e164] = (cid, person_id, name, relation)
        return out

    def _clients(self, rows: list[Row]) -> dict[str, Any]:
        c = self.c
        db = self._db_phones({r.e164 for r in rows} | {r.related for r in rows if r.related}
                             | {e for r in rows for e in r.more_phones})
        # household links (R2.5): phones joined into one client; two clients already on record stay apart
        parent: dict[str, str] = {}

        def find(x: str) -> str:
            while parent.get(x, x) != x:
                parent[x] = parent.get(parent[x], parent[x])
                x = parent[x]
            return x

        root_db: dict[str, int] = {e: v[0] for e, v in db.items()}
        for r in rows:
            for e in r.more_phones:  # numbers written in one cell: one person's
                ra, rb = find(r.e164), find(e)
                if ra == rb:
                    continue
                da, dbc = root_db.get(ra), root_db.get(rb)
                if da is not None and dbc is not None and da != dbc:
                    r.more_phones = tuple(x for x in r.more_phones if x != e)
                    r.say("phone_elsewhere", phone=phones.masked_of(e), client=dbc)
                    continue
                parent[rb] = ra
                if da is None and dbc is not None:
                    root_db[ra] = dbc
            if not r.related:
                continue
            ra, rb = find(r.e164), find(r.related)
            if ra == rb:
                continue
            da, dbc = root_db.get(ra), root_db.get(rb)
            if da is not None and dbc is not None and da != dbc:
                r.reject("link_conflict", phone=phones.masked_of(r.e164), related=phones.masked_of(r.related),
                         a=da, b=dbc)
                continue
            parent[rb] = ra
            if da is None and dbc is not None:
                root_db[ra] = dbc
        rows = [r for r in rows if not r.status]
        registered = {find(r.e164) for r in rows if r.kind != "followup"}
        for r in rows:
            if r.kind == "followup" and root_db.get(find(r.e164)) is None and find(r.e164) not in registered:
                r.reject("unknown_client", phone=phones.masked_of(r.e164))
        rows = [r for r in rows if not r.status]
        rows = self._dedupe(rows, db, find, root_db)

        # who is who: one client per linked group, one person per phone
        new_clients: list[dict[str, Any]] = []
        client_of: dict[str, tuple[str, int]] = {}  # root → ("db", id) | ("new", index)
        new_people: list[dict[str, Any]] = []
        person_of: dict[str, tuple[str, int]] = {}  # e164 → ("db", person id) | ("new", index)
        first_row: dict[str, Row] = {}
        db_person_updates: dict[int, dict[str, Any]] = {}
        links: list[tuple[Row, str]] = []
        more: list[tuple[str, tuple[str, int]]] = []  # (a row's other number, the person it is written for)

        def client_key(e164: str) -> tuple[str, int]:
            root = find(e164)
            key = client_of.get(root)
            if key is None:
                dbc = root_db.get(root)
                if dbc is not None:
                    key = ("db", dbc)
                else:
                    key = ("new", len(new_clients))
                    new_clients.append({"project_id": self.pid, "merged_into_id": None, "owner_id": None,
                                        "last_contact": None, "created_at": c.at})
                client_of[root] = key
            return key

        pinyin: dict[str, str] = {}  # names repeat (张伟, 王芳…): their initials once

        def initials(name: str) -> str:
            got = pinyin.get(name)
            if got is None:
                got = pinyin[name] = clientbook.initials(name)
            return got

        def person(e164: str, name: str, relation: str) -> tuple[tuple[str, int], bool]:
            key = person_of.get(e164)
            if key is not None:
                if key[0] == "new":
                    p = new_people[key[1]]
                    if name and not p["name"]:
                        p["name"], p["initials"] = name, initials(name)
                    if relation:
                        p["relation"] = relation
                return key, False
            if e164 in db:
                _cid, pid_, pname, prel = db[e164]
                key = ("db", pid_)
                person_of[e164] = key
                upd: dict[str, Any] = {}
                if name and not pname:
                    upd.update(name=name, initials=initials(name))
                if relation and relation != prel:
                    upd["relation"] = relation
                if upd:
                    db_person_updates.setdefault(pid_, {}).update(upd)
                return key, False
            ck = client_key(e164)
            key = ("new", len(new_people))
            new_people.append({"project_id": self.pid, "client": ck, "name": name,
                               "initials": initials(name) if name else "",
                               "relation": relation or "self", "created_at": c.at, "e164": e164})
            person_of[e164] = key
            return key, True

        history: dict[int, list[Row]] = defaultdict(list)  # a new client's index → its rows, in time order
        for r in rows:
            r.client = None
            ck = client_key(r.e164)
            if ck[0] == "new":
                history[ck[1]].append(r)
            _key, new = person(r.e164, r.name, r.relation)
            for e in r.more_phones:
                if e not in person_of and e not in db:
                    person_of[e] = _key
                    more.append((e, _key))
                    first_row.setdefault(e, r)
            if r.kind == "followup":
                r.done("imported", "followup")
            elif new:
                r.done("imported", "new_client")
            elif r.e164 in db:
                r.done("merged", "merged_db", client=ck[1])
            else:
                r.done("merged", "merged_file", row=first_row[r.e164].label)
            first_row.setdefault(r.e164, r)
            if r.related:
                person(r.related, "", "")
                first_row.setdefault(r.related, r)
                links.append((r, r.related))
                r.link_note = {"kin": r.relation, "related": phones.masked_of(r.related)}
        return self._write(rows, new_clients, new_people, person_of, client_key, db_person_updates, links, history,
                           more)

    def _dedupe(self, rows: list[Row], db: dict[str, tuple[int, int, str, str]], find: Callable[[str], str],
                root_db: dict[str, int]) -> list[Row]:
        """Rows written already — earlier in this file, or in the register — are not written twice."""
        c = self.c
        if not rows:
            return rows
        lo, hi = rows[0].at, rows[-1].at
        have: dict[tuple, str] = {}
        for book, e164, at, adv, number in c.s.exec(
                select(RegisterEntry.book, RegisterEntry.phone_e164, RegisterEntry.at, RegisterEntry.advisor_id,
                       RegisterEntry.number)
                .where(RegisterEntry.project_id == self.pid, RegisterEntry.at >= lo, RegisterEntry.at <= hi,
                       RegisterEntry.kind != "amend")):
            have.setdefault((book, e164, at, adv), f"{book}#{number}")
        canon = {cid: m for cid, m in c.s.exec(select(Client.id, Client.merged_into_id).where(
            Client.project_id == self.pid, Client.merged_into_id != None))}  # noqa: E711
        for fid, cid, adv, at, outcome in c.s.exec(
                select(FollowUp.id, FollowUp.client_id, FollowUp.advisor_id, FollowUp.at, FollowUp.outcome)
                .where(FollowUp.project_id == self.pid, FollowUp.at >= lo, FollowUp.at <= hi)):
            while cid in canon:
                cid = canon[cid]
            have.setdefault(("followup", cid, at, adv, outcome), f"followup#{fid}")
        seen: dict[tuple, Row] = {}
        out = []
        for r in rows:
            if r.kind == "followup":
                key: tuple = ("followup", r.e164, r.at, r.advisor_id, r.outcome)
                dbc = root_db.get(find(r.e164))
                old = have.get(("followup", dbc, r.at, r.advisor_id, r.outcome)) if dbc is not None else None
            else:
                key = (r.kind, r.e164, r.at, r.advisor_id)
                old = have.get(key)
            if key in seen:
                r.done("merged", "duplicate_row", row=seen[key].label)
                r.dup_of = seen[key]
                continue
            seen[key] = r
            if old is not None:
                r.done("merged", "already_recorded", entry=old)
                r.entry = old
                continue
            out.append(r)
        return out


def _split_ticked(rows: list[Row]) -> list[Row]:
    """Rows with both 来访 and 来电 ticked: a page in each register (the call after the visit in the report)."""
    out: list[Row] = []
    for r in rows:
        out.append(r)
        if r.also_call and not r.status:
            r.say("both_ticked")
            twin = replace(r, kind="call", also_call=False, notes=list(r.notes or []))
            out.append(twin)
    return out
