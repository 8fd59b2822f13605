"""The two registers (R2.1, R2.3): the visitor register (book="visit") and the call register
(book="call"), append-only. Built on first use (store.models.LAZY), apart from the clients'
tables: the desk shows today's pages without building those. The conventions of
frontdesk.store.models hold here too."""

from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from sqlalchemy import DateTime, Index, UniqueConstraint
from sqlmodel import Field, SQLModel


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
