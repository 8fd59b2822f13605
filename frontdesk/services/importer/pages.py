"""The register pages of an import, built as the database stores them.

Each page's `data` is the text `base.dumps` gives for {"extension"?, "intent"?, "note"?, "outcome"?,
"source", "time"}
and its hash is the one `ledger.entry_hash` gives for its columns (the chain's definition does
not change): both are written here as text directly, with json's own string encoder, because
building a dict of 20 columns and encoding it with sorted keys was a fifth of a 100k import.
tests/services/test_import_pages.py checks both texts against the general encoders, on
generated names, phones and cells (quotes, backslashes, control characters, any script).

A page is a tuple in COLUMNS order, its values already in the database's form (`forms`: the
column's bind processor on SQLite, nothing on PostgreSQL), ready for the driver's executemany.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from json.encoder import encode_basestring as _enc  # json's string encoder when ensure_ascii=False
from typing import Any, Callable

from frontdesk.rules import protection

from ..base import dumps
from .table import Row

COLUMNS = ("project_id", "book", "number", "kind", "at", "day", "recorded_at", "operator_id", "advisor_id",
           "owner_id", "client_id", "person_id", "phone_e164", "name", "route", "effect", "turn", "amends",
           "data", "prev_hash", "hash")
KIND = ROUTE = "imported"
EFFECT = protection.REGISTER
Form = Callable[[Any], Any]


def page_hash(content: str) -> str:
    """SHA-256 of a page's canonical JSON (as ledger.entry_hash)."""
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def data_of(file_name: str, r: Row) -> dict[str, Any]:
    """The page's data as a dict: what `data_text` writes as text."""
    data: dict[str, Any] = {"source": {"file": file_name, "sheet": r.sheet, "row": r.number, "values": r.raw},
                            "time": f"{r.local.hour:02d}:{r.local.minute:02d}" if r.has_time else None}  # type: ignore[union-attr]
    if r.outcome:
        data["outcome"] = r.outcome
    if r.note:
        data["note"] = r.note
    if r.intent:
        data["intent"] = r.intent
    if r.extension:
        data["extension"] = r.extension
    return data


class Pages:
    """Numbered, chained pages of one register of one import."""

    def __init__(self, *, project_id: int, book: str, operator_id: int, recorded_at: datetime, file_name: str,
                 forms: dict[str, Form]):
        self.file_name = file_name
        self.forms = forms
        self.book = book
        self.fixed = (project_id, book)
        self.fixed2 = (forms["recorded_at"](recorded_at), operator_id)
        self.turn = forms["turn"](False)
        self.source = '{"file": ' + _enc(file_name) + ', "row": '
        self.sheets: dict[str | None, str] = {}
        self.orders: dict[tuple[str, ...], tuple[list[str], str]] = {}
        self.times: dict[datetime, tuple[str, Any]] = {}
        self.days: dict[date, tuple[str, Any]] = {}
        # the hashed content, keys in sorted order, `separators=(",", ":")` (ledger._ENCODER)
        self.template = (
            '{"advisor_id":%d,"amends":null,"at":"%s","book":' + _enc(book) + ',"client_id":%d,"data":%s,'
            '"day":"%s","effect":' + _enc(EFFECT) + ',"kind":' + _enc(KIND) + ',"name":%s,"number":%d,'
            '"operator_id":' + "%d" % operator_id + ',"owner_id":%d,"person_id":%d,"phone_e164":%s,"prev_hash":%s,'
            '"project_id":' + "%d" % project_id + ',"recorded_at":"' + recorded_at.isoformat() + '","route":'
            + _enc(ROUTE) + ',"turn":false}')

    def data_text(self, r: Row) -> str:
        """`dumps(data_of(file, r))`, written directly (cells that are not text go through dumps)."""
        raw = r.raw
        keys = tuple(raw)
        got = self.orders.get(keys)
        if got is None:  # the cells in key order, as "key": value, ... with the values left to fill
            order = sorted(keys)
            got = self.orders[keys] = (order, ", ".join(_enc(k).replace("%", "%%") + ": %s" for k in order))
        try:
            values = got[1] % tuple(map(_enc, map(raw.__getitem__, got[0])))
        except TypeError:  # a number or a date from an xlsx cell
            return dumps(data_of(self.file_name, r))
        sheet = self.sheets.get(r.sheet)
        if sheet is None:
            sheet = self.sheets[r.sheet] = ', "sheet": ' + ("null" if r.sheet is None else _enc(r.sheet)) + ', "values": {'
        head = ""
        if r.extension:
            head = '"extension": ' + _enc(r.extension) + ", "
        if r.intent:
            head = head + '"intent": ' + _enc(r.intent) + ", "
        if r.note:
            head = head + '"note": ' + _enc(r.note) + ", "
        if r.outcome:
            head = head + '"outcome": ' + _enc(r.outcome) + ", "
        time = '"%02d:%02d"' % (r.local.hour, r.local.minute) if r.has_time else "null"  # type: ignore[union-attr]
        return "{" + head + '"source": ' + self.source + "%d" % r.number + sheet + values + '}}, "time": ' + time + "}"

    def page(self, r: Row, number: int, client: int, person: int, prev: str) -> tuple[Any, ...]:
        """The page of row `r` as a database row; its hash is the last value."""
        t = self.times.get(r.at)  # type: ignore[arg-type]
        if t is None:
            t = self.times[r.at] = (r.at.isoformat(), self.forms["at"](r.at))  # type: ignore[index, union-attr]
        d = self.days.get(r.day)  # type: ignore[arg-type]
        if d is None:
            d = self.days[r.day] = (r.day.isoformat(), self.forms["day"](r.day))  # type: ignore[index, union-attr]
        data = self.data_text(r)
        adv = r.advisor_id
        h = page_hash(self.template % (adv, t[0], client, _enc(data), d[0], _enc(r.name), number, adv, person,
                                       _enc(r.e164), _enc(prev)))
        return (*self.fixed, number, KIND, t[1], d[1], *self.fixed2, adv, adv, client, person, r.e164, r.name, ROUTE,
                EFFECT, self.turn, None, data, prev, h)
