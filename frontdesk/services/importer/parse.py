"""Checking one row: its kind, date and time, phone, outcome and score; a row that cannot be used is rejected."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from frontdesk.rules import phones

from ..base import MAX_NOTE
from .table import (
    _RELATIONS,
    _ROLES,
    _SELF,
    _TYPES,
    NO_TIME,
    REACHED_WORDS,
    REGISTER_ONLY,
    UNREACHABLE_WORDS,
    Row,
    _clean,
    _Reject,
    _text,
    _word,
)

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
        self.moments: dict[tuple[str, str | None], tuple[bool, datetime, date, datetime]] = {}

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

    def moment_of(self, day: Any, at: Any) -> tuple[bool, datetime, date, datetime]:
        """(has a time, local time, day, UTC time) of a date cell and a time cell (None: no time)."""
        key = (day, at) if type(day) is str and (at is None or type(at) is str) else None  # text cells repeat
        got = self.moments.get(key) if key is not None else None
        if got is None:
            d, t = self.date_of(day)
            if at is not None:
                t = self.time_of(at)
            local = datetime.combine(d, t or NO_TIME)
            got = (t is not None, local, d, self.to_utc(local))
            if key is not None:
                self.moments[key] = got
        return got

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
        r.has_time, r.local, r.day, r.at = self.moment_of(v["date"], v.get("time"))
        if r.local > self.now:
            raise _Reject("future_date", value=r.local.strftime("%Y-%m-%d %H:%M"),
                          now=self.now.strftime("%Y-%m-%d %H:%M"))
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
