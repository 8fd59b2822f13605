"""Reading a CSV or xlsx file into rows: the header row wherever it stands (title rows, blank
spacer rows and totals rows skipped), merged cells filled, CSV text in UTF-8, UTF-16 or GBK."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from pathlib import Path
from typing import Any, Iterable

from ..errors import BadInput
from .dates import Context, context_of
from .table import _TYPES, HEADER_SCAN, Progress, Row, Table, _text, _word, field_of

_ANCHORS = {"phone", "date", "name", "type", "register", "role"}  # a header names one (a tally's 顾问/来电 is not one)
_TOTALS = re.compile(r"^(合计|总计|小计|共计|汇总|本月合计|total|sum)", re.IGNORECASE)


def _header_row(cells: list[Any]) -> dict[int, str] | None:
    cols: dict[int, str] = {}
    for i, c in enumerate(cells):
        f = field_of(c)
        if f is not None:
            cols[i] = f
    fields = set(cols.values()) - {"seq"}
    if "time" in fields and "date" not in fields:  # 时间 alone is the date column
        cols = {i: ("date" if f == "time" else f) for i, f in cols.items()}
    return cols if len(fields) >= 2 and fields & _ANCHORS else None


def _rows_of(sheet: str | None, records: Iterable[list[Any]], table: Table, file_name: str) -> list[Row] | None:
    """The data rows of one table: the header is the first of the first rows naming two fields;
    the rows above it are its title (the year, month and register a year-less date needs)."""
    ignored = table.ignored_columns
    start_seq = len(table.rows)
    it = iter(records)
    header: list[Any] | None = None
    cols: dict[int, str] | None = None
    number = 0
    title: list[str] = []
    for cells in it:
        number += 1
        cells = list(cells)
        cols = _header_row(cells)
        if cols is not None:
            header = cells
            break
        title.extend(t for t in dict.fromkeys(_text(c) for c in cells) if t)  # a merged title: its text once
        if number >= HEADER_SCAN:
            return None
    if header is None or cols is None:
        return None
    names = [_text(h) for h in header]
    for i, h in enumerate(names):
        if h and i not in cols and h not in ignored:
            ignored.append(h)
    ctx = context_of(" ".join(title), sheet, file_name, _TYPES.get(_word(sheet)) if sheet else None)
    table.contexts.append(ctx)
    kind = _TYPES.get(_word(sheet)) if sheet else None
    out: list[Row] = []
    seq = start_seq
    width = len(names)
    keys = [h or f"column {i + 1}" for i, h in enumerate(names)]
    fields = sorted(cols.items())
    unique = len(set(cols.values())) == len(cols)  # one column per field: "the first one filled" needs no care
    for cells in it:
        number += 1
        if unique and len(cells) <= width and all(type(c) is str for c in cells):  # a CSV row: text cells only
            row = [c.strip() for c in cells]
            n = len(row)
            raw = {k: c for k, c in zip(keys, row) if c}
            if not raw:
                continue  # a blank row
            vals = {f: row[i] for i, f in fields if i < n and row[i]}
            # cells that repeat their column's header (a map of == counts two blanks too: recount then)
            same = sum(map(str.__eq__, row, names))
            if same >= 2:
                same = sum(1 for c, h in zip(row, names) if c and c == h)
        else:
            raw, vals, same = _cells(cells, names, keys, cols)
            if not raw:
                continue  # a blank row
        if "phone" not in vals and _totals(raw):
            table.skipped_rows.append({"sheet": sheet, "row": number, "text": _text(next(iter(raw.values())))})
            continue
        r = Row(seq, sheet, number, raw, vals, kind)
        r.ctx = ctx
        seq += 1
        if same >= 2:
            r.reject("repeated_header")  # registers of several months pasted one under another
        out.append(r)
    return out


def _totals(raw: dict[str, Any]) -> bool:
    """A totals row (合计：25人): its first cell says so."""
    first = next(iter(raw.values()))
    return isinstance(first, str) and _TOTALS.match(unicodedata.normalize("NFKC", first).strip()) is not None


def _cells(cells: list[Any], names: list[str], keys: list[str], cols: dict[int, str]) -> tuple[dict[str, Any], dict[str, Any], int]:
    """One row's cells: header → cell as written (JSON-ready), field → cell, and how many repeat their header."""
    width = len(names)
    raw: dict[str, Any] = {}
    vals: dict[str, Any] = {}
    same = 0
    for i, c in enumerate(cells):
        if c is None:
            continue
        if isinstance(c, str):
            c = c.strip()
            if not c:
                continue
            if i < width and c == names[i]:
                same += 1
        raw[keys[i] if i < width else f"column {i + 1}"] = (
            c if isinstance(c, (str, int, float)) else _text(c))  # the source row, JSON-ready
        f = cols.get(i)
        if f is not None and f not in vals:
            vals[f] = c  # several columns for one field: the first one filled
    return raw, vals, same


