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


class Client(SQLModel, table=True):
    """The unit of ownership. owner_id/last_contact cache the R2.2 fold of its history (the
    registers stay the truth): the owner of record (kept after a lapse) and their last valid
    contact, so "who lapses tomorrow" and "clients held" use an index whatever N is."""

    __table_args__ = (Index("ix_client_project_contact", "project_id", "last_contact"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id")
    merged_into_id: Optional[int] = Field(default=None, foreign_key="client.id", index=True)
    owner_id: Optional[int] = Field(default=None, foreign_key="staff.id", index=True)
    last_contact: Optional[date] = None
    created_at: datetime = Field(sa_type=DateTime())


class Person(SQLModel, table=True):
    __table_args__ = (Index("ix_person_project_initials", "project_id", "initials"),
                      Index("ix_person_project_name", "project_id", "name"))
    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id")
    client_id: int = Field(foreign_key="client.id", index=True)
    name: str = Field(default="", max_length=100)
    initials: str = Field(default="", max_length=100)  # pinyin initials, "zs" for 张三
    relation: str = Field(default="self", max_length=20)  # self | spouse | parent | child | company
    created_at: datetime = Field(sa_type=DateTime())


class Phone(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("project_id", "e164"),
                      Index("ix_phone_project_tail", "project_id", "tail"))
    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id")
    person_id: int = Field(foreign_key="person.id", index=True)
    client_id: int = Field(foreign_key="client.id", index=True)
    e164: str = Field(max_length=20)
    tail: str = Field(max_length=4)
    created_at: datetime = Field(sa_type=DateTime())


class ClientLink(SQLModel, table=True):
    """R2.5: a person joined a client as a family member or company colleague (a PM act)."""

    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id")
    client_id: int = Field(foreign_key="client.id", index=True)
    merged_client_id: Optional[int] = Field(default=None, foreign_key="client.id")
    person_id: int = Field(foreign_key="person.id")
    relation: str = Field(max_length=20)
    by_id: int = Field(foreign_key="staff.id")
    at: datetime = Field(sa_type=DateTime())
    recorded_at: datetime = Field(sa_type=DateTime())


class RegisterEntry(SQLModel, table=True):
    """A page of the visitor register (book="visit") or the call register (book="call") — R2.1, R2.3."""

    __table_args__ = (UniqueConstraint("project_id", "book", "number"),
                      Index("ix_entry_client_at", "client_id", "at"),
                      Index("ix_entry_project_day_number", "project_id", "book", "day", "number"))
    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id")
    book: str = Field(max_length=8)  # "visit" | "call"
    number: int
    kind: str = Field(default="entry", max_length=12)  # entry | referral | amend | imported
    at: datetime = Field(sa_type=DateTime())  # business time (UTC)
    day: date  # business day, project-local
    recorded_at: datetime = Field(sa_type=DateTime())  # real time of recording
    operator_id: int = Field(foreign_key="staff.id")
    advisor_id: int = Field(foreign_key="staff.id", index=True)  # who served / answered
    owner_id: Optional[int] = Field(default=None, foreign_key="staff.id")  # owner after this entry
    client_id: Optional[int] = Field(default=None, foreign_key="client.id")
    person_id: Optional[int] = Field(default=None, foreign_key="person.id")
    phone_e164: str = Field(default="", max_length=20)
    name: str = Field(default="", max_length=100)
    route: str = Field(default="", max_length=16)
    effect: str = Field(default="none", max_length=10)  # rules.protection effect
    turn: bool = False
    amends: Optional[int] = None  # the number of the entry this one corrects
    data: str = "{}"  # JSON: greeter answers, reasons, notes
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class LedgerHead(SQLModel, table=True):
    """The last number and hash of each register: the lock point for numbering."""

    project_id: int = Field(foreign_key="project.id", primary_key=True)
    book: str = Field(primary_key=True, max_length=8)
    last_number: int = 0
    last_hash: str = Field(default="", max_length=64)


class FollowUp(SQLModel, table=True):
    """An advisor's follow-up of their own client (R2.1, R2.2, R1.1 sincerity)."""

    __table_args__ = (Index("ix_followup_client_at", "client_id", "at"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id")
    client_id: int = Field(foreign_key="client.id")
    advisor_id: int = Field(foreign_key="staff.id", index=True)
    outcome: str = Field(max_length=12)  # reached | unreachable
    note: str = ""
    score: Optional[int] = None
    at: datetime = Field(sa_type=DateTime())
    day: date
    recorded_at: datetime = Field(sa_type=DateTime())


class FollowUpVerification(SQLModel, table=True):
    """A PM's signature on an unreachable follow-up: from then on it counts (R2.2)."""

    id: Optional[int] = Field(default=None, primary_key=True)
    followup_id: int = Field(foreign_key="followup.id", unique=True)
    pm_id: int = Field(foreign_key="staff.id")
    at: datetime = Field(sa_type=DateTime())
    recorded_at: datetime = Field(sa_type=DateTime())


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


class Crossing(SQLModel, table=True):
    """A case of 业务交叉 (R4, R8) with the system's proposal; decided by CrossingDecision."""

    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    client_id: int = Field(foreign_key="client.id", index=True)
    holder_id: int = Field(foreign_key="staff.id")
    claimant_id: int = Field(foreign_key="staff.id")
    opened_by: int = Field(foreign_key="staff.id")
    note: str = ""
    proposal: str = "{}"  # JSON {"winner": id|null, "reasons": [...]}
    at: datetime = Field(sa_type=DateTime())
    day: date
    recorded_at: datetime = Field(sa_type=DateTime())


class CrossingDecision(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    crossing_id: int = Field(foreign_key="crossing.id", unique=True)
    decided_by: int = Field(foreign_key="staff.id")
    winner_id: Optional[int] = Field(default=None, foreign_key="staff.id")
    outcome: str = Field(max_length=12)  # confirmed | negotiated | neither
    note: str = ""
    at: datetime = Field(sa_type=DateTime())
    day: date
    recorded_at: datetime = Field(sa_type=DateTime())


class ViewLog(SQLModel, table=True):
    """R2.1: every view of another advisor's client records, with the witnessing PM."""

    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id")
    viewer_id: int = Field(foreign_key="staff.id")
    witness_id: Optional[int] = Field(default=None, foreign_key="staff.id")
    client_id: int = Field(foreign_key="client.id", index=True)
    purpose: str = Field(default="", max_length=40)
    at: datetime = Field(sa_type=DateTime())
    recorded_at: datetime = Field(sa_type=DateTime())


class ReminderRun(SQLModel, table=True):
    """The day's lapse reminders were sent (R2.2: the owner is told the day before)."""

    project_id: int = Field(foreign_key="project.id", primary_key=True)
    day: date = Field(primary_key=True)
    at: datetime = Field(sa_type=DateTime())


APPEND_ONLY = (
    "registerentry", "followup", "followupverification", "settingchange", "approval", "staffevent",
    "clientlink", "rosterevent", "crossing", "crossingdecision", "viewlog",
)


# the tables of what happens after the counter live beside these (imported so that the
# metadata, the migrations and `from frontdesk.store.models import Deal` see them)
from .models_deals import (APPEND_ONLY_DEALS, Assignment, Complaint, ComplaintEvent, Deal,  # noqa: E402,F401
                           DealShare, DiscountRequest, Deposit, LargeDealDecision, Referral, Reflection, Unit)

APPEND_ONLY = APPEND_ONLY + APPEND_ONLY_DEALS
from .models_outbox import APPEND_ONLY_OUTBOX, OutboxAttempt, OutboxItem, OutboxOutcome  # noqa: E402,F401

APPEND_ONLY = APPEND_ONLY + APPEND_ONLY_OUTBOX
from .models_live import ChangeFeed  # noqa: E402,F401
from .models_identity import APPEND_ONLY_IDENTITY, PinEvent  # noqa: E402,F401

APPEND_ONLY = APPEND_ONLY + APPEND_ONLY_IDENTITY
from .models_journal import APPEND_ONLY_JOURNAL, JournalEntry  # noqa: E402,F401

APPEND_ONLY = APPEND_ONLY + APPEND_ONLY_JOURNAL
from .models_signatures import APPEND_ONLY_SIGNATURES, SettingRequest  # noqa: E402,F401

APPEND_ONLY = APPEND_ONLY + APPEND_ONLY_SIGNATURES
