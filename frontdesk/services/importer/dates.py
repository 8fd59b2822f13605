"""Dates as registers write them, and where a year-less date takes its year and month from.

A register's dates are often written without the year (`11月3日`, `11/3`) or even the month
(`3日`): the sheet says them once — in its title (「XX项目 来访客户登记表（2026年11月）」), its
name (`11月`, `2026-11`) or the file's name. `Context` is what one table (a sheet, or a CSV file)
says: the year and month and where each came from, and which register the table is, if it says.
A day/month order the table cannot settle (`3/11` with no month said) is a question put back to
the person importing (the row is rejected with both readings), not a guess.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

EXCEL_EPOCH = datetime(1899, 12, 30)

_FULL = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?(?:\s*[T ]\s*(.+))?$")
_DATE8 = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_YY = re.compile(r"^(\d{2})([-/.])(\d{1,2})\2(\d{1,2})(?:\s+(.+))?$")  # 26.11.3: a two-digit year first
_AB_Y = re.compile(r"^(\d{1,2})([-/.])(\d{1,2})\2(\d{4})(?:\s+(.+))?$")  # 3/11/2026: the order is asked
_MD_CN = re.compile(r"^(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?(?:\s*(.+))?$")  # 11月3日
_AB = re.compile(r"^(\d{1,2})\s*[-/.]\s*(\d{1,2})(?:\s+(.+))?$")  # 11/3, 11.3
_D_CN = re.compile(r"^(\d{1,2})\s*[日号](?:\s*(.+))?$")  # 3日
_SERIAL = re.compile(r"^\d{5}(?:\.\d+)?$")  # an Excel serial day number saved as text

# a year and month in a title, sheet or file name: 2026年11月, 2026-11, 2026.11, 2026_11
_YM = (re.compile(r"(?<!\d)(20\d{2})\s*年\s*(\d{1,2})\s*月"), re.compile(r"(?<!\d)(20\d{2})\s*[-./_]\s*(\d{1,2})(?!\d)"))
_Y = re.compile(r"(?<!\d)(20\d{2})(?!\d)")
_M = re.compile(r"(?<!\d)(\d{1,2})\s*月")
# which register a title, sheet or file name speaks of (both, or neither: it does not say)
_CALL_WORDS = ("来电", "进线", "电话登记", "call")
_VISIT_WORDS = ("来访", "到访", "访客", "visit")


class DateQuestion(Exception):
    """A date cell that cannot be read as one day: `code` is the message key, `data` its values."""

    def __init__(self, code: str, **data: Any):
        super().__init__(code)
        self.code = code
        self.data = data


@dataclass(eq=False)
class Context:
    """What one table says about its dates and its register."""

    sheet: str | None = None
    year: int | None = None
    month: int | None = None
    year_from: str = ""  # title | sheet | file
    month_from: str = ""
    said: dict[str, str] = field(default_factory=dict)  # title | sheet | file → the text read
    kind: str | None = None  # visit | call, when the title, sheet or file says which register
    kind_from: str = ""
    used: int = 0  # rows whose date took its year or month from here
    dates: dict[Any, Any] = field(default_factory=dict)  # caches: a register repeats its dates
    moments: dict[Any, Any] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "year": self.year, "month": self.month, "year_from": self.year_from or None,
                "month_from": self.month_from or None, "register": self.kind, "register_from": self.kind_from or None,
                "said": self.said, "rows": self.used}


def context_of(title: str, sheet: str | None, file_name: str, sheet_kind: str | None = None) -> Context:
    """The year, month and register a table's title, its sheet's name and its file's name say (in that order)."""
    ctx = Context(sheet=sheet)
    stem = file_name.rsplit(".", 1)[0]
    for source, text in (("title", title), ("sheet", sheet or ""), ("file", stem)):
        text = unicodedata.normalize("NFKC", text)
        if not text.strip():
            continue
        y = m = None
        for pat in _YM:
            got = pat.search(text)
            if got and 1 <= int(got.group(2)) <= 12:
                y, m = int(got.group(1)), int(got.group(2))
                break
        if y is None:
            got = _Y.search(text)
            y = int(got.group(1)) if got else None
        if m is None:
            got = _M.search(text)
            m = int(got.group(1)) if got and 1 <= int(got.group(1)) <= 12 else None
        if ctx.year is None and y is not None:
            ctx.year, ctx.year_from = y, source
            ctx.said[source] = text.strip()
        if ctx.month is None and m is not None:
            ctx.month, ctx.month_from = m, source
            ctx.said[source] = text.strip()
        if ctx.kind is None:
            k = sheet_kind if source == "sheet" and sheet_kind in ("visit", "call") else register_in(text)
            if k is not None:
                ctx.kind, ctx.kind_from = k, source
                ctx.said[source] = text.strip()
    return ctx


