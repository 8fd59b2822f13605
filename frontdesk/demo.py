"""The demo office: 滨江华苑 (BJHY), three weeks of registers replayed through the services.

`data/demo.json` is shaped like the paper registers: staff, clients and a list of events
(walk-ins, calls, follow-ups, roster marks, a household link, a crossing), each with a day
offset relative to "today" and a local time. `load_demo` replays them in time order through
the real services with the clock moved to each event's moment, so numbering, the hash chain,
rotation, ownership and notices are all genuine — no table is written directly.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Callable

from sqlalchemy.engine import make_url
from sqlmodel import select

import frontdesk
from frontdesk.services import Clock, FrontdeskError, Services, open_services
from frontdesk.services.setup import DEFAULT_TZ
from frontdesk.store.db import to_url
from frontdesk.store.models import Project

DATASET = Path(frontdesk.__file__).parents[1] / "data" / "demo.json"
DEFAULT_TODAY = date(2026, 11, 27)
OWNER = "@owner"  # in an event's "by": whoever owns the client at that moment


class DemoError(RuntimeError):
    """The dataset asked the services for something they refused (a dataset bug)."""


def load_dataset(path: Path | None = None) -> dict[str, Any]:
    with open(path or DATASET, encoding="utf-8") as fh:
        return json.load(fh)


def load_demo(url: str, today: date | None = None, *, dataset: Path | None = None) -> dict[str, Any]:
    """Build a fresh demo database at `url` by replaying the dataset through the services.

    Refuses (FileExistsError) when the target already holds data; the caller decides what
    to do with it. Returns a summary of what was loaded."""
    data = load_dataset(dataset)
    today = today or date.fromisoformat(data["about"].get("today", DEFAULT_TODAY.isoformat()))
    full = to_url(url)
    path = _sqlite_path(full)
    if path is not None and path.exists() and path.stat().st_size > 0:
        raise FileExistsError(f"{path} already exists; the demo loads only into a new database")
    clock = Clock(fixed_local=_moment(today, min(e["day"] for e in _timeline(data)), "00:00"))
    sv = open_services(full, clock)
    try:
        if path is None:
            with sv.db.read() as s:
                if s.exec(select(Project.id)).first() is not None:
                    raise FileExistsError(f"{url} already holds a project; the demo loads only into a new database")
        summary = _Replay(sv, clock, data, today).run()
    except BaseException:
        sv.close()
        if path is not None:
            for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
                p.unlink(missing_ok=True)
        raise
    sv.close()
    return summary


def _sqlite_path(url: str) -> Path | None:
    u = make_url(url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


def _moment(today: date, day: int, hhmm: str) -> datetime:
    return datetime.combine(today + timedelta(days=int(day)), time.fromisoformat(hhmm))


def _timeline(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Staff arrivals and register events, in time order (file order breaks ties)."""
    items = [{"day": st["day"], "time": st["time"], "op": "staff", **{k: v for k, v in st.items()
                                                                       if k not in ("day", "time")}}
             for st in data["staff"]]
    items += data["events"]
    return sorted(items, key=lambda e: (int(e["day"]), e["time"]))  # sorted() is stable


