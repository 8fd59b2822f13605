"""Outbound notices (issue 6, part 4): the outbox is written with the event, and the sender
delivers every notice exactly once to a robot that fails (HTTP 500, errcode ≠ 0, a page that
is not JSON, connection refused) and then recovers; every try is in the log."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from typing import Any, Iterator

import pytest

from frontdesk.services import BadInput, Refused, open_services
from frontdesk.services import outbox as outbox_mod
from frontdesk.services import outbox_queue

from .conftest import LI, LISI, LIU, PM, WANGWU, ZHANG, ZHANGSAN, Office
from .robot import Robot

OUTBOX = ("outboxitem", "outboxattempt", "outboxoutcome")
# how many answers were successes: SUM(ok) works on SQLite (0/1) but PostgreSQL has no SUM(boolean)
OKS = "SUM(CASE WHEN ok THEN 1 ELSE 0 END)"


@pytest.fixture
def robot() -> Iterator[Robot]:
    r = Robot().start()
    yield r
    r.stop()


def hooked(office: Office, url: str, lang: str = "zh_CN") -> None:
    office.sv.staff.settings("webhook_url", url, actor=PM)
    office.sv.staff.settings("webhook_lang", lang, actor=PM)


def clients(office: Office, *phones: str) -> list[int]:
    """New clients through the rotation (李娜, 张伟, 刘洋 in turn)."""
    return [office.visit(p, name=f"客{i}")["client"] for i, p in enumerate(phones)]


def remind_all(office: Office, ids: list[int]) -> None:
    for cid in ids:
        office.sv.manager.remind(cid, actor=PM)


def items(office: Office) -> dict[int, dict[str, Any]]:
    return {i["id"]: i for i in office.sv.outbox.list(actor=PM)["items"]}


def later(office: Office, seconds: int) -> None:
    office.clock.fixed_local = office.clock.fixed_local + timedelta(seconds=seconds)  # type: ignore[operator]


# ------------------------------------------------------------------------- written with the event

def test_no_webhook_no_outbox(office: Office) -> None:
    remind_all(office, clients(office, ZHANGSAN))
    assert office.count("notification") == 1
    assert office.counts(*OUTBOX) == {t: 0 for t in OUTBOX}
    assert office.sv.outbox.list(actor=PM)["webhook"] is None


def test_a_notice_is_queued_once_per_event_in_the_project_language_with_phones_masked(office: Office, robot: Robot) -> None:
    hooked(office, robot.url)
    office.on(3)
    [cid] = clients(office, ZHANGSAN)
    office.sv.manager.remind(cid, actor=PM)
    office.sv.manager.remind(cid, actor=PM)  # the same day: deduplicated, no second inbox notice nor message
    assert office.count("notification") == 1 and office.count("outboxitem") == 1
    [(payload, kind, rule, channel, notice)] = office.rows("SELECT payload, kind, rule, channel, notice_id FROM outboxitem")
    doc = json.loads(payload)
    assert set(doc) == {"msgtype", "text"} and doc["msgtype"] == "text"
    content = doc["text"]["content"]
    assert (kind, rule, channel) == ("lapse_reminder", "R2.2", "wecom")
    assert notice == office.rows("SELECT id FROM notification")[0][0]
    assert "【滨江花园】致李娜" in content and "（R2.2）" in content and "提醒" in content
    assert "138****8000" in content and ZHANGSAN not in content


def test_english_and_dingtalk(office: Office, robot: Robot) -> None:
    hooked(office, robot.url, lang="en")
    office.sv.staff.settings("webhook_kind", "dingtalk", actor=PM)
    remind_all(office, clients(office, ZHANGSAN))
    [(payload, channel)] = office.rows("SELECT payload, channel FROM outboxitem")
    assert channel == "dingtalk"
    assert json.loads(payload)["text"]["content"].startswith("[滨江花园] To 李娜: ")


def test_a_failed_operation_leaves_no_outbox_row(office: Office, robot: Robot, monkeypatch: pytest.MonkeyPatch) -> None:
    hooked(office, robot.url)
    [cid] = clients(office, ZHANGSAN)
    before = office.counts("notification", *OUTBOX)
    with pytest.raises(Refused):
        office.sv.manager.remind(cid, actor=LI)  # an advisor may not: nothing written
    real = outbox_queue.enqueue

    def then_fail(*a: Any, **kw: Any) -> Any:
        item = real(*a, **kw)
        assert item is not None  # the message was added to the session...
        raise RuntimeError("the event fails after its notice")  # ...and goes with the rest

    monkeypatch.setattr(outbox_queue, "enqueue", then_fail)
    with pytest.raises(RuntimeError):
        office.sv.manager.remind(cid, actor=PM)
    assert office.counts("notification", *OUTBOX) == before


# ------------------------------------------------------------------------- delivery

def test_failing_then_recovering_delivers_each_notice_exactly_once(office: Office, robot: Robot) -> None:
    hooked(office, robot.url)
    ids = clients(office, ZHANGSAN, LISI, WANGWU)
    remind_all(office, ids)
    assert office.count("outboxitem") == 3
    sv = office.sv

    robot.script = ["500"] * 3
    r = sv.outbox.send()
    assert (r["sent"], r["failed"]) == (0, 3)
    assert {i["state"] for i in items(office).values()} == {"failing"}
    assert all(i["last_error"].startswith("HTTP 500") and i["attempts"] == 1 for i in items(office).values())

    seen = len(robot.requests)
    assert sv.outbox.send()["items"] == []  # not due yet: back-off 30 s
    assert len(robot.requests) == seen

    later(office, 31)
    robot.script = ["errcode", "garbage", "errcode"]  # HTTP 200, but the robot says no
    r = sv.outbox.send()
    assert r["failed"] == 3 and all(i["next_try"] for i in r["items"])
    errors = {i["last_error"] for i in items(office).values()}
    assert any("errcode 93000" in e for e in errors) and any("not a robot's answer" in e for e in errors)

    later(office, 61)
    robot.stop()  # the network is down
    r = sv.outbox.send()
    assert r["failed"] == 3
    assert all(i["last_error"].startswith("no connection") and i["attempts"] == 3 for i in items(office).values())

    later(office, 60)
    robot.start()  # back, same address
    assert sv.outbox.send()["items"] == []  # third back-off is 120 s
    later(office, 61)
    r = sv.outbox.send()
    assert (r["sent"], r["failed"]) == (3, 0)
    assert sorted(robot.delivered()) == sorted(json.loads(p)["text"]["content"]
                                               for (p,) in office.rows("SELECT payload FROM outboxitem"))
    later(office, 3600)
    assert sv.outbox.send()["items"] == []  # nothing twice
    assert len(robot.delivered()) == 3
    got = sv.outbox.list(actor=PM)
    assert got["counts"] == {"pending": 0, "failing": 0, "sent": 3}
    assert all(i["state"] == "sent" and i["attempts"] == 4 and i["sent_at"] for i in got["items"])
    # the log kept every try: 4 claims and 4 answers per message, three of them failures
    assert office.rows(f"SELECT item_id, COUNT(*), {OKS} FROM outboxoutcome GROUP BY item_id ORDER BY item_id") == \
        [(i, 4, 1) for i in sorted(items(office))]
    assert all(path.startswith("/cgi-bin/webhook/send?key=") for path, _b, _a in robot.requests)


def test_backoff_doubles_up_to_the_cap() -> None:
    waits = [outbox_mod.backoff(n).total_seconds() for n in range(1, 10)]
    assert waits[:4] == [30, 60, 120, 240]
    assert max(waits) == outbox_mod.BACKOFF_CAP and waits == sorted(waits)


def test_a_sender_that_died_after_its_claim_is_retried_after_the_lease(office: Office, robot: Robot,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    hooked(office, robot.url)
    remind_all(office, clients(office, ZHANGSAN))

    def dies(*_a: Any) -> Any:
        raise KeyboardInterrupt  # the sender is killed while it posts

    monkeypatch.setattr(outbox_mod, "post", dies)
    with pytest.raises(KeyboardInterrupt):
        office.sv.outbox.send()
    monkeypatch.undo()
    [item] = items(office).values()
    assert item["state"] == "pending" and item["sending"] and item["attempts"] == 1
    assert office.sv.outbox.send()["items"] == []  # its lease still runs: nobody else posts it
    later(office, int(outbox_mod.TIMEOUT) + outbox_mod.LEASE_EXTRA + 1)
    assert items(office)[item["id"]]["state"] == "failing"
    assert office.sv.outbox.send()["sent"] == 1
    assert len(robot.delivered()) == 1 and items(office)[item["id"]]["attempts"] == 2


def test_two_senders_at_once_deliver_each_notice_once(office: Office) -> None:
    slow = Robot(delay=0.05).start()
    try:
        hooked(office, slow.url)
        remind_all(office, clients(office, ZHANGSAN, LISI, WANGWU))
        office.on(2)
        remind_all(office, [1, 2, 3])  # a second day: three more messages
        assert office.count("outboxitem") == 6
        results: list[dict[str, Any]] = []
        errors: list[BaseException] = []
        start = threading.Barrier(2)

        def sender() -> None:
            sv = open_services(str(office.path), office.clock)
            try:
                start.wait()
                for _ in range(3):
                    results.append(sv.outbox.send(batch=2))
            except BaseException as exc:  # noqa: BLE001
                errors.append(exc)
            finally:
                sv.close()

        threads = [threading.Thread(target=sender) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert not errors, errors
        assert sum(r["sent"] for r in results) == 6
        assert len(slow.requests) == 6 and len(slow.delivered()) == 6  # six posts for six messages
        assert office.rows("SELECT COUNT(*), COUNT(DISTINCT item_id) FROM outboxattempt") == [(6, 6)]
        assert office.rows(f"SELECT COUNT(DISTINCT item_id), {OKS} FROM outboxoutcome") == [(6, 6)]
    finally:
        slow.stop()


def test_the_log_is_append_only(office: Office, robot: Robot) -> None:
    hooked(office, robot.url)
    remind_all(office, clients(office, ZHANGSAN))
    office.sv.outbox.send()
    con = office.connect()
    try:
        for table in OUTBOX:
            with pytest.raises(Exception, match="append-only"):
                con.execute(f"DELETE FROM {table}")
    finally:
        con.close()


def test_clearing_the_webhook_keeps_items_waiting(office: Office, robot: Robot) -> None:
    hooked(office, robot.url)
    remind_all(office, clients(office, ZHANGSAN))
    office.sv.staff.settings("webhook_url", "", actor=PM)
    assert office.sv.outbox.send()["items"] == [] and robot.requests == []
    remind_all(office, clients(office, LISI))  # no webhook now: the inbox only
    assert office.count("outboxitem") == 1
    hooked(office, robot.url)
    assert office.sv.outbox.send()["sent"] == 1


# ------------------------------------------------------------------------- settings and permissions

@pytest.mark.parametrize("bad", ["ftp://example.com/x", "http://", "example.com/hook", "https://exa mple.com/",
                                 "http://host:port/", "https://" + "a" * 600 + ".com/", "javascript:alert(1)"])
def test_a_webhook_url_must_be_an_http_address(office: Office, bad: str) -> None:
    with pytest.raises(BadInput) as exc:
        office.sv.staff.settings("webhook_url", bad, actor=PM)
    assert exc.value.field == "webhook_url"
    assert office.count("settingchange") == 0


@pytest.mark.parametrize(("key", "value"), [("webhook_kind", "slack"), ("webhook_lang", "fr")])
def test_kind_and_lang_are_choices(office: Office, key: str, value: str) -> None:
    with pytest.raises(BadInput) as exc:
        office.sv.staff.settings(key, value, actor=PM)
    assert exc.value.field == key


def test_only_the_pm_sees_the_robot_key(office: Office, robot: Robot) -> None:
    hooked(office, robot.url)
    assert office.sv.staff.settings(actor=PM)["webhook_url"] == robot.url
    shown = office.sv.staff.settings(actor=ZHANG)["webhook_url"]
    assert "SECRET" not in shown and shown.startswith(f"http://127.0.0.1:{robot.port}/cgi-bin/webhook/send")
    assert "SECRET" not in json.dumps(office.sv.outbox.list(actor=PM))
    with pytest.raises(Refused) as exc:
        office.sv.outbox.list(actor=LIU)
    assert exc.value.reason.rule == "R2.1"
    with pytest.raises(Refused):
        office.sv.staff.settings("webhook_url", "http://127.0.0.1:1/", actor=LI)


def test_an_answer_is_recorded_even_when_the_database_is_busy_once(office: Office, robot: Robot,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlalchemy.exc import OperationalError

    hooked(office, robot.url)
    remind_all(office, clients(office, ZHANGSAN))
    real = outbox_mod.OutboxService._record_once
    calls: list[int] = []

    def busy_then_fine(self: Any, *a: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("INSERT", {}, Exception("could not serialize access"))
        return real(self, *a)

    monkeypatch.setattr(outbox_mod.OutboxService, "_record_once", busy_then_fine)
    assert office.sv.outbox.send()["sent"] == 1 and len(calls) == 2
    assert [i["state"] for i in items(office).values()] == ["sent"] and len(robot.requests) == 1
