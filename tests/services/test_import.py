"""Importing paper/Excel registers (SPEC "Part 1"; R2.1 numbering and hash chain, R2.2 ownership
from the imported history, R2.5 households) and exporting them again.

The office of conftest.py at 2026-11-01 10:00; the sample files are data/sample-registers.*.
"""

from __future__ import annotations

import csv
import json
import random
import shutil
from datetime import date, datetime
from pathlib import Path

import pytest
from dbkit import fail_inserts, import_report_ids_out
from openpyxl import Workbook, load_workbook

from frontdesk.rules import phones
from frontdesk.services import importer as importer_mod
from frontdesk.services.errors import BadInput, Refused
from frontdesk.services.importer import ImportFailed, field_of

from .conftest import LI, LIU, PM, ZHANG

DATA = Path(__file__).resolve().parents[2] / "data"
SAMPLE_CSV = DATA / "sample-registers.csv"
SAMPLE_XLSX = DATA / "sample-registers.xlsx"
ZHANGSAN, SPOUSE, LISI_P, WANGWU_P = "13800138000", "13800138009", "13912345678", "13700137000"

MAP = {"小王": ZHANG}  # the samples' advisor not on the staff (test_import_registers.py: without a map)
# every data row of the sample CSV: row number → (status, code)
SAMPLE_ROWS = {
    4: ("imported", "staff_added"), 5: ("merged", "staff_exists"), 6: ("imported", "staff_added"),
    7: ("imported", "new_client"), 8: ("imported", "new_client"), 9: ("imported", "new_client"),
    10: ("merged", "merged_file"), 11: ("imported", "new_client"), 12: ("merged", "duplicate_row"),
    13: ("rejected", "bad_phone"), 14: ("imported", "new_client"), 15: ("rejected", "bad_date"),
    16: ("rejected", "bad_date"), 17: ("imported", "new_client"), 18: ("imported", "followup"),
    19: ("imported", "followup"), 20: ("rejected", "unknown_client"), 21: ("rejected", "no_outcome"),
    22: ("imported", "new_client"), 23: ("imported", "new_client"), 24: ("rejected", "bad_type"),
    25: ("imported", "new_client"), 26: ("rejected", "no_phone"), 27: ("merged", "merged_file"),
    28: ("rejected", "repeated_header"), 29: ("imported", "new_client"), 30: ("rejected", "relation_without_phone"),
    31: ("imported", "new_client"), 32: ("imported", "new_client"), 33: ("rejected", "bad_role"),
    34: ("rejected", "no_advisor"),
}  # row 35 (合计) is a totals row: skipped, listed in "skipped_rows"
# the sample workbook: (sheet, row) → (status, code); the sheet 说明 has no header and is skipped
XLSX_ROWS = {
    ("员工", 2): ("imported", "staff_added"), ("员工", 3): ("merged", "staff_exists"),
    ("员工", 4): ("imported", "staff_added"), ("员工", 5): ("rejected", "trainee_needs_mentor"),
    ("来访客户登记表", 3): ("imported", "new_client"), ("来访客户登记表", 4): ("imported", "new_client"),
    ("来访客户登记表", 5): ("merged", "merged_file"), ("来访客户登记表", 6): ("imported", "new_client"),
    ("来访客户登记表", 7): ("merged", "duplicate_row"), ("来访客户登记表", 8): ("rejected", "bad_phone"),
    ("来访客户登记表", 9): ("imported", "new_client"), ("来访客户登记表", 10): ("rejected", "bad_date"),
    ("来访客户登记表", 11): ("imported", "new_client"),
    ("进线电话登记本", 2): ("imported", "new_client"), ("进线电话登记本", 3): ("imported", "new_client"),
    ("进线电话登记本", 4): ("imported", "new_client"),
    ("跟进记录", 2): ("imported", "followup"), ("跟进记录", 3): ("imported", "followup"),
    ("跟进记录", 4): ("rejected", "unknown_client"), ("跟进记录", 5): ("rejected", "no_outcome"),
    ("跟进记录", 6): ("rejected", "bad_score"),
}


def run_import(office, src: Path | str, tmp_path: Path, **kw):
    kw.setdefault("actor", PM)
    kw.setdefault("report", tmp_path / "report.csv")
    kw.setdefault("advisor_map", MAP)
    return office.sv.importer.import_file(str(src), **kw)