def register_in(text: str) -> str | None:
    """visit or call when the text names one register only (「来访客户登记表」), else None."""
    low = text.lower()
    call = any(w in low for w in _CALL_WORDS)
    visit = any(w in low for w in _VISIT_WORDS)
    return "call" if call and not visit else "visit" if visit and not call else None


def serial_day(v: float) -> datetime:
    """An Excel serial day number (days since 1899-12-30, the fraction the time)."""
    return (EXCEL_EPOCH + timedelta(days=float(v))).replace(microsecond=0)


def read_date(s: str, ctx: Context | None) -> tuple[date, str | None, str]:
    """(the day, the time text after it or None, what the table gave: "" | "year" | "month" (and
    the year)) of a date text (NFKC, stripped); DateQuestion when it is not one day."""
    m = _FULL.match(s) or _DATE8.match(s)
    if m:
        return _day(int(m.group(1)), int(m.group(2)), int(m.group(3)), s), (m.group(4) if m.re is _FULL else None), ""
    if _SERIAL.match(s) and 20000 < float(s) < 80000:
        d = serial_day(float(s))
        return d.date(), (d.strftime("%H:%M:%S") if d.time() != datetime.min.time() else None), ""
    m = _YY.match(s)
    if m:
        return _day(2000 + int(m.group(1)), int(m.group(3)), int(m.group(4)), s), m.group(5), ""
    m = _AB_Y.match(s)
    if m:
        mo, d = _order(int(m.group(1)), int(m.group(3)), s, ctx, int(m.group(4)))
        return _day(int(m.group(4)), mo, d, s), m.group(5), ""
    m = _MD_CN.match(s)
    if m:
        return _day(_year(s, ctx), int(m.group(1)), int(m.group(2)), s), m.group(3), "year"
    m = _AB.match(s)
    if m:
        y = _year(s, ctx)
        a, b = int(m.group(1)), int(m.group(2))
        mo, d = _order(a, b, s, ctx, y)
        return _day(y, mo, d, s), m.group(3), "month" if ctx is not None and ctx.month in (a, b) and a != b else "year"
    m = _D_CN.match(s)
    if m:
        y = _year(s, ctx)
        if ctx is None or ctx.month is None:
            raise DateQuestion("no_month", value=s)
        return _day(y, ctx.month, int(m.group(1)), s), m.group(2), "month"
    raise DateQuestion("bad_date", value=s)


def _day(y: int, m: int, d: int, s: str) -> date:
    try:
        got = date(y, m, d)
    except ValueError:
        raise DateQuestion("bad_date", value=s) from None
    if got.year < 2000:
        raise DateQuestion("bad_date", value=s)
    return got


def _year(s: str, ctx: Context | None) -> int:
    if ctx is None or ctx.year is None:
        raise DateQuestion("no_year", value=s)
    return ctx.year


def _order(a: int, b: int, s: str, ctx: Context | None, year: int) -> tuple[int, int]:
    """(month, day) of two numbers: the table's month settles which is which, else a number over
    12 does; two numbers that could each be the month are asked, never guessed."""
    if a == b or b > 12 >= a:
        return a, b
    if a > 12 >= b:
        return b, a
    month = ctx.month if ctx is not None else None
    if month == a:
        return a, b
    if month == b:
        return b, a
    if a > 12 and b > 12:
        raise DateQuestion("bad_date", value=s)
    raise DateQuestion("ambiguous_date", value=s, first=f"{year}-{a:02d}-{b:02d}", second=f"{year}-{b:02d}-{a:02d}")
