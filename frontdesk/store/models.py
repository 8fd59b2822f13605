"""The tables. Registers and logs are append-only: the database refuses UPDATE and DELETE
on the tables in APPEND_ONLY (triggers created by the migrations).

Times are naive UTC datetimes; `day` columns are the project-local calendar day the rules
use; `recorded_at` is the real wall-clock time of recording (so back-filled entries show).
JSON columns are text written by the services with sorted keys. Datetime columns are declared
plain (naive) on purpose: SQLModel's default aware type would differ between SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from sqlalchemy import DateTime, Index, UniqueConstraint
from sqlmodel import Field, SQLModel


class Project(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    code: str = Field(index=True, unique=True, max_length=32)
    name: str = Field(max_length=200)
    tz: str = Field(default="Asia/Shanghai", max_length=64)
    created_at: datetime = Field(sa_type=DateTime())


class Setting(SQLModel, table=True):
    """The current value of a project setting; every change is also in SettingChange."""

    __table_args__ = (UniqueConstraint("project_id", "key"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id")
    key: str = Field(max_length=64)
    value: str  # JSON


class SettingChange(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    key: str = Field(max_length=64)
    old: Optional[str] = None
    new: str
    by_id: Optional[int] = Field(default=None, foreign_key="staff.id")
    approval_id: Optional[int] = Field(default=None, foreign_key="approval.id")
    at: datetime = Field(sa_type=DateTime())
    recorded_at: datetime = Field(sa_type=DateTime())


class Approval(SQLModel, table=True):
    """A recorded approval: a GM's for protection days above 10 (R2.2), and the like."""

    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    kind: str = Field(max_length=40)
    approver: str = Field(max_length=100)  # as written: "郭总"
    approver_id: Optional[int] = Field(default=None, foreign_key="staff.id")
    reason: str
    subject: str = Field(default="", max_length=200)
    by_id: Optional[int] = Field(default=None, foreign_key="staff.id")
    at: datetime = Field(sa_type=DateTime())
    recorded_at: datetime = Field(sa_type=DateTime())


