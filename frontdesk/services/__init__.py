"""The services: the only writers. One operation = one transaction; permissions live here.

Build them with `open_services(url, clock)` and hand them to the CLI or the app.
"""

from __future__ import annotations

from dataclasses import dataclass

from frontdesk.store.db import Database, open_db

from .clock import Clock
from .crossings import CrossingService
from .deals import DealService
from .desk import DeskService
from .errors import BadInput, FrontdeskError, Refused
from .inbox import InboxService
from .integrity import IntegrityService
from .reception import AmendService, ReceptionService
from .records import RecordService
from .reports import ReportService
from .roster import RosterService
from .staff import StaffService


@dataclass
class Services:
    db: Database
    clock: Clock
    staff: StaffService
    roster: RosterService
    reception: ReceptionService
    records: RecordService
    crossings: CrossingService
    inbox: InboxService
    integrity: IntegrityService
    desk: DeskService
    amend: AmendService
    deals: DealService
    reports: ReportService

    def close(self) -> None:
        self.db.dispose()


def build(db: Database, clock: Clock | None = None) -> Services:
    clock = clock or Clock()
    return Services(db, clock, StaffService(db, clock), RosterService(db, clock), ReceptionService(db, clock),
                    RecordService(db, clock), CrossingService(db, clock), InboxService(db, clock),
                    IntegrityService(db, clock), DeskService(db, clock), AmendService(db, clock),
                    DealService(db, clock), ReportService(db, clock))


def open_services(url: str, clock: Clock | None = None) -> Services:
    return build(open_db(url), clock)


__all__ = ["BadInput", "Clock", "FrontdeskError", "Refused", "Services", "build", "open_services"]
