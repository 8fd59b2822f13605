"""Every reason true to the registers (SPEC "What every decision shows"; issue 15, item 3).

`Registers(rows)` reads a database's registers with plain SQL (`rows(sql, params)` as tests/dbkit.py
gives it, on SQLite or PostgreSQL), independently of the services. `problems(reg, reasons, ...)`
returns what is false in a decision's reasons:

- a cited entry ("visit#12", "call#3", "followup#40", "crossing#2", "assignment#1", "deal#5") must
  exist and say what the reason claims: whose it is (the advisor the reason names), its date, its
  register (a referral reason cites a pre-registration in the call register);
- no reason may deny an entry that exists: "X has no register entry" (R4.1) while X has one,
  "never registered" (R2.2) while the client has a registration.

Reasons come as the services return them (Reason objects, staff named) and are checked before
they are rendered, so a wrong id or date cannot hide behind a translation.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Callable, Iterable, Sequence

Rows = Callable[[str, Sequence[Any]], list[tuple]]
REF = re.compile(r"^(visit|call|followup|crossing|assignment|deal)#(\d+)$")
CLAIM_ROUTES = ("referral", "held", "crossing")  # R4.1 with R2.4: entries that place their advisor

# code → the entries it cites: (data key of the entry, data key of whose it is, data key of its date)
CITES: dict[str, tuple[tuple[str, str | None, str | None], ...]] = {
    "owned": (("entry", "owner", "last_contact"),),
    "lapsed": (("entry", "previous_owner", "last_contact"),),
    "held_by_other": (("entry", "advisor", "date"),),
    "duty_not_owner_contact": (("entry", "advisor", "date"),),
    "unreachable_not_counted": (("entry", None, "date"),),
    "referral_honoured": (("entry", "advisor", "date"),),
    "referral_expired": (("entry", "advisor", "date"),),
    "referral_not_asked": (("entry", "advisor", "date"),),
    "only_registered": (("entry", "advisor", "date"),),
    "order": (("a_entry", "a", "a_date"), ("b_entry", "b", "b_date")),
    "earlier_kept_up": (("entry", "a", "last_contact"),),
    "earlier_lapsed": (("entry", "a", "last_contact"),),
    "claim_after_deal_window": (("entry", "closer", "deal_date"),),
}
REFERRAL_CODES = ("referral_honoured", "referral_expired", "referral_not_asked")
CLAIM_CODES = ("order", "only_registered")  # the entry is the advisor's claim in R4.1's sense


@dataclass(frozen=True)
class Cited:
    whose: frozenset[int]  # the staff the entry is of (serving advisor, owner after, closer…)
    day: str  # ISO date
    kind: str  # "entry" | "referral" | "followup" | …
    client: int | None


def _day(v: Any) -> str:
    return v.isoformat() if isinstance(v, date) else str(v)[:10]


class Registers:
    """A snapshot of the registers, read once per check."""

    def __init__(self, rows: Rows):
        self.staff = {name: sid for sid, name in rows("SELECT id, name FROM staff", ())}
        self.merged = {cid: into for cid, into in rows("SELECT id, merged_into_id FROM client", ())}
        entries = rows("SELECT project_id, book, number, kind, amends, data, client_id, advisor_id, owner_id, effect,"
                       " route, day, at FROM registerentry", ())
        void = {(p, b, a) for p, b, _n, k, a, d, *_r in entries if k == "amend" and a is not None
                and json.loads(d or "{}").get("void")}
        self.entries = {(e[0], e[1], e[2]): e[3:] for e in entries}
        self.live = [e for e in entries if e[3] != "amend" and (e[0], e[1], e[2]) not in void]
        self.other: dict[tuple[str, int], Cited] = {}
        for i, adv, d, cl in rows("SELECT id, advisor_id, day, client_id FROM followup", ()):
            self.other[("followup", i)] = Cited(frozenset({adv}), _day(d), "followup", cl)
        for i, adv, d, cl in rows("SELECT id, advisor_id, day, client_id FROM assignment", ()):
            self.other[("assignment", i)] = Cited(frozenset({adv}), _day(d), "assignment", cl)
        for i, w, d, cl in rows("SELECT x.id, d.winner_id, d.day, x.client_id FROM crossing x"
                                " LEFT JOIN crossingdecision d ON d.crossing_id = x.id", ()):
            self.other[("crossing", i)] = Cited(frozenset({w} - {None}), _day(d), "crossing", cl)
        for i, closer, d, cl in rows("SELECT id, closer_id, day, client_id FROM deal", ()):
            self.other[("deal", i)] = Cited(frozenset({closer}), _day(d), "deal", cl)

    def group(self, client: int | None) -> set[int]:
        if client is None:
            return set()
        root = client
        while self.merged.get(root) is not None:
            root = self.merged[root]
        return {root} | {c for c, into in self.merged.items() if into == root}

    def cited(self, project: int | None, ref: str, group: set[int] | None = None) -> Cited | None:
        """The entry `ref` names: of `project`, or (pages are numbered per project) of the client's."""
        m = REF.match(ref)
        assert m, ref
        book, num = m.group(1), int(m.group(2))
        if book in ("visit", "call"):
            hits = [r for (p, b, n), r in self.entries.items() if b == book and n == num
                    and (project is None or p == project)]
            if len(hits) > 1 and group:
                hits = [r for r in hits if r[3] in group]
            if len(hits) != 1:
                return None
            kind, _amends, _data, client, advisor, owner, _effect, _route, day, _at = hits[0]
            return Cited(frozenset({advisor, owner} - {None}), _day(day), kind, client)
        return self.other.get((book, num))

    def claims(self, group: set[int], advisor: int, before: str | None = None,
               skip: tuple[str, int] | None = None) -> list[str]:
        """The advisor's register entries for the client in R4.1's sense (pre-registrations and
        calls for a client someone else held included), read from the raw rows."""
        out = []
        for _p, b, n, _k, _a, _d, client, adv, owner, effect, route, _day_, at in self.live:
            if client not in group or (b, n) == skip or (before is not None and str(at) > before):
                continue
            if (effect == "register" and owner == advisor) or (adv == advisor and route in CLAIM_ROUTES):
                out.append(f"{b}#{n}")
        return out

    def registrations(self, group: set[int], as_of: str | None, skip: tuple[str, int] | None = None) -> list[str]:
        out = [f"{b}#{n}" for _p, b, n, _k, _a, _d, client, _adv, owner, effect, _r, d, _at in self.live
               if client in group and effect == "register" and owner is not None and (b, n) != skip
               and (as_of is None or _day(d) <= as_of)]
        out += [f"{k}#{i}" for (k, i), c in self.other.items() if k in ("assignment", "crossing") and c.whose
                and c.client in group and (as_of is None or c.day <= as_of)]
        return out


