"""The journal's table (journal.py): one entry per sealed append-only row, chained."""

from __future__ import annotations

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel


class JournalEntry(SQLModel, table=True):
    """A seal: the `tbl` row `row_id` had content `digest` when recorded; chained by `hash`."""

    __tablename__ = "journal"
    __table_args__ = (UniqueConstraint("tbl", "row_id"),)
    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    tbl: str = Field(max_length=40)
    row_id: int
    digest: str = Field(max_length=64)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


APPEND_ONLY_JOURNAL = ("journal",)
