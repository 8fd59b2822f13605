"""The office itself: projects and their settings, staff, PINs, exams, transfers (R2.2, R5, R6)."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import select

from frontdesk.rules import protection
from frontdesk.rules.reasons import Reason
from frontdesk.store.models import Approval, Client, Project, RosterState, Setting, SettingChange, Staff, StaffEvent

from . import clientbook, roster
from . import settings as settings_mod
from .base import ROLES, Base, Ctx, clean_text, dumps
from .clock import Clock
from .errors import BadInput, Refused

CODE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
PIN = re.compile(r"^\d{4,8}$")
ONE_WEEK = 7  # R5.3: at least one week on site before the exam


def hash_pin(pin: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=2**14, r=8, p=1)
    return f"scrypt${salt.hex()}${digest.hex()}"


def pin_ok(st: Staff, pin: str | None) -> bool:
    if not st.pin_hash or pin is None:
        return False
    _, salt, digest = st.pin_hash.split("$")
    got = hashlib.scrypt(pin.encode(), salt=bytes.fromhex(salt), n=2**14, r=8, p=1)
    return hmac.compare_digest(got.hex(), digest)


def check_pin(st: Staff, pin: str | None, field: str = "pin") -> None:
    if not pin_ok(st, pin):
        raise Refused(Reason("R2.1", "wrong_pin", {}), f"{field}: wrong PIN for {st.name}")


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
                 actor: str | None = None, project: str | None = None) -> dict[str, Any]:
        with self.op(actor, project, write=key is not None) as c:
            if key is None:
                return {k: settings_mod.shown(k, c.setting(k), c.is_pm()) for k in settings_mod.SPECS}
            if value is None:
                raise BadInput("value", f"give a value for {key}")
            new = settings_mod.parse(key, value)
            u = c.require("pm", "gm", rule=settings_mod.SPECS[key].rule, code="pm_sets")
            approval_id = None
            reasons = []
            if key == "protection_days" and new > protection.MAX_DAYS_WITHOUT_GM:
                if not gm_approval or ":" not in gm_approval:
                    raise Refused(Reason("R2.2", "days_need_gm", {"days": new, "max": protection.MAX_DAYS_WITHOUT_GM}),
                                  f"more than {protection.MAX_DAYS_WITHOUT_GM} days needs --gm-approval \"NAME: reason\"")
                who, why = (x.strip() for x in gm_approval.split(":", 1))
                who, why = clean_text(who, "gm_approval", required=True), clean_text(why, "gm_approval", 500, True)
                ap = Approval(project_id=c.pid, kind="protection_days", approver=who, reason=why,
                              subject=f"protection_days={new}", by_id=u.id, at=c.at, recorded_at=c.recorded_at)
                gm = c.s.exec(select(Staff).where(Staff.name == who, Staff.role == "gm")).first()
                ap.approver_id = gm.id if gm else None
                c.s.add(ap)
                c.s.flush()
                approval_id = ap.id
                reasons.append(Reason("R2.2", "gm_approved", {"approver": who, "reason": why}))
            row = c.s.exec(select(Setting).where(Setting.project_id == c.pid, Setting.key == key)).first()
            old = row.value if row else json.dumps(settings_mod.SPECS[key].default, ensure_ascii=False)
            if row is None:
                row = Setting(project_id=c.pid, key=key, value="")
            row.value = json.dumps(new, ensure_ascii=False)
            c.s.add(row)
            c.s.add(SettingChange(project_id=c.pid, key=key, old=old, new=row.value, by_id=u.id,
                                  approval_id=approval_id, at=c.at, recorded_at=c.recorded_at))
            return {"key": key, "old": json.loads(old) if old else settings_mod.SPECS[key].default, "value": new,
                    "reasons": reasons}

    def add(self, name: str, role: str, mentor: str | None = None, pin: str | None = None,
            actor: str | None = None, project: str | None = None) -> dict[str, Any]:
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
            if c.s.exec(select(Staff.id).where(Staff.name == n)).first() is not None:
                raise BadInput("name", f"a staff member named {n!r} already exists")
            m = None
            if mentor:
                m = c.staff(mentor, "mentor")
                if m.role not in ("advisor", "pm"):
                    raise BadInput("mentor", f"{m.name} is {m.role}: a mentor is an advisor or PM (R5.2)")
            elif role == "trainee":
                raise BadInput("mentor", "a trainee needs a mentor: give --mentor NAME (R5.2)")
            if pin is not None and not PIN.match(pin):
                raise BadInput("pin", "a PIN is 4 to 8 digits")
            st = Staff(project_id=c.pid, name=n, initials=clientbook.initials(n), role=role,
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

    def set_pin(self, name: str, pin: str, actor: str | None = None, project: str | None = None) -> dict[str, Any]:
        with self.op(actor, project) as c:
            u = c.user()
            st = c.staff(name, "name")
            if u.id != st.id:
                c.require("pm", "gm", rule="R2.1", code="pm_or_self")
            if not PIN.match(pin or ""):
                raise BadInput("pin", "a PIN is 4 to 8 digits")
            st.pin_hash = hash_pin(pin)
            c.s.add(st)
            _event(c, st, "pin", {})
            return {"name": st.name, "has_pin": True}

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
