"""Tampering with the registers behind the application's back (R2.1): with the append-only
triggers dropped, a row changed or deleted with raw SQL is named by verify — which register,
which entry, what is wrong. (tests/services/test_ledger.py covers an altered field, a deleted
last entry and a deleted middle entry in one book; these add the rest.)"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from dbkit import DB_ERRORS, tamper

from frontdesk.cli import main
from frontdesk.services import Clock, Services, open_services
from frontdesk.services.clock import parse_local
from frontdesk.store import ledger

from .conftest import DAY, LI, PM, PM_PIN, ZHANG, rows

SIGNED = ["--as", PM, "--pin", PM_PIN]  # who runs verify on the command line proves it (SPEC "Who is acting")

VISITS = ["13800138000", "13800138001", "13800138002", "13800138003", "13800138004"]
CALLS = ["13900139000", "13900139001", "13900139002"]


@pytest.fixture
def books(counter: Services, counter_db: Path) -> Path:
    for p in VISITS:
        counter.reception.visit(p, name="客", actor=PM)
    for p in CALLS:
        counter.reception.call(p, actor=ZHANG)
    assert counter.integrity.verify() | {"sealed": 0} == {"ok": True, "entries": 8, "sealed": 0, "problems": []}
    return counter_db


def raw(db: Path, *sql: str, params: tuple = ()) -> None:
    tamper(db, *sql, params=params)


def problems(db: Path) -> set[tuple[str, int | None, str]]:
    sv = open_services(str(db), Clock(parse_local(DAY)))
    try:
        v = sv.integrity.verify()
    finally:
        sv.close()
    assert v["ok"] is (not v["problems"])
    return {(p["register"], p["entry"], p["code"]) for p in v["problems"]}


def test_the_database_refuses_it_while_the_triggers_stand(books):
    for st in ("UPDATE registerentry SET hash = 'x' WHERE number = 2",
               "DELETE FROM registerentry WHERE book = 'call' AND number = 2"):
        with pytest.raises(DB_ERRORS, match="append-only"):
            rows(books, st)
    assert problems(books) == set()


def test_a_page_torn_out_of_the_middle_is_a_gap(books):
    raw(books, "DELETE FROM registerentry WHERE book = 'visit' AND number = 3")
    assert problems(books) == {("visit", 4, "gap"), ("visit", 4, "broken_link")}


def test_a_page_torn_out_of_the_call_register_names_that_register_only(books):
    raw(books, "DELETE FROM registerentry WHERE book = 'call' AND number = 2")
    assert problems(books) == {("call", 3, "gap"), ("call", 3, "broken_link")}


def test_the_first_page_torn_out(books):
    raw(books, "DELETE FROM registerentry WHERE book = 'visit' AND number = 1")
    assert problems(books) == {("visit", 2, "gap"), ("visit", 2, "broken_link")}


def test_a_changed_hash_is_an_altered_entry_and_a_broken_link_after_it(books):
    raw(books, "UPDATE registerentry SET hash = ? WHERE book = 'visit' AND number = 2", params=("0" * 64,))
    assert problems(books) == {("visit", 2, "altered"), ("visit", 3, "broken_link")}


def test_a_forged_entry_rehashed_breaks_the_link_to_the_next(books):
    """The forger changes the serving advisor and recomputes the entry's own hash: the next
    entry's prev_hash still names the original."""
    (eid,), = rows(books, "SELECT id FROM registerentry WHERE book = 'visit' AND number = 2")
    li = rows(books, "SELECT id FROM staff WHERE name = ?", (LI,))[0][0]
    other = rows(books, "SELECT id FROM staff WHERE name = ?", (ZHANG,))[0][0]
    raw(books, "UPDATE registerentry SET advisor_id = CASE WHEN advisor_id = ? THEN ? ELSE ? END WHERE id = ?",
        params=(li, other, li, eid))
    new_hash = _rehash(books, eid)
    raw(books, "UPDATE registerentry SET hash = ? WHERE id = ?", params=(new_hash, eid))
    assert problems(books) == {("visit", 3, "broken_link")}


