"""The office itself: projects and their settings, staff, PINs, exams, transfers (R2.2, R5, R6)."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import select

from frontdesk.rules import protection
from frontdesk.rules.reasons import Reason
from frontdesk.store.models import Project, RosterState, Setting, Staff, StaffEvent

from . import pins, roster, signatures
from .pins import check_pin, hash_pin, pin_ok  # noqa: F401 - the staff service's, kept where callers look
from . import settings as settings_mod
from .base import ROLES, Base, Ctx, clean_text, dumps
from .clock import Clock
from .errors import BadInput, Refused

CODE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
PIN = re.compile(r"[0-9]{4,8}\Z")  # with .match: 4–8 ASCII digits and nothing after
ONE_WEEK = 7  # R5.3: at least one week on site before the exam


def gm_by_gm(u: Staff) -> Refused:
    return Refused(Reason("R2.2", "gm_by_gm", {"role": u.role}),
                   f"{u.name} is {u.role}: only a GM makes a GM or changes a GM's PIN (R2.2: a PM cannot make a GM)")


def _event(c: Ctx, st: Staff, kind: str, data: dict[str, Any]) -> None:
    """Logged in the project the operation runs in (a transfer: the project the advisor leaves)."""
    c.s.add(StaffEvent(staff_id=st.id, project_id=c.pid, kind=kind, data=dumps(data),
                       by_id=c.actor.id if c.actor else None, at=c.at, day=c.today, recorded_at=c.recorded_at))


def staff_dict(c: Ctx, st: Staff) -> dict[str, Any]:
    return {"name": st.name, "role": st.role, "mentor": c.name_of(st.mentor_id), "joined_on": st.joined_on,
            "exam_passed_on": st.exam_passed_on, "exam_score": st.exam_score,
            "shadow": roster.in_induction(st), "has_pin": bool(st.pin_hash)}


class StaffService(Base):
    def init(self, code: str, name: str, protection_days: int | None = None, tz: str | None = None,
             actor: str | None = None) -> dict[str, Any]:
        code = (code or "").strip()
        if not CODE.match(code):
            raise BadInput("project", f"{code!r}: a project code is 1–32 letters, digits, - or _")
        title = clean_text(name, "name", 200, required=True)
        zone = (tz or "Asia/Shanghai").strip()
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise BadInput("tz", f"{zone!r} is not a time zone (e.g. Asia/Shanghai)") from None
        days = protection.DEFAULT_DAYS if protection_days is None else protection_days
        bad = protection.check_days(days, gm_approved=False)
        if bad is not None:
            raise BadInput("protection_days", f"{days} is outside 1–10 (R2.2); above 10 set it later with a GM approval")
        with self.db.write() as s:
            if s.exec(select(Project).where(Project.code == code)).first():
                raise BadInput("project", f"project {code} already exists")
            if s.exec(select(Project.id)).first() is not None:
                user = s.exec(select(Staff).where(Staff.name == (actor or "").strip())).first() if actor else None
                if user is None or user.role not in ("gm", "pm"):
                    raise Refused(Reason("R1.1", "gm_adds_projects", {}),
                                  "adding a project to a company database needs --as a GM or PM")
            now = Clock.wall()
            p = Project(code=code, name=title, tz=zone, created_at=now)
            s.add(p)
            s.flush()
            s.add(Setting(project_id=p.id, key="protection_days", value=json.dumps(days)))
            s.add(RosterState(project_id=p.id, updated_at=now))
            return {"project": p.code, "name": p.name, "tz": p.tz, "protection_days": days}

    def settings(self, key: str | None = None, value: str | None = None, gm_approval: str | None = None,
                 actor: str | None = None, project: str | None = None, request: str | None = None) -> dict[str, Any]:
        """Show the settings, or set one (PM or GM). Above 10 protection days (R2.2): the GM sets it
        themselves with `gm_approval` = their reason; a PM files `request` = a reason instead, which
        waits for the GM's signature (ManagerService.decide_setting)."""
        with self.op(actor, project, write=key is not None) as c:
            if key is None:
                return {k: settings_mod.shown(k, c.setting(k), c.is_pm()) for k in settings_mod.SPECS}
            if value is None:
                raise BadInput("value", f"give a value for {key}")
            new = settings_mod.parse(key, value)
            u = c.require("pm", "gm", rule=settings_mod.SPECS[key].rule, code="pm_sets")
            if request is not None:
                return signatures.request(c, u, key, new, request)
            approval_id, reasons = None, []
            if key == "protection_days" and new > protection.MAX_DAYS_WITHOUT_GM:
                approval_id, reasons = signatures.gm_signs(c, u, new, gm_approval)
            return {**signatures.store_setting(c, u, key, new, approval_id), "reasons": reasons}

    def add(self, name: str, role: str, mentor: str | None = None, pin: str | None = None,
            actor: str | None = None, project: str | None = None, weak_pin_ok: bool = False) -> dict[str, Any]:
        """A new staff member. Only a GM adds a GM (or the very first staff member of an empty database
        is one): a PM cannot make a GM (R2.2). A PIN given is checked like any PIN a person chooses;
        `weak_pin_ok` is for the demo loader alone, whose documented PINs (1234…) are easy on purpose."""
        with self.op(actor, project, any_project=True) as c:
            # the very first staff member of a new database needs no one to vouch for them;
            # a new project's first staff are added by a PM or the GM; after that, its own PM or the GM
            anyone = c.s.exec(select(Staff.id)).first() is not None
            here = c.s.exec(select(Staff.id).where(Staff.project_id == c.pid)).first() is not None
            if anyone:
                u = c.require("pm", "gm", rule="R2.1", code="pm_adds_staff")
                if here and u.role != "gm" and u.project_id != c.pid:
                    raise Refused(Reason("R1.1", "other_project", {"project": c.project.code}),
                                  f"{u.name} works in another project, not {c.project.code}")
            n = clean_text(name, "name", required=True)
            if role not in ROLES:
                raise BadInput("role", f"{role!r} is not one of {', '.join(ROLES)}")
            if role == "gm" and anyone and c.user().role != "gm":
                raise gm_by_gm(c.user())
            if c.s.exec(select(Staff.id).where(Staff.name == n)).first() is not None:
                raise BadInput("name", f"a staff member named {n!r} already exists")
            m = None
            if mentor:
                m = c.staff(mentor, "mentor")
                if m.role not in ("advisor", "pm"):
                    raise BadInput("mentor", f"{m.name} is {m.role}: a mentor is an advisor or PM (R5.2)")
            elif role == "trainee":
                raise BadInput("mentor", "a trainee needs a mentor: give --mentor NAME (R5.2)")
            if pin is not None and not weak_pin_ok:
                pins.checked(pin)
            elif pin is not None and not PIN.fullmatch(pin):
                raise BadInput("pin", "a PIN is 4 to 8 digits")
            from .clientbook import initials

            st = Staff(project_id=c.pid, name=n, initials=initials(n), role=role,
                       mentor_id=m.id if m else None, pin_hash=hash_pin(pin) if pin else None,
                       joined_on=c.today, created_at=c.at)
            c.s.add(st)
            c.s.flush()
            _event(c, st, "added", {"role": role})
            return staff_dict(c, st)

    def list(self, actor: str | None = None, project: str | None = None) -> list[dict[str, Any]]:
        with self.op(actor, project, write=False) as c:
            rows = c.s.exec(select(Staff).where(Staff.project_id == c.pid, Staff.active == True)  # noqa: E712
                            .order_by(Staff.id)).all()
            return [staff_dict(c, st) for st in rows]

    def set_pin(self, name: str, pin: str, actor: str | None = None, project: str | None = None,
                old: str | None = None) -> dict[str, Any]:
        """Change your own PIN with the old one, or (the PM, the GM) set or reset someone's; only a GM
        resets a GM's. A PIN that is an easy guess is refused with the reason (R2.1)."""
        with self.op(actor, project) as c:
            u = c.user()
            st = c.staff(name, "name")
            own = u.id == st.id
            if own:
                pins.require_set(st)  # a person without a PIN asks the PM
                if not old:
                    raise BadInput("old", "give your current PIN to change it")
                check_pin(st, old, "old")
            else:
                c.require("pm", "gm", rule="R2.1", code="pm_or_self")
                if st.role == "gm" and u.role != "gm":
                    raise gm_by_gm(u)
            pins.checked(pin)
            if own and pin_ok(st, pin):
                raise BadInput("pin", "the new PIN is the one you have; choose another")
            how = "changed" if own else ("reset" if st.pin_hash else "set")
            st.pin_hash = hash_pin(pin)
            c.s.add(st)
            _event(c, st, "pin", {"how": how})
            return {"name": st.name, "has_pin": True, "by": u.name}

    def deactivate(self, name: str, actor: str | None = None, project: str | None = None) -> dict[str, Any]:
        """A person who leaves: they cannot sign in or act and are off the roster; their history stays."""
        with self.op(actor, project) as c:
            u = c.require("pm", "gm", rule="R2.1", code="pm_deactivates")
            st = c.staff(name, "name")
            if st.id == u.id:
                raise BadInput("name", "you cannot deactivate yourself: another PM or the GM does")
            if st.role == "gm" and u.role != "gm":
                raise gm_by_gm(u)
            queue, duty = roster.queues(c)
            if st.id in queue or st.id in duty:
                order = [i for i in queue if i != st.id]
                roster.save_queues(c, order, [i for i in duty if i != st.id])
                roster.log(c, "set", None, {"order": order, "removed": st.id})
            st.active = False
            c.s.add(st)
            _event(c, st, "left", {"role": st.role})
            return {"name": st.name, "active": False, "day": c.today,
                    "reasons": [Reason("R2.1", "staff_left", {"name": st.name, "day": c.today})]}

    def transfer(self, name: str, to: str, actor: str | None = None, project: str | None = None) -> dict[str, Any]:
        """R6: the advisor moves; the clients they hold today stay tied to them (recorded here)."""
        with self.op(actor, project) as c:
            c.require("pm", "gm", rule="R6", code="pm_transfers")
            st = c.staff(name, "name")
            dest = c.s.exec(select(Project).where(Project.code == (to or "").strip())).first()
            if dest is None:
                raise BadInput("to", f"no project with code {to!r}")
            if dest.id == st.project_id:
                raise BadInput("to", f"{st.name} already works in {dest.code}")
            days = int(c.setting("protection_days"))
            from frontdesk.store.models import Client

            held = c.s.exec(select(Client.id).where(Client.project_id == c.pid, Client.owner_id == st.id,
                                                    Client.merged_into_id == None,  # noqa: E711
                                                    Client.last_contact >= c.today - timedelta(days=days))).all()
            queue, duty = roster.queues(c)
            if st.id in queue:
                roster.save_queues(c, [i for i in queue if i != st.id], [i for i in duty if i != st.id])
                roster.log(c, "set", None, {"order": [i for i in queue if i != st.id], "removed": st.id})
            src = c.project.code
            st.project_id = dest.id  # type: ignore[assignment]
            c.s.add(st)
            c.s.flush()
            _event(c, st, "transfer", {"from": src, "to": dest.code, "clients": list(held)})
            return {"name": st.name, "from": src, "to": dest.code, "day": c.today, "clients_held": len(held),
                    "reasons": [Reason("R6", "transferred", {"advisor": st.name, "day": c.today,
                                                             "full_until": c.today + timedelta(days=7),
                                                             "half_until": c.today + timedelta(days=30)})]}

    def trainee_pass(self, name: str, score: int, actor: str | None = None, project: str | None = None) -> dict[str, Any]:
        """R5.3: at least one week on site and a passed exam; then the trainee joins the rotation."""
        with self.op(actor, project) as c:
            c.require("pm", "gm", rule="R5.3", code="pm_records_exam")
            st = c.staff(name, "name")
            if st.role != "trainee":
                raise BadInput("name", f"{st.name} is {st.role}, not a trainee")
            if not isinstance(score, int) or not 0 <= score <= 100:
                raise BadInput("score", f"{score!r} is outside 0–100")
            if st.exam_passed_on is not None:
                raise BadInput("name", f"{st.name} passed the exam on {st.exam_passed_on}")
            earliest = st.joined_on + timedelta(days=ONE_WEEK)
            if c.today < earliest:
                raise Refused(Reason("R5.3", "week_on_site", {"joined_on": st.joined_on, "earliest": earliest}),
                              f"{st.name} joined on {st.joined_on}: the exam counts from {earliest} (one week on site)")
            mark = int(c.setting("exam_pass_score"))
            if score < mark:
                raise Refused(Reason("R5.3", "exam_below_mark", {"score": score, "mark": mark}),
                              f"score {score} is below the pass mark {mark}")
            drill = _passed_drill(c, st, mark)
            if drill is None:
                raise Refused(Reason("R5.3", "exam_needs_drill", {"advisor": st.id, "mark": mark}),
                              f"{st.name} has no passed scenario drill on record (score {mark} or more): the exam "
                              f"includes one — record it with `frontdesk drill record` first")
            st.exam_passed_on, st.exam_score = c.today, score
            c.s.add(st)
            _event(c, st, "exam_passed", {"score": score})
            return {**staff_dict(c, st), "reasons": [Reason("R5.3", "exam_passed", {"advisor": st.name, "score": score}),
                                                     *c.named([Reason("R5.3", "exam_drill_on_record", {
                                                         "advisor": st.id, "score": drill[0], "date": drill[1]})])]}


def _passed_drill(c: Ctx, st: Staff, mark: int) -> tuple[int, date] | None:
    """The trainee's best recorded scenario drill at or above the pass mark, (score, day) (R5.3)."""
    from .drills import KIND

    rows = c.s.exec(select(StaffEvent).where(StaffEvent.staff_id == st.id, StaffEvent.kind == KIND)).all()
    passed = [(int(json.loads(ev.data)["score"]), ev.day) for ev in rows if int(json.loads(ev.data)["score"]) >= mark]
    return max(passed) if passed else None
