"""Writing the checked rows in batches: clients, people, phones, numbered and hash-chained register entries, follow-ups, and the client cache."""

from __future__ import annotations

from collections import defaultdict
from operator import itemgetter
from typing import Any, Callable

from frontdesk.rules import phones, protection
from frontdesk.rules.reasons import Reason
from frontdesk.store import journal, ledger
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
from .pages import COLUMNS, Pages
from .table import CHUNK, Row

def _memo(fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
    seen: dict[Any, Any] = {}

    def conv(v: Any) -> Any:
        got = seen.get(v)
        if got is None:
            got = seen[v] = fn(v)
        return got
    return conv



def _event(r: Row) -> protection.Event:
    """A checked row as the fold sees it (its entry is numbered)."""
    if r.kind == "followup":
        effect, kind = protection.followup_effect(r.outcome, False)
        return protection.Event(r.at, r.day, effect, r.advisor_id, r.entry, kind)  # type: ignore[arg-type]
    return protection.Event(r.at, r.day, protection.REGISTER, r.advisor_id, r.entry, "imported")  # type: ignore[arg-type]


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
        names = ", ".join('"' + k + '"' for k in cols)
        marks = ", ".join("?" for _ in cols)
        sql = f'INSERT INTO "{t.name}" ({names}) VALUES ({marks})'
        take = itemgetter(*cols)
        for i in range(0, len(values), CHUNK):
            columns = list(zip(*map(take, values[i:i + CHUNK]))) if len(cols) > 1 else [[v[cols[0]] for v in values[i:i + CHUNK]]]
            for j, k in enumerate(cols):  # column by column: each distinct value converted once
                p = t.c[k].type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
                if p is not None:
                    db = {v: (None if v is None else p(v)) for v in set(columns[j])}
                    columns[j] = list(map(db.__getitem__, columns[j]))
            conn.exec_driver_sql(sql, list(zip(*columns)))

    def _forms(self, model: Any, names: tuple[str, ...]) -> dict[str, Callable[[Any], Any]]:
        """Per column, a value into the form the driver is given: the column type's bind processor
        on SQLite (memoised: dates and times repeat), nothing on PostgreSQL (SQLAlchemy binds there)."""
        conn = self.c.s.connection()
        t = model.__table__
        out: dict[str, Callable[[Any], Any]] = {}
        for k in names:
            p = t.c[k].type.dialect_impl(conn.dialect).bind_processor(conn.dialect) if conn.dialect.name == "sqlite" else None
            out[k] = _memo(p) if p is not None else (lambda v: v)
        return out

    def _insert_rows(self, model: Any, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
        """Rows already in the driver's form (see _forms), in `columns` order."""
        if not rows:
            return
        t = model.__table__
        conn = self.c.s.connection()
        if conn.dialect.name != "sqlite":
            conn.execute(insert(t), [dict(zip(columns, row)) for row in rows])
            return
        names = ", ".join('"' + k + '"' for k in columns)
        conn.exec_driver_sql(f'INSERT INTO "{t.name}" ({names}) VALUES ({", ".join("?" for _ in columns)})', rows)

    def _write(self, rows: list[Row], new_clients: list[dict[str, Any]], new_people: list[dict[str, Any]],
               person_of: dict[str, tuple[str, int]], client_key: Callable[[str], tuple[str, int]],
               db_person_updates: dict[int, dict[str, Any]], links: list[tuple[Row, str]],
               history: dict[int, list[Row]], more: list[tuple[str, tuple[str, int]]]) -> dict[str, Any]:
        c = self.c
        c.s.flush()
        sqlite = c.s.connection().dialect.name == "sqlite"
        # the registers: numbered in time order after the pages already there (numbers first: the
        # new clients' ownership is folded from them before the clients are written)
        books: list[tuple[LedgerHead, list[Row]]] = []
        for book in ("visit", "call"):
            book_rows = [r for r in rows if r.kind == book]
            if not book_rows:
                continue
            head = c.s.exec(select(LedgerHead).where(LedgerHead.project_id == self.pid, LedgerHead.book == book)
                            .with_for_update()).first()
            if head is None:
                head = LedgerHead(project_id=self.pid, book=book, last_number=0, last_hash=ledger.GENESIS)
                c.s.add(head)
            for n, r in enumerate(book_rows, head.last_number + 1):
                r.entry = f"{book}#{n}"
            books.append((head, book_rows))
        fus = [r for r in rows if r.kind == "followup"]
        fu_ids: list[int] = []
        if sqlite:  # the write transaction holds the database: the follow-ups' ids are known now
            fu_ids = self._next_ids(FollowUp, len(fus))
            for r, fid in zip(fus, fu_ids):
                r.entry = f"followup#{fid}"
        late = self._fold_new(history, new_clients)
        client_ids = self._insert_returning(Client, new_clients)

        def cid(key: tuple[str, int]) -> int:
            return key[1] if key[0] == "db" else client_ids[key[1]]

        people = [{k: p[k] for k in ("project_id", "name", "initials", "relation", "created_at")} | {"client_id": cid(p["client"])}
                  for p in new_people]
        person_ids = self._insert_returning(Person, people)
        self._insert(Phone, [{"project_id": self.pid, "person_id": person_ids[i], "client_id": people[i]["client_id"],
                              "e164": p["e164"], "tail": phones.tail_of(p["e164"]), "created_at": c.at}
                             for i, p in enumerate(new_people)])
        self._insert(Phone, [{"project_id": self.pid, "person_id": person_ids[k[1]] if k[0] == "new" else k[1],
                              "client_id": cid(client_key(e164)), "e164": e164, "tail": phones.tail_of(e164),
                              "created_at": c.at} for e164, k in more])
        if db_person_updates:
            pt = Person.__table__
            for pid_, upd in db_person_updates.items():
                c.s.execute(update(pt).where(pt.c.id == pid_).values(**upd))

        def person_id(e164: str) -> int:
            k = person_of[e164]
            return k[1] if k[0] == "db" else person_ids[k[1]]

        touched_db: set[int] = set()
        ids_of: dict[str, tuple[int | None, int, int]] = {}  # e164 → (its new client's index or None, client id, person id)

        def ids(e164: str) -> tuple[int | None, int, int]:
            got = ids_of.get(e164)
            if got is None:
                key = client_key(e164)
                got = ids_of[e164] = (key[1] if key[0] == "new" else None, cid(key), person_id(e164))
                if key[0] == "db":
                    touched_db.add(got[1])
            return got

        n_written, total = 0, len(rows)
        numbers: dict[str, list[int]] = {}
        forms = self._forms(RegisterEntry, ("at", "day", "recorded_at", "turn"))
        for head, book_rows in books:
            pages = Pages(project_id=self.pid, book=head.book, operator_id=c.user().id, recorded_at=c.recorded_at,
                          file_name=self.src.name, forms=forms)
            number, prev = head.last_number, head.last_hash
            first = number + 1
            batch: list[tuple[Any, ...]] = []
            for r in book_rows:
                number += 1
                _new, client, person = ids(r.e164)
                page = pages.page(r, number, client, person, prev)
                prev = page[-1]
                batch.append(page)
                r.client = client
                if len(batch) >= CHUNK:
                    self._insert_rows(RegisterEntry, COLUMNS, batch)
                    n_written += len(batch)
                    batch = []
                    self.progress("write", n_written, total)
            self._insert_rows(RegisterEntry, COLUMNS, batch)
            n_written += len(batch)
            self.progress("write", n_written, total)
            head.last_number, head.last_hash = number, prev
            c.s.add(head)
            numbers[head.book] = [first, number]
        # follow-ups, with their original dates
        fu_values = []
        for r in fus:
            r.client = ids(r.e164)[1]
            fu_values.append({"project_id": self.pid, "client_id": r.client, "advisor_id": r.advisor_id,
                              "outcome": r.outcome, "note": r.note, "score": r.score, "at": r.at, "day": r.day,
                              "recorded_at": c.recorded_at})
        if sqlite:
            self._insert(FollowUp, [{**v, "id": i} for v, i in zip(fu_values, fu_ids)])
        else:
            fu_ids = self._insert_returning(FollowUp, fu_values)
        journal.seal_since(c.s.connection(), "followup")
        events: dict[int, list[protection.Event]] = defaultdict(list)  # the new clients folded only now (late)
        for r, fid in zip(fus, fu_ids):
            r.entry = f"followup#{fid}"
        for r in rows:
            new = ids(r.e164)[0]
            if new is not None and new in late:
                events[r.client].append(_event(r))  # type: ignore[index]
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
        journal.seal_since(c.s.connection(), "clientlink")
        # the ownership cache (R2.2 fold) of the clients on record the import touched
        self._refresh(events, touched_db)
        for r in self.rows:
            if r.dup_of is not None:
                r.entry, r.client = r.dup_of.entry, r.dup_of.client
        self.created.update(clients=len(new_clients), people=len(new_people), phones=len(new_people) + len(more),
                            followups=len(fus),
                            links=len(link_values), visits=sum(1 for r in rows if r.kind == "visit"),
                            calls=sum(1 for r in rows if r.kind == "call"))
        reasons = [Reason("R2.1", "import_appended", {"first": f"{book}#{a}", "last": f"{book}#{b}"})
                   for book, (a, b) in numbers.items()]
        return {"created": dict(self.created), "entries": {b: {"first": a, "last": z} for b, (a, z) in numbers.items()},
                "reasons": reasons}

    def _next_ids(self, model: Any, n: int) -> list[int]:
        """The next `n` ids of a table (SQLite: the write transaction holds the database)."""
        top = self.c.s.execute(select(func.max(model.__table__.c.id))).scalar() or 0
        return list(range(top + 1, top + 1 + n))

    def _fold_new(self, history: dict[int, list[Row]], new_clients: list[dict[str, Any]]) -> set[int]:
        """The ownership cache (R2.2 fold) of the new clients (`history`: a new client's index → its
        rows in time order), put in their rows before they are written. Returns the new clients whose
        history holds a follow-up without its id yet (PostgreSQL numbers them on insert): those are
        folded after, by `_refresh`."""
        days = int(self.c.setting("protection_days"))
        late: set[int] = set()
        today = self.c.today
        for i, rs in history.items():
            if len(rs) == 1 and rs[0].kind != "followup":
                new_clients[i].update(owner_id=rs[0].advisor_id, last_contact=rs[0].day)
                continue
            if all(r.kind != "followup" for r in rs):  # registrations only: the fold without its events
                owner, last = protection.registrations_owner([(r.at, r.entry, r.day, r.advisor_id) for r in rs],  # type: ignore[misc]
                                                             today, days)
                new_clients[i].update(owner_id=owner, last_contact=last)
                continue
            if any(not r.entry for r in rs):
                late.add(i)
                continue
            own = protection.fold([_event(r) for r in rs], today, days)
            new_clients[i].update(owner_id=own.owner if own.owner is not None else own.previous_owner,
                                  last_contact=own.last_contact)
        return late

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
