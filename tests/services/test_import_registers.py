"""Importing the registers offices really keep (issue 16): headers found wherever they stand, dates
without their year, the register by type, tick or sheet, several numbers in one cell, merged cells,
GBK CSV, a workbook of a year. The files are tests/data/*, built by tests/data/make_fixtures.py.

The office of conftest.py, its clock moved to 2026-12-01 (the registers are November's)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from frontdesk.rules import phones
from frontdesk.services.errors import BadInput
from frontdesk.services.importer import field_of
from frontdesk.services.importer.dates import Context, DateQuestion, context_of, read_date

from .conftest import LI, LIU, PM, ZHANG

DATA = Path(__file__).resolve().parents[1] / "data"
MESSY, GBK, YEAR = DATA / "messy-register.xlsx", DATA / "gbk-register.csv", DATA / "year-2026.xlsx"
I, M, R = "imported", "merged", "rejected"

# the messy workbook: (sheet, row, register) → (status, code)
MESSY_ROWS = {
    ("11月", 4, "visit"): (I, "new_client"), ("11月", 5, "call"): (I, "new_client"),
    ("11月", 6, "visit"): (I, "new_client"), ("11月", 7, "visit"): (I, "new_client"),
    ("11月", 8, "call"): (I, "new_client"), ("11月", 9, "visit"): (M, "merged_file"),
    ("11月", 10, "call"): (I, "new_client"), ("11月", 11, "visit"): (I, "new_client"),
    ("11月", 12, "visit"): (I, "new_client"),
    ("11月", 13, "visit"): (I, "new_client"), ("11月", 13, "call"): (M, "merged_file"),
    ("11月", 14, "visit"): (R, "no_phone"), ("11月", 15, "visit"): (R, "bad_date"),
    ("11月", 16, "visit"): (R, "bad_phone"),
    ("来电", 3, "call"): (I, "new_client"), ("来电", 4, "call"): (I, "new_client"),
    ("来电", 5, "call"): (R, "ambiguous_date"),
}


def run(office, src: Path, tmp_path: Path, **kw):
    office.at("2026-12-01 10:00")
    kw.setdefault("actor", PM)
    kw.setdefault("report", tmp_path / "report.csv")
    kw.setdefault("advisor_map", {"小王": ZHANG})
    return office.sv.importer.import_file(str(src), **kw)


def report(r) -> dict[tuple, dict[str, str]]:
    with open(r["report"], encoding="utf-8-sig", newline="") as fh:
        return {(x["sheet"], int(x["row"]), x["type"]): x for x in csv.DictReader(fh)}


def entry(office, phone: str, book: str) -> tuple:
    e164 = phones.normalise(phone).e164
    got = office.rows("SELECT day, at, data, client_id, advisor_id FROM registerentry WHERE phone_e164 = ? AND book = ?",
                      [e164, book])
    assert len(got) == 1, (phone, book, got)
    day, at, data, client, adv = got[0]
    return str(day), str(at), json.loads(data), client, adv


def client_of(office, phone: str) -> int:
    return office.rows("SELECT client_id FROM phone WHERE e164 = ?", [phones.normalise(phone).e164])[0][0]


def test_the_messy_workbook_row_by_row(office, tmp_path):
    r = run(office, MESSY, tmp_path)
    rows = report(r)
    assert {k: (x["status"], x["code"]) for k, x in rows.items()} == MESSY_ROWS
    assert (r["rows"], r["imported"], r["merged"], r["rejected"]) == (17, 11, 2, 4)
    assert r["skipped_sheets"] == ["说明"] and r["skipped_rows"] == [{"sheet": "11月", "row": 18, "text": "合计"}]
    assert r["ignored_columns"] == []  # 序号 is known, every other column read
    assert r["created"]["visits"] == 7 and r["created"]["calls"] == 6 and r["created"]["clients"] == 11
    assert "a page in each register" in rows[("11月", 13, "call")]["message"]
    # the year and month: from the title, said in the report
    why = {k: x["message"] for k, x in rows.items()}
    assert "read as 2026-11-03: the year from the sheet's title 「滨江花园项目 来访客户登记表(2026年11月)」" in why[("11月", 6, "visit")]
    assert "read as 2026-11-04: the year and month from the sheet's title" in why[("11月", 8, "call")]
    assert "read as 2026-11-05" in why[("11月", 9, "visit")] and "139****9000" in why[("11月", 9, "visit")]
    assert "read as 2026-10-20: the year from the sheet's title 「2026年 进线电话登记本」" in why[("来电", 3, "call")]
    assert "2026-03-10 or 2026-10-03" in why[("来电", 5, "call")]  # asked, not guessed
    assert "extension 123" in why[("11月", 10, "call")]
    dates = {d["sheet"]: d for d in r["dates"]}
    assert (dates["11月"]["year"], dates["11月"]["month"], dates["11月"]["year_from"], dates["11月"]["rows"]) == (
        2026, 11, "title", 4)
    assert (dates["来电"]["year"], dates["来电"]["month"], dates["来电"]["register"]) == (2026, None, "call")


def test_the_messy_workbook_facts(office, tmp_path):
    run(office, MESSY, tmp_path)
    # dates in every form, the time kept where written
    days = {p: entry(office, p, b)[0] for p, b in [("13912345678", "call"), ("13700137000", "visit"),
                                                   ("13600136000", "visit"), ("13500135000", "call"),
                                                   ("01087654321", "call"), ("13500135001", "visit"),
                                                   ("13500135002", "visit"), ("13800138020", "call"),
                                                   ("13800138021", "call")]}
    assert days == {"13912345678": "2026-11-02", "13700137000": "2026-11-03", "13600136000": "2026-11-04",
                    "13500135000": "2026-11-04", "01087654321": "2026-11-05", "13500135001": "2026-11-06",
                    "13500135002": "2026-11-06", "13800138020": "2026-10-20", "13800138021": "2026-10-21"}
    assert entry(office, "13700137000", "visit")[1].startswith("2026-11-03 06:30")  # 14:30 in Asia/Shanghai
    assert json.loads(office.rows("SELECT data FROM registerentry WHERE phone_e164 = '+8613800138021'")[0][0])["time"] == "09:00"
    # two numbers in one cell: one client, both numbers its own
    assert client_of(office, "13900139000") == client_of(office, "13800138000")
    assert client_of(office, "13500135003") == client_of(office, "13500135002")
    assert office.rows("SELECT count(*) FROM registerentry WHERE client_id = ?", [client_of(office, "13800138000")])[0][0] == 2
    # the landline's extension, the intent and the note kept on the page
    assert entry(office, "01087654321", "call")[2]["extension"] == "123"
    data = entry(office, "13912345678", "call")[2]
    assert (data["intent"], data["note"]) == ("两房", "问价格")
    assert entry(office, "13800138020", "call")[2]["intent"] == "三房"
    assert office.sv.integrity.verify()["ok"]


def test_the_gbk_csv_by_its_method_column(office, tmp_path):
    r = run(office, GBK, tmp_path)
    rows = report(r)
    assert {k: (x["status"], x["code"]) for k, x in rows.items()} == {
        (("", 3, "visit")): (I, "new_client"), ("", 4, "call"): (M, "merged_file"),
        ("", 5, "call"): (I, "new_client"), ("", 6, "visit"): (I, "new_client"), ("", 7, "visit"): (R, "no_phone")}
    assert (r["imported"], r["merged"], r["rejected"]) == (3, 1, 1)
    assert "filed in the visitor register" in rows[("", 6, "visit")]["message"]  # 朋友介绍 names no register
    assert "the year and month from the sheet's title 「翡翠湾项目来电来访登记(2026年11月)」" in rows[("", 3, "visit")]["message"]
    assert "read as 2026-11-11: the year from the sheet's title" in rows[("", 5, "call")]["message"]
    assert r["skipped_rows"] == [{"sheet": None, "row": 8, "text": "合计"}]
    assert entry(office, "13700137011", "call")[0] == "2026-11-11"
    assert entry(office, "13700137012", "visit")[0:1] == ("2026-11-12",)
    assert entry(office, "13700137010", "visit")[2]["note"] == "朋友介绍"


def test_a_year_workbook_one_sheet_a_month(office, tmp_path):
    r = run(office, YEAR, tmp_path)
    assert (r["rows"], r["imported"], r["merged"], r["rejected"]) == (8, 5, 3, 0)
    assert {d["sheet"]: (d["year"], d["month"], d["year_from"], d["month_from"]) for d in r["dates"] if d["rows"]} == {
        "9月": (2026, 9, "file", "sheet"), "10月": (2026, 10, "file", "sheet"), "11月": (2026, 11, "file", "sheet")}
    days = office.rows("SELECT book, day FROM registerentry ORDER BY at")
    assert [(b, str(d)) for b, d in days] == [("visit", "2026-09-03"), ("call", "2026-09-15"), ("visit", "2026-09-20"),
                                            ("visit", "2026-10-02"), ("call", "2026-10-05"), ("call", "2026-10-06"),
                                            ("visit", "2026-10-08"), ("visit", "2026-11-01")]
    msg = report(r)[("9月", 2, "visit")]["message"]
    assert "the month from the sheet's name 「9月」" in msg and "the year of '3日' from the file's name 「year-2026」" in msg


@pytest.mark.parametrize(("header", "field"), [
    ("联系方式", "phone"), ("经办人", "advisor"), ("销售", "advisor"), ("意向房型", "intent"), ("需求", "intent"),
    ("来访", "tick_visit"), ("来电", "tick_call"), ("方式", "channel"), ("渠道", "channel"), ("说明", "note"),
    ("序号", "seq"), ("来电日期", "date")])
def test_more_header_names(header, field):
    assert field_of(header) == field


@pytest.mark.parametrize(("text", "day"), [
    ("2026-11-03", "2026-11-03"), ("2026/11/3", "2026-11-03"), ("2026.11.03", "2026-11-03"), ("26.11.3", "2026-11-03"),
    ("2026年11月3日", "2026-11-03"), ("11月3日", "2026-11-03"), ("11/3", "2026-11-03"), ("11.3", "2026-11-03"),
    ("3日", "2026-11-03"), ("3/11", "2026-11-03"), ("46329", "2026-11-03"), ("3/11/2026", "2026-11-03"),
    ("11/25", "2026-11-25"), ("25/11", "2026-11-25")])
def test_dates_under_a_title_that_names_the_month(text, day):
    ctx = context_of("XX项目 来访客户登记表（2026年11月）", "Sheet1", "x.xlsx")
    assert read_date(text, ctx)[0].isoformat() == day


@pytest.mark.parametrize(("text", "code"), [("3/11", "ambiguous_date"), ("3日", "no_month"), ("13/14", "bad_date"),
                                            ("2026-02-30", "bad_date")])
def test_dates_a_title_without_the_month_cannot_settle(text, code):
    with pytest.raises(DateQuestion) as q:
        read_date(text, context_of("2026年 来电登记", None, "r.csv"))
    assert q.value.code == code


def test_a_year_less_date_with_nothing_to_say_the_year():
    with pytest.raises(DateQuestion) as q:
        read_date("11月3日", Context())
    assert q.value.code == "no_year"


def test_notes_and_intent_are_in_the_clients_history(office, tmp_path):
    run(office, MESSY, tmp_path)
    h = office.sv.records.history("13912345678", actor=PM)
    assert [(e["register"], e["day"].isoformat(), e["kind"], e["intent"], e["note"]) for e in h["entries"]] == [
        ("call", "2026-11-02", "imported", "两房", "问价格")]
    h = office.sv.records.history("13900139000", actor=PM)  # the second number of 张三's cell finds 张三
    assert [(e["register"], e["intent"], e["note"]) for e in h["entries"]] == [
        ("visit", "三房", "首次到访"), ("visit", "", "带家人来")]
    assert sorted(h["people"][0]["phones"]) == ["13800138000", "13900139000"]


# ---------------------------------------------------------------------------- advisors not on the staff


def test_an_advisor_not_on_the_staff_is_listed_by_the_dry_run_and_asked_for_by_the_import(office, tmp_path):
    before = office.counts("registerentry", "staff", "client")
    dry = run(office, MESSY, tmp_path, dry_run=True, advisor_map=None)
    assert dry["advisors"] == {"unknown": [{"name": "小王", "rows": ["11月:13"]}], "mapped": [], "created": []}
    rows = report(dry)
    assert (rows[("11月", 13, "visit")]["status"], rows[("11月", 13, "visit")]["advisor"]) == (I, "小王")  # not rejected
    assert (dry["imported"], dry["merged"], dry["rejected"]) == (11, 2, 4)
    with pytest.raises(BadInput) as exc:
        run(office, MESSY, tmp_path, advisor_map=None)
    assert exc.value.field == "map" and "小王 (row 11月:13)" in exc.value.message and "--create-staff" in exc.value.message
    assert office.counts("registerentry", "staff", "client") == before


def test_a_mapped_advisor_owns_the_rows_written_for_them(office, tmp_path):
    r = run(office, MESSY, tmp_path, advisor_map={"小 王": LI})
    assert r["advisors"]["mapped"] == [{"name": "小王", "to": LI, "rows": ["11月:13"]}]
    got = office.rows("SELECT e.book, s.name FROM registerentry e JOIN staff s ON s.id = e.advisor_id "
                      "WHERE e.phone_e164 = '+8613300133000' ORDER BY e.book")
    assert got == [("call", LI), ("visit", LI)]
    assert office.owner("13300133001", as_of="2026-11-08")["owner"] == LI  # the cell's second number: the same client
    with pytest.raises(BadInput, match="no staff member named 王芳") as exc:
        run(office, MESSY, tmp_path, advisor_map={"小王": "王芳"})
    assert exc.value.field == "map"


def test_create_staff_adds_them_inactive_and_history_keeps_its_owner(office, tmp_path):
    r = run(office, MESSY, tmp_path, advisor_map=None, create_staff=True)
    assert r["advisors"]["created"] == [{"name": "小王", "rows": ["11月:13"]}]
    assert r["created"]["inactive_staff"] == 1
    (active, pin, role), = office.rows("SELECT active, pin_hash, role FROM staff WHERE name = '小王'")
    assert (bool(active), pin, role) == (False, None, "advisor")
    h = office.sv.records.history("13300133000", actor=PM)
    assert {e["advisor"] for e in h["entries"]} == {"小王"}
    assert office.owner("13300133000", as_of="2026-11-08")["owner"] == "小王"


def test_the_messy_workbook_imported_again_writes_nothing_new(office, tmp_path):
    run(office, MESSY, tmp_path)
    before = office.counts("registerentry", "client", "person", "phone")
    again = run(office, MESSY, tmp_path)
    assert (again["imported"], again["merged"], again["rejected"]) == (0, 13, 4)
    assert {x["code"] for x in report(again).values() if x["status"] == M} == {"already_recorded"}
    assert office.counts("registerentry", "client", "person", "phone") == before
    assert office.sv.integrity.verify()["ok"]


@pytest.mark.parametrize(("sheet", "file", "got"), [
    ("2026-11", "r.xlsx", (2026, 11, "sheet", "sheet")), ("11月", "2026年来访.xlsx", (2026, 11, "file", "sheet")),
    ("Sheet1", "来访登记2026.11.xlsx", (2026, 11, "file", "file")), ("Sheet1", "r.csv", (None, None, "", ""))])
def test_the_year_and_month_from_the_sheet_or_file_name(sheet, file, got):
    ctx = context_of("", sheet, file)
    assert (ctx.year, ctx.month, ctx.year_from, ctx.month_from) == got