class Staff(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    name: str = Field(index=True, unique=True, max_length=100)
    initials: str = Field(default="", max_length=100)
    role: str = Field(max_length=20)  # advisor | trainee | pm | sales-admin | gm
    mentor_id: Optional[int] = Field(default=None, foreign_key="staff.id")
    pin_hash: Optional[str] = Field(default=None, max_length=200)
    joined_on: date
    exam_passed_on: Optional[date] = None
    exam_score: Optional[int] = None
    active: bool = True
    created_at: datetime = Field(sa_type=DateTime())


class StaffEvent(SQLModel, table=True):
    """What happened to a staff member: added, exam passed, transferred (R5.3, R6)."""

    id: Optional[int] = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staff.id", index=True)
    project_id: int = Field(foreign_key="project.id")
    kind: str = Field(max_length=20)
    data: str = "{}"
    by_id: Optional[int] = Field(default=None, foreign_key="staff.id")
    at: datetime = Field(sa_type=DateTime())
    day: date
    recorded_at: datetime = Field(sa_type=DateTime())


class LedgerHead(SQLModel, table=True):
    """The last number and hash of each register: the lock point for numbering."""

    project_id: int = Field(foreign_key="project.id", primary_key=True)
    book: str = Field(primary_key=True, max_length=8)
    last_number: int = 0
    last_hash: str = Field(default="", max_length=64)


class RosterState(SQLModel, table=True):
    """The rotation queues now (R3); every change is also a RosterEvent."""

    project_id: int = Field(foreign_key="project.id", primary_key=True)
    queue: str = "[]"  # JSON list of staff ids, front first
    duty_queue: str = "[]"
    updated_at: datetime = Field(sa_type=DateTime())


class RosterEvent(SQLModel, table=True):
    __table_args__ = (Index("ix_roster_event_day", "project_id", "day"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id")
    kind: str = Field(max_length=12)  # set | away | back | turn | duty | skip
    staff_id: Optional[int] = Field(default=None, foreign_key="staff.id")
    by_id: Optional[int] = Field(default=None, foreign_key="staff.id")
    data: str = "{}"
    at: datetime = Field(sa_type=DateTime())
    day: date
    recorded_at: datetime = Field(sa_type=DateTime())


class Notification(SQLModel, table=True):
    __table_args__ = (Index("ix_notification_inbox", "recipient_id", "acked_at"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id")
    recipient_id: int = Field(foreign_key="staff.id")
    kind: str = Field(max_length=40)
    rule: str = Field(default="", max_length=8)
    data: str = "{}"
    dedupe: Optional[str] = Field(default=None, unique=True, max_length=120)
    at: datetime = Field(sa_type=DateTime())
    acked_at: Optional[datetime] = Field(default=None, sa_type=DateTime())


class ReminderRun(SQLModel, table=True):
    """The day's lapse reminders were sent (R2.2: the owner is told the day before)."""

    project_id: int = Field(foreign_key="project.id", primary_key=True)
    day: date = Field(primary_key=True)
    at: datetime = Field(sa_type=DateTime())


APPEND_ONLY = (
    "registerentry", "followup", "followupverification", "settingchange", "approval", "staffevent",
    "clientlink", "rosterevent", "crossing", "crossingdecision", "viewlog",
)


# the tables of what happens after the counter (deals, credit, complaints) and the outbox live
# beside these and are built on first use: `from frontdesk.store.models import Deal` still works
# (the module's __getattr__ below), and a command that never touches them does not pay the ~70 ms
# their 13 classes cost at start. Whatever needs the whole metadata (the migrations, verify,
# the drift test) calls load_all().
APPEND_ONLY_DEALS = ("assignment", "deposit", "largedealdecision", "deal", "dealshare", "reflection", "referral",
                     "complaint", "complaintevent", "discountrequest")
APPEND_ONLY_OUTBOX = ("outboxitem", "outboxattempt", "outboxoutcome")
APPEND_ONLY = APPEND_ONLY + APPEND_ONLY_DEALS + APPEND_ONLY_OUTBOX
LAZY = {
    "models_clients": ("Client", "Person", "Phone", "ClientLink", "FollowUp", "FollowUpVerification",
                       "Crossing", "CrossingDecision", "ViewLog"),
    "models_register": ("RegisterEntry",),
    "models_deals": ("Assignment", "Complaint", "ComplaintEvent", "Deal", "DealShare", "DiscountRequest", "Deposit",
                     "LargeDealDecision", "Referral", "Reflection", "Unit"),
    "models_outbox": ("OutboxAttempt", "OutboxItem", "OutboxOutcome"),
}
_HOME = {cls: mod for mod, names in LAZY.items() for cls in names}


def __getattr__(name: str) -> object:
    mod = _HOME.get(name)
    if mod is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f"{__package__}.{mod}"), name)


def load_all() -> None:
    """Build every table class, so that SQLModel.metadata holds the whole schema."""
    import importlib

    for mod in LAZY:
        importlib.import_module(f"{__package__}.{mod}")


from .models_live import ChangeFeed  # noqa: E402,F401
from .models_identity import APPEND_ONLY_IDENTITY, PinEvent  # noqa: E402,F401

APPEND_ONLY = APPEND_ONLY + APPEND_ONLY_IDENTITY
from .models_journal import APPEND_ONLY_JOURNAL, JournalEntry  # noqa: E402,F401

APPEND_ONLY = APPEND_ONLY + APPEND_ONLY_JOURNAL
from .models_signatures import APPEND_ONLY_SIGNATURES, SettingRequest  # noqa: E402,F401

APPEND_ONLY = APPEND_ONLY + APPEND_ONLY_SIGNATURES