def _decode(data: bytes) -> str:
    """The text of a CSV file: UTF-8 (with or without BOM), UTF-16 (with BOM), else GBK/GB18030."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise BadInput("file", "is neither UTF-8 nor GBK text: save the CSV as UTF-8")


def _no_header(where: str) -> BadInput:
    return BadInput("file", f"{where} has no header row in its first {HEADER_SCAN} rows: name the columns "
                            "(日期/date, 电话/phone, 置业顾问/advisor, …)")


def read_table(path: Path, progress: Progress | None = None) -> Table:
    table = Table([], [], [])
    if path.suffix.lower() == ".csv":
        text = _decode(path.read_bytes())
        lines = [ln for ln in text.splitlines()[:HEADER_SCAN] if ln.strip()]
        first = max(lines, key=lambda ln: sum(map(ln.count, ",\t;"))) if lines else ""  # the header, not a title
        delim = max(",\t;", key=first.count) if first else ","
        try:
            rows = _rows_of(None, csv.reader(io.StringIO(text, newline=""), delimiter=delim), table, path.name)
        except csv.Error as exc:
            raise BadInput("file", f"is not a readable CSV file ({exc})") from None
        if rows is None:
            raise _no_header("the file")
        table.rows = rows
        return table
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
        raise BadInput("file", f"is not a readable xlsx workbook ({type(exc).__name__})") from None
    total = sum(ws.max_row or 0 for ws in wb.worksheets)
    done = 0

    def counted(ws: Any) -> Iterable[list[Any]]:  # openpyxl is slow on big sheets: show it moving
        nonlocal done
        ranges = _merged_ranges(path, getattr(ws, "_worksheet_path", ""))
        fills: dict[int, dict[int, Any]] = {}  # row → {column index → the merged range's value}
        for n, r in enumerate(ws.iter_rows(values_only=True), 1):
            done += 1
            if progress is not None and done % 2000 == 0:
                progress("read", done, max(total, done))
            row = list(r)
            for r0, c0, r1, c1 in ranges.get(n, ()):  # a merged range starts here: its value covers it
                v = row[c0 - 1] if c0 <= len(row) else None
                for rr in range(r0, r1 + 1):
                    for cc in range(c0, c1 + 1):
                        if (rr, cc) != (r0, c0) and v is not None:
                            fills.setdefault(rr, {})[cc - 1] = v
            for col, v in fills.pop(n, {}).items():
                row.extend([None] * (col + 1 - len(row)))
                if row[col] is None:
                    row[col] = v
            yield row

    try:
        for ws in wb.worksheets:
            rows = _rows_of(ws.title, counted(ws), table, path.name)
            if rows is None:
                table.skipped_sheets.append(ws.title)
                continue
            table.rows.extend(rows)
    finally:
        wb.close()
    if not table.rows and len(table.skipped_sheets) == len(wb.worksheets):
        raise _no_header("no sheet")
    return table


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


def _merged_ranges(path: Path, member: str) -> dict[int, list[tuple[int, int, int, int]]]:
    """The merged ranges of a sheet (first row → (row, column, last row, last column)), read from
    its XML: openpyxl's read-only sheets do not give them, and they stand after the cells."""
    if not member:
        return {}
    from openpyxl.utils import column_index_from_string

    found: list[tuple[bytes, ...]] = []
    try:
        with zipfile.ZipFile(path) as z, z.open(member.lstrip("/")) as fh:
            tail, merges = b"", None
            while chunk := fh.read(1 << 20):
                buf = tail + chunk
                if merges is None:
                    at = buf.find(b"mergeCells")
                    if at < 0:
                        tail = buf[-32:]
                        continue
                    merges, buf = b"", buf[at:]
                merges += buf
                tail = b""
            if merges:
                found = _MERGE.findall(merges)
    except (KeyError, zipfile.BadZipFile, OSError):
        return {}
    out: dict[int, list[tuple[int, int, int, int]]] = {}
    for a, r0, b, r1 in found:
        rng = (int(r0), column_index_from_string(a.decode()), int(r1), column_index_from_string(b.decode()))
        out.setdefault(rng[0], []).append(rng)
    return out