class _Replay:
    def __init__(self, sv: Services, clock: Clock, data: dict[str, Any], today: date):
        self.sv, self.clock, self.data, self.today = sv, clock, data, today
        self.clients = {c["id"]: c for c in data["clients"]}
        self.pm = next(st["name"] for st in data["staff"] if st["role"] == "pm")
        self.followups: dict[str, int] = {}
        self.counts = {"visit": 0, "call": 0, "followup": 0}
        self.last: dict[str, int] = {"visit": 0, "call": 0}
        self.registered: set[str] = set()
        self.staff_added = 0
        self.ops: dict[str, Callable[[dict[str, Any]], Any]] = {
            "staff": self.staff, "roster_set": self.roster_set, "roster_add": self.roster_add,
            "away": self.mark, "back": self.mark, "visit": self.visit, "call": self.call,
            "followup": self.followup, "verify": self.verify, "link": self.link, "crossing": self.crossing,
        }

    def run(self) -> dict[str, Any]:
        p = self.data["project"]
        events = _timeline(self.data)
        self.clock.fixed_local = _moment(self.today, events[0]["day"], events[0]["time"])
        self.sv.staff.init(p["code"], p["name"], protection_days=p.get("protection_days"), tz=p.get("tz"))
        self.sv.setup.mark_demo(p["code"])  # `frontdesk demo` may replace this database, and only such a one
        for i, e in enumerate(events):
            self.clock.fixed_local = _moment(self.today, e["day"], e["time"])
            try:
                self.ops[e["op"]](e)
            except (FrontdeskError, DemoError, KeyError) as exc:
                raise DemoError(f"demo event #{i} (day {e['day']} {e['time']} {e['op']}): {exc}") from exc
        end = _moment(self.today, 0, self.data["about"].get("final_time", "09:00"))
        self.clock.fixed_local = max(end, self.clock.fixed_local)
        staff = self.sv.staff.list(actor=self.pm)
        crossings = self.sv.crossings.list(actor=self.pm, open_only=True)
        return {
            "project": p["code"], "name": p["name"], "staff": len(staff),
            "roles": sorted({st["role"] for st in staff}),
            "clients": len(self.registered), "visits": self.last["visit"], "calls": self.last["call"],
            "followups": self.counts["followup"], "open_crossings": len(crossings),
            "today": self.today.isoformat(), "now": self.clock.now(p.get("tz") or DEFAULT_TZ),  # aware: JSON carries the offset
            "logins": [{"name": st["name"], "role": st["role"], "pin": st.get("pin")} for st in self.data["staff"]],
        }

    # helpers ------------------------------------------------------------------
    def phone(self, cid: str) -> str:
        return self.clients[cid]["phone"]

    def actor(self, e: dict[str, Any]) -> str:
        by = e.get("by") or self.pm
        if by == OWNER:
            owner = self.sv.records.owner(self.phone(e["client"]), actor=self.pm)["owner"]
            if owner is None:
                raise DemoError(f"{e['client']} has no owner on day {e['day']} {e['time']}: fix the dataset")
            return owner
        return by

    def entry(self, book: str, r: dict[str, Any], cid: str) -> None:
        self.last[book] = max(self.last[book], int(r["entry"]))
        self.registered.add(cid)

    # operations ----------------------------------------------------------------
    def staff(self, e: dict[str, Any]) -> None:
        # the first staff member (the GM) needs no actor; the GM adds the PM, the PM everyone after.
        # The demo's PINs are documented easy ones (1234…): the demo alone may write them.
        self.sv.staff.add(e["name"], e["role"], mentor=e.get("mentor"), pin=e.get("pin"),
                          actor=(e.get("by") or self.pm) if self.staff_added else None, weak_pin_ok=True)
        self.staff_added += 1

    def roster_set(self, e: dict[str, Any]) -> None:
        self.sv.roster.set(e["order"], actor=e.get("by") or self.pm)

    def roster_add(self, e: dict[str, Any]) -> None:
        order = self.sv.roster.show(actor=self.pm)["order"]
        self.sv.roster.set([*order, e["name"]], actor=e.get("by") or self.pm)

    def mark(self, e: dict[str, Any]) -> None:
        self.sv.roster.mark(e["name"], e["op"] == "away", actor=e.get("by") or self.pm)

    def visit(self, e: dict[str, Any]) -> None:
        c = self.clients[e["client"]]
        r = self.sv.reception.visit(c["phone"], name=c["name"], asks_for=e.get("asks_for"),
                                    visited_before=e.get("visited_before"), materials=e.get("materials"),
                                    saw=e.get("saw"), assign=e.get("assign"), actor=self.actor(e))
        self.entry("visit", r, c["id"])

    def call(self, e: dict[str, Any]) -> None:
        c = self.clients[e["client"]]
        ref = e.get("referred_by")
        r = self.sv.reception.call(c["phone"], name=c["name"], referred_by=self.phone(ref) if ref else None,
                                   actor=self.actor(e))
        self.entry("call", r, c["id"])

    def followup(self, e: dict[str, Any]) -> None:
        r = self.sv.records.followup(self.phone(e["client"]), e["outcome"], note=e.get("note"), score=e.get("score"),
                                     actor=self.actor(e))
        self.counts["followup"] += 1
        if e.get("ref"):
            self.followups[e["ref"]] = int(r["id"])

    def verify(self, e: dict[str, Any]) -> None:
        self.sv.records.verify_followup(self.followups[e["followup"]], actor=e.get("by") or self.pm)

    def link(self, e: dict[str, Any]) -> None:
        self.sv.records.link(self.phone(e["client"]), self.phone(e["other"]), e["relation"],
                             actor=e.get("by") or self.pm)
        self.registered.add(e["other"])

    def crossing(self, e: dict[str, Any]) -> None:
        self.sv.crossings.open(self.phone(e["client"]), e["claimant"], note=e.get("note"), actor=self.actor(e))


def demo_hint(lang: str = "en") -> str:
    """The sign-in hint on the demo: who is who and their PINs."""
    pins = load_dataset()["about"]["pins"]
    head = "演示账号（姓名 密码）：" if lang == "zh_CN" else "Demo sign-ins (name PIN): "
    return head + "  ".join(f"{n} {p}" for n, p in pins.items())


def start_of_demo_day(today: date) -> datetime:
    """The moment the demo desk opens: today at the dataset's final time (09:00)."""
    return datetime.combine(today, time.fromisoformat(load_dataset()["about"].get("final_time", "09:00")))
