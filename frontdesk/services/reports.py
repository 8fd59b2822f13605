"""R9: the figures per advisor and period that feed rewards, penalties and reviews; R10
complaints and suggestions."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from sqlmodel import select

from frontdesk.rules.reasons import Reason
from frontdesk.store.models import (Client, Complaint, ComplaintEvent, Deal, DealShare, Deposit, FollowUp,
                                    FollowUpVerification, RegisterEntry, RosterEvent, Staff)

from .base import Base, Ctx, clean_text
from .clientbook import voided
from .clock import parse_local
from .errors import BadInput, Refused

OFFICE_OPEN, OFFICE_CLOSE = time(9, 0), time(18, 0)  # the hours a rostered advisor counts as present
STATUSES = ("open", "in_progress", "closed")
COMPANY_WIDE = ("sales-admin", "gm")  # the sales management department and the GM (R10)
KINDS = ("complaint", "suggestion")


def _period(c: Ctx, start: str | None, end: str | None) -> tuple[date, date]:
    to = parse_local(end, "to").date() if end else c.today
    frm = parse_local(start, "from").date() if start else to.replace(day=1)
    if frm > to:
        raise BadInput("from", f"{frm} is after {to}")
    if (to - frm).days > 366:
        raise BadInput("to", "a report covers at most one year")
    return frm, to


def _present_hours(c: Ctx, frm: date, to: date, staff_ids: list[int]) -> dict[int, float]:
    """Hours each advisor stood on the roster and was not away, within office hours, by day.

    A day counts for an advisor when they took a reception or were marked that day; away
    intervals from the roster log are subtracted."""
    events = c.s.exec(select(RosterEvent).where(RosterEvent.project_id == c.pid, RosterEvent.day >= frm,
                                                RosterEvent.day <= to).order_by(RosterEvent.at)).all()
    hours: dict[int, float] = defaultdict(float)
    days: dict[int, set[date]] = defaultdict(set)
    away: dict[tuple[int, date], list[tuple[datetime, datetime | None]]] = defaultdict(list)
    for ev in events:
        if ev.staff_id is None:
            continue
        local = c.local(ev.at).replace(tzinfo=None)
        days[ev.staff_id].add(ev.day)
        spans = away[(ev.staff_id, ev.day)]
        if ev.kind == "away":
            spans.append((local, None))
        elif ev.kind == "back" and spans and spans[-1][1] is None:
            spans[-1] = (spans[-1][0], local)
    entries = c.s.exec(select(RegisterEntry.advisor_id, RegisterEntry.day).where(
        RegisterEntry.project_id == c.pid, RegisterEntry.book == "visit", RegisterEntry.day >= frm,
        RegisterEntry.day <= to)).all()
    for adv, day in entries:
        days[adv].add(day)
    for sid in staff_ids:
        for d in days.get(sid, ()):
            open_, close = datetime.combine(d, OFFICE_OPEN), datetime.combine(d, OFFICE_CLOSE)
            total = (close - open_).total_seconds()
            for a, b in away.get((sid, d), []):
                a, b = max(a, open_), min(b or close, close)
                if b > a:
                    total -= (b - a).total_seconds()
            hours[sid] += max(total, 0) / 3600
    return hours


def _held_and_lapses(c: Ctx, frm: date, to: date, days: int, ids: set[int]) -> tuple[Counter, Counter]:
    """Clients held at the end of the period and lapses within it, from the registers' history
    as of the period (R2.2), not from today's state."""
    from frontdesk.rules import protection

    from . import clientbook

    canon = {cid: (merged or cid) for cid, merged in c.s.exec(
        select(Client.id, Client.merged_into_id).where(Client.project_id == c.pid))}
    by_client, _ = clientbook.histories(c, None, to)
    grouped: dict[int, list] = defaultdict(list)
    for cid, evs in by_client.items():
        grouped[canon.get(cid, cid)].extend(evs)
    held: Counter = Counter()
    lapses: Counter = Counter()
    for evs in grouped.values():
        own = protection.fold(evs, to, days)
        if own.owner in ids:
            held[own.owner] += 1
        for who, day in own.lapses:
            if who in ids and frm <= day <= to:
                lapses[who] += 1
    return held, lapses


