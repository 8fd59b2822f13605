"""The change feed's counters (SQLite): one row per table, bumped by every transaction that wrote to it.

Screens on other processes poll `PRAGMA data_version` and, when it moved, read these counters to
know which tables changed (frontdesk/store/changes.py). Not a register: a counter, updated in place.
PostgreSQL uses LISTEN/NOTIFY instead and leaves the table empty."""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class ChangeFeed(SQLModel, table=True):
    __tablename__ = "change_feed"

    topic: str = Field(primary_key=True, max_length=64)
    n: int = Field(default=0)
