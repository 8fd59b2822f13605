"""The import's vocabulary (headers, type and role words), its rows, and reading a CSV or xlsx file into them."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Callable, Iterable

from ..base import MAX_NAME
from ..errors import BadInput, FrontdeskError

Progress = Callable[[str, int, int], None]  # (stage "check" | "write", done, total)

EXTENSIONS = (".csv", ".xlsx")
NO_TIME = time(0, 0)  # a row without a time: midnight of its day (data.time is null)
HEADER_SCAN = 10  # the header row is found among the first rows (a title may stand above it)
CHUNK = 5000

# canonical field → accepted headers (compared normalised: NFKC, lower case, no spaces, _ - * :
# or bracketed parts; "日期/date" is tried as 日期 and as date)
FIELDS: dict[str, tuple[str, ...]] = {
    "date": ("日期", "来访日期", "来电日期", "跟进日期", "登记日期", "入职日期", "date", "day"),
    "time": ("时间", "来访时间", "来电时间", "跟进时间", "time"),
    "type": ("类型", "类别", "记录类型", "type", "rowtype"),
    "register": ("登记本", "登记表", "登记簿", "register", "book"),
    "name": ("姓名", "客户姓名", "客户", "客户名称", "名字", "员工姓名", "name", "client", "clientname"),
    "phone": ("电话", "手机", "手机号", "手机号码", "联系电话", "客户电话", "电话号码", "phone", "mobile", "tel",
              "telephone"),
    "advisor": ("置业顾问", "顾问", "接待顾问", "接待人", "接听人", "跟进人", "advisor", "consultant", "agent"),
    "outcome": ("结果", "跟进结果", "接通情况", "outcome", "result"),
    "note": ("备注", "内容", "跟进内容", "说明", "note", "notes", "remark", "remarks"),
    "score": ("诚意度", "score", "sincerity"),
    "relation": ("关系", "与客户关系", "家庭关系", "relation", "relationship"),
    "related_phone": ("关联电话", "关联客户电话", "家属电话", "relatedphone", "related"),
    "role": ("角色", "岗位", "职位", "role", "position"),
    "mentor": ("代教师父", "带教师父", "师父", "mentor"),
}
KINDS = ("visit", "call", "followup", "staff")
# the words of a type/register cell or a sheet name (compared normalised, see _word)
TYPE_WORDS: dict[str, tuple[str, ...]] = {
    "visit": ("visit", "visits", "来访", "到访", "来访客户", "访客", "walkin", "来访登记", "来访客户登记表",
              "来访登记表", "visitor", "visitors", "visitorregister"),
    "call": ("call", "calls", "来电", "电话", "进线", "来电登记", "进线电话", "进线电话登记本", "来电登记本",
             "callregister", "phonecall"),
    "followup": ("followup", "followups", "跟进", "回访", "跟进记录", "跟进登记"),
    "staff": ("staff", "员工", "人员", "员工名单", "员工表"),
}
REGISTER_ONLY = ("register", "登记", "登记本")  # a type cell that defers to the register column
ROLE_WORDS: dict[str, tuple[str, ...]] = {
    "advisor": ("advisor", "置业顾问", "顾问", "销售顾问", "销售"),
    "trainee": ("trainee", "试用期置业顾问", "试用期", "试用", "实习", "实习生", "新人"),
    "pm": ("pm", "projectmanager", "项目经理", "经理", "销售经理", "案场经理"),
    "sales-admin": ("salesadmin", "admin", "销售管理部", "销售管理", "销售内勤", "内勤"),
    "gm": ("gm", "generalmanager", "总经理", "总监"),
}
RELATION_WORDS: dict[str, tuple[str, ...]] = {
    "spouse": ("spouse", "wife", "husband", "配偶", "夫妻", "妻子", "丈夫", "老公", "老婆", "爱人", "夫", "妻"),
    "parent": ("parent", "father", "mother", "父母", "父亲", "母亲", "爸爸", "妈妈", "父", "母"),
    "child": ("child", "son", "daughter", "子女", "儿子", "女儿", "孩子", "子", "女"),
    "company": ("company", "colleague", "同事", "公司", "上级", "下属", "领导", "同公司"),
}
SELF_WORDS = ("self", "本人", "自己", "无", "-")
# follow-up outcomes: words that mean unreachable are checked first ("未接通" holds "接通")
UNREACHABLE_WORDS = ("unreachable", "noanswer", "switchedoff", "关机", "不通", "未接", "无人接", "没人接", "停机",
                     "空号", "拒接", "占线", "无法接通")
REACHED_WORDS = ("reached", "answered", "ok", "有效", "接通", "已接", "已联系", "沟通", "通话", "面谈", "见面",
                 "回复", "到访")
REPORT_COLUMNS = ("sheet", "row", "type", "status", "code", "message", "phone", "name", "advisor", "date", "client",
                  "entry")


class ImportFailed(FrontdeskError):
    """The database refused part of the import: the transaction rolled back, nothing was written."""

    exit_code = 3
    code = "import_failed"


class _Reject(Exception):
    def __init__(self, code: str, **data: Any):
        super().__init__(code)
        self.code = code
        self.data = data


class _DryRun(Exception):
    def __init__(self, result: dict[str, Any]):
        super().__init__("dry run")
        self.result = result


def _header_key(text: str) -> str:
    v = unicodedata.normalize("NFKC", text).lower()
    v = re.sub(r"[(（\[【].*?[)）\]】]", "", v)
    return re.sub(r"[\s_\-*:：.·]", "", v)


_HEADERS = {_header_key(h): f for f, hs in FIELDS.items() for h in hs}


def _word(value: Any) -> str:
    return re.sub(r"[\s_\-.·]", "", unicodedata.normalize("NFKC", _text(value)).lower())


def _lookup_words(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {_word(w): k for k, ws in table.items() for w in ws}




def field_of(header: Any) -> str | None:
    """The canonical field a header names, or None ("电话/phone" → "phone")."""
    text = _text(header)
    if not text:
        return None
    for part in [text, *re.split(r"[/|｜]", text)]:
        f = _HEADERS.get(_header_key(part))
        if f:
            return f
    return None


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, datetime):
        return v.isoformat(sep=" ", timespec="minutes")
    if isinstance(v, (date, time)):
        return v.isoformat()
    return str(v).strip()


_TYPES = _lookup_words(TYPE_WORDS)
_ROLES = _lookup_words(ROLE_WORDS)
_RELATIONS = _lookup_words(RELATION_WORDS)
_SELF = {_word(w) for w in SELF_WORDS}


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _clean(v: Any, fld: str, limit: int = MAX_NAME) -> str:
    """Trimmed text with control characters removed; too long → the row is rejected."""
    if type(v) is str:  # most cells: printable text of a fair length
        s = v.strip()
        if len(s) <= limit and s.isprintable():
            return s
    s = _text(v)
    if _CONTROL.search(s):
        s = _CONTROL.sub(" ", s).strip()
    if len(s) > limit:
        raise _Reject("too_long", field=fld, limit=limit)
    return s


# ------------------------------------------------------------------------------------ reading


@dataclass(slots=True)
class Row:
    seq: int  # position in the file (ties in time keep file order)
    sheet: str | None  # the xlsx sheet, None for CSV
    number: int  # the row number a spreadsheet shows (the header row counted)
    raw: dict[str, Any]  # header → cell as written
    vals: dict[str, Any]  # field → cell
    sheet_kind: str | None = None
    kind: str = ""
    status: str = ""  # imported | merged | rejected
    code: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    link_note: dict[str, Any] | None = None
    local: datetime | None = None  # naive, project-local
    has_time: bool = False
    at: datetime | None = None  # naive UTC
    day: date | None = None
    e164: str = ""
    name: str = ""
    advisor_name: str = ""
    advisor_id: int | None = None
    outcome: str = ""
    note: str = ""
    score: int | None = None
    relation: str = ""
    related: str = ""
    role: str = ""
    mentor: str = ""
    client: int | None = None
    entry: str = ""
    dup_of: "Row | None" = None

    @property
    def label(self) -> str:
        return f"{self.sheet}:{self.number}" if self.sheet else str(self.number)

    def reject(self, code: str, **data: Any) -> None:
        self.status, self.code, self.data = "rejected", code, data

    def done(self, status: str, code: str, **data: Any) -> None:
        self.status, self.code, self.data = status, code, data


@dataclass
class Table:
    rows: list[Row]
    ignored_columns: list[str]
    skipped_sheets: list[str]


def _header_row(cells: list[Any]) -> dict[int, str] | None:
    cols: dict[int, str] = {}
    for i, c in enumerate(cells):
        f = field_of(c)
        if f is not None:
            cols[i] = f
    return cols if len(set(cols.values())) >= 2 else None


def _rows_of(sheet: str | None, records: Iterable[list[Any]], start_seq: int, ignored: list[str]) -> list[Row] | None:
    """The data rows of one table: the header is the first of the first rows naming two fields."""
    it = iter(records)
    header: list[Any] | None = None
    cols: dict[int, str] | None = None
    number = 0
    for cells in it:
        number += 1
        cols = _header_row(list(cells))
        if cols is not None:
            header = list(cells)
            break
        if number >= HEADER_SCAN:
            return None
    if header is None or cols is None:
        return None
    names = [_text(h) for h in header]
    for i, h in enumerate(names):
        if h and i not in cols and h not in ignored:
            ignored.append(h)
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
        r = Row(seq, sheet, number, raw, vals, kind)
        seq += 1
        if same >= 2:
            r.reject("repeated_header")  # registers of several months pasted one under another
        out.append(r)
    return out


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
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise BadInput("file", "is neither UTF-8 nor GBK text: save the CSV as UTF-8")


def read_table(path: Path, progress: Progress | None = None) -> Table:
    ignored: list[str] = []
    skipped: list[str] = []
    if path.suffix.lower() == ".csv":
        text = _decode(path.read_bytes())
        first = next((ln for ln in text.splitlines() if ln.strip()), "")
        delim = max(",\t;", key=first.count) if first else ","
        try:
            rows = _rows_of(None, csv.reader(io.StringIO(text, newline=""), delimiter=delim), 0, ignored)
        except csv.Error as exc:
            raise BadInput("file", f"is not a readable CSV file ({exc})") from None
        if rows is None:
            raise BadInput("file", f"no header row in the first {HEADER_SCAN} rows: name the columns "
                                   "(日期/date, 电话/phone, 置业顾问/advisor, …)")
        return Table(rows, ignored, skipped)
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
        raise BadInput("file", f"is not a readable xlsx workbook ({type(exc).__name__})") from None
    out: list[Row] = []
    total = sum(ws.max_row or 0 for ws in wb.worksheets)
    done = 0

    def counted(ws: Any) -> Iterable[list[Any]]:  # openpyxl is slow on big sheets: show it moving
        nonlocal done
        for r in ws.iter_rows(values_only=True):
            done += 1
            if progress is not None and done % 2000 == 0:
                progress("read", done, max(total, done))
            yield list(r)

    try:
        for ws in wb.worksheets:
            rows = _rows_of(ws.title, counted(ws), len(out), ignored)
            if rows is None:
                skipped.append(ws.title)
                continue
            out.extend(rows)
    finally:
        wb.close()
    if not out and len(skipped) == len(wb.worksheets):
        raise BadInput("file", f"no sheet has a header row in its first {HEADER_SCAN} rows: name the columns "
                               "(日期/date, 电话/phone, 置业顾问/advisor, …)")
    return Table(out, ignored, skipped)
