"""The office's one lockout (SPEC "Who is acting"): every wrong PIN, from any door, terminal or
process, is a row here; so is every attempt refused while the name was locked, and every
unlock by a PM. Append-only like the registers (R2.1): the log is the lockout's only state.

`at` is the real wall-clock time (UTC, naive), never the business clock given with --at."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import DateTime, Index
from sqlmodel import Field, SQLModel

KINDS = ("failure", "locked", "unlock")  # a wrong PIN; an attempt refused while locked; a PM's unlock
DOORS = ("signin", "cli", "witness", "unlock")


class PinEvent(SQLModel, table=True):
    __table_args__ = (Index("ix_pinevent_staff_at", "staff_id", "at"),
                      Index("ix_pinevent_project_at", "project_id", "at"))
    id: Optional[int] = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staff.id")  # whose name was tried (or unlocked)
    project_id: int = Field(foreign_key="project.id")  # that person's project at the time
    name: str = Field(max_length=100)  # as it was then (a name in the log stays readable)
    kind: str = Field(max_length=12)  # KINDS
    door: str = Field(max_length=12)  # DOORS
    terminal: str = Field(default="", max_length=200)  # "tty:/dev/pts/3 pid:4242@counter-1"
    by_id: Optional[int] = Field(default=None, foreign_key="staff.id")  # the PM who unlocked
    at: datetime = Field(sa_type=DateTime())


APPEND_ONLY_IDENTITY = ("pinevent",)