class ReportService(Base):
    def report(self, start: str | None = None, end: str | None = None, actor: str | None = None,
               project: str | None = None) -> dict[str, Any]:
        """Per advisor: receptions by route, turns taken and skipped, duty given/received, clients
        held, lapses, follow-ups, deposits, deals, credit — and turns per present hour."""
        with self.op(actor, project, write=False) as c:
            u = c.user()
            frm, to = _period(c, start, end)
            staff = c.s.exec(select(Staff).where(Staff.project_id == c.pid,
                                                 Staff.role.in_(("advisor", "trainee", "pm")))  # type: ignore[attr-defined]
                             .order_by(Staff.id)).all()
            # and those credited on this project's deals who work elsewhere now (R6) or were referred from (R1.1)
            elsewhere = c.s.exec(select(Staff).join(DealShare, DealShare.advisor_id == Staff.id).join(Deal).where(
                Deal.project_id == c.pid, Deal.day >= frm, Deal.day <= to, Staff.project_id != c.pid)).all()
            staff = [*staff, *[s for i, s in enumerate(elsewhere) if s not in elsewhere[:i]]]
            if u.role not in ("pm", "gm", "sales-admin"):
                staff = [s for s in staff if s.id == u.id]  # an advisor reads their own figures
            ids = [s.id for s in staff if s.id is not None]
            days = int(c.setting("protection_days"))
            entries = c.s.exec(select(RegisterEntry).where(RegisterEntry.project_id == c.pid, RegisterEntry.day >= frm,
                                                           RegisterEntry.day <= to)).all()
            # a page struck out by an amending entry (R2.1), written then or later, counts for no one
            struck = voided(list(c.s.exec(select(RegisterEntry).where(RegisterEntry.project_id == c.pid,
                                                                      RegisterEntry.kind == "amend")).all()))
            routes: dict[int, Counter] = defaultdict(Counter)
            turns: Counter = Counter()
            skipped: dict[int, Counter] = defaultdict(Counter)
            duty_given: Counter = Counter()
            duty_received: Counter = Counter()
            calls: Counter = Counter()
            for e in entries:
                if e.kind == "amend" or (e.book, e.number) in struck:
                    continue
                if e.book == "call":
                    calls[e.advisor_id] += 1
                    continue
                routes[e.advisor_id][e.route] += 1
                if e.turn:
                    turns[e.advisor_id] += 1
                if e.route == "duty":
                    duty_given[e.advisor_id] += 1
                    if e.owner_id is not None:
                        duty_received[e.owner_id] += 1
                for r in json.loads(e.data).get("reasons", []):
                    if r.get("code", "").startswith("skipped_") and isinstance(r["data"].get("advisor"), int):
                        skipped[r["data"]["advisor"]][r["code"].removeprefix("skipped_")] += 1
            fus = c.s.exec(select(FollowUp, FollowUpVerification).join(FollowUpVerification, isouter=True).where(
                FollowUp.project_id == c.pid, FollowUp.day >= frm, FollowUp.day <= to)).all()
            valid: Counter = Counter()
            unreachable: Counter = Counter()
            verified: Counter = Counter()
            for fu, ver in fus:
                if fu.outcome == "reached":
                    valid[fu.advisor_id] += 1
                else:
                    unreachable[fu.advisor_id] += 1
                    if ver is not None:
                        verified[fu.advisor_id] += 1
            held, lapses = _held_and_lapses(c, frm, to, days, set(ids))
            deposits = Counter(d.advisor_id for d in c.s.exec(select(Deposit).where(
                Deposit.project_id == c.pid, Deposit.day >= frm, Deposit.day <= to)))
            deals = Counter(d.closer_id for d in c.s.exec(select(Deal).where(
                Deal.project_id == c.pid, Deal.day >= frm, Deal.day <= to)))
            # credit follows the advisor: shares of deals in any project (R1.1 referrals, R6 moves)
            amounts: dict[int, Decimal] = defaultdict(Decimal)
            for sh, _d in c.s.exec(select(DealShare, Deal).join(Deal).where(Deal.day >= frm, Deal.day <= to,
                                                                           DealShare.advisor_id.in_(ids))):  # type: ignore[attr-defined]
                amounts[sh.advisor_id] += sh.amount
            present = _present_hours(c, frm, to, ids)
            rows = []
            for s in staff:
                sid = s.id
                assert sid is not None
                hrs = round(present.get(sid, 0.0), 1)
                rows.append({
                    "advisor": s.name, "receptions": sum(routes[sid].values()), "by_route": dict(routes[sid]),
                    "calls": calls[sid], "turns": turns[sid], "skipped": dict(skipped[sid]),
                    "duty_given": duty_given[sid], "duty_received": duty_received[sid],
                    "clients_held": held[sid], "lapses": lapses[sid],
                    "followups_valid": valid[sid], "followups_unreachable": unreachable[sid],
                    "followups_verified": verified[sid], "deposits": deposits[sid], "deals": deals[sid],
                    "credit": f"{amounts[sid]:.2f}", "present_hours": hrs,
                    "turns_per_hour": round(turns[sid] / hrs, 2) if hrs else None,
                })
            return {"from": frm, "to": to, "advisors": rows,
                    "reasons": [Reason("R9", "report_period", {"from": frm, "to": to})]}

    # R10 -----------------------------------------------------------------------------------
    def complaint_add(self, text: str, kind: str = "complaint", actor: str | None = None,
                      project: str | None = None) -> dict[str, Any]:
        with self.op(actor, project) as c:
            u = c.user()
            if kind not in KINDS:
                raise BadInput("kind", f"{kind!r} is not complaint or suggestion")
            body = clean_text(text, "text", 5000, required=True)
            row = Complaint(project_id=c.pid, kind=kind, text=body, by_id=u.id, at=c.at, recorded_at=c.recorded_at)
            c.s.add(row)
            c.s.flush()
            c.s.add(ComplaintEvent(complaint_id=row.id, status="open", by_id=u.id, at=c.at, recorded_at=c.recorded_at))
            # the sales management department is company-wide: every sales admin and the GM, of any project (R10)
            admins = c.s.exec(select(Staff.id).where(Staff.role.in_(COMPANY_WIDE), Staff.active == True)  # type: ignore[attr-defined]  # noqa: E712
                              .order_by(Staff.id)).all()
            told = c.notify(list(admins), "complaint_received", "R10", {"kind": kind, "id": row.id, "by": u.name})
            return {"complaint": row.id, "kind": kind, "status": "open", "notified": told}

    def complaint_status(self, complaint_id: int, status: str, resolution: str | None = None,
                         actor: str | None = None, project: str | None = None) -> dict[str, Any]:
        """Only the sales admin and the GM move a complaint along or close it (R10), of any project."""
        with self.op(actor, project, any_project=True) as c:
            u = c.require("sales-admin", "gm", rule="R10", code="admin_handles_complaints")
            if status not in STATUSES:
                raise BadInput("status", f"{status!r} is not one of {', '.join(STATUSES)}")
            row = c.s.get(Complaint, complaint_id)
            if row is None or (project and row.project_id != c.pid):
                raise BadInput("id", f"no complaint #{complaint_id}" + (f" in project {c.project.code}" if project else ""))
            text = clean_text(resolution, "resolution", 5000, required=status == "closed")
            last = c.s.exec(select(ComplaintEvent).where(ComplaintEvent.complaint_id == row.id)
                            .order_by(ComplaintEvent.id.desc())).first()  # type: ignore[union-attr]
            if last is not None and last.status == "closed":
                raise Refused(Reason("R10", "complaint_closed", {}), f"complaint #{complaint_id} is already closed")
            c.s.add(ComplaintEvent(complaint_id=row.id, status=status, resolution=text, by_id=u.id, at=c.at,
                                   recorded_at=c.recorded_at))
            return {"complaint": row.id, "status": status, "resolution": text}

    def complaint_list(self, actor: str | None = None, project: str | None = None) -> list[dict[str, Any]]:
        """The sales admins and the GM list the complaints of every project (R10: company-wide), or
        of one with --project; a PM their project's; anyone else what they filed."""
        with self.op(actor, project, write=False, any_project=True) as c:
            u = c.user()
            wide = u.role in COMPANY_WIDE
            if not wide and u.project_id != c.pid:
                raise Refused(Reason("R1.1", "other_project", {"project": c.project.code}),
                              f"{u.name} works in another project, not {c.project.code}")
            q = select(Complaint)
            if not wide or project:
                q = q.where(Complaint.project_id == c.pid)
            if u.role not in ("sales-admin", "gm", "pm"):
                q = q.where(Complaint.by_id == u.id)  # an advisor sees what they filed
            out = []
            for row in c.s.exec(q.order_by(Complaint.id)).all():
                last = c.s.exec(select(ComplaintEvent).where(ComplaintEvent.complaint_id == row.id)
                                .order_by(ComplaintEvent.id.desc())).first()  # type: ignore[union-attr]
                out.append({"complaint": row.id, "kind": row.kind, "text": row.text, "by": c.name_of(row.by_id),
                            "at": c.local(row.at).replace(second=0, microsecond=0), "status": last.status if last else "open",
                            "resolution": last.resolution if last else ""})
            return out
