"""Exports cannot attack (OWASP "CSV injection"): text that a spreadsheet would run as a formula
is neutralised in CSV and written as a plain string in xlsx; numbers stay numbers."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from .conftest import LI, PM, ZHANGSAN
from openpyxl import load_workbook

from frontdesk.services.exporter import FORMULA_STARTS, neutral

ATTACKS = ['=HYPERLINK("http://x"&A1,"click")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)*cmd|'/C calc'!A0",
           "\t=1+1", "\r=1+1"]


def test_neutral_prefixes_risky_text_and_keeps_numbers():
    for a in ATTACKS:
        assert neutral(a) == "'" + a
    assert neutral("张三") == "张三" and neutral("a=b") == "a=b"
    assert neutral(-3) == -3 and neutral(2.5) == 2.5
    assert set(FORMULA_STARTS) == {"=", "+", "-", "@", "\t", "\r"}


@pytest.fixture()
def attacked(office):
    """A visitor, a follow-up note and a staff member named like formulas, on every text column."""
    office.sv.staff.add(ATTACKS[3], "advisor", actor=PM)
    office.sv.roster.set([LI, ATTACKS[3]], actor=PM)
    office.visit(ZHANGSAN, name=ATTACKS[0])
    office.visit("13800138111", name=ATTACKS[1])
    office.visit("13800138222", name=ATTACKS[2])
    office.sv.records.followup(ZHANGSAN, "reached", note=ATTACKS[4], score=7, actor=LI)
    office.sv.reception.call("13800138333", name=ATTACKS[5], actor=PM)
    return office


def _texts(rows):
    return [c for row in rows for c in row if isinstance(c, str)]


def test_the_xlsx_has_no_formula_cell_and_keeps_the_names(attacked, tmp_path):
    attacked.sv.exporter.export(tmp_path / "out", actor=PM, formats=("xlsx",))
    wb = load_workbook(tmp_path / "out" / "frontdesk-export.xlsx")  # not read-only: data_type per cell
    seen, numbers = [], 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    seen.append(cell.value)
                elif isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
                    numbers += 1
    for a in ATTACKS:
        assert a in seen or a.lstrip("\t\r") in seen or any(a in s for s in seen), a
    assert numbers > 0  # entry numbers, scores and counts are still numbers


def test_every_csv_cell_is_neutralised(attacked, tmp_path):
    attacked.sv.exporter.export(tmp_path / "out", actor=PM, formats=("csv",))
    found = 0
    for f in sorted((tmp_path / "out").glob("*.csv")):
        with open(f, encoding="utf-8-sig", newline="") as fh:
            for row in csv.reader(fh):
                for cell in row:
                    assert not cell.startswith(FORMULA_STARTS), (f.name, cell)
                    found += any(cell == "'" + a for a in ATTACKS)
    assert found >= len(ATTACKS)  # the names, the note and the advisor's name are all there, prefixed
