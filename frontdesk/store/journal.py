"""The journal: one hash chain over every append-only record that is not a register page (R2.1).

The registers chain their own pages (ledger.py). Everything else that decides ownership or
money — deposits, deals and their credit shares, follow-ups and their verifications,
approvals, decisions, reassignments, setting changes, and the other append-only logs — is
sealed here: each new row gets a journal entry (numbered from 1, no gaps) holding the row's
table, id and the digest of its stored content, chained to the previous entry's hash. The
triggers refuse UPDATE and DELETE; the journal makes a change made behind them (triggers
dropped, a file edited) show in `verify`: a row changed, deleted, or added without a seal.

Writes stay cheap: a write session seals the rows its flush inserted (`after_flush`: the
journal's last entry by primary key, the new rows read back by id, one insert); Core paths
call `seal` or `seal_since` themselves. Writers hold the write lock (BEGIN IMMEDIATE, the
advisory lock), so two never take one number; the primary key would refuse it anyway.

A row's digest is over its non-NULL columns, so a nullable column added later leaves the
old rows' digests as they were; a migration that fills a column of a sealed table must
re-seal (append entries) — it cannot, by design, rewrite the old ones.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal
from functools import lru_cache
from typing import Any, Iterable, Iterator, Mapping

from sqlalchemy import Connection, MetaData, Table, bindparam, func, insert, select
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

from . import models  # noqa: F401 - every table in the metadata
from .models_journal import JournalEntry

GENESIS = "0" * 64  # the hash before the first link: the registers' chains start from it too (ledger.py)

# The sealed tables (registerentry has its own chains). A new append-only table joins by name
# here, in the migration that creates it (nothing to back-fill then).
CHAINED = ("followup", "followupverification", "settingchange", "approval", "staffevent", "clientlink",
           "rosterevent", "crossing", "crossingdecision", "viewlog", "assignment", "deposit", "largedealdecision",
           "deal", "dealshare", "reflection", "referral", "complaint", "complaintevent", "discountrequest",
           "outboxitem", "outboxattempt", "outboxoutcome", "settingrequest")
_STREAM = 5000

_J = JournalEntry.__table__  # type: ignore[attr-defined]
_LAST = select(_J.c.seq, _J.c.hash).order_by(_J.c.seq.desc()).limit(1)
_INSERT = insert(_J)
_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def table(name: str) -> Table:
    tables = SQLModel.metadata.tables
    if name not in tables:  # a table built on first use (store.models.LAZY) that nothing has touched yet
        models.load_all()
    return tables[name]


@lru_cache(maxsize=None)
def _by_ids(t: str) -> Any:
    return select(table(t)).where(table(t).c.id.in_(bindparam("ids", expanding=True))).order_by(table(t).c.id)


@lru_cache(maxsize=None)
def _by_id(t: str) -> Any:
    return select(table(t)).where(table(t).c.id == bindparam("id"))


def _plain(v: Any) -> Any:
    if isinstance(v, datetime):
        if v.tzinfo is not None:
            v = v.astimezone(timezone.utc).replace(tzinfo=None)
        return v.isoformat()
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, Decimal):
        return format(v.normalize(), "f")
    return v


def digest(row: Mapping[str, Any]) -> str:
    """The digest of a row's stored content (its non-NULL columns)."""
    content = {k: _plain(v) for k, v in row.items() if v is not None}
    return hashlib.sha256(_ENCODER.encode(content).encode("utf-8")).hexdigest()


def link(prev: str, seq: int, tbl: str, row_id: int, dig: str) -> str:
    return hashlib.sha256(f"{prev}\n{seq}\n{tbl}\n{row_id}\n{dig}".encode()).hexdigest()


def _append(conn: Connection, rows: Iterable[tuple[str, Mapping[str, Any]]]) -> int:
    last = conn.execute(_LAST).first()
    seq, prev = (last.seq, last.hash) if last else (0, GENESIS)
    out = []
    for tbl, row in rows:
        seq += 1
        dig = digest(row)
        h = link(prev, seq, tbl, row["id"], dig)
        out.append({"seq": seq, "tbl": tbl, "row_id": row["id"], "digest": dig, "prev_hash": prev, "hash": h})
        prev = h
    if out:
        conn.execute(_INSERT, out[0] if len(out) == 1 else out)
    return len(out)


def seal(conn: Connection, new: Mapping[str, Iterable[int]]) -> int:
    """Seal the rows just inserted: {table: ids}. Inside the write transaction."""
    rows: list[tuple[str, Mapping[str, Any]]] = []
    for tbl in sorted(new):
        ids = list(new[tbl])
        if len(ids) == 1:  # the usual flush: one statement built once, no expanding IN
            rows += [(tbl, r._mapping) for r in conn.execute(_by_id(tbl), {"id": ids[0]})]
        elif ids:
            rows += [(tbl, r._mapping) for r in conn.execute(_by_ids(tbl), {"ids": ids})]
    return _append(conn, rows)


def seal_row(conn: Connection, tbl: str, row: Mapping[str, Any]) -> int:
    """Seal one row just inserted from the values it was inserted with (its id among them):
    the walk-in's roster event, without reading it back. The values must be what the database
    stores (naive UTC times, as every writer gives them), or verify will say `altered`."""
    return _append(conn, [(tbl, row)])


