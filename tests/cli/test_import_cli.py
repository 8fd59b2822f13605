"""`frontdesk import FILE` and `frontdesk export DIR` end to end (docs/cli.md), on the office of
conftest.py at 2026-11-01 10:00. The sample files are data/sample-registers.*; each test works on
a copy in its own folder, so the default report (NAME.report.csv) lands there."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from dbkit import import_report_ids_out
from openpyxl import load_workbook

from .conftest import LI, PM, T0, FD, assert_error

DATA = Path(__file__).resolve().parents[2] / "data"
MAP = ("--map", "小王=张伟")  # the samples' advisor not on the staff
IMPORT_KEYS = {"imported", "merged", "rejected", "report", "dry_run"}


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    dest = tmp_path / "in" / "registers.csv"
    dest.parent.mkdir()
    shutil.copy(DATA / "sample-registers.csv", dest)
    return dest


def _report(path: str | Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_import_with_json(office: FD, sample: Path) -> None:
    out = office.ok("import", sample, *MAP, as_=PM, at=T0)
    assert IMPORT_KEYS <= set(out)
    assert {k: out[k] for k in IMPORT_KEYS} == {"imported": 16, "merged": 4, "rejected": 11, "dry_run": False,
                                               "report": str(sample.with_name("registers.report.csv"))}
    rows = _report(out["report"])
    assert len(rows) == 31 and {r["status"] for r in rows} == {"imported", "merged", "rejected"}
    assert out["reasons"] == [
        "R2.1: imported history numbered visitor register #1 to visitor register #11, after the pages already in "
        "the register; the original dates are kept",
        "R2.1: imported history numbered call register #1 to call register #3, after the pages already in the "
        "register; the original dates are kept"]
    assert office.counts() == {"registerentry": 14, "client": 11, "followup": 2, "notification": 0, "staff": 8}
    assert office.ok("verify") | {"sealed": 0} == {"ok": True, "entries": 14, "sealed": 0, "problems": []}
    owner = office.ok("owner", "--phone", "13800138009", "--as-of", "2026-10-15", as_=PM, at=T0)
    assert (owner["owner"], owner["protected_through"]) == (LI, "2026-10-15")


def test_a_dry_run_writes_nothing_and_reports_the_same(office: FD, sample: Path, unchanged) -> None:
    with unchanged(office):
        dry = office.ok("import", sample, *MAP, "--dry-run", "--report", sample.with_name("dry.csv"), as_=PM, at=T0)
    assert dry["dry_run"] is True and (dry["imported"], dry["merged"], dry["rejected"]) == (16, 4, 11)
    real = office.ok("import", sample, *MAP, as_=PM, at=T0)
    assert import_report_ids_out(_report(dry["report"])) == import_report_ids_out(_report(real["report"]))


def test_the_workbook_with_a_sheet_per_register(office: FD, tmp_path: Path) -> None:
    src = tmp_path / "registers.xlsx"
    shutil.copy(DATA / "sample-registers.xlsx", src)
    code, _out, err = office("import", src, "--map", "小王", as_=PM, at=T0)
    assert code == 2 and err["error"]["field"] == "map"
    code, _out, err = office("import", src, as_=PM, at=T0)  # an advisor not on the staff: asked, nothing written
    assert code == 2 and err["error"]["field"] == "map" and "小王 (row 来访客户登记表:9)" in err["error"]["message"]
    out = office.ok("import", src, "--report", tmp_path / "r.csv", "--create-staff", as_=PM, at=T0)
    assert (out["imported"], out["merged"], out["rejected"], out["skipped_sheets"]) == (12, 3, 6, ["说明"])
    assert out["advisors"]["created"] == [{"name": "小王", "rows": ["来访客户登记表:9"]}]
    assert {(r["sheet"], r["row"], r["code"]) for r in out["rejected_rows"]} == {
        ("员工", 5, "trainee_needs_mentor"), ("来访客户登记表", 8, "bad_phone"),
        ("来访客户登记表", 10, "bad_date"), ("跟进记录", 4, "unknown_client"), ("跟进记录", 5, "no_outcome"),
        ("跟进记录", 6, "bad_score")}


def test_import_in_words_lists_the_rejected_rows(office: FD, sample: Path) -> None:
    code, out, err = office("import", sample, *MAP, json=False, as_=PM, at=T0, lang="zh_CN")
    assert code == 0, err
    assert "共 31 行：导入 16，合并 4，拒绝 11" in out
    assert "小王" in out and "上周三" in out  # an unknown advisor, a date that is not one
    code, out, err = office("import", sample, *MAP, "--dry-run", json=False, as_=PM, at=T0)
    assert code == 0 and "dry run: nothing was written" in out
    assert "\x1b" not in out  # not a terminal: no progress bar


BAD = {  # argv after `import`, given the sample file and its folder → the field named
    "missing file": (lambda f, d: [d / "missing.csv"], "file"),
    "old Excel": (lambda f, d: [d / "registers.xls"], "file"),
    "unknown extension": (lambda f, d: [d / "registers.txt"], "file"),
    "no extension": (lambda f, d: [d / "registers"], "file"),
    "report folder missing": (lambda f, d: [f, "--report", d / "no" / "such" / "r.csv"], "report"),
    "report not csv": (lambda f, d: [f, "--report", d / "r.txt"], "report"),
}


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_bad_input_exits_2_naming_the_field(office: FD, sample: Path, unchanged, case: str) -> None:
    for name in ("registers.xls", "registers.txt", "registers"):
        (sample.parent / name).write_text("日期,电话\n", encoding="utf-8")
    argv, field = BAD[case]
    with unchanged(office):
        code, _out, err = office("import", *argv(sample, sample.parent), as_=PM, at=T0)
    e = assert_error(code, err, 2, error_code="bad_input", field=field)
    assert e["message"].startswith(field + ":")


def test_without_a_pm_the_import_is_refused(office: FD, sample: Path, unchanged) -> None:
    with unchanged(office):
        code, _out, err = office("import", sample, as_=LI, at=T0)
        assert_error(code, err, 1, rule="R2.1")
        code, _out, err = office("import", sample, at=T0, as_="")
        assert_error(code, err, 1, rule="R2.1")
    assert not sample.with_name("registers.report.csv").exists()


def test_a_file_no_row_of_which_can_be_used(office: FD, tmp_path: Path, unchanged) -> None:
    src = tmp_path / "bad.csv"
    src.write_text("日期,电话,置业顾问,类型\n昨天,123,小王,来访\n", encoding="utf-8")
    with unchanged(office):
        out = office.ok("import", src, as_=PM, at=T0)
    assert (out["imported"], out["merged"], out["rejected"]) == (0, 0, 1)


# ---------------------------------------------------------------------------- export


def test_export_for_the_pm_and_for_an_advisor(office: FD, sample: Path, tmp_path: Path) -> None:
    office.ok("import", sample, *MAP, as_=PM, at=T0)
    pm = office.ok("export", tmp_path / "pm", as_=PM, at=T0)
    assert pm["masked"] is False and (pm["visits"], pm["calls"], pm["followups"]) == (11, 3, 2)
    assert sorted(Path(f).name for f in pm["files"]) == ["calls.csv", "followups.csv", "frontdesk-export.xlsx",
                                                         "report.csv", "visits.csv"]
    assert "13800138000" in (tmp_path / "pm" / "visits.csv").read_text(encoding="utf-8-sig")
    li = office.ok("export", tmp_path / "li", as_=LI, at=T0)
    assert li["masked"] is True and (li["visits"], li["calls"], li["followups"]) == (4, 0, 1)
    text = (tmp_path / "li" / "visits.csv").read_text(encoding="utf-8-sig")
    assert "138****8000" in text and "13800138000" not in text
    wb = load_workbook(tmp_path / "li" / "frontdesk-export.xlsx", read_only=True)
    cells = {c for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row}
    assert "138****8000" in cells and "13800138000" not in cells
    wb.close()


def test_export_one_format_and_bad_input(office: FD, tmp_path: Path) -> None:
    out = office.ok("export", tmp_path / "x", "--format", "xlsx", as_=PM, at=T0)
    assert [Path(f).name for f in out["files"]] == ["frontdesk-export.xlsx"]
    code, _out, err = office("export", tmp_path / "y", "--format", "pdf", as_=PM, at=T0)
    assert_error(code, err, 2, field="format")
    (tmp_path / "afile").write_text("")
    code, _out, err = office("export", tmp_path / "afile", as_=PM, at=T0)
    assert_error(code, err, 2, field="dir")
    code, _out, err = office("export", tmp_path / "z", at=T0, as_="")
    assert_error(code, err, 1, rule="R2.1")


def test_the_history_shows_what_the_register_wrote(office: FD, tmp_path: Path, monkeypatch) -> None:
    src = tmp_path / "messy-register.xlsx"
    shutil.copy(Path(__file__).resolve().parents[1] / "data" / "messy-register.xlsx", src)
    out = office.ok("import", src, "--map", "小王=张伟", as_=PM, at="2026-12-01 10:00")
    assert (out["imported"], out["merged"], out["rejected"]) == (11, 2, 4)
    h = office.ok("history", "--phone", "13912345678", as_=PM, at="2026-12-01 10:00")
    assert [(e["register"], e["intent"], e["note"]) for e in h["entries"]] == [("call", "两房", "问价格")]
    monkeypatch.setenv("COLUMNS", "200")  # the words' table at 80 columns cuts every cell short
    code, text, _err = office("history", "--phone", "13912345678", json=False, as_=PM, at="2026-12-01 10:00")
    assert code == 0 and "两房" in text and "问价格" in text
