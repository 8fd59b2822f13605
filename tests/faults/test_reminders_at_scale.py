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
