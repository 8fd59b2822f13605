"""The project manager's desk: what waits for a signature, who lapses soon, how a moved
advisor's clients are handed on, mentors, and the day-by-day figures (R2.2, P2, R1.1, R5, R6, R9)."""

from __future__ import annotations

import json
from collections import Counter
from datetime import timedelta
from decimal import Decimal
from typing import Any, Sequence

from sqlmodel import select

from frontdesk.rules import phones
from frontdesk.rules.reasons import Reason
from frontdesk.store.models import (Approval, Client, Deposit, FollowUp, FollowUpVerification, LargeDealDecision,
                                    Person, Phone, Referral, RegisterEntry, Staff, StaffEvent, Unit)

from . import clientbook, discounts, signatures
from .base import Base, Ctx, clean_text, dumps
from .errors import BadInput

PENDING_DAYS = 30  # how far back the approvals queue looks
LAPSE_HORIZON = 3  # "clients about to lapse": the next three days
REFERRAL_KINDS = ("referral_approved", "referral_refused")


def _pm(c: Ctx) -> Staff:
    return c.require("pm", "gm", rule="R2.1", code="pm_console")


class ManagerService(Base):
    def approvals(self, actor: str | None = None, project: str | None = None) -> list[dict[str, Any]]:
        """What waits for the PM: unreachable follow-ups to sign (R2.2), large deals to assist or
        consent to (P2), referrals reported (R1.1, for the record)."""
        with self.op(actor, project, write=False) as c:
            _pm(c)
            since = c.today - timedelta(days=PENDING_DAYS)
            refused = {a.subject for a in c.s.exec(select(Approval).where(
                Approval.project_id == c.pid, Approval.kind == "followup_refused"))}
            items: list[dict[str, Any]] = []
            rows = c.s.exec(select(FollowUp, FollowUpVerification).join(FollowUpVerification, isouter=True).where(
                FollowUp.project_id == c.pid, FollowUp.outcome == "unreachable", FollowUp.day >= since)
                .order_by(FollowUp.at)).all()
            for fu, ver in rows:
                if ver is not None or f"followup#{fu.id}" in refused:
                    continue
                items.append({"kind": "followup", "id": fu.id, "rule": "R2.2", "day": fu.day,
                              "advisor": c.name_of(fu.advisor_id), "client": _label(c, fu.client_id),
                              "facts": fu.note, "reasons": [Reason("R2.2", "followup_unreachable_pending", {})]})
            decided = {(d.unit_id, d.client_id) for d in c.s.exec(select(LargeDealDecision).where(
                LargeDealDecision.project_id == c.pid))}
            threshold = Decimal(str(c.setting("large_deal_threshold")))  # a number: PostgreSQL compares no text to NUMERIC
            for dep, unit in c.s.exec(select(Deposit, Unit).join(Unit, Unit.id == Deposit.unit_id).where(
                    Deposit.project_id == c.pid, Unit.list_price > threshold)).all():
                if (dep.unit_id, dep.client_id) in decided:
                    continue
                items.append({"kind": "large_deal", "id": dep.id, "rule": "P2", "day": dep.day,
                              "advisor": c.name_of(dep.advisor_id), "client": _label(c, dep.client_id),
                              "facts": f"{unit.code} {unit.list_price}", "unit": unit.code,
                              "reasons": [Reason("P2", "large_needs_pm", {"amount": unit.list_price,
                                                                          "threshold": threshold})]})
            for it in discounts.pending(c):
                cid = it.pop("client_id")
                items.append({**it, "client": _label(c, cid)})
            items += signatures.pending(c)  # R2.2: a PM's request for more than 10 days, for the GM to sign
            decided = {a.subject for a in c.s.exec(select(Approval).where(
                Approval.project_id == c.pid, Approval.kind.in_(REFERRAL_KINDS)))}  # type: ignore[attr-defined]
            for ref in c.s.exec(select(Referral).where(Referral.project_id == c.pid, Referral.at >= since)):
                if f"referral#{ref.id}" in decided:
                    continue
                items.append({"kind": "referral", "id": ref.id, "rule": "R1.1", "day": c.local(ref.at).date(),
                              "advisor": c.name_of(ref.reporter_id), "client": _label(c, ref.client_id),
                              "facts": "", "reasons": [Reason("R1.1", "referral_recorded", {
                                  "advisor": c.name_of(ref.reporter_id), "to": ref.to_project_id})]})
            return items

    def decide_discount(self, request_id: int, approve: bool, reason: str | None = None, actor: str | None = None,
                        project: str | None = None) -> dict[str, Any]:
        """R7: the PM approves or refuses an advisor's discount request; a refusal says why."""
        with self.op(actor, project) as c:
            return discounts.decide(c, _pm(c), request_id, approve, reason)

    def decide_setting(self, request_id: int, approve: bool, reason: str | None = None,
                       actor: str | None = None, project: str | None = None) -> dict[str, Any]:
        """R2.2: the GM, signed in as themselves, approves or refuses a PM's request for more than 10
        protection days (a refusal says why); anyone else is refused — a name is not a signature."""
        with self.op(actor, project) as c:
            _pm(c)
            return signatures.decide(c, request_id, approve, reason)

    def decide_referral(self, referral_id: int, approve: bool, reason: str | None = None,
                        actor: str | None = None, project: str | None = None) -> dict[str, Any]:
        """R1.1: the PM confirms a reported client's referral to a similar project, or refuses it with a
        reason — a refused referral credits nobody if the client buys there (a private deal, never credit)."""
        with self.op(actor, project) as c:
            pm = _pm(c)
            ref = c.s.get(Referral, referral_id) if 0 < referral_id < 2**63 else None
            if ref is None or ref.project_id != c.pid:
                raise BadInput("id", f"no referral #{referral_id} in project {c.project.code}")
            subject = f"referral#{ref.id}"
            if c.s.exec(select(Approval.id).where(Approval.project_id == c.pid, Approval.subject == subject,
                                                  Approval.kind.in_(REFERRAL_KINDS))).first():  # type: ignore[attr-defined]
                raise BadInput("id", f"referral #{referral_id} is decided already")
            why = clean_text(reason, "reason", 500, required=not approve)
            kind = REFERRAL_KINDS[0] if approve else REFERRAL_KINDS[1]
            c.s.add(Approval(project_id=c.pid, kind=kind, approver=pm.name, approver_id=pm.id, reason=why,
                             subject=subject, by_id=pm.id, at=c.at, recorded_at=c.recorded_at))
            c.notify([ref.reporter_id], kind, "R1.1", {"client": _label(c, ref.client_id), "pm": pm.name,
                                                       "reason": why or "—"})
            return {"referral": ref.id, "approved": approve, "reporter": c.name_of(ref.reporter_id),
                    "reasons": [Reason("R1.1", kind, {"advisor": c.name_of(ref.reporter_id), "pm": pm.name,
                                                      "reason": why or "—"})]}

    def refuse_followup(self, followup_id: int, reason: str, actor: str | None = None,
                        project: str | None = None) -> dict[str, Any]:
        """The PM declines to sign an unreachable follow-up: it stays not counted (R2.2), and why is recorded."""
        with self.op(actor, project) as c:
            pm = _pm(c)
            fu = c.s.get(FollowUp, followup_id)
            if fu is None or fu.project_id != c.pid or fu.outcome != "unreachable":
                raise BadInput("id", f"no unreachable follow-up #{followup_id} in project {c.project.code}")
            why = clean_text(reason, "reason", 500, required=True)
            c.s.add(Approval(project_id=c.pid, kind="followup_refused", approver=pm.name, approver_id=pm.id,
                             reason=why, subject=f"followup#{fu.id}", by_id=pm.id, at=c.at,
                             recorded_at=c.recorded_at))
            return {"id": fu.id, "valid": False, "reasons": [Reason("R2.2", "followup_refused", {"reason": why})]}

    def lapsing(self, actor: str | None = None, project: str | None = None,
                horizon: int = LAPSE_HORIZON) -> list[dict[str, Any]]:
        """Clients whose protection ends within the next `horizon` days, per owner (R2.2)."""
        with self.op(actor, project, write=False) as c:
            _pm(c)
            days = int(c.setting("protection_days"))
            first, last = c.today - timedelta(days=days), c.today - timedelta(days=days - horizon + 1)
            rows = c.s.exec(select(Client).where(Client.project_id == c.pid, Client.last_contact >= first,
                                                 Client.last_contact <= last, Client.owner_id != None,  # noqa: E711
                                                 Client.merged_into_id == None)  # noqa: E711
                            .order_by(Client.owner_id, Client.last_contact)).all()
            return [{"client": cl.id, "owner": c.name_of(cl.owner_id), "name": _label(c, cl.id, full=True),
                     "last_contact": cl.last_contact, "protected_through": cl.last_contact + timedelta(days=days),
                     "lapses_on": cl.last_contact + timedelta(days=days + 1)} for cl in rows if cl.last_contact]

    def remind(self, client_id: int, actor: str | None = None, project: str | None = None) -> dict[str, Any]:
        """One key: remind the owner to follow up before the client lapses (R2.2)."""
        with self.op(actor, project) as c:
            _pm(c)
            found = clientbook.by_id(c, client_id)
            own = clientbook.ownership(c, found.client.id)
            if own.owner is None:
                raise BadInput("client", "this client has no owner now (lapsed)")
            told = c.notify([own.owner], "lapse_reminder", "R2.2", {
                "client": clientbook.label(found, True), "lapses_on": own.lapses_on, "pm": c.user().name},
                dedupe=f"remind:{found.client.id}:{c.today}")
            return {"client": found.client.id, "owner": c.name_of(own.owner), "notified": told,
                    "reasons": c.named([own.reasons[0]])}

    def set_mentor(self, name: str, mentor: str, actor: str | None = None, project: str | None = None) -> dict[str, Any]:
        """R5.2: the PM gives a trainee a mentor (代教师父)."""
        with self.op(actor, project) as c:
            _pm(c)
            st = c.staff(name, "name")
            m = c.staff(mentor, "mentor")
            if st.role != "trainee":
                raise BadInput("name", f"{st.name} is {st.role}, not a trainee")
            if m.role not in ("advisor", "pm") or m.id == st.id:
                raise BadInput("mentor", f"{m.name} cannot mentor: a mentor is an advisor or PM (R5.2)")
            old = st.mentor_id
            st.mentor_id = m.id
            c.s.add(st)
            c.s.add(StaffEvent(staff_id=st.id, project_id=c.pid, kind="mentor", data=dumps({"from": old, "to": m.id}),
                               by_id=c.user().id, at=c.at, day=c.today, recorded_at=c.recorded_at))
            return {"name": st.name, "mentor": m.name}

    def redistribution(self, name: str, actor: str | None = None, project: str | None = None) -> list[dict[str, Any]]:
        """R6: the clients a moved advisor held on the move day, with a proposed new advisor for
        follow-up each, round the rotation (the PM may change any before applying)."""
        from . import roster

        with self.op(actor, project, write=False) as c:
            _pm(c)
            st = c.s.exec(select(Staff).where(Staff.name == (name or "").strip())).first()
            if st is None:
                raise BadInput("name", f"no staff member named {name!r}")
            ev = c.s.exec(select(StaffEvent).where(StaffEvent.staff_id == st.id, StaffEvent.kind == "transfer",
                                                   StaffEvent.project_id == c.pid)
                          .order_by(StaffEvent.id.desc())).first()  # type: ignore[union-attr]
            if ev is None:
                raise BadInput("name", f"{st.name} has not moved from project {c.project.code}")
            held = json.loads(ev.data).get("clients", [])
            queue, _ = roster.queues(c)
            people = roster.staffers(c)
            # R6 with R3/R5.3: only who can follow up today — not away, not in induction (a shadow)
            away = roster.away_today(c)
            takers = [i for i in queue if i in people and people[i].eligible and people[i].present] or \
                [i for i in people if people[i].eligible and i not in away]
            plan = []
            for n, cid in enumerate(held):
                found = clientbook.by_id(c, cid)
                own = clientbook.ownership(c, found.client.id)
                proposed = takers[n % len(takers)] if takers else None
                plan.append({"client": found.client.id, "name": clientbook.label(found, True),
                             "owner": c.name_of(own.owner), "to": c.name_of(proposed), "moved_on": ev.day})
            return plan

    def redistribute(self, plan: Sequence[dict[str, Any]], actor: str | None = None,
                     project: str | None = None) -> dict[str, Any]:
        """Apply a redistribution: each client handed to its advisor for follow-up (R6), in one transaction."""
        from frontdesk.store.models import Assignment

        from . import roster

        with self.op(actor, project) as c:
            pm = _pm(c)
            done = []
            for row in plan:
                found = clientbook.by_id(c, int(row["client"]))
                st = c.staff(row["to"], "to")
                if st.role not in ("advisor", "trainee", "pm"):
                    raise BadInput("to", f"{st.name} is {st.role} and does not follow up clients")
                if roster.in_induction(st):
                    raise BadInput("to", f"{st.name} is in induction (R5.3) and does not follow up clients alone")
                c.s.add(Assignment(project_id=c.pid, client_id=found.client.id, advisor_id=st.id, by_id=pm.id,
                                   note="R6 redistribution", at=c.at, day=c.today, recorded_at=c.recorded_at))
                c.s.flush()
                clientbook.refresh_cache(c, found.client)
                c.notify([st.id], "reassigned", "R6", {"client": clientbook.label(found, True), "pm": pm.name})
                done.append({"client": found.client.id, "to": st.name})
            return {"reassigned": len(done), "items": done}

    def daily(self, start: str | None = None, end: str | None = None, actor: str | None = None,
              project: str | None = None) -> dict[str, Any]:
        """Visits, calls and lapses per day for the charts of the figures screen (R9)."""
        from .reports import _period

        with self.op(actor, project, write=False) as c:
            _pm(c)
            frm, to = _period(c, start, end)
            counts = {"visit": Counter(), "call": Counter()}
            # a page struck out by an amending entry (R2.1), then or later, is no visit: as in the figures
            struck = clientbook.voided(list(c.s.exec(select(RegisterEntry).where(
                RegisterEntry.project_id == c.pid, RegisterEntry.kind == "amend")).all()))
            for book, number, day in c.s.exec(select(RegisterEntry.book, RegisterEntry.number, RegisterEntry.day).where(
                    RegisterEntry.project_id == c.pid, RegisterEntry.day >= frm, RegisterEntry.day <= to,
                    RegisterEntry.kind != "amend")):
                if (book, number) not in struck:
                    counts[book][day] += 1
            days = [frm + timedelta(days=i) for i in range((to - frm).days + 1)]
            return {"from": frm, "to": to, "days": days,
                    "visits": [counts["visit"][d] for d in days], "calls": [counts["call"][d] for d in days]}


def _label(c: Ctx, client_id: int, full: bool = True) -> str:
    row = c.s.exec(select(Person, Phone).join(Phone, Phone.person_id == Person.id)
                   .where(Person.client_id == client_id).order_by(Person.id)).first()
    if row is None:
        return f"#{client_id}"
    person, ph = row
    shown = phones.national_of(ph.e164) if full else phones.masked_of(ph.e164)
    return f"{person.name} {shown}".strip()
