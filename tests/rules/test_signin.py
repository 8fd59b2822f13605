"""The lockout rule (SPEC "Who is acting"): 5 wrong PINs within 5 minutes lock for 5 minutes."""

from __future__ import annotations

from datetime import datetime, timedelta

from frontdesk.rules import signin

T = datetime(2026, 12, 4, 1, 0)


def at(*minutes: float) -> list[datetime]:
    return [T + timedelta(minutes=m) for m in minutes]


def test_five_failures_within_five_minutes_lock_for_five_minutes_from_the_fifth():
    fails = at(0, 1, 2, 3, 4)
    assert signin.locked_until(fails[:4], T + timedelta(minutes=4)) is None
    assert signin.locked_until(fails, T + timedelta(minutes=4)) == T + timedelta(minutes=9)
    assert signin.locked_until(fails, T + timedelta(minutes=8, seconds=59)) == T + timedelta(minutes=9)
    assert signin.locked_until(fails, T + timedelta(minutes=9)) is None  # lifted


def test_failures_spread_over_more_than_five_minutes_do_not_lock():
    fails = at(0, 2, 4, 6, 8, 10)  # never five within five minutes
    assert signin.locked_until(fails, T + timedelta(minutes=10)) is None
    assert signin.tries_left(fails, T + timedelta(minutes=10)) == 2  # 6, 8 and 10 are in the window


def test_a_later_burst_locks_again_and_the_order_of_rows_does_not_matter():
    fails = at(14, 0, 1, 2, 3, 4, 10, 11, 12, 13)
    assert signin.locked_until(fails, T + timedelta(minutes=14)) == T + timedelta(minutes=19)


def test_tries_left_counts_the_last_window():
    assert signin.tries_left([], T) == 5
    assert signin.tries_left(at(0, 1, 2), T + timedelta(minutes=2)) == 2
    assert signin.tries_left(at(0, 1, 2), T + timedelta(minutes=5, seconds=30)) == 3  # 0 fell out
    assert signin.tries_left(at(0, 1, 2, 3, 4, 5), T + timedelta(minutes=5)) == 0
