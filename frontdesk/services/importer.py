"""Importing the registers an office keeps today (SPEC "Part 1": import existing paper/Excel
registers with cleaning and a report of what was merged or rejected).

One file, CSV or xlsx, holds any of: the visitor register (来访客户登记表), the call register
(进线电话登记本), follow-ups (跟进记录) and staff (员工). Each row says what it is in a 类型/type
column (or 登记本/register), or by the xlsx sheet it stands on. Chinese and English headers
are both accepted (the table FIELDS below; README "Importing paper registers").

What the import does, all in one transaction (a failure writes nothing; a dry run rolls back):

- staff rows first: a missing staff member is created with their role and no PIN;
- every client row is checked (type, date, phone, advisor, outcome…); a row that cannot be
  used is rejected with a reason and the row number;
- phones are normalised (frontdesk.rules.phones) and rows merged by phone into one client;
  a 关系/relation + 关联电话/related_phone keeps a household together (R2.5);
- visits and calls become register entries of kind "imported" that keep their original
  date and time (`at`, `day`) and carry the source row; `recorded_at` is the time of the
  import. They are REGISTER events for the advisor who served (route "imported"), so the
  R2.2 fold gives the owner the paper registers give. They are appended in chronological
  order of their original time **after the pages already in the register**: a register
  that is already in use gets the imported history numbered after its existing pages (the
  dates, not the page numbers, decide ownership). Rows already in the register (the same
  register, phone, advisor and minute) are not written twice, so a corrected file can be
  imported again;
- follow-ups become FollowUp rows with their original dates;
- a report (CSV) lists every row: imported, merged or rejected, with its reason.

The ledger path is batched: numbers and hashes are computed here with the ledger's own
`entry_hash`, exactly as `ledger.append` would, and inserted many at a time.
"""

from __future__ import annotations

import csv
import io
import os
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Callable, Iterable
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, func, insert, update
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import select

from frontdesk import i18n
from frontdesk.rules import phones, protection
from frontdesk.rules.reasons import Reason
from frontdesk.store import ledger
from frontdesk.store.models import (Client, ClientLink, FollowUp, LedgerHead, Person, Phone, RegisterEntry, Staff,
                                    StaffEvent)

from . import clientbook
from .base import FRONTLINE, MAX_NAME, MAX_NOTE, Base, Ctx, dumps
from .errors import BadInput, FrontdeskError

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
    for cells in it:
        number += 1
        raw: dict[str, Any] = {}
        vals: dict[str, Any] = {}
        same = 0  # cells that repeat their column's header
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
        if not raw:
            continue  # a blank row
        r = Row(seq, sheet, number, raw, vals, kind)
        seq += 1
        if same >= 2:
            r.reject("repeated_header")  # registers of several months pasted one under another
        out.append(r)
    return out


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


# ------------------------------------------------------------------------------------ parsing

_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s*[T ]\s*(.+))?$")
_DATE8 = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_TIME = re.compile(r"^(上午|早上|中午|下午|晚上|am|pm)?(\d{1,2})(?:[:：点时.](\d{1,2})?分?(?:[:：](\d{1,2})(?:\.\d+)?)?)?"
                   r"(am|pm)?$")
EXCEL_EPOCH = datetime(1899, 12, 30)


