"""The tables of what happens after the counter: units, deposits, deals and their credit,
referrals, PM assignments, complaints. Append-only like the registers (R2.1)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Optional

from sqlalchemy import DateTime, Numeric, UniqueConstraint
from sqlmodel import Field, SQLModel

from . import models_clients  # noqa: F401 - the client table its keys point at, built before these


class Unit(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("project_id", "code"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id")
    code: str = Field(max_length=40)
    list_price: Decimal = Field(sa_type=Numeric(14, 2))
    created_at: datetime = Field(sa_type=DateTime())


class Deposit(SQLModel, table=True):
    """R1.2: the first deposit takes the unit; the unique index makes a second one impossible
    even when two terminals try at the same moment."""

    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    unit_id: int = Field(foreign_key="unit.id", unique=True)
    client_id: int = Field(foreign_key="client.id", index=True)
    advisor_id: int = Field(foreign_key="staff.id")
    amount: Decimal = Field(sa_type=Numeric(14, 2))
    at: datetime = Field(sa_type=DateTime())
    day: date
    recorded_at: datetime = Field(sa_type=DateTime())


class LargeDealDecision(SQLModel, table=True):
    """P2: for a large deal the PM assists, or consents to the advisor handling it alone."""

    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id")
    unit_id: int = Field(foreign_key="unit.id", index=True)
    client_id: int = Field(foreign_key="client.id")
    decision: str = Field(max_length=8)  # alone | assist
    pm_id: int = Field(foreign_key="staff.id")
    note: str = ""
    at: datetime = Field(sa_type=DateTime())
    recorded_at: datetime = Field(sa_type=DateTime())


class Deal(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    unit_id: int = Field(foreign_key="unit.id", unique=True)
    client_id: int = Field(foreign_key="client.id", index=True)
    closer_id: int = Field(foreign_key="staff.id", index=True)
    amount: Decimal = Field(sa_type=Numeric(14, 2))
    list_price: Decimal = Field(sa_type=Numeric(14, 2))
    discount: Decimal = Field(default=Decimal(0), sa_type=Numeric(14, 2))
    approved_by_id: Optional[int] = Field(default=None, foreign_key="staff.id")  # R7
    large: bool = False
    no_credit: bool = False
    data: str = "{}"  # JSON: reasons, the credit base
    at: datetime = Field(sa_type=DateTime())
    day: date
    recorded_at: datetime = Field(sa_type=DateTime())


class DealShare(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deal.id", index=True)
    advisor_id: int = Field(foreign_key="staff.id", index=True)
    percent: Decimal = Field(sa_type=Numeric(6, 2))
    amount: Decimal = Field(sa_type=Numeric(14, 2))


class Reflection(SQLModel, table=True):
    """R5.5: a trainee's written deal reflection (成交心得) on their first deal."""

    id: Optional[int] = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deal.id", unique=True)
    author_id: int = Field(foreign_key="staff.id")
    text: str
    at: datetime = Field(sa_type=DateTime())
    recorded_at: datetime = Field(sa_type=DateTime())


class Referral(SQLModel, table=True):
    """R1.1: a client reported to the PM and referred to a similar project."""

    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id")
    to_project_id: int = Field(foreign_key="project.id", index=True)
    client_id: int = Field(foreign_key="client.id")
    e164: str = Field(max_length=20, index=True)
    reporter_id: int = Field(foreign_key="staff.id")
    by_id: int = Field(foreign_key="staff.id")
    at: datetime = Field(sa_type=DateTime())
    recorded_at: datetime = Field(sa_type=DateTime())


class Complaint(SQLModel, table=True):
    """R10: a complaint or suggestion received by the sales admin; status in ComplaintEvent."""

    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    kind: str = Field(max_length=12)  # complaint | suggestion
    text: str
    by_id: int = Field(foreign_key="staff.id")
    at: datetime = Field(sa_type=DateTime())
    recorded_at: datetime = Field(sa_type=DateTime())


class ComplaintEvent(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", index=True)
    status: str = Field(max_length=12)  # open | in_progress | closed
    resolution: str = ""
    by_id: int = Field(foreign_key="staff.id")
    at: datetime = Field(sa_type=DateTime())
    recorded_at: datetime = Field(sa_type=DateTime())


class Assignment(SQLModel, table=True):
    """The PM hands a client to an advisor for follow-up (R6 after a transfer): they own it from then."""

    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id")
    client_id: int = Field(foreign_key="client.id", index=True)
    advisor_id: int = Field(foreign_key="staff.id")
    by_id: int = Field(foreign_key="staff.id")
    rule: str = Field(default="R6", max_length=8)
    note: str = ""
    at: datetime = Field(sa_type=DateTime())
    day: date
    recorded_at: datetime = Field(sa_type=DateTime())


class DiscountRequest(SQLModel, table=True):
    """R7: an advisor asks the PM for a discount on a unit for a client; the PM's decision is an
    Approval row (kind discount_approved | discount_refused, subject "discount#ID"), and a deal
    below the list price names the approving PM of such a request."""

    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    client_id: int = Field(foreign_key="client.id")
    advisor_id: int = Field(foreign_key="staff.id")
    discount: Decimal = Field(sa_type=Numeric(14, 2))
    note: str = ""
    at: datetime = Field(sa_type=DateTime())
    day: date
    recorded_at: datetime = Field(sa_type=DateTime())


from .models import APPEND_ONLY_DEALS  # noqa: E402,F401 - the names live with the others: they are known unbuilt
