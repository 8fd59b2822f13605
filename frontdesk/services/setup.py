"""The office's first day (issue 14): a new database set up in one operation, and the demo's mark.

The app's setup gathers a `Plan` step by step (the project, the first PM or GM with a PIN, the
advisors and trainees with theirs, or a file of staff and registers for the importer, the
rotation order) and hands it over only when the last step is confirmed. `SetupService.setup`
checks all of it again and writes it in ONE transaction: the project, its settings, the staff,
the import and the rotation — nothing half-written when any of it fails.

A demo database carries a `demo` setting on its project (written by `frontdesk.demo.load_demo`
through `mark_demo`); `frontdesk demo` writes only to a database that is missing or marked so.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import select

from frontdesk.rules import protection, rotation
from frontdesk.rules.reasons import Reason
from frontdesk.store.models import Project, RosterState, Setting, Staff
from frontdesk.store.probe import DEMO_KEY  # the setting that marks a demo project

from . import pins, roster
from .base import ROSTER_ROLES, Base, Ctx, clean_text
from .clock import Clock
from .errors import BadInput, Refused
from .staff import CODE, PIN, _event, hash_pin

FIRST_ROLES = ("pm", "gm")  # who may be the office's first person
TEAM_ROLES = ("advisor", "trainee")  # whom the setup adds after them
DEFAULT_TZ = "Asia/Shanghai"


@dataclass
class Person:
    name: str
    role: str
    pin: str | None = None
    mentor: str | None = None


@dataclass
class Plan:
    code: str
    name: str
    tz: str = DEFAULT_TZ
    protection_days: int = protection.DEFAULT_DAYS
    first: Person | None = None  # the PM or GM who signs in at the end
    team: list[Person] = field(default_factory=list)
    import_file: str | None = None  # staff and registers, through the importer
    order: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- the checks, step by step

def check_project(code: str, name: str, tz: str, days: Any) -> tuple[str, str, str, int]:
    """Step 1: (code, name, time zone, protection days) cleaned, or BadInput naming the field."""
    title = clean_text(name, "name", 200)
    if not title:
        raise BadInput("name", "must not be empty", why="empty")
    code = (code or "").strip()
    if not CODE.match(code):
        raise BadInput("project", f"{code!r}: a project code is 1–32 letters, digits, - or _", why="code")
    zone = (tz or "").strip() or DEFAULT_TZ
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise BadInput("tz", f"{zone!r} is not a time zone (e.g. Asia/Shanghai)", why="tz") from None
    try:
        n = int(str(days).strip())
    except ValueError:
        raise BadInput("protection_days", f"{days!r} is not a whole number (R2.2)", why="days") from None
    if protection.check_days(n, gm_approved=False) is not None:
        raise BadInput("protection_days", f"{n} is outside 1–{protection.MAX_DAYS_WITHOUT_GM} (R2.2); "
                                          "above that it needs a GM approval, set later in Settings", why="days")
    return code, title, zone, n


def check_pin(pin: str | None, again: str | None = None, field: str = "pin") -> str:
    """A PIN of 4 to 8 digits, typed the same twice when `again` is given (R2.1)."""
    if not PIN.match(pin or ""):
        raise BadInput(field, "a PIN is 4 to 8 digits (R2.1)", why="pin_format")
    if again is not None and again != pin:
        raise BadInput(field, "the two PINs differ: type the same PIN twice (R2.1)", why="pin_mismatch")
    return pins.checked(pin, field)  # not one digit repeated, not a straight run (R2.1)


def check_person(p: Person, known: list[Person], first: bool = False) -> Person:
    """One person of the plan, against those before them (`known`): name, role, mentor, PIN."""
    name = clean_text(p.name, "name")
    if not name:
        raise BadInput("name", "must not be empty", why="empty")
    roles = FIRST_ROLES if first else TEAM_ROLES
    if p.role not in roles:
        raise BadInput("role", f"{p.role!r} is not one of {', '.join(roles)}", why="role")
    if any(k.name == name for k in known):
        raise BadInput("name", f"{name} is already in the list", why="duplicate")
    mentor = None
    if p.role == "trainee":
        mentor = clean_text(p.mentor, "mentor")
        if not mentor:
            raise BadInput("mentor", "a trainee needs a mentor (R5.2)", why="mentor")
        m = next((k for k in known if k.name == mentor), None)
        if m is None or m.role not in ("advisor", "pm"):
            raise BadInput("mentor", f"{mentor} is not an advisor or PM of this list (R5.2)", why="mentor")
    pin = check_pin(p.pin) if p.pin is not None or first else None
    return Person(name, p.role, pin, mentor)


def check_order(order: list[str], eligible: list[str]) -> list[str]:
    """The rotation: advisors and trainees of the plan, each once (R3)."""
    seen: list[str] = []
    for n in order:
        if n not in eligible:
            raise BadInput("order", f"{n} is not an advisor or trainee of this office (R3)", why="order")
        if n in seen:
            raise BadInput("order", f"{n} appears twice (R3)", why="order")
        seen.append(n)
    return seen


def check_plan(plan: Plan, imported: list[Person] | None = None) -> Plan:
    code, name, tz, days = check_project(plan.code, plan.name, plan.tz, plan.protection_days)
    if plan.first is None:
        raise BadInput("name", "the office needs its first PM or GM")
    first = check_person(plan.first, [], first=True)
    team: list[Person] = []
    for p in plan.team:
        team.append(check_person(p, [first, *team]))
    eligible = [p.name for p in [*team, *(imported or [])] if p.role in ROSTER_ROLES]
    order = check_order(plan.order, eligible)
    return Plan(code, name, tz, days, first, team, plan.import_file, order)


def preview_import(path: str, tz: str = DEFAULT_TZ) -> dict[str, Any]:
    """What a file would bring, read without a database: its staff (name, role, mentor) and how
    many register rows it holds. BadInput when the file cannot be used."""
    from .importer import check_paths, read_table
    from .importer.parse import _Parser, _Reject

    src, _ = check_paths(path, None)
    table = read_table(src)
    parser = _Parser(ZoneInfo(tz), datetime.now(ZoneInfo(tz)).replace(tzinfo=None))
    staff: list[Person] = []
    for r in table.rows:
        if r.status == "rejected":
            continue
        try:
            parser.parse(r)
        except _Reject:
            continue
        if r.kind == "staff" and not any(p.name == r.name for p in staff):
            staff.append(Person(r.name, r.role, None, r.mentor or None))
    return {"file": str(src.resolve()), "staff": staff,
            "rows": sum(1 for r in table.rows if r.kind in ("visit", "call", "followup"))}


# ---------------------------------------------------------------- the service

class SetupService(Base):
    def needed(self, project: str | None = None) -> dict[str, Any] | None:
        """None when the office is set up (a project with staff); else what is there: the
        project without staff (to start the setup from), or nothing."""
        with self.db.read() as s:
            q = select(Project).where(Project.code == project.strip()) if project else select(Project).limit(2)
            projects = s.exec(q).all()
            if len(projects) > 1 or (project and not projects):
                return None  # several projects (or a code that is not there): not a first day
            if not projects:
                return {"project": None}
            p = projects[0]
            if s.exec(select(Staff.id).where(Staff.project_id == p.id)).first() is not None:
                return None
            row = s.exec(select(Setting).where(Setting.project_id == p.id, Setting.key == "protection_days")).first()
            days = json.loads(row.value) if row else protection.DEFAULT_DAYS
            return {"project": {"code": p.code, "name": p.name, "tz": p.tz, "protection_days": days}}

    def setup(self, plan: Plan, lang: str = "en") -> dict[str, Any]:
        """The whole plan in one transaction; returns who signs in and what was made."""
        src = table = report = None
        imported: list[Person] = []
        if plan.import_file:
            from .importer import check_paths, read_table

            seen = preview_import(plan.import_file, plan.tz or DEFAULT_TZ)
            imported = seen["staff"]
            src, report = check_paths(plan.import_file, None)
            table = read_table(src)
        plan = check_plan(plan, imported)
        assert plan.first is not None
        result: dict[str, Any] = {}
        with self.db.write() as s:
            p = self._project(s, plan)
            c = Ctx(s, p, None, self.clock.now(p.tz), Clock.wall())
            first = self._person(c, plan.first, {})
            c.actor = first
            made = {first.name: first}
            for person in plan.team:
                made[person.name] = self._person(c, person, made)
            if table is not None and src is not None:
                from .importer.run import _Import

                # advisors the registers name who are not in the team come in as inactive staff,
                # so the imported history keeps its owners (issue 16)
                result["import"] = _Import(c, src, table, None, create_staff=True).run()
            ids = []
            for n in plan.order:
                st = s.exec(select(Staff).where(Staff.name == n, Staff.project_id == c.pid)).first()
                if st is None or st.role not in ROSTER_ROLES:
                    raise BadInput("order", f"{n} is not an advisor or trainee of this office (R3)")
                assert st.id is not None
                ids.append(st.id)
            if ids:
                roster.save_queues(c, ids, rotation.duty_queue(ids))
                roster.log(c, "set", None, {"order": ids, "setup": True})
            result.update({"project": p.code, "name": p.name, "tz": p.tz, "protection_days": plan.protection_days,
                           "signed_in": first.name, "role": first.role,
                           "staff": [st.name for st in made.values()], "order": list(plan.order)})
        if table is not None and report is not None:
            from .importer import write_report

            write_report(report, table.rows, lang)
            result["report"] = str(report.resolve())
        return result

    def _project(self, s: Any, plan: Plan) -> Project:
        """The project: the one there without staff (its values from the plan), or a new one."""
        now = Clock.wall()
        if s.exec(select(Staff.id)).first() is not None:
            raise Refused(Reason("R2.1", "already_set_up", {}),
                          "this database already has staff: sign in, and add people from the console")
        p = s.exec(select(Project)).first()
        if p is None:
            p = Project(code=plan.code, name=plan.name, tz=plan.tz, created_at=now)
            s.add(p)
            s.flush()
            s.add(RosterState(project_id=p.id, updated_at=now))
        else:
            p.code, p.name, p.tz = plan.code, plan.name, plan.tz
            s.add(p)
        row = s.exec(select(Setting).where(Setting.project_id == p.id, Setting.key == "protection_days")).first()
        row = row or Setting(project_id=p.id, key="protection_days", value="")
        row.value = json.dumps(plan.protection_days)
        s.add(row)
        s.flush()
        return p

    def _person(self, c: Ctx, p: Person, made: dict[str, Staff]) -> Staff:
        if c.s.exec(select(Staff.id).where(Staff.name == p.name)).first() is not None:
            raise BadInput("name", f"a staff member named {p.name!r} already exists")
        mentor = made.get(p.mentor or "")
        from .clientbook import initials

        st = Staff(project_id=c.pid, name=p.name, initials=initials(p.name), role=p.role,
                   mentor_id=mentor.id if mentor else None, pin_hash=hash_pin(p.pin) if p.pin else None,
                   joined_on=c.today, created_at=c.at)
        c.s.add(st)
        c.s.flush()
        _event(c, st, "added", {"role": p.role, "setup": True})
        return st

    def mark_demo(self, project: str | None = None) -> dict[str, Any]:
        """Mark the project a demo: `frontdesk demo` may replace this database later."""
        with self.op(None, project) as c:
            row = c.s.exec(select(Setting).where(Setting.project_id == c.pid, Setting.key == DEMO_KEY)).first()
            if row is None:
                c.s.add(Setting(project_id=c.pid, key=DEMO_KEY, value="true"))
            return {"project": c.project.code, "demo": True}
