"""The scenario drill's result as the scenario part of a trainee's exam (R5.3).

The drill itself runs on a sandbox (frontdesk.drill) and writes nothing here. The PM records its
result on the trainee's record — a staff event of kind "drill", append-only like the other staff
events — and anyone may list the results they are allowed to see: the PM and the GM all of the
project's, a trainee their own.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any, Mapping

from sqlmodel import select

from frontdesk.rules.reasons import Reason
from frontdesk.store.models import Staff, StaffEvent

from .base import Base, Ctx, clean_text, dumps
from .errors import BadInput, Refused

KIND = "drill"
SET_NAME = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
FAMILY = re.compile(r"^(R\d{1,2}|P2)$")


def _int(v: Any, field: str, lo: int, hi: int) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
        raise BadInput(field, f"{v!r} is not a whole number in {lo}–{hi}")
    return v


def _families(v: Any) -> dict[str, dict[str, int]]:
    if v is None:
        return {}
    if not isinstance(v, Mapping) or len(v) > 20:
        raise BadInput("families", "must map rule families (R2, R3, P2…) to {points, max}")
    out = {}
    for k, pm in v.items():
        if not isinstance(k, str) or not FAMILY.match(k) or not isinstance(pm, Mapping):
            raise BadInput("families", f"{k!r}: a rule family (R2, R3, P2…) with {{points, max}}")
        mx = _int(pm.get("max"), f"families.{k}.max", 1, 10_000)
        out[k] = {"points": _int(pm.get("points"), f"families.{k}.points", 0, mx), "max": mx}
    return out


def result_of(data: Any) -> dict[str, Any]:
    """The fields of a saved drill sheet (frontdesk drill --save) the record keeps, checked."""
    if not isinstance(data, Mapping):
        raise BadInput("result", "is not a drill result (a JSON object saved by `frontdesk drill --save`)")
    for key in ("score", "set"):
        if key not in data:
            raise BadInput("result", f"has no {key!r}: not a drill result")
    seconds = data.get("seconds")
    if seconds is not None and (isinstance(seconds, bool) or not isinstance(seconds, (int, float))
                                or not math.isfinite(seconds) or not 0 <= seconds <= 86_400):
        raise BadInput("result.seconds", f"{seconds!r} is not a time in seconds (0–86400)")
    return {"score": data["score"], "set": data["set"], "seed": data.get("seed"), "families": data.get("families"),
            "seconds": seconds, "visitors": data.get("visitors"), "right": data.get("right")}


def _row(c: Ctx, ev: StaffEvent) -> dict[str, Any]:
    d = json.loads(ev.data)
    return {"id": ev.id, "trainee": c.name_of(ev.staff_id), "day": ev.day, "by": c.name_of(ev.by_id), **d}


class DrillService(Base):
    def record(self, trainee: str, score: Any, set_name: str = "default", seed: Any = None,
               families: Any = None, seconds: Any = None, visitors: Any = None, right: Any = None,
               note: str | None = None, actor: str | None = None, project: str | None = None) -> dict[str, Any]:
        """The PM records a drill as the scenario part of the trainee's exam (R5.3)."""
        with self.op(actor, project) as c:
            c.require("pm", "gm", rule="R5.3", code="pm_records_exam")
            st = c.staff(trainee, "trainee")
            if st.role != "trainee":
                raise BadInput("trainee", f"{st.name} is {st.role}, not a trainee")
            data: dict[str, Any] = {"score": _int(score, "score", 0, 100)}
            if not isinstance(set_name, str):
                raise BadInput("set", f"{set_name!r} is not a drill set name")
            sname = clean_text(set_name, "set", 40, required=True)
            if not SET_NAME.match(sname):
                raise BadInput("set", f"{sname!r} is not a drill set name")
            data["set"] = sname
            if seed is not None:
                data["seed"] = _int(seed, "seed", 0, 2**63 - 1)
            data["families"] = _families(families)
            if seconds is not None:
                if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not math.isfinite(seconds) \
                        or not 0 <= seconds <= 86_400:
                    raise BadInput("seconds", f"{seconds!r} is not a time in seconds (0–86400)")
                data["seconds"] = round(float(seconds), 1)
            if visitors is not None:
                data["visitors"] = _int(visitors, "visitors", 1, 1000)
            if right is not None:
                data["right"] = _int(right, "right", 0, data.get("visitors", 1000))
            if note is not None and not isinstance(note, str):
                raise BadInput("note", "is not text")
            text = clean_text(note, "note", 500)
            if text:
                data["note"] = text
            data["passed_exam"] = st.exam_passed_on is not None
            ev = StaffEvent(staff_id=st.id, project_id=c.pid, kind=KIND, data=dumps(data), by_id=c.user().id,
                            at=c.at, day=c.today, recorded_at=c.recorded_at)
            c.s.add(ev)
            c.s.flush()
            return {**_row(c, ev), "reasons": c.named([Reason("R5.3", "drill_recorded", {
                "trainee": st.id, "score": data["score"], "date": c.today})])}

    def results(self, trainee: str | None = None, actor: str | None = None,
                project: str | None = None) -> list[dict[str, Any]]:
        """Recorded drills: the PM and the GM see the project's; anyone else only their own."""
        with self.op(actor, project, write=False) as c:
            u = c.user()
            who: Staff | None = c.staff(trainee, "trainee") if trainee else None
            if not c.is_pm():
                if who is not None and who.id != u.id:
                    raise Refused(Reason("R5.3", "pm_or_self", {}), "only the PM sees another trainee's drills")
                who = u
            q = select(StaffEvent).where(StaffEvent.project_id == c.pid, StaffEvent.kind == KIND)
            if who is not None:
                q = q.where(StaffEvent.staff_id == who.id)
            return [_row(c, ev) for ev in c.s.exec(q.order_by(StaffEvent.id))]  # type: ignore[arg-type]
