"""Times people see are in the project's time zone (SPEC "Presence, the operator, the day"):
every JSON-producing command carries ISO 8601 with the offset, never a naive or a UTC time,
and the text output of `inbox`, `crossing list` and `complaint list` says the desk's own time."""

from __future__ import annotations

from dbkit import ON_PG

import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Iterator

import pytest

from frontdesk.cli import COMMANDS, GROUPS
from services.robot import Robot  # tests/services/robot.py (pytest puts tests/ on the path)

from .conftest import FD, LI, LIU, P1, P2, P3, PM, PM_PIN, ZHANG

ADMIN = "钱主管"
SHANGHAI = timedelta(hours=8)
DAY1, DAY2, DAY3 = "2026-11-02 09:03", "2026-11-03 10:00", "2026-11-03 16:30"
LOOKS_TIMED = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


@pytest.fixture
def robot() -> Iterator[Robot]:
    r = Robot().start()
    yield r
    r.stop()


def populate(o: FD, robot_url: str) -> dict[str, Any]:
    """Visits, a call, a follow-up, notices, a crossing (decided) and an open one, complaints, a unit,
    a deposit, a discount, a deal, a large deal, a referral, an outbox: the office's everyday things."""
    o.ok("init", "--project", "P2", "--name", "江景苑", at=DAY1)
    o.ok("settings", "webhook_url", robot_url, as_=PM, at=DAY1)
    o.ok("staff", "add", ADMIN, "--role", "sales-admin", "--pin", "2468", as_=PM, at=DAY1)
    o.ok("visit", "--phone", P1, "--name", "陈先生", as_=PM, at=DAY1)  # 李娜's
    o.ok("call", "--phone", P2, "--name", "赵女士", as_=ZHANG, at=DAY1)  # 张伟's
    o.ok("roster", "away", LI, as_=PM, at=DAY2)
    o.ok("visit", "--phone", P1, as_=PM, at=DAY2)  # 李娜 away: she is told
    o.ok("followup", "--phone", P2, "--outcome", "reached", as_=ZHANG, at=DAY2)
    fu = o.ok("followup", "--phone", P2, "--outcome", "unreachable", as_=ZHANG, at=DAY2)
    o.ok("followup", "verify", str(fu["id"]), as_=PM, at=DAY3)
    o.ok("visit", "--phone", P3, "--name", "孙先生", as_=PM, at=DAY2)
    case = o.ok("crossing", "open", "--phone", P3, "--claimant", LIU, "--note", "说刘洋接待过", as_=LIU, at=DAY2)
    o.ok("crossing", "decide", str(case["crossing"]), "--none", as_=PM, at=DAY3)
    o.ok("crossing", "open", "--phone", P1, "--claimant", ZHANG, as_=ZHANG, at=DAY3)
    o.ok("complaint", "add", "客户投诉：停车位不足", as_=LI, at=DAY2)
    o.ok("unit", "add", "A-101", "--price", "800000", as_=PM, at=DAY2)
    o.ok("unit", "add", "V-1", "--price", "1500000", as_=PM, at=DAY2)
    o.ok("deposit", "--unit", "A-101", "--phone", P1, "--amount", "50000", as_=LI, at=DAY3)
    o.ok("discount", "request", "--unit", "A-101", "--phone", P1, "--discount", "20000", as_=LI, at=DAY3)
    deal = o.ok("deal", "--unit", "A-101", "--phone", P1, "--amount", "800000", as_=LI, at=DAY3)
    o.ok("large-deal", "--unit", "V-1", "--phone", P2, "--decision", "alone", as_=PM, at=DAY3)
    for _ in range(5):  # a wrong PIN, five times: a lockout to list (staff lockouts)
        assert o("--pin", "0000", "roster", "show", as_=LIU, at=DAY3, pin=False)[0] == 1
    return {"deal": deal, "crossing": case["crossing"]}


# every JSON-producing command, run after populate(); a command left out must say why in SKIPPED
READS: list[tuple[str, ...]] = [
    ("settings",), ("verify",), ("history", "--phone", P1, "--witness", PM, "--witness-pin", PM_PIN),
    ("owner", "--phone", P1), ("deals",), ("report", "--from", "2026-11-01", "--to", "2026-11-03"),
    ("staff", "list"), ("staff", "lockouts"), ("roster", "show"), ("crossing", "list"), ("inbox",),
    ("complaint", "list"), ("outbox", "list"), ("drill", "results"), ("drill", "sets"), ("where",),
    ("anchor",), ("outbox", "send"), ("approvals", "list"),
]
WRITES = {"init", "visit", "call", "followup", "deposit", "deal", "large-deal", "crossing", "complaint", "unit",
          "discount", "roster", "staff", "settings", "link", "amend", "reflection", "referral", "reassign",
          "trainee", "inbox", "outbox", "drill", "backup", "export", "import"}  # run in populate() or below
