"""The duty roster and rotation (R3, R3.2, R5.3): set by the PM, away/back through the day."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Iterable, Sequence

from sqlmodel import select

from frontdesk.rules import rotation
from frontdesk.rules.reasons import Reason
from frontdesk.rules.routing import Staffer
from frontdesk.store.models import RosterEvent, RosterState, Staff

from .base import FRONTLINE, ROSTER_ROLES, Base, Ctx, dumps
from .errors import BadInput, Refused


def in_induction(st: Staff) -> bool:
    return st.role == "trainee" and st.exam_passed_on is None


def state(c: Ctx) -> RosterState:
    st = c.s.get(RosterState, c.pid)
    if st is None:
        st = RosterState(project_id=c.pid, queue="[]", duty_queue="[]", updated_at=c.at)
    return st


def queues(c: Ctx) -> tuple[tuple[int, ...], tuple[int, ...]]:
    st = state(c)
    return tuple(json.loads(st.queue)), tuple(json.loads(st.duty_queue))


def save_queues(c: Ctx, queue: Sequence[int], duty: Sequence[int]) -> None:
    st = state(c)
    st.queue, st.duty_queue, st.updated_at = dumps(list(queue)), dumps(list(duty)), c.at
    c.s.add(st)


def away_today(c: Ctx) -> set[int]:
    """Who is marked away now: away marks last until marked back or the day ends (R3)."""
    rows = c.s.exec(select(RosterEvent.staff_id, RosterEvent.kind, RosterEvent.at)  # columns: every walk-in asks
                    .where(RosterEvent.project_id == c.pid, RosterEvent.day == c.today,
                           RosterEvent.kind.in_(("away", "back")))  # type: ignore[attr-defined]
                    .order_by(RosterEvent.at, RosterEvent.id))
    return away_of(rows, c.at)


def away_of(marks: Iterable[tuple[int | None, str, datetime]], now: datetime) -> set[int]:
    """Who is away at `now`, from the day's (staff, away|back, at) marks in time order."""
    away: set[int] = set()
    for staff_id, kind, at in marks:
        if staff_id is None or at > now:
            continue
        (away.add if kind == "away" else away.discard)(staff_id)
    return away


def staffers(c: Ctx) -> dict[int, Staffer]:
    """Everyone who may serve, with presence: on the roster and not away (SPEC "Presence")."""
    queue, _ = queues(c)
    on_roster = set(queue)
    away = away_today(c)
    rows = c.s.exec(select(Staff.id, Staff.name, Staff.role, Staff.exam_passed_on, Staff.mentor_id)  # columns: no ORM rows
                    .where(Staff.project_id == c.pid, Staff.active == True,  # noqa: E712
                           Staff.role.in_(FRONTLINE)))  # type: ignore[attr-defined]
    out: dict[int, Staffer] = {}
    for st in rows:
        assert st.id is not None
        shadow = in_induction(st)
        out[st.id] = Staffer(st.id, st.name, st.role, present=st.id in on_roster and st.id not in away,
                             eligible=not shadow, shadow=shadow, mentor=st.mentor_id)
    return out


def log(c: Ctx, kind: str, staff_id: int | None, data: dict[str, Any] | None = None) -> None:
    c.s.add(RosterEvent(project_id=c.pid, kind=kind, staff_id=staff_id, by_id=c.actor.id if c.actor else None,
                        data=dumps(data or {}), at=c.at, day=c.today, recorded_at=c.recorded_at))


