"""The operation context every service shares: one transaction, the project, the acting
staff member, the clock, the settings — and the small helpers they all use."""

from __future__ import annotations

import json
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cached_property
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Iterator, Sequence

from sqlalchemy import bindparam, text
from sqlmodel import Session, select

from frontdesk.rules.reasons import Reason
from frontdesk.store.db import Database
from frontdesk.store.models import Notification, Project, Staff

from . import outbox_queue
from . import settings as settings_mod
from .clock import Clock, local, to_utc
from .errors import BadInput, Refused

ROLES = ("advisor", "trainee", "pm", "sales-admin", "gm")
FRONTLINE = ("advisor", "trainee", "pm")  # who may receive clients (a PM can do all an advisor can)
ROSTER_ROLES = ("advisor", "trainee")  # who stands on the roster: the PM, sales admin and GM are not in the rotation
MAX_NAME = 100
MAX_NOTE = 2000
# reason data keys that hold staff ids: replaced by names before a reason leaves the services
STAFF_KEYS = frozenset({"advisor", "owner", "previous_owner", "holder", "claimant", "a", "b", "proposed", "chosen",
                        "mentor", "saw", "closer", "winner", "pm", "trainee", "witness"})


def dumps(v: Any) -> str:
    return _ENCODER.encode(v)  # json.dumps with these options would build an encoder per call


def _json_default(v: Any) -> Any:
    if isinstance(v, (date, datetime)):
        return v.isoformat()
    if isinstance(v, Reason):
        return v.as_dict()
    if isinstance(v, Decimal):
        return f"{v:.2f}"
    raise TypeError(type(v))


_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False, default=_json_default)


def clean_text(value: str | None, field: str, limit: int = MAX_NAME, required: bool = False) -> str:
    """Trimmed text without control characters, at most `limit` characters."""
    v = (value or "").strip()
    if required and not v:
        raise BadInput(field, "must not be empty")
    if len(v) > limit:
        raise BadInput(field, f"is {len(v)} characters long; at most {limit} allowed")
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in v):
        raise BadInput(field, "contains control characters")
    if not_utf8(v):
        raise BadInput(field, "is not valid text (UTF-8)")
    return v


def not_utf8(v: str) -> bool:
    """Bytes that were not UTF-8 reach Python as lone surrogates (category Cs); no database takes them."""
    return any(unicodedata.category(ch) == "Cs" for ch in v)


# every operation reads its settings and names its people: both in one statement, built once
_FACTS = text("SELECT 's', key, value FROM setting WHERE project_id = :pid "
              "UNION ALL SELECT 'n', CAST(id AS VARCHAR(20)), name FROM staff WHERE project_id = :pid")