def test_a_changed_prev_hash(books):
    raw(books, "UPDATE registerentry SET prev_hash = ? WHERE book = 'visit' AND number = 3", params=("f" * 64,))
    assert problems(books) == {("visit", 3, "broken_link"), ("visit", 3, "altered")}


def test_pages_renumbered_to_hide_a_torn_page(books):
    """Tear out #3 and renumber #4, #5 down: no gap in the numbers, but the numbers are hashed."""
    raw(books, "DELETE FROM registerentry WHERE book = 'visit' AND number = 3",
        "UPDATE registerentry SET number = number - 1 WHERE book = 'visit' AND number > 3",
        "UPDATE ledgerhead SET last_number = last_number - 1 WHERE book = 'visit'")
    assert problems(books) == {("visit", 3, "broken_link"), ("visit", 3, "altered"), ("visit", 4, "altered")}


def test_the_last_page_torn_out_with_the_head_left_alone(books):
    raw(books, "DELETE FROM registerentry WHERE book = 'call' AND number = 3")
    assert problems(books) == {("call", 3, "missing_tail")}


def test_a_page_added_behind_the_register_head(books):
    """A forged entry appended with raw SQL, correctly chained, but the head not moved."""
    (eid,), = rows(books, "SELECT id FROM registerentry WHERE book = 'visit' AND number = 5")
    last_hash, = rows(books, "SELECT hash FROM registerentry WHERE id = ?", (eid,))[0]
    raw(books, "INSERT INTO registerentry (project_id, book, number, kind, at, day, recorded_at, operator_id, "
               "advisor_id, owner_id, client_id, person_id, phone_e164, name, route, effect, turn, amends, data, "
               "prev_hash, hash) SELECT project_id, book, 6, kind, at, day, recorded_at, operator_id, advisor_id, "
               "owner_id, client_id, person_id, phone_e164, name, route, effect, turn, amends, data, ?, 'x' "
               "FROM registerentry WHERE id = ?", params=(last_hash, eid))
    new = rows(books, "SELECT id FROM registerentry WHERE book = 'visit' AND number = 6")[0][0]
    raw(books, "UPDATE registerentry SET hash = ? WHERE id = ?", params=(_rehash(books, new), new))
    assert problems(books) == {("visit", 6, "head_mismatch")}


def test_the_register_head_rewound(books):
    raw(books, "UPDATE ledgerhead SET last_number = 2 WHERE book = 'call'")
    assert problems(books) == {("call", 3, "head_mismatch")}


def test_the_cli_names_it_and_exits_1(books, capsys):
    raw(books, "DELETE FROM registerentry WHERE book = 'visit' AND number = 2")
    with pytest.raises(SystemExit) as exc:
        main(["--db", str(books), "--json", *SIGNED, "verify"])
    assert exc.value.code == 1
    out = json.loads(capsys.readouterr().out)
    assert out["ok"] is False and out["entries"] == 7
    assert {(p["register"], p["entry"], p["code"]) for p in out["problems"]} == {
        ("visit", 3, "gap"), ("visit", 3, "broken_link")}


def test_the_last_page_torn_out_and_the_head_rewound_leaves_a_whole_chain(books):
    """The limit of any chain kept inside one file (R2.1): what is left verifies. Only an anchor
    written down elsewhere shows the loss — the next tests."""
    prev, = rows(books, "SELECT prev_hash FROM registerentry WHERE book = 'visit' AND number = 5")[0]
    raw(books, "DELETE FROM registerentry WHERE book = 'visit' AND number = 5")
    raw(books, "UPDATE ledgerhead SET last_number = 4, last_hash = ? WHERE book = 'visit'", params=(prev,))
    assert problems(books) == set()


