"""What waits for a signature that only its signer may give (R2.2): a PM's request for more than
10 protection days, which the GM approves or refuses from their own session. The decision is an
Approval row (kind protection_days | protection_days_refused, subject "setting_request#ID")."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import DateTime
from sqlmodel import Field, SQLModel


class SettingRequest(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    key: str = Field(max_length=64)
    value: str  # JSON, as the setting would store it
    reason: str
    by_id: int = Field(foreign_key="staff.id")
    at: datetime = Field(sa_type=DateTime())
    recorded_at: datetime = Field(sa_type=DateTime())


APPEND_ONLY_SIGNATURES = ("settingrequest",)
