"""The day-before-lapse reminders (R2.2) when many clients lapse on one day: none may be lost.

`inbox.remind_lapsing` runs once a day (the first inbox read) and tells each owner about
their clients whose last protected day is today. The clients are written here with raw SQL
(the cache columns as refresh_cache keeps them), like the benchmark's generator does.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from frontdesk.services import inbox
from frontdesk.services.inbox import REMIND_BATCH

from dbkit import executemany

from .conftest import LI, PM, ZHANG, rows

TODAY = date(2026, 11, 2)  # conftest.DAY
DAYS = 7


def _lapsing_clients(db, n: int, owner: str) -> None:
    """n clients of `owner` whose last valid contact was DAYS days ago: they lapse tomorrow."""
    sid = rows(db, "SELECT id FROM staff WHERE name = ?", (owner,))[0][0]
    contact = (TODAY - timedelta(days=DAYS)).isoformat()
    created = f"{contact} 02:00:00.000000"
    base = rows(db, "SELECT COALESCE(MAX(id), 0) FROM client")[0][0]
    executemany(db, "INSERT INTO client (id, project_id, owner_id, last_contact, created_at) VALUES (?,1,?,?,?)",
                [(base + i, sid, contact, created) for i in range(1, n + 1)])
    executemany(db, "INSERT INTO person (id, project_id, client_id, name, initials, relation, created_at) "
                    "VALUES (?,1,?,?,?,'self',?)",
                [(base + i, base + i, f"客{i}", "k", created) for i in range(1, n + 1)])
    executemany(db, "INSERT INTO phone (project_id, person_id, client_id, e164, tail, created_at) "
                    "VALUES (1,?,?,?,?,?)",
                [(base + i, base + i, f"+86136{base + i:08d}", f"{base + i:08d}"[-4:], created)
                 for i in range(1, n + 1)])


def _reminded(db, owner: str) -> int:
    return rows(db, "SELECT COUNT(*) FROM notification n JOIN staff s ON s.id = n.recipient_id "
                    "WHERE s.name = ? AND n.kind = 'lapse_tomorrow'", (owner,))[0][0]


def test_every_owner_is_reminded_of_every_client_lapsing_tomorrow(counter, counter_db):
    _lapsing_clients(counter_db, 30, LI)
    _lapsing_clients(counter_db, 20, ZHANG)
    counter.inbox.list(actor=PM)  # the day's first inbox read sends them
    assert (_reminded(counter_db, LI), _reminded(counter_db, ZHANG)) == (30, 20)
    counter.inbox.list(actor=LI)  # once a day only
    assert (_reminded(counter_db, LI), _reminded(counter_db, ZHANG)) == (30, 20)


def test_no_reminder_is_lost_when_more_than_a_batch_lapse_on_one_day(counter, counter_db, monkeypatch):
    monkeypatch.setattr(inbox, "REMIND_BATCH", 40)  # the same code path as 5,000 + 1, in a fraction of the time
    _lapsing_clients(counter_db, 41, LI)
    counter.inbox.list(actor=PM)
    assert _reminded(counter_db, LI) == 41


# ------------------------------------------------------------------ set-based = per client

def _per_client_reference(c) -> int:  # noqa: ANN001 - a services Ctx
    """The reminders as they were written before they went set-based (a select, a get and a
    `c.notify` per client), kept here as the reference the set-based version must equal; the
    client's first phone is its lowest id."""
    from sqlmodel import select

    from frontdesk.services import clientbook
    from frontdesk.store.models import Client, Person, Phone, ReminderRun

    contact_day = c.today - timedelta(days=int(c.setting("protection_days")))
    sent = 0
    for cl in c.s.exec(select(Client).where(Client.project_id == c.pid, Client.last_contact == contact_day,
                                            Client.owner_id != None, Client.merged_into_id == None)  # noqa: E711
                       .order_by(Client.id)).all():
        ph = c.s.exec(select(Phone).where(Phone.client_id == cl.id).order_by(Phone.id)).first()
        person = c.s.get(Person, ph.person_id) if ph else None
        if ph is None or person is None:
            continue
        c.notify([cl.owner_id], "lapse_tomorrow", "R2.2",
                 {"client": clientbook.label(clientbook.Found(cl, ph, person), True),
                  "lapses_on": c.today + timedelta(days=1)}, dedupe=f"lapse:{cl.id}:{c.today}")
        sent += 1
    c.s.add(ReminderRun(project_id=c.pid, day=c.today, at=c.at))
    return sent


