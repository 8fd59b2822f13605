"""The import's vocabulary (headers, type and role words) and its rows (read.py reads a file into them)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, Callable

from ..base import MAX_NAME
from ..errors import FrontdeskError

Progress = Callable[[str, int, int], None]  # (stage "check" | "write", done, total)

EXTENSIONS = (".csv", ".xlsx")
NO_TIME = time(0, 0)  # a row without a time: midnight of its day (data.time is null)
HEADER_SCAN = 10  # the header row is found among the first rows (a title may stand above it)
CHUNK = 5000

# canonical field → accepted headers (compared normalised: NFKC, lower case, no spaces, _ - * :
# or bracketed parts; "日期/date" is tried as 日期 and as date)
FIELDS: dict[str, tuple[str, ...]] = {
    "date": ("日期", "来访日期", "来电日期", "到访日期", "跟进日期", "登记日期", "入职日期", "date", "day"),
    "time": ("时间", "来访时间", "来电时间", "跟进时间", "time"),  # the date, when no column is the date
    "type": ("类型", "类别", "记录类型", "type", "rowtype"),
    "channel": ("方式", "来访方式", "渠道", "来源", "channel", "source"),  # a word that names no register defers
    "tick_visit": ("来访", "到访", "visit", "visited"),  # tick columns: √ in one, or the other
    "tick_call": ("来电", "进线", "call", "called"),
    "register": ("登记本", "登记表", "登记簿", "register", "book"),
    "name": ("姓名", "客户姓名", "客户", "客户名称", "名字", "员工姓名", "name", "client", "clientname"),
    "phone": ("电话", "手机", "手机号", "手机号码", "联系电话", "客户电话", "电话号码", "联系方式", "phone", "mobile",
              "tel", "telephone", "contact"),
    "advisor": ("置业顾问", "顾问", "接待顾问", "接待人", "接听人", "跟进人", "销售", "销售顾问", "经办人", "advisor",
                "consultant", "agent", "sales"),
    "outcome": ("结果", "跟进结果", "接通情况", "outcome", "result"),
    "note": ("备注", "内容", "跟进内容", "说明", "note", "notes", "remark", "remarks"),
    "intent": ("意向", "意向房型", "需求", "意向户型", "意向面积", "购房需求", "intent", "interest", "wants"),
    "seq": ("序号", "no", "#"),
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
    ctx: Any = None  # the dates.Context of the row's table
    notes: list[tuple[str, dict[str, Any]]] | None = None  # what the report adds: (message key, values)
    intent: str = ""
    more_phones: tuple[str, ...] = ()  # other numbers in the phone cell: the same person's
    extension: str = ""
    also_call: bool = False  # 来访 and 来电 both ticked: a page in each register

    def say(self, code: str, **data: Any) -> None:
        """A note for the report: how the row was read (a date's year, a register, a number)."""
        if self.notes is None:
            self.notes = []
        self.notes.append((code, data))

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
    contexts: list[Any] = field(default_factory=list)  # dates.Context of each table read
    skipped_rows: list[dict[str, Any]] = field(default_factory=list)  # totals rows: {sheet, row, text}