def problems(reg: Registers, reasons: Iterable[Any], *, project: int | None = None, client: int | None = None,
             as_of: date | None = None, before: str | None = None, skip: tuple[str, int] | None = None,
             ) -> list[str]:
    """What is false in `reasons` (empty: all true). `client`: the client decided on (for denials);
    `before`: the moment the decision was made (stored UTC text), `skip`: the entry the decision
    itself wrote (a visit's own page), `as_of`: the day an ownership answer speaks of."""
    out: list[str] = []
    group = reg.group(client)
    for r in reasons:
        data = r.data
        for ek, wk, dk in CITES.get(r.code, ()):
            ref = data.get(ek)
            if ref is None:
                continue
            c = reg.cited(project, str(ref), group)
            where = f"{r.rule} {r.code}: {ref}"
            if c is None:
                out.append(f"{where} cited, but no such entry")
                continue
            if client is not None and c.client is not None and c.client not in group:
                out.append(f"{where} is another client's entry")
            if wk is not None and data.get(wk) is not None:
                sid = reg.staff.get(data[wk], data[wk])
                if sid not in c.whose:
                    out.append(f"{where} said to be {data[wk]}'s, but it is of {sorted(c.whose)}")
                elif r.code in CLAIM_CODES and client is not None and str(ref) not in reg.claims(group, sid):
                    out.append(f"{where} is not {data[wk]}'s register entry in R4.1's sense")
            if dk is not None and data.get(dk) is not None and _day(data[dk]) != c.day:
                out.append(f"{where} said to be of {_day(data[dk])}, but it is of {c.day}")
            if r.code in REFERRAL_CODES and (not str(ref).startswith("call#") or c.kind != "referral"):
                out.append(f"{where} is not a referral pre-registration in the call register")
        for k, v in data.items():  # any other entry a reason names must exist
            if isinstance(v, str) and REF.match(v) and k not in {e for e, _w, _d in CITES.get(r.code, ())}:
                if reg.cited(project, v, group) is None:
                    out.append(f"{r.rule} {r.code}: {k}={v} cited, but no such entry")
        if client is None:
            continue
        if r.code == "no_registration":
            sid = reg.staff.get(data.get("advisor"), data.get("advisor"))
            has = reg.claims(group, sid, before, skip)  # type: ignore[arg-type]
            if has:
                out.append(f"{r.rule} no_registration: {data.get('advisor')} has {has}")
        if r.code in ("not_registered", "visited_before_no_record"):
            has = reg.registrations(group, as_of.isoformat() if as_of else None, skip)
            if has:
                out.append(f"{r.rule} {r.code}: the client has registrations {has}")
    return out