def seal_since(conn: Connection, tbl: str, t: Table | None = None) -> int:
    """Seal the rows of `tbl` newer than its last sealed one (bulk inserts that have no ids back)."""
    t = table(tbl) if t is None else t
    top = conn.execute(select(func.max(_J.c.row_id)).where(_J.c.tbl == tbl)).scalar() or 0
    n = 0
    while True:
        chunk = [(tbl, r._mapping) for r in
                 conn.execute(select(t).where(t.c.id > top).order_by(t.c.id).limit(_STREAM))]
        if not chunk:
            return n
        n += _append(conn, chunk)
        top = chunk[-1][1]["id"]


def backfill(conn: Connection, present: Iterable[str]) -> int:
    """Seal every existing row of the chained tables in `present` (the migration that brings the
    journal): the tables as the database has them then, not as the models may have grown since."""
    meta, present = MetaData(), set(present)
    return sum(seal_since(conn, t, Table(t, meta, autoload_with=conn)) for t in CHAINED if t in present)


def after_flush(session: Session, _ctx: Any) -> None:
    """The write sessions' hook: seal what this flush inserted into a chained table."""
    new: dict[str, list[int]] = {}
    for obj in session.new:
        tbl = getattr(type(obj), "__tablename__", None)
        if tbl in _CHAINED_SET:
            new.setdefault(tbl, []).append(obj.id)
    if new:
        seal(session.connection(), new)


_CHAINED_SET = frozenset(CHAINED)


@dataclass(frozen=True)
class Problem:
    table: str
    row: int | None
    entry: int | None
    code: str  # gap | broken_link | altered_seal | deleted | altered | unsealed | unknown_table
    detail: str

    def as_dict(self) -> dict[str, Any]:
        return {"register": "journal", "table": self.table, "row": self.row, "entry": self.entry,
                "code": self.code, "detail": self.detail}


def verify(conn: Connection) -> tuple[int, list[Problem]]:
    """Walk the journal's chain, then hold every chained table to its seals: (rows checked, problems)."""
    problems: list[Problem] = []
    expected, prev = 1, GENESIS
    for e in _stream(conn, select(_J).order_by(_J.c.seq)):
        if e["seq"] != expected:
            problems.append(Problem(e["tbl"], e["row_id"], e["seq"], "gap",
                                    f"journal entries {expected}..{e['seq'] - 1} are missing"))
        if e["prev_hash"] != prev:
            problems.append(Problem(e["tbl"], e["row_id"], e["seq"], "broken_link",
                                    "does not follow the previous journal entry's hash"))
        if link(e["prev_hash"], e["seq"], e["tbl"], e["row_id"], e["digest"]) != e["hash"]:
            problems.append(Problem(e["tbl"], e["row_id"], e["seq"], "altered_seal",
                                    "the journal entry does not match its hash"))
        expected, prev = e["seq"] + 1, e["hash"]
    count = 0
    for tbl in CHAINED:
        count += _hold(conn, tbl, problems)
    known = conn.execute(select(_J.c.tbl).distinct()).scalars().all()
    for tbl in sorted(set(known) - _CHAINED_SET):
        problems.append(Problem(tbl, None, None, "unknown_table", "journal entries name a table that is not sealed"))
    return count, problems


def _hold(conn: Connection, tbl: str, problems: list[Problem]) -> int:
    """Merge a table's rows (by id) with its seals (by row id)."""
    t = table(tbl)
    rows = _stream(conn, select(t).order_by(t.c.id))
    seals = _stream(conn, select(_J.c.row_id, _J.c.digest, _J.c.seq).where(_J.c.tbl == tbl).order_by(_J.c.row_id))
    r, s = next(rows, None), next(seals, None)
    count = 0
    while r is not None or s is not None:
        if s is None or (r is not None and r["id"] < s["row_id"]):
            problems.append(Problem(tbl, r["id"], None, "unsealed",  # type: ignore[index]
                                    f"{tbl} row {r['id']} has no journal entry: added behind the services"))  # type: ignore[index]
            count, r = count + 1, next(rows, None)
        elif r is None or s["row_id"] < r["id"]:
            problems.append(Problem(tbl, s["row_id"], s["seq"], "deleted",
                                    f"{tbl} row {s['row_id']} is sealed but gone: deleted after recording"))
            s = next(seals, None)
        else:
            if digest(r) != s["digest"]:
                problems.append(Problem(tbl, r["id"], s["seq"], "altered",
                                        f"{tbl} row {r['id']} does not match its seal: changed after recording"))
            count, r, s = count + 1, next(rows, None), next(seals, None)
    return count


def _stream(conn: Connection, stmt: Any) -> Iterator[Mapping[str, Any]]:
    for row in conn.execute(stmt.execution_options(yield_per=_STREAM)):
        yield row._mapping


def last(conn: Connection) -> tuple[int, str]:
    """The journal's last entry (number, hash): 0 and the genesis hash when empty."""
    row = conn.execute(_LAST).first()
    return (row.seq, row.hash) if row else (0, GENESIS)
