"""Sign-in at the shared counter PC: wrong PINs are limited (R2.1 keeps records private)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Sequence

MAX_FAILURES = 5
LOCK_MINUTES = 5


def locked_until(failures: Sequence[datetime], now: datetime, limit: int = MAX_FAILURES,
                 minutes: int = LOCK_MINUTES) -> datetime | None:
    """After `limit` wrong PINs in a row (failures since the last success), the name is locked
    for `minutes` from the last failure. None when not locked."""
    if len(failures) < limit:
        return None
    until = max(failures) + timedelta(minutes=minutes)
    return until if now < until else None