class _Parser:
    """Cell values into facts, with caches: a register repeats its dates and phones."""

    def __init__(self, zone: ZoneInfo, now_local: datetime):
        self.zone = zone
        self.now = now_local
        self.dates: dict[Any, tuple[date, time | None]] = {}
        self.times: dict[Any, time] = {}
        self.phones: dict[str, str] = {}
        self.utc: dict[datetime, datetime] = {}
        self.kinds: dict[str, str] = {}

    def date_of(self, v: Any) -> tuple[date, time | None]:
        if isinstance(v, datetime):
            return v.date(), (v.time() if v.time() != NO_TIME else None)
        if isinstance(v, date):
            return v, None
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            if 20000 < v < 80000:  # an Excel serial day number
                d = EXCEL_EPOCH + timedelta(days=float(v))
                d = d.replace(microsecond=0)
                return d.date(), (d.time() if d.time() != NO_TIME else None)
            v = _text(v)
        key = v
        got = self.dates.get(key)
        if got is not None:
            return got
        s = unicodedata.normalize("NFKC", _text(v)).strip()
        m = _DATE.match(s) or _DATE8.match(s)
        if not m:
            raise _Reject("bad_date", value=_text(v))
        try:
            d = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            raise _Reject("bad_date", value=_text(v)) from None
        t = None
        if m.re is _DATE and m.group(4):
            t = self.time_of(m.group(4))
        if d.year < 2000:
            raise _Reject("bad_date", value=_text(v))
        self.dates[key] = (d, t)
        return d, t

    def time_of(self, v: Any) -> time:
        if isinstance(v, datetime):
            return v.time().replace(microsecond=0)
        if isinstance(v, time):
            return v.replace(microsecond=0)
        if isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v < 1:
            secs = round(float(v) * 86400)
            return time(secs // 3600 % 24, secs // 60 % 60, secs % 60)
        key = _text(v)
        got = self.times.get(key)
        if got is not None:
            return got
        s = re.sub(r"\s", "", unicodedata.normalize("NFKC", key).lower())
        m = _TIME.match(s)
        if not m:
            raise _Reject("bad_time", value=key)
        h, mi, se = int(m.group(2)), int(m.group(3) or 0), int(m.group(4) or 0)
        half = m.group(1) or m.group(5)
        if half in ("下午", "晚上", "pm") and h < 12:
            h += 12
        elif half == "中午" and h < 3:
            h += 12
        elif half == "am" and h == 12:
            h = 0
        if h > 23 or mi > 59 or se > 59:
            raise _Reject("bad_time", value=key)
        t = time(h, mi, se)
        self.times[key] = t
        return t

    def phone_of(self, v: Any, fld: str = "phone") -> str:
        raw = _text(v)
        got = self.phones.get(raw)
        if got is not None:
            return got
        try:
            e164 = phones.normalise(raw).e164
        except phones.PhoneError:
            raise _Reject("bad_phone" if fld == "phone" else "bad_related_phone", value=raw) from None
        self.phones[raw] = e164
        return e164

    def to_utc(self, local: datetime) -> datetime:
        got = self.utc.get(local)
        if got is None:
            got = self.utc[local] = local.replace(tzinfo=self.zone).astimezone(timezone.utc).replace(tzinfo=None)
        return got

    # -------------------------------------------------------------------------------
    def kind_of(self, r: Row) -> str:
        t = r.vals.get("type")
        if t is not None:
            k = self.kinds.get(t) if isinstance(t, str) else None
            if k is not None:
                return k
            w = _word(t)
            if w not in REGISTER_ONLY:
                k = _TYPES.get(w)
                if k is None:
                    raise _Reject("bad_type", value=_text(t))
                if isinstance(t, str):
                    self.kinds[t] = k
                return k
        reg = r.vals.get("register")
        if reg is not None:
            k = _TYPES.get(_word(reg))
            if k not in ("visit", "call"):
                raise _Reject("bad_register", value=_text(reg))
            return k
        if r.sheet_kind:
            return r.sheet_kind
        raise _Reject("no_type")

    def parse(self, r: Row) -> None:
        v = r.vals
        r.kind = self.kind_of(r)
        if r.kind == "staff":
            r.name = _clean(v.get("name") or v.get("advisor"), "name")
            if not r.name:
                raise _Reject("no_name")
            role = v.get("role")
            r.role = _ROLES.get(_word(role), "") if role is not None else "advisor"
            if not r.role:
                raise _Reject("bad_role", value=_text(role))
            r.mentor = _clean(v.get("mentor"), "mentor")
            if "date" in v:
                r.day = self.date_of(v["date"])[0]
            return
        if "date" not in v:
            raise _Reject("no_date")
        d, t = self.date_of(v["date"])
        if "time" in v:
            t = self.time_of(v["time"])
        r.has_time = t is not None
        r.local = datetime.combine(d, t or NO_TIME)
        if r.local > self.now:
            raise _Reject("future_date", value=r.local.strftime("%Y-%m-%d %H:%M"),
                          now=self.now.strftime("%Y-%m-%d %H:%M"))
        r.day = d
        r.at = self.to_utc(r.local)
        if "phone" not in v:
            raise _Reject("no_phone")
        r.e164 = self.phone_of(v["phone"])
        r.name = _clean(v.get("name"), "name")
        r.advisor_name = _clean(v.get("advisor"), "advisor")
        if not r.advisor_name:
            raise _Reject("no_advisor")
        r.note = _clean(v.get("note"), "note", MAX_NOTE)
        if r.kind == "followup":
            r.outcome = _outcome(v.get("outcome"))
            if "score" in v:
                r.score = _score(v["score"])
        else:
            r.outcome = _clean(v.get("outcome"), "outcome", MAX_NOTE)
        rel, other = v.get("relation"), v.get("related_phone")
        if rel is not None and _word(rel) not in _SELF:
            r.relation = _RELATIONS.get(_word(rel), "")
            if not r.relation:
                raise _Reject("bad_relation", value=_text(rel))
        if other is not None:
            r.related = self.phone_of(other, "related_phone")
            if r.related == r.e164:
                raise _Reject("related_is_self", value=_text(other))
            if not r.relation:
                raise _Reject("phone_without_relation")
        elif r.relation:
            raise _Reject("relation_without_phone")


def _outcome(v: Any) -> str:
    w = _word(v)
    if not w:
        raise _Reject("no_outcome")
    if any(x in w for x in UNREACHABLE_WORDS):
        return "unreachable"
    if any(x in w for x in REACHED_WORDS):
        return "reached"
    raise _Reject("bad_outcome", value=_text(v))


def _score(v: Any) -> int | None:
    s = _text(v).removesuffix("分").strip()
    if not s:
        return None
    try:
        n = float(s)
    except ValueError:
        raise _Reject("bad_score", value=_text(v)) from None
    if not n.is_integer() or not 0 <= n <= 10:
        raise _Reject("bad_score", value=_text(v))
    return int(n)


def _compact(name: str) -> str:
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", name))


# ------------------------------------------------------------------------------------ the service


def check_paths(path: str | os.PathLike[str] | None, report: str | os.PathLike[str] | None) -> tuple[Path, Path]:
    """The input file and the report file, or BadInput naming which is wrong."""
    if not path or not str(path).strip():
        raise BadInput("file", "give the file to import (.csv or .xlsx)")
    p = Path(path).expanduser()
    if p.suffix.lower() not in EXTENSIONS:
        raise BadInput("file", f"{p.name}: unknown extension {p.suffix or '(none)'!r}; import .csv or .xlsx "
                               "(save an .xls workbook as .xlsx)")
    if not p.is_file():
        raise BadInput("file", f"{p} does not exist")
    rp = Path(report).expanduser() if report else p.with_suffix(".report.csv")
    if rp.suffix.lower() != ".csv":
        raise BadInput("report", f"{rp.name}: the report is a .csv file")
    if not rp.parent.is_dir():
        raise BadInput("report", f"folder {rp.parent} does not exist")
    if rp.exists() and rp.resolve() == p.resolve():
        raise BadInput("report", "the report would overwrite the file being imported")
    if not os.access(rp.parent, os.W_OK):
        raise BadInput("report", f"folder {rp.parent} is not writable")
    return p, rp


class ImportService(Base):
    def import_file(self, path: str | os.PathLike[str], dry_run: bool = False,
                    report: str | os.PathLike[str] | None = None, actor: str | None = None,
                    project: str | None = None, lang: str = "en", progress: Progress | None = None) -> dict[str, Any]:
        """Import a CSV or xlsx file of registers, follow-ups and staff (PM or GM). All or nothing;
        `dry_run` does everything and rolls back. Writes the row report; returns the counts."""
        src, report_path = check_paths(path, report)
        with self.op(actor, project, write=False) as c:  # who may, before a long file is read
            c.require("pm", "gm", rule="R2.1", code="pm_imports")
        table = read_table(src, progress)
        try:
            try:
                with self.op(actor, project) as c:
                    c.require("pm", "gm", rule="R2.1", code="pm_imports")
                    result = _Import(c, src, table, progress).run()
                    if dry_run:
                        raise _DryRun(result)
            except _DryRun as dry:
                result = dry.result
        except SQLAlchemyError as exc:
            raise ImportFailed(f"the database refused the import, so nothing was written: "
                               f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}") from exc
        write_report(report_path, table.rows, lang)
        rejected = [r for r in table.rows if r.status == "rejected"]
        counts = {s: sum(1 for r in table.rows if r.status == s) for s in ("imported", "merged", "rejected")}
        return {**counts, "rows": len(table.rows), "report": str(report_path.resolve()), "dry_run": dry_run,
                "file": str(src.resolve()), **result,
                "rejected_rows": [{"sheet": r.sheet, "row": r.number, "type": r.kind or None, "code": r.code,
                                   "message": message(r, lang)} for r in rejected],
                "ignored_columns": table.ignored_columns, "skipped_sheets": table.skipped_sheets}


PLAIN_PARAMS = frozenset({"row", "client"})  # shown as they are: no value words, no register refs


def message(r: Row, lang: str = "en", cache: dict[tuple, str] | None = None) -> str:
    """The row's outcome in words (`cache`: texts already rendered, by code and data)."""
    key: tuple | None = None
    if cache is not None and r.link_note is None and r.data and r.data.keys() <= PLAIN_PARAMS:
        # one rendering per code, the row's own values put in after ("same phone as row 12")
        tkey = (r.code, lang, r.status, tuple(sorted(r.data)))
        text = cache.get(tkey)
        if text is None:
            text = cache[tkey] = i18n.t(f"import.{r.code}", lang, **{k: f"\x00{k}\x00" for k in r.data})
        for k, v in r.data.items():
            text = text.replace(f"\x00{k}\x00", str(v))
        return text
    if cache is not None:
        try:
            key = (r.code, lang, r.status, tuple(r.data.items()),
                   tuple(r.link_note.items()) if r.link_note is not None else None)
            hit = cache.get(key)
        except TypeError:  # unhashable data
            key, hit = None, None
        if hit is not None:
            return hit
    text = i18n.t(f"import.{r.code}", lang, **r.data)
    if r.link_note is not None and r.status != "rejected":
        text += "; " + i18n.t("import.linked", lang, **r.link_note)
    if key is not None:
        cache[key] = text  # type: ignore[index]
    return text


def _national(e164: str, cache: dict[str, str]) -> str:
    if len(e164) == 14 and e164.startswith("+861"):
        return e164[3:]  # a mainland mobile: its national form is its 11 digits (as phones.national_of)
    got = cache.get(e164)
    if got is None:
        got = cache[e164] = phones.national_of(e164)
    return got


def write_report(path: Path, rows: list[Row], lang: str = "en") -> None:
    tmp = path.with_name(path.name + ".tmp")
    texts: dict[tuple, str] = {}
    nationals: dict[str, str] = {}
    with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(REPORT_COLUMNS)
        for r in rows:  # in file order
            shown = _national(r.e164, nationals) if r.e164 else _text(r.vals.get("phone"))
            w.writerow([r.sheet or "", r.number, r.kind, r.status, r.code, message(r, lang, texts), shown,
                        r.name or _text(r.vals.get("name")), r.advisor_name or _text(r.vals.get("advisor")),
                        (f"{r.local.date().isoformat()} {r.local.hour:02d}:{r.local.minute:02d}" if r.has_time
                         else r.local.date().isoformat())
                        if r.local else _text(r.vals.get("date")),
                        r.client or "", r.entry])
    os.replace(tmp, path)


REPEATED = frozenset({"day", "recorded_at", "created_at", "turn"})  # columns whose values repeat a lot


def _memo(fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
    seen: dict[Any, Any] = {}

    def conv(v: Any) -> Any:
        got = seen.get(v)
        if got is None:
            got = seen[v] = fn(v)
        return got
    return conv


class _Import:
    """One import inside one transaction: check every row, then write in batches."""

    def __init__(self, c: Ctx, src: Path, table: Table, progress: Progress | None):
        self.c = c
        self.src = src
        self.rows = table.rows
        self.progress = progress or (lambda stage, done, total: None)
        self.pid = c.pid
        self.zone = ZoneInfo(c.project.tz)
        self.staff: dict[str, Staff] = {}
        self.compact: dict[str, Staff] = {}
        self.created: dict[str, int] = defaultdict(int)

    # ------------------------------------------------------------------------------
    def run(self) -> dict[str, Any]:
        parser = _Parser(self.zone, self.c.now.replace(tzinfo=None))
        n = len(self.rows)
        for i, r in enumerate(self.rows):
            if r.status == "rejected":
                continue
            try:
                parser.parse(r)
            except _Reject as rej:
                r.reject(rej.code, **rej.data)
            if i % 2000 == 0:
                self.progress("check", i, n)
        self.progress("check", n, n)
        self._load_staff()
        self._staff_rows([r for r in self.rows if r.kind == "staff" and not r.status])
        rows = [r for r in self.rows if r.kind in ("visit", "call", "followup") and not r.status]
        self._advisors(rows)
        rows = sorted((r for r in rows if not r.status), key=lambda r: (r.at, r.seq))
        return self._clients(rows)

    # staff --------------------------------------------------------------------------
    def _load_staff(self) -> None:
        for st in self.c.s.exec(select(Staff)).all():
            self._know(st)

    def _know(self, st: Staff) -> None:
        self.staff[st.name] = st
        self.compact.setdefault(_compact(st.name), st)

    def _find_staff(self, name: str) -> Staff | None:
        return self.staff.get(name) or self.compact.get(_compact(name))

    def _staff_rows(self, rows: list[Row]) -> None:
        c = self.c
        for r in sorted(rows, key=lambda r: (r.role == "trainee", r.seq)):  # mentors before their trainees
            st = self._find_staff(r.name)
            if st is not None:
                if st.project_id != self.pid or not st.active:
                    r.reject("staff_other_project", name=st.name)
                else:
                    r.done("merged", "staff_exists", name=st.name, staff_role=st.role)
                continue
            mentor = None
            if r.mentor:
                mentor = self._find_staff(r.mentor)
                if mentor is None or mentor.project_id != self.pid or mentor.role not in ("advisor", "pm"):
                    r.reject("unknown_mentor", mentor=r.mentor)
                    continue
            elif r.role == "trainee":
                r.reject("trainee_needs_mentor")
                continue
            st = Staff(project_id=self.pid, name=r.name, initials=clientbook.initials(r.name), role=r.role,
                       mentor_id=mentor.id if mentor else None, pin_hash=None, joined_on=r.day or c.today,
                       created_at=c.at)
            c.s.add(st)
            c.s.flush()
            c.s.add(StaffEvent(staff_id=st.id, project_id=self.pid, kind="added",
                               data=dumps({"role": r.role, "imported": self.src.name, "row": r.label}),
                               by_id=c.user().id, at=c.at, day=c.today, recorded_at=c.recorded_at))
            self._know(st)
            self.created["staff"] += 1
            r.done("imported", "staff_added", name=st.name, staff_role=st.role)
            r.entry = "staff"

    def _advisors(self, rows: list[Row]) -> None:
        known: dict[str, tuple[int | None, str, str, dict[str, Any]]] = {}  # name as written → verdict
        code = self.c.project.code
        for r in rows:
            got = known.get(r.advisor_name)
            if got is None:
                st = self._find_staff(r.advisor_name)
                if st is None:
                    got = (None, r.advisor_name, "unknown_advisor", {"advisor": r.advisor_name, "project": code})
                elif st.project_id != self.pid or not st.active:
                    got = (None, st.name, "advisor_other_project", {"advisor": st.name, "project": code})
                elif st.role not in FRONTLINE:
                    got = (None, st.name, "not_frontline", {"advisor": st.name, "staff_role": st.role})
                else:
                    got = (st.id, st.name, "", {})
                known[r.advisor_name] = got
            r.advisor_id, r.advisor_name = got[0], got[1]
            if got[0] is None:
                r.reject(got[2], **got[3])

    # clients ------------------------------------------------------------------------
    def _db_phones(self, e164s: set[str]) -> dict[str, tuple[int, int, str, str]]:
        """e164 → (client id, person id, person name, person relation) for phones already on record."""
        c = self.c
        canon = {cid: m for cid, m in c.s.exec(select(Client.id, Client.merged_into_id)
                                                .where(Client.project_id == self.pid,
                                                       Client.merged_into_id != None))}  # noqa: E711
        out = {}
        items = sorted(e164s)
        for i in range(0, len(items), 500):
            chunk = items[i:i + 500]
            q = (select(Phone.e164, Phone.client_id, Phone.person_id, Person.name, Person.relation)
                 .join(Person, Person.id == Phone.person_id)
                 .where(Phone.project_id == self.pid, Phone.e164.in_(chunk)))  # type: ignore[attr-defined]
            for e164, cid, person_id, name, relation in c.s.exec(q):
                while cid in canon:
                    cid = canon[cid]
                out[e164] = (cid, person_id, name, relation)
        return out

    def _clients(self, rows: list[Row]) -> dict[str, Any]:
        c = self.c
        db = self._db_phones({r.e164 for r in rows} | {r.related for r in rows if r.related})
        # household links (R2.5): phones joined into one client; two clients already on record stay apart
        parent: dict[str, str] = {}

        def find(x: str) -> str:
            while parent.get(x, x) != x:
                parent[x] = parent.get(parent[x], parent[x])
                x = parent[x]
            return x

        root_db: dict[str, int] = {e: v[0] for e, v in db.items()}
        for r in rows:
            if not r.related:
                continue
            ra, rb = find(r.e164), find(r.related)
            if ra == rb:
                continue
            da, dbc = root_db.get(ra), root_db.get(rb)
            if da is not None and dbc is not None and da != dbc:
                r.reject("link_conflict", phone=phones.masked_of(r.e164), related=phones.masked_of(r.related),
                         a=da, b=dbc)
                continue
            parent[rb] = ra
            if da is None and dbc is not None:
                root_db[ra] = dbc
        rows = [r for r in rows if not r.status]
        registered = {find(r.e164) for r in rows if r.kind != "followup"}
        for r in rows:
            if r.kind == "followup" and root_db.get(find(r.e164)) is None and find(r.e164) not in registered:
                r.reject("unknown_client", phone=phones.masked_of(r.e164))
        rows = [r for r in rows if not r.status]
        rows = self._dedupe(rows, db, find, root_db)

        # who is who: one client per linked group, one person per phone
        new_clients: list[dict[str, Any]] = []
        client_of: dict[str, tuple[str, int]] = {}  # root → ("db", id) | ("new", index)
        new_people: list[dict[str, Any]] = []
        person_of: dict[str, tuple[str, int]] = {}  # e164 → ("db", person id) | ("new", index)
        first_row: dict[str, Row] = {}
        db_person_updates: dict[int, dict[str, Any]] = {}
        links: list[tuple[Row, str]] = []

        def client_key(e164: str) -> tuple[str, int]:
            root = find(e164)
            key = client_of.get(root)
            if key is None:
                dbc = root_db.get(root)
                if dbc is not None:
                    key = ("db", dbc)
                else:
                    key = ("new", len(new_clients))
                    new_clients.append({"project_id": self.pid, "merged_into_id": None, "owner_id": None,
                                        "last_contact": None, "created_at": c.at})
                client_of[root] = key
            return key

        pinyin: dict[str, str] = {}  # names repeat (张伟, 王芳…): their initials once

        def initials(name: str) -> str:
            got = pinyin.get(name)
            if got is None:
                got = pinyin[name] = clientbook.initials(name)
            return got

        def person(e164: str, name: str, relation: str) -> tuple[tuple[str, int], bool]:
            key = person_of.get(e164)
            if key is not None:
                if key[0] == "new":
                    p = new_people[key[1]]
                    if name and not p["name"]:
                        p["name"], p["initials"] = name, initials(name)
                    if relation:
                        p["relation"] = relation
                return key, False
            if e164 in db:
                _cid, pid_, pname, prel = db[e164]
                key = ("db", pid_)
                person_of[e164] = key
                upd: dict[str, Any] = {}
                if name and not pname:
                    upd.update(name=name, initials=initials(name))
                if relation and relation != prel:
                    upd["relation"] = relation
                if upd:
                    db_person_updates.setdefault(pid_, {}).update(upd)
                return key, False
            ck = client_key(e164)
            key = ("new", len(new_people))
            new_people.append({"project_id": self.pid, "client": ck, "name": name,
                               "initials": initials(name) if name else "",
                               "relation": relation or "self", "created_at": c.at, "e164": e164})
            person_of[e164] = key
            return key, True

        for r in rows:
            r.client = None
            ck = client_key(r.e164)
            _key, new = person(r.e164, r.name, r.relation)
            if r.kind == "followup":
                r.done("imported", "followup")
            elif new:
                r.done("imported", "new_client")
            elif r.e164 in db:
                r.done("merged", "merged_db", client=ck[1])
            else:
                r.done("merged", "merged_file", row=first_row[r.e164].label)
            first_row.setdefault(r.e164, r)
            if r.related:
                person(r.related, "", "")
                first_row.setdefault(r.related, r)
                links.append((r, r.related))
                r.link_note = {"kin": r.relation, "related": phones.masked_of(r.related)}
        return self._write(rows, new_clients, new_people, person_of, client_key, db_person_updates, links)

    def _dedupe(self, rows: list[Row], db: dict[str, tuple[int, int, str, str]], find: Callable[[str], str],
                root_db: dict[str, int]) -> list[Row]:
        """Rows written already — earlier in this file, or in the register — are not written twice."""
        c = self.c
        if not rows:
            return rows
        lo, hi = rows[0].at, rows[-1].at
        have: dict[tuple, str] = {}
        for book, e164, at, adv, number in c.s.exec(
                select(RegisterEntry.book, RegisterEntry.phone_e164, RegisterEntry.at, RegisterEntry.advisor_id,
                       RegisterEntry.number)
                .where(RegisterEntry.project_id == self.pid, RegisterEntry.at >= lo, RegisterEntry.at <= hi,
                       RegisterEntry.kind != "amend")):
            have.setdefault((book, e164, at, adv), f"{book}#{number}")
        canon = {cid: m for cid, m in c.s.exec(select(Client.id, Client.merged_into_id).where(
            Client.project_id == self.pid, Client.merged_into_id != None))}  # noqa: E711
        for fid, cid, adv, at, outcome in c.s.exec(
                select(FollowUp.id, FollowUp.client_id, FollowUp.advisor_id, FollowUp.at, FollowUp.outcome)
                .where(FollowUp.project_id == self.pid, FollowUp.at >= lo, FollowUp.at <= hi)):
            while cid in canon:
                cid = canon[cid]
            have.setdefault(("followup", cid, at, adv, outcome), f"followup#{fid}")
        seen: dict[tuple, Row] = {}
        out = []
        for r in rows:
            if r.kind == "followup":
                key: tuple = ("followup", r.e164, r.at, r.advisor_id, r.outcome)
                dbc = root_db.get(find(r.e164))
                old = have.get(("followup", dbc, r.at, r.advisor_id, r.outcome)) if dbc is not None else None
            else:
                key = (r.kind, r.e164, r.at, r.advisor_id)
                old = have.get(key)
            if key in seen:
                r.done("merged", "duplicate_row", row=seen[key].label)
                r.dup_of = seen[key]
                continue
            seen[key] = r
            if old is not None:
                r.done("merged", "already_recorded", entry=old)
                r.entry = old
                continue
            out.append(r)
        return out

    # writing ------------------------------------------------------------------------
    def _insert_returning(self, model: Any, values: list[dict[str, Any]]) -> list[int]:
        """Insert rows and return their new ids, in order."""
        if not values:
            return []
        t = model.__table__
        if self.c.s.get_bind().dialect.name == "sqlite":
            # the write transaction holds the database (BEGIN IMMEDIATE): number the rows here rather
            # than ask for each id back (SQLite answers RETURNING row by row when the order matters)
            top = self.c.s.execute(select(func.max(t.c.id))).scalar() or 0
            ids = list(range(top + 1, top + 1 + len(values)))
            self._insert(model, [{**v, "id": i} for v, i in zip(values, ids)])
            return ids
        ids = []
        for i in range(0, len(values), CHUNK):
            res = self.c.s.execute(insert(t).returning(t.c.id, sort_by_parameter_order=True), values[i:i + CHUNK])
            ids.extend(res.scalars().all())
        return ids

    def _insert(self, model: Any, values: list[dict[str, Any]]) -> None:
        """Many rows at once. On SQLite the driver's executemany is fed directly, each value
        converted by its column type's own bind processor (what SQLAlchemy would store)."""
        if not values:
            return
        t = model.__table__
        conn = self.c.s.connection()
        if conn.dialect.name != "sqlite":
            for i in range(0, len(values), CHUNK):
                conn.execute(insert(t), values[i:i + CHUNK])
            return
        cols = list(values[0])
        procs = [(i, _memo(p) if k in REPEATED else p) for i, k in enumerate(cols)
                 if (p := t.c[k].type.dialect_impl(conn.dialect).bind_processor(conn.dialect)) is not None]
        names = ", ".join('"' + k + '"' for k in cols)
        marks = ", ".join("?" for _ in cols)
        sql = f'INSERT INTO "{t.name}" ({names}) VALUES ({marks})'
        for i in range(0, len(values), CHUNK):
            batch = []
            for v in values[i:i + CHUNK]:
                row = [v[k] for k in cols]
                for j, p in procs:
                    if row[j] is not None:
                        row[j] = p(row[j])
                batch.append(tuple(row))
            conn.exec_driver_sql(sql, batch)

    def _write(self, rows: list[Row], new_clients: list[dict[str, Any]], new_people: list[dict[str, Any]],
               person_of: dict[str, tuple[str, int]], client_key: Callable[[str], tuple[str, int]],
               db_person_updates: dict[int, dict[str, Any]], links: list[tuple[Row, str]]) -> dict[str, Any]:
        c = self.c
        c.s.flush()
        client_ids = self._insert_returning(Client, new_clients)

        def cid(key: tuple[str, int]) -> int:
            return key[1] if key[0] == "db" else client_ids[key[1]]

        people = [{k: p[k] for k in ("project_id", "name", "initials", "relation", "created_at")} | {"client_id": cid(p["client"])}
                  for p in new_people]
        person_ids = self._insert_returning(Person, people)
        self._insert(Phone, [{"project_id": self.pid, "person_id": person_ids[i], "client_id": people[i]["client_id"],
                              "e164": p["e164"], "tail": phones.tail_of(p["e164"]), "created_at": c.at}
                             for i, p in enumerate(new_people)])
        if db_person_updates:
            pt = Person.__table__
            for pid_, upd in db_person_updates.items():
                c.s.execute(update(pt).where(pt.c.id == pid_).values(**upd))

        def person_id(e164: str) -> int:
            k = person_of[e164]
            return k[1] if k[0] == "db" else person_ids[k[1]]

        # the registers: chronological, after the pages already there
        events: dict[int, list[protection.Event]] = defaultdict(list)
        touched_db: set[int] = set()
        n_written = 0
        total = len(rows)
        numbers: dict[str, list[int]] = {}
        operator = c.user().id
        ids_of: dict[str, tuple[bool, int, int]] = {}  # e164 → (a new client?, client id, person id)

        def ids(e164: str) -> tuple[bool, int, int]:
            got = ids_of.get(e164)
            if got is None:
                key = client_key(e164)
                got = ids_of[e164] = (key[0] == "new", cid(key), person_id(e164))
                if key[0] == "db":
                    touched_db.add(got[1])
            return got

        for book in ("visit", "call"):
            book_rows = [r for r in rows if r.kind == book]
            if not book_rows:
                continue
            head = c.s.exec(select(LedgerHead).where(LedgerHead.project_id == self.pid, LedgerHead.book == book)
                            .with_for_update()).first()
            if head is None:
                head = LedgerHead(project_id=self.pid, book=book, last_number=0, last_hash=ledger.GENESIS)
                c.s.add(head)
            number, prev = head.last_number, head.last_hash
            first = number + 1
            batch: list[dict[str, Any]] = []
            for r in book_rows:
                number += 1
                new, client, person = ids(r.e164)
                data = {"source": {"file": self.src.name, "sheet": r.sheet, "row": r.number, "values": r.raw},
                        "time": f"{r.local.hour:02d}:{r.local.minute:02d}" if r.has_time else None}  # type: ignore[union-attr]
                if r.outcome:
                    data["outcome"] = r.outcome
                if r.note:
                    data["note"] = r.note
                e = {"project_id": self.pid, "book": book, "number": number, "kind": "imported", "at": r.at,
                     "day": r.day, "recorded_at": c.recorded_at, "operator_id": operator,
                     "advisor_id": r.advisor_id, "owner_id": r.advisor_id, "client_id": client,
                     "person_id": person, "phone_e164": r.e164, "name": r.name or "",
                     "route": "imported", "effect": protection.REGISTER, "turn": False, "amends": None,
                     "data": dumps(data), "prev_hash": prev}
                e["hash"] = prev = ledger.entry_hash(SimpleNamespace(**e))  # type: ignore[arg-type]
                batch.append(e)
                r.entry, r.client = f"{book}#{number}", client
                if new:
                    events[client].append(protection.Event(r.at, r.day, protection.REGISTER, r.advisor_id,  # type: ignore[arg-type]
                                                           r.entry, "imported"))
                if len(batch) >= CHUNK:
                    self._insert(RegisterEntry, batch)
                    n_written += len(batch)
                    batch = []
                    self.progress("write", n_written, total)
            self._insert(RegisterEntry, batch)
            n_written += len(batch)
            self.progress("write", n_written, total)
            head.last_number, head.last_hash = number, prev
            c.s.add(head)
            numbers[book] = [first, number]
        # follow-ups, with their original dates
        fus = [r for r in rows if r.kind == "followup"]
        fu_values = []
        for r in fus:
            r.client = ids(r.e164)[1]
            fu_values.append({"project_id": self.pid, "client_id": r.client, "advisor_id": r.advisor_id,
                              "outcome": r.outcome, "note": r.note, "score": r.score, "at": r.at, "day": r.day,
                              "recorded_at": c.recorded_at})
        fu_ids = self._insert_returning(FollowUp, fu_values)
        for r, fid in zip(fus, fu_ids):
            r.entry = f"followup#{fid}"
            if ids(r.e164)[0]:
                effect, kind = protection.followup_effect(r.outcome, False)
                events[r.client].append(protection.Event(r.at, r.day, effect, r.advisor_id, r.entry, kind))  # type: ignore[arg-type]
        self.progress("write", total, total)
        # household links (R2.5), recorded as the PM's act
        link_values = []
        done_links: set[tuple[int, int]] = set()
        for r, _other in links:
            key = ids(r.e164)[1:]
            if key in done_links:
                continue
            done_links.add(key)
            link_values.append({"project_id": self.pid, "client_id": key[0], "merged_client_id": None,
                                "person_id": key[1], "relation": r.relation, "by_id": c.user().id, "at": c.at,
                                "recorded_at": c.recorded_at})
        self._insert(ClientLink, link_values)
        # the ownership cache (R2.2 fold) of every client the import touched
        self._refresh(events, touched_db)
        for r in self.rows:
            if r.dup_of is not None:
                r.entry, r.client = r.dup_of.entry, r.dup_of.client
        self.created.update(clients=len(new_clients), people=len(new_people), followups=len(fus),
                            links=len(link_values), visits=sum(1 for r in rows if r.kind == "visit"),
                            calls=sum(1 for r in rows if r.kind == "call"))
        reasons = [Reason("R2.1", "import_appended", {"first": f"{book}#{a}", "last": f"{book}#{b}"})
                   for book, (a, b) in numbers.items()]
        return {"created": dict(self.created), "entries": {b: {"first": a, "last": z} for b, (a, z) in numbers.items()},
                "reasons": reasons}

    def _refresh(self, events: dict[int, list[protection.Event]], touched_db: set[int]) -> None:
        c = self.c
        days = int(c.setting("protection_days"))
        values = []
        for client, evs in events.items():
            if all(ev.effect == protection.REGISTER and ev.advisor == evs[0].advisor for ev in evs):
                # registrations by one advisor only: theirs, from the last one (what the fold gives)
                values.append({"cid": client, "o": evs[0].advisor, "lc": max(ev.day for ev in evs)})
                continue
            own = protection.fold(evs, c.today, days)
            values.append({"cid": client, "o": own.owner if own.owner is not None else own.previous_owner,
                           "lc": own.last_contact})
        ids = sorted(touched_db)
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            members = list(c.s.exec(select(Client.id, Client.merged_into_id).where(
                (Client.id.in_(chunk)) | (Client.merged_into_id.in_(chunk)))))  # type: ignore[attr-defined]
            canon = {m: (into or m) for m, into in members}
            by_client, _ = clientbook.histories(c, list(canon))
            grouped: dict[int, list[protection.Event]] = defaultdict(list)
            for k, evs in by_client.items():
                grouped[canon.get(k, k)].extend(evs)
            for client in chunk:
                own = protection.fold(grouped.get(client, []), c.today, days)
                values.append({"cid": client, "o": own.owner if own.owner is not None else own.previous_owner,
                               "lc": own.last_contact})
        if values:
            t = Client.__table__
            stmt = update(t).where(t.c.id == bindparam("cid")).values(owner_id=bindparam("o"), last_contact=bindparam("lc"))
            for i in range(0, len(values), CHUNK):
                c.s.connection().execute(stmt, values[i:i + CHUNK])
