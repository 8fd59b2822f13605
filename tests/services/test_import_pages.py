"""The import's register pages, written as text (importer/pages.py), are the texts the general
encoders give: the data is `base.dumps` of the page's data, the hash is `ledger.entry_hash` of
the page's columns (R2.1: the chain's definition). Any name, cell, note or sheet, any time."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from frontdesk.services.base import dumps
from frontdesk.services.importer.pages import COLUMNS, Pages, data_of
from frontdesk.services.importer.table import Row
from frontdesk.store import ledger

RECORDED = datetime(2026, 12, 1, 2, 0, 0, 123456)
texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)  # quotes, backslashes, controls, any script
cells = st.one_of(texts, st.integers(-10**6, 10**6), st.floats(allow_nan=False, allow_infinity=False))


@st.composite
def rows(draw: st.DrawFn) -> Row:
    raw = draw(st.dictionaries(texts, cells, min_size=1, max_size=6))
    at = datetime(2026, 9, 1) + timedelta(minutes=draw(st.integers(0, 200_000)))
    r = Row(draw(st.integers(0, 10**6)), draw(st.none() | texts), draw(st.integers(1, 10**6)), raw, {})
    r.kind = draw(st.sampled_from(["visit", "call"]))
    r.local, r.has_time = at + timedelta(hours=8), draw(st.booleans())
    r.at, r.day = at, (at + timedelta(hours=8)).date()
    r.e164 = draw(st.from_regex(r"\+861[3-9][0-9]{9}", fullmatch=True))
    r.name, r.note, r.outcome, r.intent = draw(texts), draw(texts), draw(texts), draw(texts)
    r.extension = draw(st.sampled_from(["", "8021", "12"]))
    r.advisor_id = draw(st.integers(1, 10**6))
    return r


def plain(v: object) -> object:
    return v


@settings(max_examples=300, deadline=None)
@given(rows(), st.integers(1, 10**6), st.integers(1, 10**6), st.integers(1, 10**6), st.text("0123456789abcdef", min_size=64, max_size=64),
       texts, st.integers(1, 1000), st.integers(1, 1000))
def test_a_page_is_what_the_general_encoders_give(r, number, client, person, prev, file_name, project, operator):
    forms = {k: plain for k in ("at", "day", "recorded_at", "turn")}
    pages = Pages(project_id=project, book=r.kind, operator_id=operator, recorded_at=RECORDED, file_name=file_name,
                  forms=forms)
    page = dict(zip(COLUMNS, pages.page(r, number, client, person, prev)))
    assert page["data"] == dumps(data_of(file_name, r))
    assert json.loads(page["data"])["source"]["values"] == r.raw
    assert page["hash"] == ledger.entry_hash(page)
    assert page == {"project_id": project, "book": r.kind, "number": number, "kind": "imported", "at": r.at,
                    "day": r.day, "recorded_at": RECORDED, "operator_id": operator, "advisor_id": r.advisor_id,
                    "owner_id": r.advisor_id, "client_id": client, "person_id": person, "phone_e164": r.e164,
                    "name": r.name, "route": "imported", "effect": "register", "turn": False, "amends": None,
                    "data": page["data"], "prev_hash": prev, "hash": page["hash"]}


def test_a_changed_column_changes_the_hash():
    r = Row(0, None, 2, {"姓名": "张三"}, {})
    r.kind, r.local, r.has_time, r.at, r.day = "visit", datetime(2026, 10, 1, 9), True, datetime(2026, 10, 1, 1), date(2026, 10, 1)
    r.e164, r.name, r.advisor_id = "+8613800138000", "张三", 3
    forms = {k: plain for k in ("at", "day", "recorded_at", "turn")}
    page = dict(zip(COLUMNS, Pages(project_id=1, book="visit", operator_id=1, recorded_at=RECORDED, file_name="a.csv",
                                   forms=forms).page(r, 1, 5, 6, ledger.GENESIS)))
    assert page["hash"] == ledger.entry_hash(page)
    for k, v in (("person_id", 7), ("name", "张四"), ("number", 2), ("prev_hash", "1" * 64)):
        assert ledger.entry_hash({**page, k: v}) != page["hash"], k