def assert_true(reg: Registers, reasons: Iterable[Any], **kw: Any) -> None:
    bad = problems(reg, list(reasons), **kw)
    assert not bad, "reasons not true to the registers:\n  " + "\n  ".join(bad)


@dataclass(frozen=True)
class Stored:
    """A reason as a crossing case stores it (staff as ids, dates as ISO text)."""

    rule: str
    code: str
    data: dict[str, Any]


def crossing_problems(reg: Registers, rows: Rows, crossing_id: int) -> list[str]:
    """The stored proposal of crossing `crossing_id`, checked as of the moment it was made."""
    [(project, client, at, proposal)] = rows("SELECT project_id, client_id, at, proposal FROM crossing WHERE id = ?",
                                            (crossing_id,))
    reasons = [Stored(x["rule"], x["code"], x["data"]) for x in json.loads(proposal).get("reasons", [])]
    return [f"crossing#{crossing_id}: {p}" for p in problems(reg, reasons, project=project, client=client,
                                                              before=str(at))]


def session_rows(s: Any) -> Rows:
    """`rows` over one open SQLAlchemy session (`?` placeholders), as tests/dbkit.py's `rows` reads."""
    from sqlalchemy import text

    def run(sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        parts = sql.split("?")
        named = "".join(p + (f":p{i}" if i < len(parts) - 1 else "") for i, p in enumerate(parts))
        return [tuple(r) for r in s.execute(text(named), {f"p{i}": v for i, v in enumerate(params)})]
    return run


def watch(sv: Any) -> None:
    """Check every result the owner, visit, call and crossing services return, as they return it
    (the services tests' offices call this on opening: every scenario they build is checked).
    One read transaction of the services' own database per check keeps it cheap."""
    def wrap(part: Any, name: str, check: Callable[[Registers, Rows, Any], list[str]]) -> None:
        orig = getattr(part, name)

        def checked(*a: Any, **kw: Any) -> Any:
            out = orig(*a, **kw)
            with sv.db.read() as s:
                rows = session_rows(s)
                bad = check(Registers(rows), rows, out)
            assert not bad, f"{name}: reasons not true to the registers:\n  " + "\n  ".join(bad)
            return out
        setattr(part, name, checked)

    def entry_of(book: str) -> Callable[[Registers, Rows, Any], list[str]]:
        def check(reg: Registers, rows: Rows, out: Any) -> list[str]:
            skip = (book, out["entry"]) if "entry" in out else None
            bad = problems(reg, out["reasons"], client=out.get("client"), skip=skip)
            if out.get("crossing"):
                bad += crossing_problems(reg, rows, out["crossing"])
            return bad
        return check

    def owner(reg: Registers, _rows: Rows, out: Any) -> list[str]:
        return problems(reg, out["reasons"], client=out.get("client"), as_of=out.get("as_of"))

    def cases(reg: Registers, rows: Rows, out: Any) -> list[str]:
        listed = out if isinstance(out, list) else [out]
        return [p for case in listed for p in crossing_problems(reg, rows, case["crossing"])]

    wrap(sv.reception, "visit", entry_of("visit"))
    wrap(sv.reception, "preview", entry_of("visit"))
    wrap(sv.reception, "owner_verdict", owner)
    wrap(sv.reception, "call", entry_of("call"))
    wrap(sv.records, "owner", owner)
    wrap(sv.crossings, "open", cases)
    wrap(sv.crossings, "decide", cases)
    wrap(sv.crossings, "list", cases)
