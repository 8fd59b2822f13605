"""Who is acting, proven (SPEC "Who is acting", R2.1): one PIN check for every door — the app's
sign-in, the command line, the witnessed view — and one lockout for the whole office.

The lockout's only state is the append-only PinEvent log in the database, so every terminal
and process sees it: a wrong PIN is a "failure" row; an attempt while the name is locked is
refused without looking at the PIN and logged as "locked" (not counted, so a lock lifts 5 real
minutes after the failure that set it); a PM's unlock is an "unlock" row, and only failures
after the last unlock count. Successes are not logged (a read stays a read); a correct PIN
does not reset the count (rules/signin.py). Times are the real clock (Clock.real_now), never
the business clock of --at.

A refused attempt is logged in its own transaction after the operation's has rolled back
(Base.op does it for a PinRefused raised inside an operation), so nothing else is written."""

from __future__ import annotations

import os
import socket
import sys
from contextlib import contextmanager
from datetime import datetime
from functools import lru_cache
from typing import Any, Iterator

from sqlmodel import Session, select

from frontdesk.rules import signin
from frontdesk.rules.reasons import Reason
from frontdesk.store.db import Database
from frontdesk.store.models import PinEvent, Project, Setting, Staff
from frontdesk.store.probe import DEMO_KEY

from . import pins
from .pins import pin_ok
from .base import Base, not_utf8
from .clock import Clock, local_to_second
from .errors import BadInput, Refused

# what may run unsigned (docs/cli.md): the first project and the first staff member of a new database;
# the desk of the demo's sandbox database (every project carries the demo mark, as store.probe reads it)
BOOTSTRAPS = ("init", "first_staff", "demo")


@lru_cache(maxsize=1)
def this_terminal() -> str:
    """Where an attempt comes from: the process's terminal (if any), process id and host."""
    parts = []
    try:
        if sys.stdin is not None and sys.stdin.isatty():
            parts.append(f"tty:{os.ttyname(sys.stdin.fileno())}")
    except (OSError, ValueError, AttributeError):  # no terminal, a closed or replaced stdin
        pass
    parts.append(f"pid:{os.getpid()}@{socket.gethostname()}")
    return " ".join(parts)[:200]


class PinRefused(Refused):
    """A wrong PIN, or a locked name: raised inside a transaction, logged after it (log_attempt)."""

    def __init__(self, st: Staff, kind: str, door: str, terminal: str, reason: Reason, message: str):
        super().__init__(reason, message)
        self.staff_id, self.project_id, self.name = st.id, st.project_id, st.name
        self.kind, self.door, self.terminal = kind, door, terminal


def _lock_reason(name: str, until: datetime, tz: str) -> tuple[Reason, str]:
    shown = local_to_second(until, tz)
    return (Reason("R2.1", "pin_locked", {"name": name, "until": shown.strftime("%H:%M"),
                                          "until_at": shown.isoformat()}),
            f"too many wrong PINs: {name} is locked until {shown:%H:%M} (real time)")


def failures(s: Session, staff_id: int, now: datetime) -> list[datetime]:
    """The wrong PINs that can still lock the name at `now` (after the last unlock)."""
    rows = s.exec(select(PinEvent.id, PinEvent.kind, PinEvent.at).where(PinEvent.staff_id == staff_id,
                                                                        PinEvent.at >= now - signin.LOOKBACK)).all()
    unlocked = max((i for i, kind, _ in rows if kind == "unlock"), default=0)  # the log's order, not the clocks'
    return [at for i, kind, at in rows if kind == "failure" and i > unlocked]


def _tz(s: Session, st: Staff) -> str:
    p = s.get(Project, st.project_id)
    return p.tz if p is not None else "UTC"


def check(s: Session, st: Staff, pin: str | None, door: str, now: datetime, terminal: str | None = None) -> None:
    """Inside a transaction: PinRefused when the name is locked or the PIN is wrong. A person with no
    PIN is told so (services.pins): a plain refusal, not logged, counting towards no lockout."""
    pins.require_set(st)
    where = terminal or this_terminal()
    until = signin.locked_until(failures(s, st.id, now), now)  # type: ignore[arg-type]
    if until is not None:
        raise PinRefused(st, "locked", door, where, *_lock_reason(st.name, until, _tz(s, st)))
    if not pin_ok(st, pin):
        raise PinRefused(st, "failure", door, where, Reason("R2.1", "wrong_pin", {"name": st.name}),
                         f"wrong PIN for {st.name}")


def log_attempt(db: Database, clock: Clock, exc: PinRefused) -> Refused:
    """Write the refused attempt (its own transaction) and say where the name stands now."""
    now = clock.real_now()
    with db.write() as s:
        s.add(PinEvent(staff_id=exc.staff_id, project_id=exc.project_id, name=exc.name, kind=exc.kind,
                       door=exc.door, terminal=exc.terminal, at=now))
        s.flush()
        if exc.kind != "failure":
            return exc
        fails = failures(s, exc.staff_id, now)
        st = s.get(Staff, exc.staff_id)
        tz = _tz(s, st) if st is not None else "UTC"
    until = signin.locked_until(fails, now)
    if until is not None:
        reason, message = _lock_reason(exc.name, until, tz)
    else:
        left = signin.tries_left(fails, now)
        reason = Reason("R2.1", "wrong_pin", {"name": exc.name, "left": left})
        message = f"wrong PIN for {exc.name} ({left} tries left before a {signin.LOCK_MINUTES}-minute lock)"
    return Refused(reason, message)