@dataclass
class Ctx:
    s: Session
    project: Project
    actor: Staff | None
    now: datetime  # aware, project time zone
    recorded_at: datetime  # real wall-clock time, UTC naive
    _settings: dict[str, Any] | None = field(default=None, repr=False)
    _names: dict[int, str] = field(default_factory=dict, repr=False)

    @cached_property
    def at(self) -> datetime:  # `now` is fixed for the operation: converted once (an import asks per row)
        return to_utc(self.now)

    @property
    def today(self) -> date:
        return self.now.date()

    def local(self, utc: datetime) -> datetime:
        """A stored time (UTC, naive) as people see it: aware, in the project's time zone."""
        assert self.now.tzinfo is not None
        return local(utc, self.now.tzinfo)

    @property
    def pid(self) -> int:
        assert self.project.id is not None
        return self.project.id

    # settings ---------------------------------------------------------------
    def setting(self, key: str) -> Any:
        if self._settings is None:
            self._project_facts()
            assert self._settings is not None
        return self._settings[key]

    def _project_facts(self) -> None:
        """The project's settings and its staff's names in one round trip (most operations need
        both, and both are a handful of rows)."""
        self.s.flush()  # a text statement does not autoflush (the ORM selects it replaces did)
        rows = self.s.execute(_FACTS, {"pid": self.pid}).all()
        self.know([(k, v) for src, k, v in rows if src == "s"], {int(k): v for src, k, v in rows if src == "n"})

    def know(self, settings: Sequence[tuple[str, str]], names: dict[int, str]) -> None:
        """Adopt the project's settings (key, stored JSON) and staff names read by the caller
        (the walk-in reads them in its one statement of office facts)."""
        self._settings = {k: spec.default for k, spec in settings_mod.SPECS.items()}
        self._settings.update({k: json.loads(v) for k, v in settings})
        if not self._names:
            self._names.update(names)

    # the acting user --------------------------------------------------------
    def user(self) -> Staff:
        if self.actor is None:
            raise BadInput("as", "who is acting? give --as NAME (or FRONTDESK_USER)")
        return self.actor

    def require(self, *roles: str, rule: str = "R2.1", code: str = "role_required") -> Staff:
        u = self.user()
        if u.role not in roles:
            raise Refused(Reason(rule, code, {"role": u.role, "roles": list(roles)}),
                          f"{u.name} is {u.role}; this needs {' or '.join(roles)}")
        return u

    def is_pm(self) -> bool:
        return self.actor is not None and self.actor.role in ("pm", "gm")

    # staff --------------------------------------------------------------------
    def staff(self, name: str | None, field: str, *, here: bool = True) -> Staff:
        n = clean_text(name, field, required=True)
        st = self.s.exec(select(Staff).where(Staff.name == n)).first()
        if st is None or (here and st.project_id != self.pid) or not st.active:
            raise BadInput(field, f"no staff member named {n!r} in project {self.project.code}")
        return st

    def name_of(self, sid: int | None) -> str | None:
        if sid is None:
            return None
        if sid not in self._names:
            if not self._names:  # the project's staff at once: a list names a handful of them
                self._project_facts()
            if sid not in self._names:
                st = self.s.get(Staff, sid)
                self._names[sid] = st.name if st else f"#{sid}"
        return self._names[sid]

    def named(self, reasons: Sequence[Reason]) -> list[Reason]:
        """The reasons with staff ids replaced by names, ready to leave the services."""
        out = []
        for r in reasons:
            data = {k: (self.name_of(v) if k in STAFF_KEYS and isinstance(v, int) else v) for k, v in r.data.items()}
            out.append(replace(r, data=data))
        return out

    def pms(self) -> list[Staff]:
        return list(self.s.exec(select(Staff).where(Staff.project_id == self.pid, Staff.role == "pm",
                                                    Staff.active == True)))  # noqa: E712

    def notify(self, recipients: Sequence[int | str], kind: str, rule: str, data: dict[str, Any],
               dedupe: str | None = None) -> list[str]:
        """Inbox notices; "pm" means every PM of the project. Returns the names told."""
        ids: list[int] = []
        for r in recipients:
            for sid in ([p.id for p in self.pms()] if r == "pm" else [r]):
                if sid is not None and sid not in ids:
                    ids.append(sid)
        added: list[Notification] = []
        for sid in ids:
            key = f"{dedupe}:{sid}" if dedupe else None
            if key and self.s.exec(select(Notification.id).where(Notification.dedupe == key)).first():
                continue
            added.append(Notification(project_id=self.pid, recipient_id=sid, kind=kind, rule=rule,
                                      data=dumps(data), dedupe=key, at=self.at))
            self.s.add(added[-1])
        names = [self.name_of(i) or "" for i in ids]
        # the webhook's copy of this event, in the same transaction (frontdesk.services.outbox_queue)
        outbox_queue.enqueue(self, kind, rule, data, [self.name_of(n.recipient_id) or "" for n in added], added)
        return names


# the actor and their project in one query, built once (every operation starts with it)
_ACTOR = select(Staff, Project).join(Project, Project.id == Staff.project_id).where(Staff.name == bindparam("name"))


class Base:
    """A family of operations over one database and one clock."""

    def __init__(self, db: Database, clock: Clock):
        self.db = db
        self.clock = clock

    @contextmanager
    def op(self, actor: str | None = None, project: str | None = None, *, write: bool = True,
           any_project: bool = False) -> Iterator[Ctx]:
        try:
            with self._op(actor, project, write, any_project) as ctx:
                yield ctx
        except Refused as exc:
            from .identity import PinRefused, log_attempt  # a PIN checked inside the operation

            if isinstance(exc, PinRefused):  # logged now that the operation has rolled back
                raise log_attempt(self.db, self.clock, exc) from None
            raise

    @contextmanager
    def _op(self, actor: str | None, project: str | None, write: bool, any_project: bool) -> Iterator[Ctx]:
        with (self.db.write() if write else self.db.read()) as s:
            user = home = None
            if actor:
                if not_utf8(actor):
                    raise BadInput("as", "is not valid text (UTF-8)")
                got = s.exec(_ACTOR, params={"name": actor.strip()}).first()
                user, home = got if got is not None else (None, None)
                if user is None or not user.active:
                    raise BadInput("as", f"no staff member named {actor!r}")
            proj = home if user is not None and not project else resolve_project(s, project, user)
            if user is not None and user.project_id != proj.id and user.role != "gm" and not any_project:
                raise Refused(Reason("R1.1", "other_project", {"project": proj.code}),
                              f"{user.name} works in another project, not {proj.code}")
            now = self.clock.now(proj.tz)
            ctx = Ctx(s, proj, user, now, Clock.wall())
            try:
                yield ctx
            except Refused as exc:
                exc.reason = ctx.named([exc.reason])[0]  # a refusal speaks of people by name
                raise


def resolve_project(s: Session, code: str | None, user: Staff | None) -> Project:
    if code:
        p = s.exec(select(Project).where(Project.code == code.strip())).first()
        if p is None:
            raise BadInput("project", f"no project with code {code!r}")
        return p
    if user is not None:
        p = s.get(Project, user.project_id)
        assert p is not None
        return p
    projects = s.exec(select(Project).limit(2)).all()
    if not projects:
        raise BadInput("project", "the database has no project yet: run `frontdesk init` first")
    if len(projects) > 1:
        raise BadInput("project", "there are several projects: choose one with --project CODE")
    return projects[0]
