"""The import's staff: staff rows, and the advisor each register row names — on the staff, mapped
to a staff member (`--map 小王=王芳`), or created as inactive staff (`--create-staff`) so the
imported history keeps its owners. An advisor who is none of these is not a rejected row: the dry
run lists them with the rows they own, and the import itself asks for a mapping (nothing written)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlmodel import select

from frontdesk.store.models import Staff, StaffEvent

from .. import clientbook
from ..base import FRONTLINE, Ctx, dumps
from ..errors import BadInput
from .parse import _compact
from .table import Row

SHOWN_ROWS = 12  # rows named per unknown advisor in the refusal; the dry run lists them all


class _Staffing:
    c: Ctx
    pid: int
    src: Any
    dry_run: bool
    advisor_map: dict[str, str]
    create_staff: bool
    staff: dict[str, Staff]
    compact: dict[str, Staff]
    created: defaultdict[str, int]
    unknown: dict[str, list[Row]]
    mapped: dict[str, tuple[str, list[Row]]]
    added: dict[str, list[Row]]

    def _load_staff(self) -> None:
        for st in self.c.s.exec(select(Staff)).all():
            self._know(st)

    def _know(self, st: Staff) -> None:
        self.staff[st.name] = st
        self.compact.setdefault(_compact(st.name), st)

    def _find_staff(self, name: str) -> Staff | None:
        return self.staff.get(name) or self.compact.get(_compact(name))

    def _staff_rows(self, rows: list[Row]) -> None:
        c = self.c
        for r in sorted(rows, key=lambda r: (r.role == "trainee", r.seq)):  # mentors before their trainees
            st = self._find_staff(r.name)
            if st is not None:
                if st.project_id != self.pid or not st.active:
                    r.reject("staff_other_project", name=st.name)
                else:
                    r.done("merged", "staff_exists", name=st.name, staff_role=st.role)
                continue
            mentor = None
            if r.mentor:
                mentor = self._find_staff(r.mentor)
                if mentor is None or mentor.project_id != self.pid or mentor.role not in ("advisor", "pm"):
                    r.reject("unknown_mentor", mentor=r.mentor)
                    continue
            elif r.role == "trainee":
                r.reject("trainee_needs_mentor")
                continue
            if r.role == "gm" and c.user().role != "gm":  # R2.2: only a GM makes a GM
                r.reject("gm_by_gm")
                continue
            st = Staff(project_id=self.pid, name=r.name, initials=clientbook.initials(r.name), role=r.role,
                       mentor_id=mentor.id if mentor else None, pin_hash=None, joined_on=r.day or c.today,
                       created_at=c.at)
            c.s.add(st)
            c.s.flush()
            c.s.add(StaffEvent(staff_id=st.id, project_id=self.pid, kind="added",
                               data=dumps({"role": r.role, "imported": self.src.name, "row": r.label}),
                               by_id=c.user().id, at=c.at, day=c.today, recorded_at=c.recorded_at))
            self._know(st)
            self.created["staff"] += 1
            r.done("imported", "staff_added", name=st.name, staff_role=st.role)
            r.entry = "staff"

    def _advisors(self, rows: list[Row]) -> None:
        known: dict[str, tuple[int | None, str, str, dict[str, Any]]] = {}  # name as written → verdict
        code = self.c.project.code
        maps = {_compact(k): v for k, v in self.advisor_map.items()}
        said: dict[str, list[Row]] = {}  # names as written the staff did not know → their rows
        for r in rows:
            written = r.advisor_name
            got = known.get(written)
            if got is None:
                to = maps.get(_compact(written))
                st = self._mapped_to(written, to) if to is not None else self._find_staff(written)
                if st is None:
                    st = self._inactive(written, r)
                if st.project_id != self.pid:
                    got = (None, st.name, "advisor_other_project", {"advisor": st.name, "project": code})
                elif st.role not in FRONTLINE:
                    got = (None, st.name, "not_frontline", {"advisor": st.name, "staff_role": st.role})
                else:  # an advisor who has left still owns the history they wrote
                    got = (st.id, st.name, "", {})
                known[written] = got
                if written in self.unknown or written in self.added or written in self.mapped:
                    said[written] = []
            r.advisor_id, r.advisor_name = got[0], got[1]
            if got[0] is None:
                r.reject(got[2], **got[3])
            elif written in said:
                said[written].append(r)
        for written, (_to, rs) in self.mapped.items():
            rs.extend(said.pop(written, ()))
        for book in (self.unknown, self.added):
            for written in book:
                book[written].extend(said.pop(written, ()))
        if self.unknown and not self.dry_run:
            names = "; ".join(f"{name} ({_rows_text(rs)})" for name, rs in self.unknown.items())
            first = next(iter(self.unknown))
            raise BadInput("map", f"advisors not on the staff: {names}. Map each to a staff member "
                                  f"(--map {first}=NAME) or add them as inactive staff (--create-staff); "
                                  "nothing was written")

    def _mapped_to(self, written: str, target: str) -> Staff:
        st = self._find_staff(target)
        if st is None:
            if not self.create_staff:
                raise BadInput("map", f"--map {written}={target}: no staff member named {target}")
            st = self._add_inactive(target)
            self.added[target] = []
        self.mapped[written] = (st.name, [])
        return st

    def _inactive(self, written: str, r: Row) -> Staff:
        """A staff member for an advisor the staff does not know: inactive, no PIN (the dry run
        without --create-staff adds them too, rolled back, so its report is the import's)."""
        if self.create_staff:
            self.added[written] = []
        else:
            self.unknown[written] = []
        return self._add_inactive(written, r.day, count=self.create_staff)

    def _add_inactive(self, name: str, day: Any = None, count: bool = True) -> Staff:
        c = self.c
        st = Staff(project_id=self.pid, name=name, initials=clientbook.initials(name), role="advisor", pin_hash=None,
                   joined_on=day or c.today, active=False, created_at=c.at)
        c.s.add(st)
        c.s.flush()
        c.s.add(StaffEvent(staff_id=st.id, project_id=self.pid, kind="added",
                           data=dumps({"role": "advisor", "imported": self.src.name, "inactive": True}),
                           by_id=c.user().id, at=c.at, day=c.today, recorded_at=c.recorded_at))
        self._know(st)
        if count:
            self.created["inactive_staff"] += 1
        return st

    def advisors_said(self) -> dict[str, list[dict[str, Any]]]:
        """The advisors the file names that the staff did not know, and the rows they own."""
        def rows(rs: list[Row]) -> list[str]:
            return list(dict.fromkeys(r.label for r in rs))  # a row ticked 来访 and 来电 once
        return {"unknown": [{"name": k, "rows": rows(v)} for k, v in self.unknown.items()],
                "mapped": [{"name": k, "to": to, "rows": rows(v)} for k, (to, v) in self.mapped.items()],
                "created": [{"name": k, "rows": rows(v)} for k, v in self.added.items()]}


def _rows_text(rs: list[Row]) -> str:
    labels = list(dict.fromkeys(r.label for r in rs))
    more = f", … {len(labels) - SHOWN_ROWS} more" if len(labels) > SHOWN_ROWS else ""
    return ("row " if len(labels) == 1 else "rows ") + ", ".join(labels[:SHOWN_ROWS]) + more