def report_rows(path: str | Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def snapshot(office) -> dict[str, list[tuple]]:
    """Every row of every table but the change feed's counters (a signal to screens, not data)."""
    tables = [t for t in office.tables() if t != "change_feed"] + ["alembic_version"]
    return {t: sorted(office.rows(f"SELECT * FROM {t}"), key=repr) for t in tables}


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def client_of(office, phone: str) -> int:
    return office.rows("SELECT client_id FROM phone WHERE e164 = ?", [phones.normalise(phone).e164])[0][0]


# ---------------------------------------------------------------------------- the sample files


def test_the_sample_csv_counts_every_row_with_its_number_and_reason(office, tmp_path):
    r = run_import(office, SAMPLE_CSV, tmp_path)
    assert (r["imported"], r["merged"], r["rejected"], r["rows"]) == (16, 4, 11, 31)
    assert r["skipped_rows"] == [{"sheet": None, "row": 35, "text": "合计：共 30 条"}]
    assert r["dry_run"] is False and r["report"] == str(tmp_path / "report.csv")
    rows = report_rows(r["report"])
    assert {int(x["row"]): (x["status"], x["code"]) for x in rows} == SAMPLE_ROWS
    assert [(x["row"], x["code"]) for x in r["rejected_rows"]] == [
        (n, code) for n, (status, code) in SAMPLE_ROWS.items() if status == "rejected"]
    why = {int(x["row"]): x["message"] for x in rows}
    assert "'1380013800'" in why[13] and "not a valid phone number" in why[13]  # bad phone
    assert r["advisors"] == {"unknown": [], "mapped": [{"name": "小王", "to": ZHANG, "rows": ["14"]}], "created": []}
    assert "'2026-02-30'" in why[15] and "'上周三'" in why[16]  # bad dates
    assert "same as row 8" in why[12] and "same phone as row 7" in why[10]
    assert "spouse of 138****8000" in why[11]  # the household link
    assert r["created"] == {"staff": 2, "clients": 11, "people": 12, "phones": 12, "followups": 2, "links": 1, "visits": 11,
                            "calls": 3}
    assert office.counts("registerentry", "client", "person", "phone", "followup", "clientlink") == {
        "registerentry": 14, "client": 11, "person": 12, "phone": 12, "followup": 2, "clientlink": 1}


def test_the_sample_workbook_one_sheet_per_register(office, tmp_path):
    r = run_import(office, SAMPLE_XLSX, tmp_path)
    assert (r["imported"], r["merged"], r["rejected"], r["rows"]) == (12, 3, 6, 21)
    assert r["skipped_sheets"] == ["说明"]
    assert {(x["sheet"], int(x["row"])): (x["status"], x["code"]) for x in report_rows(r["report"])} == XLSX_ROWS
    assert "'15'" in next(x["message"] for x in r["rejected_rows"] if x["code"] == "bad_score")
    # real Excel dates and times, text dates, numeric phone cells: all the same facts as the CSV
    e = office.rows("SELECT number, day, at, phone_e164, name FROM registerentry WHERE book = 'visit' ORDER BY number")
    assert e[0] == (1, "2026-10-03", "2026-10-03 01:30:00.000000", "+8613800138000", "张三")
    assert e[-1][1:4] == ("2026-10-07", "2026-10-07 01:05:00.000000", "+8613600136001")  # a datetime cell
    assert office.sv.integrity.verify()["ok"]


def test_the_report_file_lies_next_to_the_input_by_default(office, tmp_path):
    src = tmp_path / "registers.csv"
    shutil.copy(SAMPLE_CSV, src)
    r = office.sv.importer.import_file(str(src), actor=PM, advisor_map=MAP)
    assert r["report"] == str(tmp_path / "registers.report.csv")
    assert len(report_rows(r["report"])) == 31


# ---------------------------------------------------------------------------- all or nothing


def test_a_dry_run_writes_nothing_and_reports_the_same(office, tmp_path):
    before = snapshot(office)
    dry = run_import(office, SAMPLE_CSV, tmp_path, dry_run=True, report=tmp_path / "dry.csv")
    assert snapshot(office) == before
    assert dry["dry_run"] is True
    real = run_import(office, SAMPLE_CSV, tmp_path, report=tmp_path / "real.csv")
    for k in ("imported", "merged", "rejected", "rows", "created", "entries", "rejected_rows"):
        assert dry[k] == real[k], k
    dry_rows, real_rows = report_rows(tmp_path / "dry.csv"), report_rows(tmp_path / "real.csv")
    assert import_report_ids_out(dry_rows) == import_report_ids_out(real_rows)
    assert snapshot(office) != before


def test_a_failure_midway_writes_nothing(office, tmp_path, monkeypatch):
    before = snapshot(office)
    real_hash = importer_mod.pages.page_hash
    calls = []

    def failing(e):  # the sixth register page fails to hash: staff, clients and five pages are written by then
        calls.append(e)
        if len(calls) == 6:
            raise RuntimeError("power cut")
        return real_hash(e)

    monkeypatch.setattr(importer_mod.pages, "page_hash", failing)
    with pytest.raises(RuntimeError, match="power cut"):
        run_import(office, SAMPLE_CSV, tmp_path)
    assert snapshot(office) == before
    assert not (tmp_path / "report.csv").exists()


def test_the_garbage_collector_rests_during_an_import_and_is_back_after(office, tmp_path, monkeypatch):
    import gc

    real_hash = importer_mod.pages.page_hash
    seen = []

    def watching(content):
        seen.append(gc.isenabled())
        if len(seen) == 3 and fail:
            raise RuntimeError("power cut")
        return real_hash(content)

    monkeypatch.setattr(importer_mod.pages, "page_hash", watching)
    fail = True
    with pytest.raises(RuntimeError, match="power cut"):
        run_import(office, SAMPLE_CSV, tmp_path)
    assert gc.isenabled() and seen == [False] * 3
    fail = False
    run_import(office, SAMPLE_CSV, tmp_path)
    assert gc.isenabled() and seen and not any(seen)


def test_a_database_failure_writes_nothing(office, tmp_path):
    fail_inserts(office.path, "followup", "disk full")
    before = snapshot(office)
    with pytest.raises(ImportFailed, match="nothing was written") as exc:
        run_import(office, SAMPLE_CSV, tmp_path)
    assert exc.value.exit_code == 3 and "disk full" in exc.value.message
    assert snapshot(office) == before


def test_only_a_pm_or_gm_imports(office, tmp_path):
    before = snapshot(office)
    with pytest.raises(Refused) as exc:
        run_import(office, SAMPLE_CSV, tmp_path, actor=LI)
    assert exc.value.reason.rule == "R2.1" and exc.value.reason.code == "pm_imports"
    with pytest.raises(BadInput) as exc2:
        run_import(office, SAMPLE_CSV, tmp_path, actor=None)
    assert exc2.value.field == "as"
    assert snapshot(office) == before


@pytest.mark.parametrize(("name", "field"), [("missing.csv", "file"), ("registers.xls", "file"),
                                             ("registers.txt", "file"), ("registers", "file")])
def test_bad_files_name_the_field(office, tmp_path, name, field):
    if name != "missing.csv":
        (tmp_path / name).write_text("日期,电话\n", encoding="utf-8")
    with pytest.raises(BadInput) as exc:
        office.sv.importer.import_file(str(tmp_path / name), actor=PM)
    assert exc.value.field == field


def test_a_bad_report_path_names_the_report(office, tmp_path):
    with pytest.raises(BadInput) as exc:
        run_import(office, SAMPLE_CSV, tmp_path, report=tmp_path / "no-such-folder" / "r.csv")
    assert exc.value.field == "report"


def test_a_file_without_a_header_row(office, tmp_path):
    src = tmp_path / "nothing.csv"
    src.write_text("some title\n1,2,3\n", encoding="utf-8")
    with pytest.raises(BadInput, match="header"):
        run_import(office, src, tmp_path)


# ---------------------------------------------------------------------------- the registers


def test_imported_pages_keep_their_dates_and_are_marked_imported(office, tmp_path):
    run_import(office, SAMPLE_CSV, tmp_path)
    rows = office.rows("SELECT book, number, kind, route, effect, owner_id = advisor_id, at, day, recorded_at, data, "
                       "operator_id FROM registerentry ORDER BY book, number")
    assert {(b, k, rt, ef, same) for b, _n, k, rt, ef, same, *_ in rows} == {
        ("visit", "imported", "imported", "register", 1), ("call", "imported", "imported", "register", 1)}
    first = next(r for r in rows if r[0] == "visit" and r[1] == 1)
    assert first[6:8] == ("2026-10-03 01:30:00.000000", "2026-10-03")  # 09:30 in Asia/Shanghai
    assert datetime.fromisoformat(first[8]) > datetime(2026, 11, 1)  # recorded now, not on the 3rd
    data = json.loads(first[9])
    assert data["source"] == {"file": "sample-registers.csv", "sheet": None, "row": 7,
                              "values": {"日期": "2026-10-03", "时间": "09:30", "类型": "来访", "姓名": "张三",
                                         "电话": "138 0013 8000", "置业顾问": "李娜", "结果": "有意向", "备注": "看了90平"}}
    assert data["time"] == "09:30" and data["outcome"] == "有意向" and data["note"] == "看了90平"
    pm_id = office.rows("SELECT id FROM staff WHERE name = ?", [PM])[0][0]
    assert {r[10] for r in rows} == {pm_id}
    no_time = office.rows("SELECT at, day, data FROM registerentry WHERE phone_e164 = '+8613800138013'")[0]
    assert no_time[:2] == ("2026-10-12 16:00:00.000000", "2026-10-13") and json.loads(no_time[2])["time"] is None
    # numbered in the chronological order of their original time
    for book in ("visit", "call"):
        ats = [at for b, _n, _k, _r, _e, _s, at, *_ in rows if b == book]
        assert ats == sorted(ats)
    v = office.sv.integrity.verify()
    assert {k: v[k] for k in ("ok", "entries", "problems")} == {"ok": True, "entries": 14, "problems": []}


def test_imported_history_is_numbered_after_the_pages_already_there(office, tmp_path):
    office.visit("13500135000", name="现场客户")  # visit#1, on 2026-11-01, by the desk
    r = run_import(office, SAMPLE_CSV, tmp_path)
    assert r["entries"] == {"visit": {"first": 2, "last": 12}, "call": {"first": 1, "last": 3}}
    assert office.rows("SELECT number, kind FROM registerentry WHERE book = 'visit' ORDER BY number")[:2] == [
        (1, "entry"), (2, "imported")]
    office.on(2)
    office.visit("13500135002", name="又一位")  # the desk goes on after the imported pages
    assert office.rows("SELECT max(number) FROM registerentry WHERE book = 'visit'")[0][0] == 13
    assert office.sv.integrity.verify()["ok"]


def test_importing_the_same_file_again_writes_nothing_new(office, tmp_path):
    run_import(office, SAMPLE_CSV, tmp_path)
    before = snapshot(office)
    again = run_import(office, SAMPLE_CSV, tmp_path, report=tmp_path / "again.csv")
    assert (again["imported"], again["merged"], again["rejected"]) == (0, 20, 11)
    codes = {int(x["row"]): x["code"] for x in report_rows(again["report"])}
    assert codes[8] == "already_recorded" and codes[18] == "already_recorded" and codes[4] == "staff_exists"
    assert snapshot(office) == before


def test_household_links_are_kept(office, tmp_path):
    run_import(office, SAMPLE_CSV, tmp_path)
    assert client_of(office, ZHANGSAN) == client_of(office, SPOUSE)
    assert client_of(office, ZHANGSAN) != client_of(office, LISI_P)
    assert office.rows("SELECT p.name, p.relation FROM person p JOIN phone x ON x.person_id = p.id "
                       "WHERE x.e164 = '+8613800138009'") == [("张三爱人", "spouse")]
    assert office.rows("SELECT client_id, relation FROM clientlink") == [(client_of(office, ZHANGSAN), "spouse")]
    people = office.sv.records.history(ZHANGSAN, actor=PM)["people"]
    assert sorted((p["name"], p["relation"]) for p in people) == [("张三", "self"), ("张三爱人", "spouse")]


def test_a_link_to_a_phone_already_on_record_joins_that_client(office, tmp_path):
    office.visit(ZHANGSAN, name="张三")  # 李娜 takes the client at the desk (rotation)
    src = write_csv(tmp_path / "kin.csv", ["date", "time", "type", "name", "phone", "advisor", "relation",
                                           "related phone"],
                    [["2026-10-20", "10:00", "visit", "张妈妈", "13800138020", "张伟", "mother", ZHANGSAN]])
    r = run_import(office, src, tmp_path)
    assert (r["imported"], r["merged"], r["rejected"]) == (1, 0, 0)
    assert client_of(office, "13800138020") == client_of(office, ZHANGSAN)


def test_two_clients_on_record_are_not_merged_by_an_import(office, tmp_path):
    office.visit(ZHANGSAN, name="张三")
    office.visit(LISI_P, name="李四")
    src = write_csv(tmp_path / "kin.csv", ["date", "type", "phone", "advisor", "relation", "related_phone"],
                    [["2026-10-20", "visit", LISI_P, "张伟", "spouse", ZHANGSAN]])
    r = run_import(office, src, tmp_path)
    assert [x["code"] for x in r["rejected_rows"]] == ["link_conflict"]
    assert "frontdesk link" in r["rejected_rows"][0]["message"]
    assert client_of(office, ZHANGSAN) != client_of(office, LISI_P)


# ---------------------------------------------------------------------------- headers and cells


ENGLISH = ["Date", "Time", "Type", "Name", "Phone", "Advisor", "Outcome", "Note", "Relation", "Related phone"]
CHINESE = ["日期", "时间", "类型", "姓名", "电话", "置业顾问", "结果", "备注", "关系", "关联电话"]
BILINGUAL = [f"{zh}/{en.lower()}" for zh, en in zip(CHINESE, ENGLISH)]
ROWS = [["2026-10-03", "09:30", "visit", "张三", ZHANGSAN, LI, "", "", "", ""],
        ["2026-10-04", "10:00", "call", "李四", LISI_P, ZHANG, "", "", "", ""],
        ["2026-10-05", "11:00", "visit", "张三的太太", SPOUSE, LI, "", "", "wife", ZHANGSAN],
        ["2026-10-06", "12:00", "followup", "李四", LISI_P, ZHANG, "reached", "called back", "", ""],
        ["2026-10-07", "12:00", "followup", "李四", LISI_P, ZHANG, "no answer", "", "", ""],
        ["2026-10-08", "12:00", "followup", "李四", LISI_P, ZHANG, "maybe", "", "", ""]]


@pytest.mark.parametrize("header", [ENGLISH, CHINESE, BILINGUAL], ids=["english", "chinese", "bilingual"])
def test_chinese_and_english_headers(office, tmp_path, header):
    src = write_csv(tmp_path / "r.csv", header, ROWS)
    r = run_import(office, src, tmp_path)
    assert (r["imported"], r["merged"], r["rejected"]) == (5, 0, 1)
    assert r["rejected_rows"] == [{"sheet": None, "row": 7, "type": "followup", "code": "bad_outcome",
                                   "message": "outcome 'maybe' is neither reached (有效/接通) nor unreachable (关机/不通)"}]
    assert r["ignored_columns"] == []
    assert office.rows("SELECT outcome, note FROM followup ORDER BY at") == [("reached", "called back"),
                                                                              ("unreachable", "")]
    assert client_of(office, ZHANGSAN) == client_of(office, SPOUSE)


@pytest.mark.parametrize(("header", "field"), [
    ("电话", "phone"), ("手机号", "phone"), ("Phone", "phone"), (" 电话（手机） ", "phone"), ("電話", None),
    ("置业顾问", "advisor"), ("接待顾问", "advisor"), ("advisor", "advisor"), ("登记本", "register"),
    ("register", "register"), ("类型", "type"), ("TYPE", "type"), ("关联电话", "related_phone"),
    ("related_phone", "related_phone"), ("Related Phone", "related_phone"), ("角色", "role"), ("role", "role"),
    ("日期/date", "date"), ("date / 日期", "date"), ("编号", None), ("", None)])
def test_header_names(header, field):
    assert field_of(header) == field


def test_cells_as_offices_write_them(office, tmp_path):
    rows = [["2026/10/3", "下午2:30", "来访", "甲", "+86 139-1234-5678", LI],
            ["2026年10月4日", "14点05分", "到访", "乙", "0086 13700137000", ZHANG],
            ["2026.10.05 09:15", "", "来电", "丙", "１３６００１３６００１", LIU],
            ["20261006", "9:05", "进线", "丁", "010-87654321", f"  {LIU} "],
            ["2026-10-07", "", "来访", "戊", "138 0013 8000", "李\u3000娜"]]
    src = write_csv(tmp_path / "cells.csv", ["日期", "时间", "类型", "姓名", "电话", "置业顾问"], rows)
    r = run_import(office, src, tmp_path)
    assert (r["imported"], r["rejected"]) == (5, 0), r["rejected_rows"]
    got = office.rows("SELECT day, at, phone_e164, book FROM registerentry ORDER BY at")
    assert got == [("2026-10-03", "2026-10-03 06:30:00.000000", "+8613912345678", "visit"),
                   ("2026-10-04", "2026-10-04 06:05:00.000000", "+8613700137000", "visit"),
                   ("2026-10-05", "2026-10-05 01:15:00.000000", "+8613600136001", "call"),
                   ("2026-10-06", "2026-10-06 01:05:00.000000", "+861087654321", "call"),
                   ("2026-10-07", "2026-10-06 16:00:00.000000", "+8613800138000", "visit")]  # no time: 00:00


def test_gbk_csv_and_a_register_column(office, tmp_path):
    src = tmp_path / "gbk.csv"
    src.write_bytes("日期,登记本,电话,置业顾问\n2026-10-03,来访,13800138000,李娜\n2026-10-04,来电,13800138000,李娜\n"
                    .encode("gbk"))
    r = run_import(office, src, tmp_path)
    assert (r["imported"], r["merged"]) == (1, 1)
    assert office.rows("SELECT book FROM registerentry ORDER BY at") == [("visit",), ("call",)]


def test_more_reasons_to_reject(office, tmp_path):
    rows = [["2026-11-02", "09:00", "visit", "13800138000", LI, "", ""],  # after now (2026-11-01 10:00)
            ["2026-10-03", "09:00", "visit", "13800138001", "王经理", "", ""],  # the PM may receive
            ["2026-10-03", "09:00", "visit", "13800138002", LI, "", "13800138001"],  # related phone, no relation
            ["2026-10-03", "09:00", "visit", "13800138003", LI, "cousin", "13800138001"],
            ["2026-10-03", "09:00", "visit", "13800138004", LI, "spouse", "13800138004"],
            ["2026-10-03", "09:00", "visit", "13800138005", LI, "spouse", "12345"],
            ["2026-10-03", "09:00", "followup", "13800138001", LI, "", ""]]
    src = write_csv(tmp_path / "more.csv", ["日期", "时间", "类型", "电话", "置业顾问", "关系", "关联电话"], rows)
    r = run_import(office, src, tmp_path)
    assert [(x["row"], x["code"]) for x in r["rejected_rows"]] == [
        (2, "future_date"), (4, "phone_without_relation"), (5, "bad_relation"), (6, "related_is_self"),
        (7, "bad_related_phone"), (8, "no_outcome")]
    assert "after now (2026-11-01 10:00)" in r["rejected_rows"][0]["message"]


def test_staff_rows_create_staff_without_a_pin(office, tmp_path):
    rows = [["员工", "陈静", "置业顾问", "", "2026-10-01"], ["员工", "孙悦", "试用期", LI, ""],
            ["员工", "周敏", "销售管理部", "", ""], ["来访", "", "", "", "2026-10-05", ],
            ["员工", "老王", "trainee", "无名氏", ""]]
    src = write_csv(tmp_path / "staff.csv", ["类型", "姓名", "角色", "代教师父", "日期"], rows)
    r = run_import(office, src, tmp_path)
    assert [(x["row"], x["code"]) for x in r["rejected_rows"]] == [(5, "no_phone"), (6, "unknown_mentor")]
    staff = {s["name"]: s for s in office.sv.staff.list(actor=PM)}
    assert (staff["陈静"]["role"], staff["陈静"]["has_pin"], staff["陈静"]["joined_on"]) == ("advisor", False,
                                                                                          date(2026, 10, 1))
    assert (staff["孙悦"]["role"], staff["孙悦"]["mentor"], staff["孙悦"]["shadow"]) == ("trainee", LI, True)
    assert staff["周敏"]["role"] == "sales-admin"
    assert office.rows("SELECT kind FROM staffevent WHERE staff_id = (SELECT id FROM staff WHERE name = '陈静')") == [
        ("added",)]


def test_a_register_row_for_someone_not_at_the_counter(office, tmp_path):
    office.sv.staff.add("周敏", "sales-admin", actor=PM)
    src = write_csv(tmp_path / "r.csv", ["日期", "类型", "电话", "置业顾问"], [["2026-10-03", "来访", ZHANGSAN, "周敏"]])
    r = run_import(office, src, tmp_path)
    assert [x["code"] for x in r["rejected_rows"]] == ["not_frontline"]


# ---------------------------------------------------------------------------- ownership from the history


def test_owner_after_import_is_the_r22_fold_of_the_imported_history(office, tmp_path):
    run_import(office, SAMPLE_CSV, tmp_path)
    # 张三: registered by 李娜 on 10-03, own visits 10-05, a reached follow-up on 10-08 → protected through 10-15
    on_15 = office.owner(ZHANGSAN, as_of="2026-10-15")
    assert (on_15["owner"], on_15["protected_through"]) == (LI, date(2026, 10, 15))
    on_16 = office.owner(ZHANGSAN, as_of="2026-10-16")
    assert (on_16["owner"], on_16["previous_owner"]) == (None, LI)
    assert office.owner(SPOUSE, as_of="2026-10-15")["owner"] == LI  # the household is one client
    # 王五: a call answered by 刘洋 on 10-04; the unreachable follow-up of 10-09 does not count (R2.2)
    assert office.owner(WANGWU_P, as_of="2026-10-11")["owner"] == LIU
    assert office.owner(WANGWU_P, as_of="2026-10-12")["owner"] is None
    # the ownership cache on the client is in step with the fold
    li = office.rows("SELECT id FROM staff WHERE name = ?", [LI])[0][0]
    assert office.rows("SELECT owner_id, last_contact FROM client WHERE id = ?", [client_of(office, ZHANGSAN)]) == [
        (li, "2026-10-08")]


def test_the_earliest_registration_owns_when_two_advisors_wrote_one_client(office, tmp_path):
    src = write_csv(tmp_path / "r.csv", ["日期", "时间", "类型", "电话", "置业顾问"],
                    [["2026-10-05", "10:00", "来访", ZHANGSAN, ZHANG], ["2026-10-03", "10:00", "来电", ZHANGSAN, LI]])
    run_import(office, src, tmp_path)
    own = office.owner(ZHANGSAN, as_of="2026-10-06")
    assert own["owner"] == LI and own["protected_through"] == date(2026, 10, 10)
    assert "held_by_other" in {r.code for r in own["reasons"]}


def test_import_into_an_office_in_use_refreshes_its_clients(office, tmp_path):
    office.on(3)
    office.visit(ZHANGSAN, name="张三")  # 李娜 (rotation) on 11-03: protected through 11-10
    office.visit(LISI_P, name="李四")  # 张伟
    office.at("2026-11-20 10:00")
    src = write_csv(tmp_path / "r.csv", ["日期", "类型", "电话", "置业顾问", "结果"],
                    [["2026-11-08", "跟进", ZHANGSAN, LI, "接通"],  # within the window: it moves it
                     ["2026-11-12", "跟进", LISI_P, ZHANG, "接通"]])  # 9 days after 11-03: lapsed before it
    r = run_import(office, src, tmp_path)
    assert (r["imported"], r["rejected"]) == (2, 0)
    assert office.owner(ZHANGSAN, as_of="2026-11-15")["protected_through"] == date(2026, 11, 15)
    assert office.owner(LISI_P, as_of="2026-11-12")["owner"] is None
    assert office.rows("SELECT last_contact FROM client ORDER BY id") == [("2026-11-08",), ("2026-11-03",)]


# ---------------------------------------------------------------------------- speed helpers


def test_the_mobile_shortcut_matches_the_phone_rules():
    rnd = random.Random(6)
    cache: dict[str, str] = {}
    for _ in range(300):
        raw = f"1{rnd.choice('3456789')}{rnd.randint(0, 9)}{rnd.randint(0, 99999999):08d}"
        try:
            e164 = phones.normalise(raw).e164
        except phones.PhoneError:
            continue
        assert importer_mod._national(e164, cache) == phones.national_of(e164)
    assert importer_mod._national("+861087654321", cache) == "01087654321"


# ---------------------------------------------------------------------------- export


def _csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_export_writes_xlsx_and_csv_with_full_phones_for_the_pm(office, tmp_path):
    run_import(office, SAMPLE_CSV, tmp_path)
    r = office.sv.exporter.export(tmp_path / "out", actor=PM)
    names = sorted(Path(f).name for f in r["files"])
    assert names == ["calls.csv", "followups.csv", "frontdesk-export.xlsx", "report.csv", "visits.csv"]
    assert (r["masked"], r["visits"], r["calls"], r["followups"]) == (False, 11, 3, 2)
    visits = _csv(tmp_path / "out" / "visits.csv")
    assert [v["电话/phone"] for v in visits][:3] == [ZHANGSAN, LISI_P, ZHANGSAN]
    assert visits[0]["日期/date"] == "2026-10-03" and visits[0]["时间/time"] == "09:30"
    calls = _csv(tmp_path / "out" / "calls.csv")
    assert "01087654321" in [c["电话/phone"] for c in calls]
    wb = load_workbook(tmp_path / "out" / "frontdesk-export.xlsx", read_only=True)
    assert wb.sheetnames == ["来访客户登记表", "进线电话登记本", "跟进记录", "业绩报表"]
    first = list(wb["来访客户登记表"].iter_rows(min_row=2, max_row=2, values_only=True))[0]
    assert ZHANGSAN in first
    report = _csv(tmp_path / "out" / "report.csv")
    assert {row["置业顾问/advisor"] for row in report} >= {LI, ZHANG, LIU}
    wb.close()


def test_export_masks_phones_for_an_advisor_and_keeps_to_their_own_clients(office, tmp_path):
    run_import(office, SAMPLE_CSV, tmp_path)
    r = office.sv.exporter.export(tmp_path / "li", actor=LI)
    assert (r["masked"], r["own_only"], r["visits"], r["calls"], r["followups"]) == (True, True, 4, 0, 1)
    visits = _csv(tmp_path / "li" / "visits.csv")
    assert {v["电话/phone"] for v in visits} == {"138****8000", "138****8009", "138****8011"}
    assert {v["置业顾问/advisor"] for v in visits} == {LI}
    wb = load_workbook(tmp_path / "li" / "frontdesk-export.xlsx", read_only=True)
    cells = [c for row in wb["来访客户登记表"].iter_rows(values_only=True) for c in row]
    assert "138****8000" in cells and ZHANGSAN not in cells
    wb.close()
    assert [row["置业顾问/advisor"] for row in _csv(tmp_path / "li" / "report.csv")] == [LI]


def test_export_for_a_period_and_one_format(office, tmp_path):
    run_import(office, SAMPLE_CSV, tmp_path)
    r = office.sv.exporter.export(tmp_path / "oct5", start="2026-10-05", end="2026-10-05", formats=("csv",),
                                  actor=PM)
    assert sorted(Path(f).name for f in r["files"]) == ["calls.csv", "followups.csv", "report.csv", "visits.csv"]
    assert r["visits"] == 2 and r["report_period"] == {"from": date(2026, 10, 5), "to": date(2026, 10, 5)}


@pytest.mark.parametrize(("kw", "field"), [({"formats": ("pdf",)}, "format"), ({"start": "soon"}, "from")])
def test_export_bad_input(office, tmp_path, kw, field):
    with pytest.raises(BadInput) as exc:
        office.sv.exporter.export(tmp_path / "x", actor=PM, **kw)
    assert exc.value.field == field
    (tmp_path / "afile").write_text("")
    with pytest.raises(BadInput) as exc:
        office.sv.exporter.export(tmp_path / "afile", actor=PM)
    assert exc.value.field == "dir"


def test_an_export_imports_back(make_office, tmp_path):
    a = make_office()
    run_import(a, SAMPLE_CSV, tmp_path)
    a.sv.exporter.export(tmp_path / "out", actor=PM)
    b = make_office()
    b.sv.staff.add("陈静", "advisor", actor=PM)
    b.sv.staff.add("孙悦", "trainee", mentor=LI, actor=PM)
    r = b.sv.importer.import_file(str(tmp_path / "out" / "frontdesk-export.xlsx"), actor=PM,
                                  report=tmp_path / "back.csv")
    assert (r["imported"], r["merged"], r["rejected"]) == (14, 2, 0)
    assert r["skipped_sheets"] == ["业绩报表"]
    assert b.counts("registerentry", "followup", "client") == a.counts("registerentry", "followup", "client")
    assert b.owner(ZHANGSAN, as_of="2026-10-15")["owner"] == LI
    assert b.sv.integrity.verify()["ok"]


def test_a_workbook_with_a_title_row_and_an_unknown_sheet(office, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "十月"  # not a register's name: the type column decides
    ws.append(["十月登记"])
    ws.append(["日期", "类型", "电话", "置业顾问", "备注说明"])
    ws.append([datetime(2026, 10, 3, 9, 30), "来访", 13800138000, LI, "x"])
    ws.append([date(2026, 10, 4), None, 13800138000, LI])
    wb.save(tmp_path / "oct.xlsx")
    r = run_import(office, tmp_path / "oct.xlsx", tmp_path)
    assert (r["imported"], r["merged"], r["rejected"]) == (1, 1, 0)  # no type, tick or title: a visit
    row4 = report_rows(r["report"])[1]
    assert (row4["sheet"], row4["row"], row4["type"]) == ("十月", "4", "visit")
    assert "filed in the visitor register" in row4["message"]
    assert r["ignored_columns"] == ["备注说明"]