SKIPPED = {"restore": "replaces the database (its own tests)", "demo": "replays for seconds (test_demo: test_summary)",
           "board": "a full-screen view", "serve": "a web server", "tui": "the app"}


def command_names() -> set[str]:
    return {c.name or c.callback.__name__ for c in COMMANDS} | {g.name for g in GROUPS}


def times_in(v: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(v, dict):
        for k, x in v.items():
            yield from times_in(x, f"{path}.{k}")
    elif isinstance(v, list):
        for i, x in enumerate(v):
            yield from times_in(x, f"{path}[{i}]")
    elif isinstance(v, str) and LOOKS_TIMED.match(v):
        yield path, v


def wrong_times(doc: Any) -> list[str]:
    """Every datetime string that is naive or not in the project's zone (UTC+8)."""
    bad = []
    for path, text in times_in(doc):
        try:
            when = datetime.fromisoformat(text)
        except ValueError:
            bad.append(f"{path}={text!r} (not ISO 8601)")
            continue
        if when.tzinfo is None or when.utcoffset() != SHANGHAI:
            bad.append(f"{path}={text!r}")
    return bad


def test_every_json_command_gives_times_with_the_offset(office: FD, robot: Robot, tmp_path: Path) -> None:
    made = populate(office, robot.url)
    outputs: dict[str, Any] = {}
    later = "2026-11-04 10:05"
    for args in READS:
        outputs[" ".join(args)] = office.ok(*args, at=later)
    outputs["link"] = office.ok("link", "--phone", P1, "--phone", P3, "--relation", "spouse", as_=PM, at=later)
    outputs["reassign"] = office.ok("reassign", "--phone", P3, "--to", ZHANG, as_=PM, at=later)
    outputs["amend"] = office.ok("amend", "1", "--note", "名字写错", as_=PM, at=later)
    outputs["referral"] = office.ok("referral", "--phone", P2, "--to", "P2", as_=ZHANG, at=later)
    outputs["inbox ack"] = office.ok("inbox", "ack", str(office.ok("inbox", as_=LI, at=later)["items"][0]["id"]),
                                     as_=LI, at=later)
    outputs["complaint status"] = office.ok("complaint", "status", "1", "--status", "in_progress", as_=ADMIN, at=later)
    if not ON_PG:  # a server database is backed up by the server (pg_dump)
        outputs["backup"] = office.ok("backup", str(tmp_path / "copy.db"), as_=PM, at=later)
    outputs["export"] = office.ok("export", str(tmp_path / "out"), as_=PM, at=later)
    outputs["populate"] = made
    bad = {name: wrong_times(doc) for name, doc in outputs.items()}
    wrong = {k: v for k, v in bad.items() if v}
    assert not wrong, "\n".join(f"{k}: {v}" for k, v in wrong.items())
    seen = sum(1 for doc in outputs.values() for _ in times_in(doc))
    assert seen >= 10, f"only {seen} times in all the outputs: the walk saw too little"
    for name in ("staff lockouts", "inbox", "crossing list", "complaint list", "outbox list", "history"):
        assert any(True for k, doc in outputs.items() if k.startswith(name) for _ in times_in(doc)), name
    covered = {a[0] for a in READS} | WRITES | set(SKIPPED) | {"link", "reassign", "amend", "referral", "backup",
                                                              "export"}
    assert command_names() - covered == set(), "a command the walk does not run"


def test_a_utc_or_naive_time_is_caught() -> None:
    assert wrong_times({"a": [{"at": "2026-11-04T02:05:00+00:00"}], "b": "2026-11-04 10:05", "c": "2026-11-04"}) == [
        ".a[0].at='2026-11-04T02:05:00+00:00'", ".b='2026-11-04 10:05'"]
    assert wrong_times({"at": "2026-11-04T10:05:00+08:00"}) == []


def test_text_output_says_the_desks_time(office: FD, robot: Robot) -> None:
    populate(office, robot.url)
    inbox = office.ok("inbox", as_=LI, at="2026-11-04 10:05", json=False)
    assert "11-03 10:00" in inbox and "02:00" not in inbox, inbox
    crossings = office.ok("crossing", "list", as_=PM, at="2026-11-04 10:05", json=False)
    assert "2026-11-03 10:00" in crossings and "02:00" not in crossings, crossings
    complaints = office.ok("complaint", "list", as_=PM, at="2026-11-04 10:05", json=False)
    assert "2026-11-03 10:00" in complaints and "02:00" not in complaints, complaints
