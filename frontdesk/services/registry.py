"""The Services bundle and its factory (imported on first use through `frontdesk.services`)."""

from __future__ import annotations

from dataclasses import dataclass

from frontdesk.store.db import Database, open_db

from .clock import Clock
from .crossings import CrossingService
from .deals import DealService
from .desk import DeskService
from .drills import DrillService
from .exporter import ExportService
from .importer import ImportService
from .inbox import InboxService
from .integrity import IntegrityService
from .manager import ManagerService
from .outbox import OutboxService
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
    manager: ManagerService
    importer: ImportService
    exporter: ExportService
    drills: DrillService
    outbox: OutboxService

    def close(self) -> None:
        self.db.dispose()


def build(db: Database, clock: Clock | None = None) -> Services:
    """Every family of operations over one database and one clock (each field's type builds it)."""
    import dataclasses
    import typing

    clock = clock or Clock()
    hints = typing.get_type_hints(Services)
    parts = {f.name: hints[f.name](db, clock) for f in dataclasses.fields(Services) if f.name not in ("db", "clock")}
    return Services(db=db, clock=clock, **parts)


def open_services(url: str, clock: Clock | None = None) -> Services:
    return build(open_db(url), clock)
