"""The registers as books with numbered pages (R2.1).

Entries are numbered consecutively per project and register; each carries the hash of its
content, its business time and its real recording time, chained to the previous entry's
hash. `append` must run inside a write transaction (BEGIN IMMEDIATE on SQLite, a row lock on
the register head elsewhere), so two writers never take one number. `verify` walks every
chain and names what is wrong: a gap, an altered entry, a broken link, a missing tail.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Mapping

from sqlalchemy import Connection, bindparam, insert, update
from sqlmodel import Session, select

from .journal import GENESIS  # one first link for every chain
from .models import LedgerHead, RegisterEntry

BOOKS = ("visit", "call")
_HASHED = ("project_id", "book", "number", "kind", "at", "day", "recorded_at", "operator_id", "advisor_id",
           "owner_id", "client_id", "person_id", "phone_e164", "name", "route", "effect", "turn", "amends",
           "data", "prev_hash")


def _plain(v: Any) -> Any:
    if isinstance(v, (datetime, date)):
        return v.isoformat()
    return v


_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))
_DATED = ("at", "day", "recorded_at")
_STREAM = 5000  # rows per fetch when verify walks a register


def entry_hash(e: RegisterEntry | Mapping[str, Any]) -> str:
    """The hash of an entry's content: an entry, or the column values of one (the import's batches)."""
    if isinstance(e, Mapping):
        content = {k: e[k] for k in _HASHED}
        for k in _DATED:
            content[k] = _plain(content[k])
    else:
        content = {k: _plain(getattr(e, k)) for k in _HASHED}
    return hashlib.sha256(_ENCODER.encode(content).encode("utf-8")).hexdigest()


def append(s: Session, entry: RegisterEntry) -> RegisterEntry:
    """Number, chain and add `entry` (its number, prev_hash and hash are filled here); it is
    inserted with the operation's next flush, beside the head it moved (one round trip less)."""
    head = s.exec(
        select(LedgerHead).where(LedgerHead.project_id == entry.project_id, LedgerHead.book == entry.book)
        .with_for_update()
    ).first()
    if head is None:
        head = LedgerHead(project_id=entry.project_id, book=entry.book, last_number=0, last_hash=GENESIS)
        s.add(head)
    entry.number = head.last_number + 1
    entry.prev_hash = head.last_hash
    entry.hash = entry_hash(entry)
    head.last_number = entry.number
    head.last_hash = entry.hash
    s.add(entry)
    return entry


# `append` as Core statements built once, for the walk-in (no ORM objects, no flush): the same
# rows, numbers and hashes. A head is read FOR UPDATE (a no-op on SQLite, where BEGIN IMMEDIATE
# already holds the writer's lock; on PostgreSQL the advisory lock does, this is belt and braces).
_ENTRY_T = RegisterEntry.__table__  # type: ignore[attr-defined]
_HEAD_T = LedgerHead.__table__  # type: ignore[attr-defined]
_HEAD = (select(_HEAD_T.c.last_number, _HEAD_T.c.last_hash)
         .where(_HEAD_T.c.project_id == bindparam("pid"), _HEAD_T.c.book == bindparam("bk")).with_for_update())
_INSERT_ENTRY = insert(_ENTRY_T)
_INSERT_HEAD = insert(_HEAD_T)
_MOVE_HEAD = (update(_HEAD_T).where(_HEAD_T.c.project_id == bindparam("pid"), _HEAD_T.c.book == bindparam("bk"))
              .values(last_number=bindparam("n"), last_hash=bindparam("h")))


@dataclass(frozen=True)
class Page:
    """The next page of a register: its number, the hash it chains to, and whether the register
    has a head yet."""

    project_id: int
    book: str
    number: int
    prev_hash: str
    has_head: bool


def next_page(conn: Connection, project_id: int, book: str) -> Page:
    """Read (and lock) the register head: the number the next entry takes."""
    head = conn.execute(_HEAD, {"pid": project_id, "bk": book}).first()
    if head is None:
        return Page(project_id, book, 1, GENESIS, False)
    return Page(project_id, book, head.last_number + 1, head.last_hash, True)


def write(conn: Connection, page: Page, values: Mapping[str, Any]) -> dict[str, Any]:
    """Insert the entry `values` (every hashed column but number and prev_hash) on `page`, and
    move the head: what `append` and the next flush do, as two statements. Returns the row."""
    row = {**values, "project_id": page.project_id, "book": page.book, "number": page.number,
           "prev_hash": page.prev_hash}
    row["hash"] = entry_hash(row)
    conn.execute(_INSERT_ENTRY, row)
    if page.has_head:
        conn.execute(_MOVE_HEAD, {"pid": page.project_id, "bk": page.book, "n": page.number, "h": row["hash"]})
    else:
        conn.execute(_INSERT_HEAD, {"project_id": page.project_id, "book": page.book,
                                    "last_number": page.number, "last_hash": row["hash"]})
    return row


@dataclass(frozen=True)
class Problem:
    project_id: int
    book: str
    number: int | None
    code: str  # gap | altered | broken_link | missing_tail | head_mismatch
    detail: str

    def as_dict(self) -> dict[str, Any]:
        return {"project": self.project_id, "register": self.book, "entry": self.number,
                "code": self.code, "detail": self.detail}


def verify(s: Session) -> tuple[int, list[Problem]]:
    """Walk every register chain; return (entries checked, problems found)."""
    problems: list[Problem] = []
    count = 0
    heads = {(h.project_id, h.book): h for h in s.exec(select(LedgerHead))}
    keys = set(heads) | set(s.exec(select(RegisterEntry.project_id, RegisterEntry.book).distinct()).all())
    for pid, book in sorted(keys):
        expected_number, prev = 1, GENESIS
        # the hashed columns only, streamed: ORM rows kept in the session took 6.5 GB at 1M entries
        cols = [getattr(RegisterEntry, k) for k in _HASHED] + [RegisterEntry.hash]
        rows = s.execute(select(*cols).where(RegisterEntry.project_id == pid, RegisterEntry.book == book)
                         .order_by(RegisterEntry.number).execution_options(yield_per=_STREAM))
        for row in rows:
            e = row._mapping
            count += 1
            number = e["number"]
            if number != expected_number:
                problems.append(Problem(pid, book, number, "gap",
                                        f"entries {expected_number}..{number - 1} are missing"))
            if e["prev_hash"] != prev:
                problems.append(Problem(pid, book, number, "broken_link",
                                        "does not follow the previous entry's hash"))
            if entry_hash(e) != e["hash"]:
                problems.append(Problem(pid, book, number, "altered",
                                        "content does not match its hash: changed after recording"))
            expected_number, prev = number + 1, e["hash"]
        head = heads.get((pid, book))
        last = expected_number - 1
        if head is None or head.last_number != last or head.last_hash != prev:
            if head is not None and head.last_number > last:
                problems.append(Problem(pid, book, head.last_number, "missing_tail",
                                        f"entries {last + 1}..{head.last_number} are missing"))
            else:
                problems.append(Problem(pid, book, last or None, "head_mismatch",
                                        "the register head does not match its last entry"))
    return count, problems
