"""One clock for every command: real time, or a fixed moment (--at / FRONTDESK_NOW)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional
from datetime import date, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from .errors import BadInput

AT_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d")
# A sales office's dates lie in this range; outside it, date arithmetic (protection windows,
# reminders N days back, time-zone shifts) would run off the calendar's ends.
YEARS = (1970, 2200)


def in_range(when: datetime | date, field: str, text: str | None = None) -> None:
    """BadInput unless `when` falls in the years a sales office can mean (YEARS)."""
    lo, hi = YEARS
    if not lo <= when.year <= hi:
        shown = text if text is not None else when.isoformat()
        raise BadInput(field, f"{shown!r} is outside the years {lo}–{hi}")


def parse_local(text: str, field: str = "at") -> datetime:
    """A naive local datetime from "YYYY-MM-DD HH:MM" (the project's time zone applies later)."""
    for fmt in AT_FORMATS:
        try:
            when = datetime.strptime(text.strip(), fmt)
        except ValueError:
            continue
        in_range(when, field, text)
        return when
    raise BadInput(field, f"{text!r} is not a time: use YYYY-MM-DD HH:MM")


@dataclass
class Clock:
    fixed_local: datetime | None = None  # naive, in the project's time zone
    offset: timedelta = timedelta(0)  # a running clock shifted (the demo opens at 09:00)
    # the real clock the PIN lockout runs on (UTC, naive); tests inject one. Neither --at nor
    # the offset moves it: a lock lasts 5 real minutes whatever the business clock says
    real: Optional[Callable[[], datetime]] = None

    def now(self, tz: str) -> datetime:
        zone = ZoneInfo(tz)
        if self.fixed_local is not None:
            return self.fixed_local.replace(tzinfo=zone)
        return datetime.now(zone) + self.offset

    def real_now(self) -> datetime:
        """The real time (UTC, naive) for the lockout: the injected clock, else the wall."""
        return self.real() if self.real is not None else Clock.wall()

    @staticmethod
    def wall() -> datetime:
        """The real time of recording (UTC, naive), whatever the business clock says."""
        return datetime.now(timezone.utc).replace(tzinfo=None)


def to_utc(aware: datetime) -> datetime:
    return aware.astimezone(timezone.utc).replace(tzinfo=None)


def local(utc: datetime, tz: str | tzinfo) -> datetime:
    """A stored time (UTC, naive) as people see it: aware, in the project's time zone. The one
    conversion every screen, printout and JSON writer goes through (STYLE "Data habits": Time);
    an aware time is only moved to the zone."""
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    aware = utc if utc.tzinfo is not None else utc.replace(tzinfo=timezone.utc)
    return aware.astimezone(zone)


def local_to_second(utc: datetime, tz: str | tzinfo) -> datetime:
    """`local`, to the second: for the real clock's times (PIN events, the outbox's tries), which
    carry microseconds no one reads (JSON: 2026-11-27T09:00:00+08:00)."""
    return local(utc.replace(microsecond=0), tz)

