"""Checking one row: its kind, date and time, phone, outcome and score; a row that cannot be used is rejected."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time, timezone
from typing import Any
from zoneinfo import ZoneInfo

from frontdesk.rules import phones

from ..base import MAX_NOTE
from .dates import Context, DateQuestion, read_date, register_in, serial_day
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

_TIME = re.compile(r"^(上午|早上|中午|下午|晚上|am|pm)?(\d{1,2})(?:[:：点时.](\d{1,2})?分?(?:[:：](\d{1,2})(?:\.\d+)?)?)?"
                   r"(am|pm)?$")
_SPLIT = re.compile(r"\s*(?:[/、;；,，|｜\n\r]|或)\s*|(?<=\d{11})\s+(?=\d{7})")  # two numbers in one cell
_EXT = re.compile(r"^(.*?\d)\s*(?:转|分机|ext\.?|x|#|-)\s*(\d{1,6})$", re.IGNORECASE)  # a landline's extension
_UNTICKED = {"", "0", "否", "无", "no", "n", "false", "×", "x", "✗", "-", "/"}


class _Parser:
    """Cell values into facts, with caches: a register repeats its dates and phones."""

    def __init__(self, zone: ZoneInfo, now_local: datetime):
        self.zone = zone
        self.now = now_local
        self.times: dict[Any, time] = {}
        self.phones: dict[str, tuple[str, tuple[str, ...], str]] = {}
        self.utc: dict[datetime, datetime] = {}
        self.kinds: dict[str, str] = {}
        self.channels: dict[str, str | None] = {}
        self.bare = Context()  # a row read without a table (tests)

    def date_of(self, v: Any, ctx: Context | None = None) -> tuple[date, str | time | None, str]:
        """(the day, its time (a time, or the text after the date) or None, what the table gave: "" |
        "year" | "month" (and the year))."""
        if isinstance(v, datetime):
            return v.date(), (v.time() if v.time() != NO_TIME else None), ""
        if isinstance(v, date):
            return v, None, ""
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            if 20000 < v < 80000:  # an Excel serial day number
                d = serial_day(v)
                return d.date(), (d.time() if d.time() != NO_TIME else None), ""
            v = _text(v)
        cache = (ctx or self.bare).dates
        got = cache.get(v)
        if got is not None:
            return got
        try:
            got = read_date(unicodedata.normalize("NFKC", _text(v)).strip(), ctx)
        except DateQuestion as q:
            raise _Reject(q.code, **{**q.data, "value": _text(v)}) from None
        cache[v] = got
        return got

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

    def phone_of(self, v: Any, fld: str = "phone") -> tuple[str, tuple[str, ...], str]:
        """(the number, the other numbers the cell holds, a landline's extension) of a phone cell."""
        raw = _text(v)
        got = self.phones.get(raw)
        if got is not None:
            return got
        try:
            got = (phones.normalise(raw).e164, (), "")
        except phones.PhoneError:
            got = _phones(raw, "bad_phone" if fld == "phone" else "bad_related_phone")
        self.phones[raw] = got
        return got

    def moment_of(self, day: Any, at: Any, ctx: Context | None) -> tuple[bool, datetime, date, datetime, str, str]:
        """(has a time, local time, day, UTC time, what the table gave the date (see date_of), a time
        that could not be read — the row keeps its day) of a date cell and a time cell (None: no time)."""
        cache = (ctx or self.bare).moments
        key = (day, at) if type(day) is str and (at is None or type(at) is str) else None  # text cells repeat
        got = cache.get(key) if key is not None else None
        if got is None:
            d, t, used = self.date_of(day, ctx)
            bad = ""
            if at is not None:
                t = at
            if t is not None and (at is not None or type(t) is not time):
                try:
                    t = self.time_of(t)
                except _Reject:
                    bad, t = _text(t), None
            local = datetime.combine(d, t or NO_TIME)  # type: ignore[arg-type]
            got = (t is not None, local, d, self.to_utc(local), used, bad)
            if key is not None:
                cache[key] = got
        return got

    def to_utc(self, local: datetime) -> datetime:
        got = self.utc.get(local)
        if got is None:
            got = self.utc[local] = local.replace(tzinfo=self.zone).astimezone(timezone.utc).replace(tzinfo=None)
        return got

    # -------------------------------------------------------------------------------
    def kind_of(self, r: Row) -> str:
        """The register (or follow-up, staff) a row is for: its type cell, its channel cell when that
        names a register, its 来访/来电 ticks, its register cell, its sheet, its table's title; a
        register row that says none of these is a visit (the report says so)."""
        v = r.vals
        t = v.get("type")
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
        ch = v.get("channel")
        if ch is not None:
            k = self.channels.get(ch) if isinstance(ch, str) else None
            if k is None:
                k = _TYPES.get(_word(ch))
                k = k if k in ("visit", "call") else register_in(_text(ch))
                if isinstance(ch, str):
                    self.channels[ch] = k or ""
            if k:
                return k
        if "tick_visit" in v or "tick_call" in v:
            visit, call = _ticked(v.get("tick_visit")), _ticked(v.get("tick_call"))
            if visit or call:
                r.also_call = visit and call
                return "visit" if visit else "call"
        reg = v.get("register")
        if reg is not None:
            k = _TYPES.get(_word(reg))
            if k not in ("visit", "call"):
                raise _Reject("bad_register", value=_text(reg))
            return k
        if r.sheet_kind:
            return r.sheet_kind
        if r.ctx is not None and r.ctx.kind:
            return r.ctx.kind
        r.say("visit_by_default")
        return "visit"

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
                r.day = self.date_of(v["date"], r.ctx)[0]
            return
        if "date" not in v:
            raise _Reject("no_date")
        r.has_time, r.local, r.day, r.at, used, bad = self.moment_of(v["date"], v.get("time"), r.ctx)
        if used:
            ctx = r.ctx or self.bare
            ctx.used += 1
            value, day = _text(v["date"]), r.day.isoformat()  # type: ignore[union-attr]
            if used == "year":
                r.say(f"date_year_from_{ctx.year_from}", value=value, day=day, said=ctx.said.get(ctx.year_from, ""))
            elif ctx.month_from == ctx.year_from:
                r.say(f"date_ym_from_{ctx.year_from}", value=value, day=day, said=ctx.said.get(ctx.year_from, ""))
            else:
                r.say(f"date_m_from_{ctx.month_from}", value=value, day=day, said=ctx.said.get(ctx.month_from, ""))
                r.say(f"date_y_from_{ctx.year_from}", value=value, said=ctx.said.get(ctx.year_from, ""))
        if bad:
            r.say("time_dropped", value=bad)
        if r.local > self.now:  # type: ignore[operator]
            raise _Reject("future_date", value=r.local.strftime("%Y-%m-%d %H:%M"),  # type: ignore[union-attr]
                          now=self.now.strftime("%Y-%m-%d %H:%M"))
        if "phone" not in v:
            raise _Reject("no_phone")
        r.e164, r.more_phones, r.extension = self.phone_of(v["phone"])
        if r.more_phones:
            r.say("more_phones", phones=", ".join(phones.masked_of(e) for e in r.more_phones))
        if r.extension:
            r.say("extension", extension=r.extension)
        r.name = _clean(v.get("name"), "name")
        r.advisor_name = _clean(v.get("advisor"), "advisor")
        if not r.advisor_name:
            raise _Reject("no_advisor")
        r.note = _clean(v.get("note"), "note", MAX_NOTE)
        if "intent" in v:
            r.intent = _clean(v["intent"], "intent", MAX_NOTE)
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
            r.related = self.phone_of(other, "related_phone")[0]
            if r.related == r.e164:
                raise _Reject("related_is_self", value=_text(other))
            if not r.relation:
                raise _Reject("phone_without_relation")
        elif r.relation:
            raise _Reject("relation_without_phone")


def _ticked(v: Any) -> bool:
    """A tick column's cell says yes (√, ✓, 1, 是, ●…): anything but blank, 0, 否, 无, ×."""
    return v is not None and _word(v) not in _UNTICKED


def _phones(raw: str, code: str) -> tuple[str, tuple[str, ...], str]:
    """Several numbers in one cell (138…/139…, 、 ； or a new line between), a landline with its extension."""
    found: list[str] = []
    ext = ""
    for part in _SPLIT.split(unicodedata.normalize("NFKC", raw).strip()):
        if not part:
            continue
        try:
            e164, x = phones.normalise(part).e164, ""
        except phones.PhoneError:
            m = _EXT.match(part)
            ph = None
            if m is not None:
                try:
                    ph = phones.normalise(m.group(1))
                except phones.PhoneError:
                    ph = None
            if ph is None or ph.kind != "landline":
                raise _Reject(code, value=raw) from None
            e164, x = ph.e164, m.group(2)  # type: ignore[union-attr]
        if e164 not in found:
            found.append(e164)
        ext = ext or x
    if not found:
        raise _Reject(code, value=raw)
    return found[0], tuple(found[1:]), ext


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
