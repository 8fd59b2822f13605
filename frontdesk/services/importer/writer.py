"""Writing the checked rows in batches: clients, people, phones, numbered and hash-chained register entries, follow-ups, and the client cache."""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Callable

from frontdesk.rules import phones, protection
from frontdesk.rules.reasons import Reason
from frontdesk.store import ledger
from frontdesk.store.models import (
    Client,
    ClientLink,
    FollowUp,
    LedgerHead,
    Person,
    Phone,
    RegisterEntry,
)
from sqlalchemy import bindparam, func, insert, update
from sqlmodel import select

from .. import clientbook
from ..base import dumps
from .table import CHUNK, Row

REPEATED = frozenset({"day", "recorded_at", "created_at", "turn"})  # columns whose values repeat a lot


def _memo(fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
    seen: dict[Any, Any] = {}

    def conv(v: Any) -> Any:
        got = seen.get(v)
        if got is None:
            got = seen[v] = fn(v)
        return got
    return conv



class _Writer:
    """The batched writes of an import (mixed into _Import, which owns c, pid, created)."""

    # writing ------------------------------------------------------------------------
    def _insert_returning(self, model: Any, values: list[dict[str, Any]]) -> list[int]:
        """Insert rows and return their new ids, in order."""
        if not values:
            return []
        t = model.__table__
        if self.c.s.get_bind().dialect.name == "sqlite":
            # the write transaction holds the database (BEGIN IMMEDIATE): number the rows here rather
            # than ask for each id back (SQLite answers RETURNING row by row when the order matters)
            top = self.c.s.execute(select(func.max(t.c.id))).scalar() or 0
            ids = list(range(top + 1, top + 1 + len(values)))
            self._insert(model, [{**v, "id": i} for v, i in zip(values, ids)])
            return ids
        ids = []
        for i in range(0, len(values), CHUNK):
            res = self.c.s.execute(insert(t).returning(t.c.id, sort_by_parameter_order=True), values[i:i + CHUNK])
            ids.extend(res.scalars().all())
        return ids

    def _insert(self, model: Any, values: list[dict[str, Any]]) -> None:
        """Many rows at once. On SQLite the driver's executemany is fed directly, each value
        converted by its column type's own bind processor (what SQLAlchemy would store)."""
        if not values:
            return
        t = model.__table__
        conn = self.c.s.connection()
        if conn.dialect.name != "sqlite":
            for i in range(0, len(values), CHUNK):
                conn.execute(insert(t), values[i:i + CHUNK])
            return
        cols = list(values[0])
        procs = [(i, _memo(p) if k in REPEATED else p) for i, k in enumerate(cols)
                 if (p := t.c[k].type.dialect_impl(conn.dialect).bind_processor(conn.dialect)) is not None]
        names = ", ".join('"' + k + '"' for k in cols)
        marks = ", ".join("?" for _ in cols)
        sql = f'INSERT INTO "{t.name}" ({names}) VALUES ({marks})'
        for i in range(0, len(values), CHUNK):
            batch = []
            for v in values[i:i + CHUNK]:
                row = [v[k] for k in cols]
                for j, p in procs:
                    if row[j] is not None:
                        row[j] = p(row[j])
                batch.append(tuple(row))
            conn.exec_driver_sql(sql, batch)

    def _write(self, rows: list[Row], new_clients: list[dict[str, Any]], new_people: list[dict[str, Any]],
               person_of: dict[str, tuple[str, int]], client_key: Callable[[str], tuple[str, int]],
               db_person_updates: dict[int, dict[str, Any]], links: list[tuple[Row, str]]) -> dict[str, Any]:
        c = self.c
        c.s.flush()
        client_ids = self._insert_returning(Client, new_clients)

        def cid(key: tuple[str, int]) -> int:
            return key[1] if key[0] == "db" else client_ids[key[1]]

        people = [{k: p[k] for k in ("project_id", "name", "initials", "relation", "created_at")} | {"client_id": cid(p["client"])}
                  for p in new_people]
        person_ids = self._insert_returning(Person, people)
        self._insert(Phone, [{"project_id": self.pid, "person_id": person_ids[i], "client_id": people[i]["client_id"],
                              "e164": p["e164"], "tail": phones.tail_of(p["e164"]), "created_at": c.at}
                             for i, p in enumerate(new_people)])
        if db_person_updates:
            pt = Person.__table__
            for pid_, upd in db_person_updates.items():
                c.s.execute(update(pt).where(pt.c.id == pid_).values(**upd))

        def person_id(e164: str) -> int:
            k = person_of[e164]
            return k[1] if k[0] == "db" else person_ids[k[1]]

        # the registers: chronological, after the pages already there
        events: dict[int, list[protection.Event]] = defaultdict(list)
        touched_db: set[int] = set()
        n_written = 0
        total = len(rows)
        numbers: dict[str, list[int]] = {}
        operator = c.user().id
        ids_of: dict[str, tuple[bool, int, int]] = {}  # e164 → (a new client?, client id, person id)

        def ids(e164: str) -> tuple[bool, int, int]:
            got = ids_of.get(e164)
            if got is None:
                key = client_key(e164)
                got = ids_of[e164] = (key[0] == "new", cid(key), person_id(e164))
                if key[0] == "db":
                    touched_db.add(got[1])
            return got

        for book in ("visit", "call"):
            book_rows = [r for r in rows if r.kind == book]
            if not book_rows:
                continue
            head = c.s.exec(select(LedgerHead).where(LedgerHead.project_id == self.pid, LedgerHead.book == book)
                            .with_for_update()).first()
            if head is None:
                head = LedgerHead(project_id=self.pid, book=book, last_number=0, last_hash=ledger.GENESIS)
                c.s.add(head)
            number, prev = head.last_number, head.last_hash
            first = number + 1
            batch: list[dict[str, Any]] = []
            for r in book_rows:
                number += 1
                new, client, person = ids(r.e164)
                data = {"source": {"file": self.src.name, "sheet": r.sheet, "row": r.number, "values": r.raw},
                        "time": f"{r.local.hour:02d}:{r.local.minute:02d}" if r.has_time else None}  # type: ignore[union-attr]
                if r.outcome:
                    data["outcome"] = r.outcome
                if r.note:
                    data["note"] = r.note
                e = {"project_id": self.pid, "book": book, "number": number, "kind": "imported", "at": r.at,
                     "day": r.day, "recorded_at": c.recorded_at, "operator_id": operator,
                     "advisor_id": r.advisor_id, "owner_id": r.advisor_id, "client_id": client,
                     "person_id": person, "phone_e164": r.e164, "name": r.name or "",
                     "route": "imported", "effect": protection.REGISTER, "turn": False, "amends": None,
                     "data": dumps(data), "prev_hash": prev}
                e["hash"] = prev = ledger.entry_hash(e)
                batch.append(e)
                r.entry, r.client = f"{book}#{number}", client
                if new:
                    events[client].append(protection.Event(r.at, r.day, protection.REGISTER, r.advisor_id,  # type: ignore[arg-type]
                                                           r.entry, "imported"))
                if len(batch) >= CHUNK:
                    self._insert(RegisterEntry, batch)
                    n_written += len(batch)
                    batch = []
                    self.progress("write", n_written, total)
            self._insert(RegisterEntry, batch)
            n_written += len(batch)
            self.progress("write", n_written, total)
            head.last_number, head.last_hash = number, prev
            c.s.add(head)
            numbers[book] = [first, number]
        # follow-ups, with their original dates
        fus = [r for r in rows if r.kind == "followup"]
        fu_values = []
        for r in fus:
            r.client = ids(r.e164)[1]
            fu_values.append({"project_id": self.pid, "client_id": r.client, "advisor_id": r.advisor_id,
                              "outcome": r.outcome, "note": r.note, "score": r.score, "at": r.at, "day": r.day,
                              "recorded_at": c.recorded_at})
        fu_ids = self._insert_returning(FollowUp, fu_values)
        for r, fid in zip(fus, fu_ids):
            r.entry = f"followup#{fid}"
            if ids(r.e164)[0]:
                effect, kind = protection.followup_effect(r.outcome, False)
                events[r.client].append(protection.Event(r.at, r.day, effect, r.advisor_id, r.entry, kind))  # type: ignore[arg-type]
        self.progress("write", total, total)
        # household links (R2.5), recorded as the PM's act
        link_values = []
        done_links: set[tuple[int, int]] = set()
        for r, _other in links:
            key = ids(r.e164)[1:]
            if key in done_links:
                continue
            done_links.add(key)
            link_values.append({"project_id": self.pid, "client_id": key[0], "merged_client_id": None,
                                "person_id": key[1], "relation": r.relation, "by_id": c.user().id, "at": c.at,
                                "recorded_at": c.recorded_at})
        self._insert(ClientLink, link_values)
        # the ownership cache (R2.2 fold) of every client the import touched
        self._refresh(events, touched_db)
        for r in self.rows:
            if r.dup_of is not None:
                r.entry, r.client = r.dup_of.entry, r.dup_of.client
        self.created.update(clients=len(new_clients), people=len(new_people), followups=len(fus),
                            links=len(link_values), visits=sum(1 for r in rows if r.kind == "visit"),
                            calls=sum(1 for r in rows if r.kind == "call"))
        reasons = [Reason("R2.1", "import_appended", {"first": f"{book}#{a}", "last": f"{book}#{b}"})
                   for book, (a, b) in numbers.items()]
        return {"created": dict(self.created), "entries": {b: {"first": a, "last": z} for b, (a, z) in numbers.items()},
                "reasons": reasons}

    def _refresh(self, events: dict[int, list[protection.Event]], touched_db: set[int]) -> None:
        c = self.c
        days = int(c.setting("protection_days"))
        values = []
        for client, evs in events.items():
            if all(ev.effect == protection.REGISTER and ev.advisor == evs[0].advisor for ev in evs):
                # registrations by one advisor only: theirs, from the last one (what the fold gives)
                values.append({"cid": client, "o": evs[0].advisor, "lc": max(ev.day for ev in evs)})
                continue
            own = protection.fold(evs, c.today, days)
            values.append({"cid": client, "o": own.owner if own.owner is not None else own.previous_owner,
                           "lc": own.last_contact})
        ids = sorted(touched_db)
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            members = list(c.s.exec(select(Client.id, Client.merged_into_id).where(
                (Client.id.in_(chunk)) | (Client.merged_into_id.in_(chunk)))))  # type: ignore[attr-defined]
            canon = {m: (into or m) for m, into in members}
            by_client, _ = clientbook.histories(c, list(canon))
            grouped: dict[int, list[protection.Event]] = defaultdict(list)
            for k, evs in by_client.items():
                grouped[canon.get(k, k)].extend(evs)
            for client in chunk:
                own = protection.fold(grouped.get(client, []), c.today, days)
                values.append({"cid": client, "o": own.owner if own.owner is not None else own.previous_owner,
                               "lc": own.last_contact})
        if not values:
            return
        t = Client.__table__
        conn = c.s.connection()
        if conn.dialect.name == "sqlite":  # the driver's executemany, as _insert (SQLAlchemy's per-row binding was half of it)
            proc = t.c.last_contact.type.dialect_impl(conn.dialect).bind_processor(conn.dialect) or (lambda v: v)
            rows = [(v["o"], None if v["lc"] is None else proc(v["lc"]), v["cid"]) for v in values]
            for i in range(0, len(rows), CHUNK):
                conn.exec_driver_sql('UPDATE "client" SET owner_id = ?, last_contact = ? WHERE id = ?', rows[i:i + CHUNK])
            return
        stmt = update(t).where(t.c.id == bindparam("cid")).values(owner_id=bindparam("o"), last_contact=bindparam("lc"))
        for i in range(0, len(values), CHUNK):
            conn.execute(stmt, values[i:i + CHUNK])
