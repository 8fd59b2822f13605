"""Wrong PINs are limited (SPEC "Who is acting"; R2.1 keeps records private).

5 wrong PINs within 5 minutes lock the name for 5 minutes from the fifth, on the real clock.
The services read the failures from the database (every terminal and process writes them
there) and hand their times here: only failures after the PM's last unlock count. A correct
PIN does not wipe the failures (the log is append-only): a name that keeps being guessed at
locks even between its owner's sign-ins. Attempts refused while locked are logged apart and
do not count, so a lock always lifts 5 minutes after the failure that set it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Sequence

MAX_FAILURES = 5
WINDOW_MINUTES = 5
LOCK_MINUTES = 5
# failures older than this cannot lock now: the newest lock lasts LOCK after a failure that
# has its four predecessors within WINDOW before it
LOOKBACK = timedelta(minutes=WINDOW_MINUTES + LOCK_MINUTES)


def locked_until(failures: Sequence[datetime], now: datetime, limit: int = MAX_FAILURES,
                 window: int = WINDOW_MINUTES, minutes: int = LOCK_MINUTES) -> datetime | None:
    """The end of the lock in force at `now`, or None.

    A lock starts at any failure that is the `limit`-th within `window` minutes (it and the
    `limit - 1` before it) and lasts `minutes`."""
    ts = sorted(failures)
    until = None
    for i in range(limit - 1, len(ts)):
        if ts[i] - ts[i - limit + 1] <= timedelta(minutes=window):
            until = ts[i] + timedelta(minutes=minutes)
    return until if until is not None and now < until else None


def tries_left(failures: Sequence[datetime], now: datetime, limit: int = MAX_FAILURES,
               window: int = WINDOW_MINUTES) -> int:
    """How many more wrong PINs the name takes before it locks (failures in the last window)."""
    recent = [t for t in failures if now - t < timedelta(minutes=window)]  # a PC whose clock runs ahead counts too
    return max(0, limit - len(recent))
