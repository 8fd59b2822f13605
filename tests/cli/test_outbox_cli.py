"""`frontdesk outbox send [--loop]` and `frontdesk outbox list` (issue 6, part 4) against a local
robot that fails, then recovers: nothing lost, each notice delivered once, --json as docs/cli.md says."""

from __future__ import annotations

import json
from typing import Iterator

import pytest

from services.robot import Robot  # tests/services/robot.py (pytest puts tests/ on the path)

from .conftest import FD, LI, P1, PM, T0, assert_error

LATER = "2026-11-01 10:05"
MUCH_LATER = "2026-11-01 12:00"


@pytest.fixture
def robot() -> Iterator[Robot]:
    r = Robot().start()
    yield r
    r.stop()


def test_send_fails_then_recovers_and_list_shows_it(office: FD, robot: Robot) -> None:
    office.ok("settings", "webhook_url", robot.url, as_=PM, at=T0)
    office.ok("settings", "webhook_lang", "en", as_=PM, at=T0)
    office.ok("visit", "--phone", P1, "--name", "张三", as_=PM, at=T0)  # 李娜's client
    office.ok("roster", "away", LI, as_=PM, at=T0)
    office.ok("visit", "--phone", P1, as_=PM, at=T0)  # 李娜 away: a duty reception, 李娜 is told (R3.2)
    listed = office.ok("outbox", "list", as_=PM, at=T0)
    assert listed["counts"] == {"pending": 1, "failing": 0, "sent": 0}
    [item] = listed["items"]
    assert item["state"] == "pending" and item["attempts"] == 0 and item["rule"] == "R3.2"
    assert item["text"].startswith("[滨江花园] To 李娜: ") and "138****8000" in item["text"] and P1 not in item["text"]

    robot.script = ["500"]
    sent = office.ok("outbox", "send", at=T0)  # cron: no --as needed
    assert (sent["sent"], sent["failed"]) == (0, 1) and sent["items"][0]["error"].startswith("HTTP 500")
    robot.stop()
    assert office.ok("outbox", "send", at=LATER)["failed"] == 1  # connection refused
    failing = office.ok("outbox", "list", as_=PM, at=LATER)["items"][0]
    assert failing["state"] == "failing" and failing["attempts"] == 2 and "no connection" in failing["last_error"]
    assert failing["next_try"] > "2026-11-01T10:05" and failing["next_try"].endswith("+08:00")

    robot.start()
    code, out, _err = office("outbox", "send", "--loop", "--every", "1", "--rounds", "2", at=MUCH_LATER)
    assert code == 0 and isinstance(out, str)  # one JSON line per round that sent something, then the totals
    first, totals = out.split("\n", 1)
    assert json.loads(first)["sent"] == 1
    assert json.loads(totals) == {"rounds": 2, "sent": 1, "failed": 0}
    assert robot.delivered() == [item["text"]]
    assert office.ok("outbox", "list", as_=PM, at=MUCH_LATER)["counts"] == {"pending": 0, "failing": 0, "sent": 1}
    assert office.ok("outbox", "send", at=MUCH_LATER)["items"] == []


def test_list_is_the_pms(office: FD, robot: Robot) -> None:
    office.ok("settings", "webhook_url", robot.url, as_=PM, at=T0)
    code, out, err = office("outbox", "list", as_=LI, at=T0)
    assert_error(code, err, 1, error_code="refused", rule="R2.1")
    assert out == ""


@pytest.mark.parametrize(("args", "field"), [
    (("outbox", "list", "--limit", "0"), "limit"),
    (("outbox", "list", "--limit", "many"), "limit"),
    (("outbox", "send", "--loop", "--every", "0"), "every"),
    (("outbox", "send", "--loop", "--rounds", "-1"), "rounds"),
])
def test_bad_numbers_are_bad_input(office: FD, args: tuple[str, ...], field: str) -> None:
    code, _out, err = office(*args, as_=PM, at=T0)
    assert_error(code, err, 2, error_code="bad_input", field=field)


def test_a_bad_webhook_url_is_bad_input_and_nothing_changes(office: FD) -> None:
    before = office.ok("settings", as_=PM, at=T0)
    code, _out, err = office("settings", "webhook_url", "ftp://example.com/", as_=PM, at=T0)
    assert_error(code, err, 2, error_code="bad_input", field="webhook_url")
    assert office.ok("settings", as_=PM, at=T0) == before