class RosterService(Base):
    def show(self, actor: str | None = None, project: str | None = None) -> dict[str, Any]:
        with self.op(actor, project, write=False) as c:
            return self._show(c)

    def _show(self, c: Ctx) -> dict[str, Any]:
        queue, duty = queues(c)
        people = staffers(c)
        members = {sid: s.member() for sid, s in people.items()}
        nxt = rotation.pick(queue, members)
        dnext = rotation.pick(duty, members, rule="R3.2")
        name = c.name_of
        return {
            "order": [name(i) for i in queue],
            "next": name(nxt.advisor) if nxt.advisor is not None and not nxt.solo_trainee else None,
            "away": [name(i) for i in queue if i in people and not people[i].present],
            "shadow": [name(i) for i in queue if i in people and people[i].shadow],
            "duty_next": name(dnext.advisor) if dnext.advisor is not None and not dnext.solo_trainee else None,
            "volume_mode": c.setting("volume_mode"),
            "project": c.project.name,
            "now": c.now.replace(second=0, microsecond=0),
            "reasons": c.named(nxt.reasons),
        }

    def set(self, names: Sequence[str], actor: str | None = None, project: str | None = None) -> dict[str, Any]:
        """The rotation order from now on, starting at its first name (R3)."""
        with self.op(actor, project) as c:
            c.require("pm", "gm", rule="R3", code="pm_sets_roster")
            if not names:
                raise BadInput("names", "give the rotation order: one or more staff names")
            ids: list[int] = []
            for n in names:
                st = c.staff(n, "names")
                if st.role not in ROSTER_ROLES:
                    raise BadInput("names", f"{st.name} is {st.role}: only advisors and trainees stand on the "
                                            "roster (the PM is not in the rotation)")
                if st.id in ids:
                    raise BadInput("names", f"{st.name} appears twice")
                assert st.id is not None
                ids.append(st.id)
            save_queues(c, ids, rotation.duty_queue(ids))
            log(c, "set", None, {"order": ids})
            c.s.flush()
            return self._show(c)

    def mark(self, name: str, away: bool, actor: str | None = None, project: str | None = None) -> dict[str, Any]:
        """Away or back: the PM, or the advisor themself (R3)."""
        with self.op(actor, project) as c:
            u = c.user()
            st = c.staff(name, "name")
            if u.id != st.id and u.role not in ("pm", "gm"):
                raise Refused(Reason("R3", "pm_or_self", {}), "only the PM or the advisor themself marks away/back")
            queue, _ = queues(c)
            if st.id not in queue:
                raise BadInput("name", f"{st.name} is not on today's roster")
            is_away = st.id in away_today(c)
            if away == is_away:
                raise BadInput("name", f"{st.name} is already {'away' if away else 'back'}")
            log(c, "away" if away else "back", st.id)
            c.s.flush()
            return self._show(c)

    def copy_yesterday(self, actor: str | None = None, project: str | None = None) -> dict[str, Any]:
        """Today's rotation order = the last order set before today (R3), less anyone who has left
        the project or the roster roles since; recorded as a new `set` with where it came from."""
        with self.op(actor, project) as c:
            c.require("pm", "gm", rule="R3", code="pm_sets_roster")
            last = c.s.exec(select(RosterEvent).where(RosterEvent.project_id == c.pid, RosterEvent.kind == "set",
                                                      RosterEvent.day < c.today)
                            .order_by(RosterEvent.at.desc(), RosterEvent.id.desc())).first()  # type: ignore[attr-defined]
            if last is None:
                raise Refused(Reason("R3", "no_earlier_roster", {}), "no roster was set before today: set one")
            ids, dropped = [], []
            for sid in json.loads(last.data).get("order", []):
                st = c.s.get(Staff, sid)
                if st is not None and st.active and st.project_id == c.pid and st.role in ROSTER_ROLES:
                    ids.append(sid)
                else:
                    dropped.append(sid)
            if not ids:
                raise Refused(Reason("R3", "no_earlier_roster", {}), "nobody on the last roster still works here")
            save_queues(c, ids, rotation.duty_queue(ids))
            log(c, "set", None, {"order": ids, "copied_from": last.day.isoformat()})
            c.s.flush()
            out = self._show(c)
            out["copied_from"] = last.day
            out["dropped"] = [c.name_of(i) for i in dropped]
            out["reasons"] = c.named([Reason("R3", "roster_copied", {"date": last.day})]) + out["reasons"]
            return out