@contextmanager
def logged(db: Database, clock: Clock) -> Iterator[None]:
    """Around a transaction that checks a PIN: a refused attempt is logged once it has rolled back."""
    try:
        yield
    except PinRefused as exc:
        raise log_attempt(db, clock, exc) from None


def _active(s: Session, name: str | None, field: str) -> Staff:
    n = (name or "").strip()
    if not_utf8(n):
        raise BadInput(field, "is not valid text (UTF-8)")
    st = s.exec(select(Staff).where(Staff.name == n, Staff.active == True)).first()  # noqa: E712
    if st is None:
        raise BadInput(field, f"no staff member named {name!r}")
    return st


def prove(db: Database, clock: Clock, name: str | None, pin: str | None, door: str,
          terminal: str | None = None, field: str = "as") -> Staff:
    """The staff member `name`, once `pin` proves it is them; a refusal is logged and counts."""
    with logged(db, clock):
        with db.read() as s:
            st = _active(s, name, field)
            check(s, st, pin, door, clock.real_now(), terminal)
        # the PIN was right; a lock set meanwhile by guesses from elsewhere still wins
        with db.read() as s:
            now = clock.real_now()
            until = signin.locked_until(failures(s, st.id, now), now)  # type: ignore[arg-type]
            if until is not None:
                raise PinRefused(st, "locked", door, terminal or this_terminal(), *_lock_reason(st.name, until, _tz(s, st)))
    return st


class IdentityService(Base):
    def authenticate(self, name: str | None, pin: str | None, door: str = "cli", bootstrap: str | None = None,
                     terminal: str | None = None) -> dict[str, Any] | None:
        """The command line's proof before any operation: who is acting, with their PIN.

        `bootstrap` names what may run unsigned (docs/cli.md): "init" while the database has no
        project, "first_staff" while it has no staff, "demo" on the demo's sandbox database.
        None is returned then."""
        if bootstrap is not None:
            if bootstrap not in BOOTSTRAPS:
                raise ValueError(bootstrap)
            with self.db.read() as s:
                if bootstrap == "demo":
                    projects = len(s.exec(select(Project.id)).all())
                    marked = len(set(s.exec(select(Setting.project_id).where(Setting.key == DEMO_KEY)).all()))
                    free = 0 < projects <= marked
                else:
                    free = s.exec(select(Project.id if bootstrap == "init" else Staff.id)).first() is None
            if free:
                return None
        if not (name or "").strip():
            raise Refused(Reason("R2.1", "who_is_acting", {}),
                          "who is acting? give --as NAME (or FRONTDESK_USER) and your PIN (--pin or FRONTDESK_PIN)")
        if pin is None or pin == "":
            with self.db.read() as s:
                st = _active(s, name, "as")  # a name nobody has is bad input before anything else
            raise Refused(Reason("R2.1", "pin_required", {"name": st.name}),
                          f"acting as {st.name} needs their PIN: --pin PIN or FRONTDESK_PIN")
        st = prove(self.db, self.clock, name, pin, door, terminal)
        return {"name": st.name, "role": st.role}

    def lockouts(self, actor: str | None = None, project: str | None = None, limit: int = 200) -> dict[str, Any]:
        """The PIN log of the project's staff, newest first, and who is locked now (PM or GM)."""
        with self.op(actor, project, write=False) as c:
            c.require("pm", "gm", rule="R2.1", code="pm_sees_lockouts")
            now = self.clock.real_now()
            tz = c.project.tz
            rows = c.s.exec(select(PinEvent).where(PinEvent.project_id == c.pid)
                            .order_by(PinEvent.at.desc(), PinEvent.id.desc()).limit(limit)).all()  # type: ignore[attr-defined]
            recent = c.s.exec(select(PinEvent.staff_id).where(PinEvent.project_id == c.pid,
                                                              PinEvent.at >= now - signin.LOOKBACK).distinct()).all()
            locked = []
            for sid in sorted(set(recent)):
                fails = failures(c.s, sid, now)
                until = signin.locked_until(fails, now)
                if until is not None:
                    locked.append({"name": c.name_of(sid), "until": local_to_second(until, tz), "failures": len(fails)})
            return {"locked": locked,
                    "events": [{"at": local_to_second(e.at, tz), "name": e.name, "kind": e.kind, "door": e.door,
                                "terminal": e.terminal, "by": c.name_of(e.by_id)} for e in rows]}

    def unlock(self, name: str, actor: str | None = None, project: str | None = None,
               terminal: str | None = None) -> dict[str, Any]:
        """The PM lifts a lock (recorded): failures before it no longer count."""
        with self.op(actor, project) as c:
            u = c.require("pm", "gm", rule="R2.1", code="pm_unlocks")
            st = c.staff(name, "name")
            now = self.clock.real_now()
            until = signin.locked_until(failures(c.s, st.id, now), now)  # type: ignore[arg-type]
            c.s.add(PinEvent(staff_id=st.id, project_id=st.project_id, name=st.name, kind="unlock", door="unlock",
                             terminal=terminal or this_terminal(), by_id=u.id, at=now))
            return {"name": st.name, "was_locked_until": local_to_second(until, c.project.tz) if until else None,
                    "by": u.name, "at": local_to_second(now, c.project.tz)}