def _office_with_edge_cases(db) -> None:  # noqa: ANN001
    """Lapsing clients of two owners, a webhook, and the cases a set-based read could get wrong."""
    _lapsing_clients(db, 7, LI)
    _lapsing_clients(db, 5, ZHANG)
    li = rows(db, "SELECT id FROM staff WHERE name = ?", (LI,))[0][0]
    first, last = rows(db, "SELECT MIN(id), MAX(id) FROM client")[0]
    created = f"{TODAY - timedelta(days=DAYS)} 02:00:00.000000"
    # a second person and phone for the first client: the label keeps the first phone
    executemany(db, "INSERT INTO person (id, project_id, client_id, name, initials, relation, created_at) "
                    "VALUES (?,1,?,'配偶','po','spouse',?)", [(last + 100, first, created)])
    executemany(db, "INSERT INTO phone (project_id, person_id, client_id, e164, tail, created_at) "
                    "VALUES (1,?,?,'+8613999990000','0000',?)", [(last + 100, first, created)])
    # not reminded: merged into another client, no owner, last contact another day, no phone at all
    executemany(db, "UPDATE client SET merged_into_id = ? WHERE id = ?", [(first, first + 1)])
    executemany(db, "UPDATE client SET owner_id = NULL WHERE id = ?", [(first + 2,)])
    executemany(db, "UPDATE client SET last_contact = ? WHERE id = ?", [(str(TODAY - timedelta(days=DAYS - 1)), first + 3)])
    executemany(db, "INSERT INTO client (id, project_id, owner_id, last_contact, created_at) VALUES (?,1,?,?,?)",
                [(last + 1, li, str(TODAY - timedelta(days=DAYS)), created)])
    # already told today (the dedupe key a reminder carries): neither a second notice nor a message
    executemany(db, "INSERT INTO notification (project_id, recipient_id, kind, rule, data, dedupe, at) "
                    "VALUES (1,?,'lapse_tomorrow','R2.2','{}',?,?)",
                [(li, f"lapse:{first + 4}:{TODAY}:{li}", f"{TODAY} 00:00:00.000000")])


def _written(db) -> dict[str, list[tuple]]:  # noqa: ANN001
    return {"notification": rows(db, "SELECT id, project_id, recipient_id, kind, rule, data, dedupe, at, acked_at "
                                     "FROM notification ORDER BY id"),
            "outboxitem": rows(db, "SELECT id, project_id, notice_id, kind, rule, channel, lang, payload, at "
                                   "FROM outboxitem ORDER BY id"),
            "reminderrun": rows(db, "SELECT project_id, day, at FROM reminderrun")}


@pytest.mark.parametrize("batch", [REMIND_BATCH, 3])
def test_the_set_based_reminders_write_what_a_notify_per_client_wrote(counter_template, tmp_path, monkeypatch, batch):
    from frontdesk.services import Clock, open_services
    from frontdesk.services.clock import parse_local

    from dbkit import copy_db

    monkeypatch.setattr(inbox, "REMIND_BATCH", batch)
    got = {}
    for how in ("per_client", "set_based"):
        db = copy_db(counter_template, tmp_path / f"{how}.db")
        _office_with_edge_cases(db)
        sv = open_services(str(db), Clock(parse_local("2026-11-02 10:00")))
        try:
            sv.staff.settings("webhook_url", "http://127.0.0.1:9/cgi-bin/webhook/send?key=k", actor=PM)
            with sv.inbox.op(PM) as c:
                sent = _per_client_reference(c) if how == "per_client" else inbox.remind_lapsing(c)
        finally:
            sv.close()
        got[how] = (sent, _written(db))
    sent, written = got["set_based"]
    assert got["per_client"] == got["set_based"]
    assert sent == 7 + 5 - 3  # merged, unowned, another day are not lapsing; the phoneless one is not counted
    assert len(written["notification"]) == 1 + 8 and len(written["outboxitem"]) == 8  # the one told already: neither
    assert '"client": "客1 13600000001"' in written["notification"][1][5]  # the first phone, not the spouse's
    assert not any("13999990000" in n[5] for n in written["notification"])


def test_each_lapsing_client_is_reminded_exactly_once_however_often_the_reminders_run(counter, counter_db,
                                                                                      monkeypatch):
    monkeypatch.setattr(inbox, "REMIND_BATCH", 4)
    _lapsing_clients(counter_db, 10, LI)
    counter.inbox.list(actor=PM)
    _lapsing_clients(counter_db, 3, ZHANG)  # lapsing too, after the day's run: their reminder waits for a rerun
    assert (_reminded(counter_db, LI), _reminded(counter_db, ZHANG)) == (10, 0)
    with counter.inbox.op(PM) as c:  # the day's marker: a second run the same day does nothing
        assert inbox.remind_lapsing(c) == 0
    rows(counter_db, "DELETE FROM reminderrun")  # a run without the marker (say it was lost): the dedupe keys hold
    with counter.inbox.op(PM) as c:
        assert inbox.remind_lapsing(c) == 13
    assert (_reminded(counter_db, LI), _reminded(counter_db, ZHANG)) == (10, 3)
    lapsing = {cid for (cid,) in rows(counter_db, "SELECT id FROM client")}
    told = rows(counter_db, "SELECT dedupe, COUNT(*) FROM notification WHERE kind = 'lapse_tomorrow' GROUP BY dedupe")
    assert all(n == 1 for _key, n in told)
    assert {int(key.split(":")[1]) for key, _n in told} == lapsing