def test_an_anchor_names_the_torn_out_tail(books, tmp_path, capsys):
    sheet = tmp_path / "sheet-2026-11-05.json"
    with pytest.raises(SystemExit) as exc:
        main(["--db", str(books), "--json", *SIGNED, "anchor", str(sheet)])
    assert exc.value.code == 0
    written = json.loads(sheet.read_text(encoding="utf-8"))
    assert {(h["register"], h["entry"]) for h in written["heads"]} == {("visit", 5), ("call", 3)}
    capsys.readouterr()
    prev, = rows(books, "SELECT prev_hash FROM registerentry WHERE book = 'visit' AND number = 5")[0]
    raw(books, "DELETE FROM registerentry WHERE book = 'visit' AND number = 5")
    raw(books, "UPDATE ledgerhead SET last_number = 4, last_hash = ? WHERE book = 'visit'", params=(prev,))
    with pytest.raises(SystemExit) as exc:
        main(["--db", str(books), "--json", *SIGNED, "verify", "--anchor", str(sheet)])
    assert exc.value.code == 1
    out = json.loads(capsys.readouterr().out)
    assert out["ok"] is False and out["anchor"]["heads"] == 2
    assert {(p["register"], p["entry"], p["code"]) for p in out["problems"]} == {("visit", 5, "anchor_missing")}


def test_an_anchor_names_a_rewritten_tail(books, tmp_path, capsys):
    """A forger who rewrites the last page and re-hashes it keeps the chain whole; not the anchor."""
    sheet = tmp_path / "sheet.json"
    assert main_code(books, "anchor", str(sheet)) == 0
    entry_id, = rows(books, "SELECT id FROM registerentry WHERE book = 'call' AND number = 3")[0]
    raw(books, "UPDATE registerentry SET name = '王五' WHERE id = ?", params=(entry_id,))
    forged = _rehash(books, entry_id)
    raw(books, "UPDATE registerentry SET hash = ? WHERE id = ?", params=(forged, entry_id))
    raw(books, "UPDATE ledgerhead SET last_hash = ? WHERE book = 'call'", params=(forged,))
    assert problems(books) == set()  # the chain alone is fooled
    capsys.readouterr()
    assert main_code(books, "verify", "--anchor", str(sheet)) == 1
    out = json.loads(capsys.readouterr().out)
    assert {(p["register"], p["entry"], p["code"]) for p in out["problems"]} == {("call", 3, "anchor_altered")}


def test_an_untouched_register_passes_its_anchor_and_a_bad_anchor_is_bad_input(books, tmp_path, capsys):
    sheet = tmp_path / "sheet.json"
    assert main_code(books, "anchor", str(sheet)) == 0
    assert main_code(books, "anchor", str(sheet)) == 2  # never overwrites an anchor
    capsys.readouterr()
    assert main_code(books, "verify", "--anchor", str(sheet)) == 0
    assert json.loads(capsys.readouterr().out)["ok"] is True
    junk = tmp_path / "junk.json"
    junk.write_text('{"heads": 3}', encoding="utf-8")
    assert main_code(books, "verify", "--anchor", str(junk)) == 2
    assert json.loads(capsys.readouterr().err)["error"]["field"] == "anchor"


def main_code(db: Path, *args: str) -> int:
    with pytest.raises(SystemExit) as exc:
        main(["--db", str(db), "--json", *SIGNED, *args])
    return exc.value.code


def _rehash(db: Path, entry_id: int) -> str:
    """The hash ledger.entry_hash gives the row as it now stands (what a careful forger computes)."""
    sv = open_services(str(db), Clock(parse_local(DAY)))
    try:
        with sv.db.read() as s:
            from frontdesk.store.models import RegisterEntry

            e = s.get(RegisterEntry, entry_id)
            assert e is not None
            return ledger.entry_hash(e)
    finally:
        sv.close()

