"""The outbox: notices on their way to the project's webhook (issue 6, part 4).

An item is written in the same transaction as the event that makes the notice; its delivery
is a log, never an edit: a sender claims an item (an attempt, numbered per item, the unique
(item, n) stopping two senders from claiming the same try) and then records the outcome.
All three tables are append-only like the registers (R2.1): the history of every try stays."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import DateTime, Index, UniqueConstraint
from sqlmodel import Field, SQLModel


class OutboxItem(SQLModel, table=True):
    """One message for the project's group robot, rendered when the event happened."""

    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    notice_id: Optional[int] = Field(default=None, foreign_key="notification.id")  # the first inbox notice
    kind: str = Field(max_length=40)  # the notice kind
    rule: str = Field(default="", max_length=8)
    channel: str = Field(max_length=12)  # wecom | dingtalk
    lang: str = Field(max_length=8)
    payload: str  # JSON, the robot's {"msgtype": "text", "text": {"content": …}}
    at: datetime = Field(sa_type=DateTime())
    recorded_at: datetime = Field(sa_type=DateTime())


class OutboxAttempt(SQLModel, table=True):
    """A sender took the item for try number n; until lease_until nobody else tries it."""

    __table_args__ = (UniqueConstraint("item_id", "n"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="outboxitem.id")
    n: int
    sender: str = Field(max_length=80)
    at: datetime = Field(sa_type=DateTime())
    lease_until: datetime = Field(sa_type=DateTime())


class OutboxOutcome(SQLModel, table=True):
    """What the robot answered to one attempt; a failure says when to try again."""

    __table_args__ = (Index("ix_outboxoutcome_item_ok", "item_id", "ok"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    attempt_id: int = Field(foreign_key="outboxattempt.id", unique=True)
    item_id: int = Field(foreign_key="outboxitem.id")
    ok: bool
    status: Optional[int] = None  # the HTTP status, when there was an answer
    error: str = Field(default="", max_length=300)
    target: str = Field(default="", max_length=200)  # the host it went to (the URL's key is a secret)
    next_try: Optional[datetime] = Field(default=None, sa_type=DateTime())
    at: datetime = Field(sa_type=DateTime())


from .models import APPEND_ONLY_OUTBOX  # noqa: E402,F401 - the names live with the others: they are known unbuilt
