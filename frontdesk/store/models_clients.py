"""The clients' tables: clients, people and their phones, links, follow-ups, crossings and who
viewed a full phone (R2, R3, R4, R8); the two registers are in models_register. Built on first use
(store.models.LAZY): a command that never reads a client, such as `roster show`, does not pay for
them at start, nor does the desk, which reads today's register pages and no client.
The conventions of frontdesk.store.models hold here too."""

from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from sqlalchemy import DateTime, Index, UniqueConstraint
from sqlmodel import Field, SQLModel


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
