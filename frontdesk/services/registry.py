"""The Services bundle and its factory (imported on first use through `frontdesk.services`).

Each family of operations is built the first time it is used: a command that only reads the
roster does not import the importer, the deals or the exporter (and their libraries)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from frontdesk.rules.reasons import Reason
from frontdesk.store.db import Database, open_db, sweep_trials

from .clock import Clock
from .errors import Refused

if TYPE_CHECKING:
    from .crossings import CrossingService
    from .deals import DealService
    from .desk import DeskService
    from .drills import DrillService
    from .exporter import ExportService
    from .identity import IdentityService
    from .importer import ImportService
    from .inbox import InboxService
    from .integrity import IntegrityService
    from .manager import ManagerService
    from .outbox import OutboxService
    from .reception import AmendService, ReceptionService
    from .records import RecordService
    from .reports import ReportService
    from .roster import RosterService
    from .setup import SetupService
    from .staff import StaffService

# attribute -> (module of frontdesk.services, class): built on first access
PARTS: dict[str, tuple[str, str]] = {
    "staff": ("staff", "StaffService"),
    "roster": ("roster", "RosterService"),
    "reception": ("reception", "ReceptionService"),
    "records": ("records", "RecordService"),
    "crossings": ("crossings", "CrossingService"),
    "inbox": ("inbox", "InboxService"),
    "integrity": ("integrity", "IntegrityService"),
    "desk": ("desk", "DeskService"),
    "amend": ("reception", "AmendService"),
    "deals": ("deals", "DealService"),
    "reports": ("reports", "ReportService"),
    "manager": ("manager", "ManagerService"),
    "importer": ("importer", "ImportService"),
    "exporter": ("exporter", "ExportService"),
    "drills": ("drills", "DrillService"),
    "outbox": ("outbox", "OutboxService"),
    "setup": ("setup", "SetupService"),
    "identity": ("identity", "IdentityService"),
}


class Services:
    """Every family of operations over one database and one clock."""

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
    setup: SetupService
    identity: IdentityService

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def __getattr__(self, name: str) -> Any:  # only called for a part not built yet
        try:
            module, cls = PARTS[name]
        except KeyError:
            raise AttributeError(f"Services has no {name!r}") from None
        part = getattr(importlib.import_module(f"{__package__}.{module}"), cls)(self.db, self.clock)
        setattr(self, name, part)
        return part

    def close(self) -> None:
        self.db.dispose()


def build(db: Database, clock: Clock | None = None) -> Services:
    return Services(db, clock or Clock())


def open_services(url: str, clock: Clock | None = None, *, create: bool = True) -> Services:
    """The services over `url`, made or migrated to HEAD. `create=False` (restore): a database
    that is not there is left alone — nothing is made until the operation decides to.

    A SQLite file too damaged to open is a refusal naming it (R2.1), not a crash."""
    from sqlalchemy.exc import DatabaseError

    try:
        return build(open_db(url) if create else _unopened(url), clock)
    except DatabaseError as exc:
        if "://" in url and not url.startswith("sqlite"):
            raise
        cause = str(getattr(exc, "orig", exc)).splitlines()[0][:200]
        raise Refused(Reason("R2.1", "database_damaged", {"detail": cause}),
                      f"the database cannot be read ({cause}): it fails its integrity check; "
                      "restore a backup (`frontdesk restore FILE`)") from None


def _unopened(url: str) -> Database:
    db = Database(url)
    path = db.sqlite_path()
    if path is not None:
        sweep_trials(path)
    return db
