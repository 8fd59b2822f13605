"""Client records: who owns a phone, its history, follow-ups, household links (R2.1, R2.2, R2.5, R3.4)."""

from __future__ import annotations

import json

from typing import Any

from sqlmodel import select

from frontdesk.rules import phones, protection
from frontdesk.rules.reasons import Reason
from frontdesk.store.models import Assignment, Client, ClientLink, FollowUp, FollowUpVerification, Person, Phone, Staff, ViewLog

from . import clientbook, crossings
from .base import Base, Ctx, clean_text
from .errors import BadInput, Refused

OUTCOMES = ("reached", "unreachable")
RELATIONS = ("spouse", "parent", "child", "company")


class RecordService(Base):
    def owner(self, phone: str, actor: str | None = None, project: str | None = None,
              as_of: str | None = None) -> dict[str, Any]:
        """Who owns this phone's client as of a day (default today), and why (R2.2)."""
        with self.op(actor, project, write=False) as c:
            ph = clientbook.parse_phone(phone)
            day = _day(as_of) if as_of else c.today
            cid = clientbook.client_of(c, ph)
            own = clientbook.ownership(c, cid, day)
            return {"client": cid, "owner": c.name_of(own.owner),
                    "protected_through": own.protected_through, "lapses_on": own.lapses_on,
                    "days_left": own.days_left(day), "as_of": day,
                    "previous_owner": c.name_of(own.previous_owner), "reasons": c.named(own.reasons)}

    def history(self, phone: str | None = None, actor: str | None = None, project: str | None = None,
                witness: str | None = None, witness_pin: str | None = None,
                client_id: int | None = None) -> dict[str, Any]:
        """The client's register entries and follow-ups, for the owner or the PM; for another
        advisor only in a PM-witnessed view, which is logged (R2.1)."""
        from . import identity

        with self.op(actor, project) as c:
            u = c.user()
            found = clientbook.require(c, phone) if phone or client_id is None else clientbook.by_id(c, client_id)
            own = clientbook.ownership(c, found.client.id)
            holder = own.owner if own.owner is not None else own.previous_owner
            allowed = u.role in ("pm", "gm") or u.id == holder
            reasons: list[Reason] = []
            if not allowed:
                if not witness:
                    raise Refused(Reason("R2.1", "records_private", {"owner": holder}),
                                  "advisors cannot see other advisors' client records; ask the PM to witness the view")
                w = c.staff(witness, "witness")
                if w.role not in ("pm", "gm"):
                    raise BadInput("witness", f"{w.name} is not a PM")
                identity.check(c.s, w, witness_pin, "witness", self.clock.real_now())  # logged, counts
                c.s.add(ViewLog(project_id=c.pid, viewer_id=u.id, witness_id=w.id, client_id=found.client.id,
                                purpose="history", at=c.at, recorded_at=c.recorded_at))
                reasons.append(Reason("R2.1", "witnessed_view", {"witness": w.id}))
            show = u.role in ("pm", "gm") or u.id == holder
            evs, entries = clientbook.events(c, found.client.id)
            ids = clientbook.group(c, found.client.id)
            people = c.s.exec(select(Person).where(Person.client_id.in_(ids))).all()  # type: ignore[attr-defined]
            phs = c.s.exec(select(Phone).where(Phone.client_id.in_(ids))).all()  # type: ignore[attr-defined]
            fus = c.s.exec(select(FollowUp, FollowUpVerification)
                           .join(FollowUpVerification, isouter=True)
                           .where(FollowUp.client_id.in_(ids)).order_by(FollowUp.at)).all()  # type: ignore[attr-defined]
            shown = (lambda e164: phones.national_of(e164)) if show else phones.masked_of
            return {
                "client": found.client.id, "owner": c.name_of(own.owner),
                "protected_through": own.protected_through, "lapses_on": own.lapses_on,
                "people": [{"name": p.name, "relation": p.relation,
                            "phones": [shown(x.e164) for x in phs if x.person_id == p.id]} for p in people],
                "entries": [{"register": e.book, "entry": e.number, "at": c.local(e.at), "day": e.day,
                             "route": e.route, "advisor": c.name_of(e.advisor_id), "owner": c.name_of(e.owner_id),
                             "kind": e.kind, "phone": shown(e.phone_e164), **_said(e.data)} for e in entries],
                "followups": [{"id": fu.id, "day": fu.day, "advisor": c.name_of(fu.advisor_id), "outcome": fu.outcome,
                               "valid": fu.outcome == "reached" or ver is not None, "note": fu.note, "score": fu.score,
                               "verified_by": c.name_of(ver.pm_id) if ver else None} for fu, ver in fus],
                "reasons": c.named([*own.reasons, *reasons]),
            }

    def followup(self, phone: str, outcome: str, note: str | None = None, score: int | None = None,
                 actor: str | None = None, project: str | None = None) -> dict[str, Any]:
        """A follow-up of one's own client (R2.1); a duty advisor may not (R3.4)."""
        with self.op(actor, project) as c:
            u = c.user()
            if outcome not in OUTCOMES:
                raise BadInput("outcome", f"{outcome!r} is not one of {', '.join(OUTCOMES)}")
            if score is not None and not (0 <= score <= 10):
                raise BadInput("score", f"{score} is outside the sincerity scale 0–10 (R1.1)")
            text = clean_text(note, "note", 2000)
            found = clientbook.require(c, phone)
            assert found.client.id is not None
            own = clientbook.ownership(c, found.client.id)
            if own.owner != u.id:
                _refuse_followup(c, found.client.id, u, own)
            fu = FollowUp(project_id=c.pid, client_id=found.client.id, advisor_id=u.id, outcome=outcome, note=text,
                          score=score, at=c.at, day=c.today, recorded_at=c.recorded_at)
            c.s.add(fu)
            c.s.flush()
            after = clientbook.refresh_cache(c, found.client)
            valid = outcome == "reached"
            why = Reason("R2.2", "followup_valid" if valid else "followup_unreachable_pending", {})
            return {"id": fu.id, "valid": valid, "protected_through": after.protected_through,
                    "reasons": c.named([why, after.reasons[0]])}

    def verify_followup(self, followup_id: int, actor: str | None = None, project: str | None = None) -> dict[str, Any]:
        """The PM signs an unreachable follow-up: from then on it counts (R2.2)."""
        with self.op(actor, project) as c:
            pm = c.require("pm", "gm", rule="R2.2", code="pm_verifies")
            fu = c.s.get(FollowUp, followup_id)
            if fu is None or fu.project_id != c.pid:
                raise BadInput("id", f"no follow-up #{followup_id} in project {c.project.code}")
            if fu.outcome != "unreachable":
                raise BadInput("id", f"follow-up #{followup_id} reached the client: it counts without a signature")
            if c.s.exec(select(FollowUpVerification).where(FollowUpVerification.followup_id == fu.id)).first():
                raise BadInput("id", f"follow-up #{followup_id} is already verified")
            c.s.add(FollowUpVerification(followup_id=fu.id, pm_id=pm.id, at=c.at, recorded_at=c.recorded_at))
            c.s.flush()
            client = c.s.get(Client, fu.client_id)
            assert client is not None
            after = clientbook.refresh_cache(c, client)
            return {"id": fu.id, "valid": True, "protected_through": after.protected_through,
                    "reasons": c.named([Reason("R2.2", "followup_verified", {"pm": pm.id}), after.reasons[0]])}

    def link(self, phone: str, other: str, relation: str, actor: str | None = None,
             project: str | None = None) -> dict[str, Any]:
        """R2.5: the person with `other` joins `phone`'s client (a PM act); different owners → a crossing."""
        with self.op(actor, project) as c:
            c.require("pm", "gm", rule="R2.5", code="pm_links")
            if relation not in RELATIONS:
                raise BadInput("relation", f"{relation!r} is not one of {', '.join(RELATIONS)}")
            main = clientbook.require(c, phone, "phone")
            ph2 = clientbook.parse_phone(other, "phone2")
            second = clientbook.find(c, ph2)
            reasons = [Reason("R2.5", "linked", {"relation": relation})]
            crossing_id = None
            if second is None:
                clientbook.create(c, ph2, "", relation, client=main.client)
            else:
                if second.client.id == main.client.id:
                    raise BadInput("phone2", "both phones already belong to one client")
                own1 = clientbook.ownership(c, main.client.id)
                own2 = clientbook.ownership(c, second.client.id)
                second.person.relation = relation
                _merge(c, second.client, main.client)
                if own1.owner is not None and own2.owner is not None and own1.owner != own2.owner:
                    case, prop, _ = crossings.open_case(c, main, own1.owner, own2.owner, note=f"R2.5 link: {relation}")
                    crossing_id = case.id
                    reasons += [Reason("R2.5", "link_crossing", {"holder": own1.owner, "claimant": own2.owner}),
                                *prop.reasons]
            c.s.add(ClientLink(project_id=c.pid, client_id=main.client.id,
                               merged_client_id=second.client.id if second else None,
                               person_id=(second.person.id if second else _person_id(c, ph2)),
                               relation=relation, by_id=c.user().id, at=c.at, recorded_at=c.recorded_at))
            own = clientbook.refresh_cache(c, main.client)
            return {"client": main.client.id, "owner": c.name_of(own.owner), "crossing": crossing_id,
                    "reasons": c.named([*reasons, own.reasons[0]])}


    def reassign(self, phone: str, to: str, note: str | None = None, actor: str | None = None,
                 project: str | None = None) -> dict[str, Any]:
        """The PM hands a client to an advisor for follow-up (R6: a moved advisor's clients)."""
        with self.op(actor, project) as c:
            pm = c.require("pm", "gm", rule="R6", code="pm_reassigns")
            found = clientbook.require(c, phone)
            st = c.staff(to, "to")
            if st.role not in ("advisor", "trainee", "pm"):
                raise BadInput("to", f"{st.name} is {st.role} and does not follow up clients")
            c.s.add(Assignment(project_id=c.pid, client_id=found.client.id, advisor_id=st.id, by_id=pm.id,
                               note=clean_text(note, "note", 2000), at=c.at, day=c.today, recorded_at=c.recorded_at))
            c.s.flush()
            own = clientbook.refresh_cache(c, found.client)
            told = c.notify([st.id], "reassigned", "R6", {"client": clientbook.label(found, True), "pm": pm.name})
            return {"client": found.client.id, "owner": c.name_of(own.owner), "notified": told,
                    "protected_through": own.protected_through, "reasons": c.named(list(own.reasons[:1]))}


def _person_id(c: Ctx, ph: phones.Phone) -> int:
    row = c.s.exec(select(Phone).where(Phone.project_id == c.pid, Phone.e164 == ph.e164)).one()
    return row.person_id


def _merge(c: Ctx, src: Client, dst: Client) -> None:
    """Move src's people and phones into dst; src and anything merged into it now point to dst."""
    for cl in c.s.exec(select(Client).where(Client.merged_into_id == src.id)).all():
        cl.merged_into_id = dst.id
        c.s.add(cl)
    src.merged_into_id = dst.id
    c.s.add(src)
    for p in c.s.exec(select(Person).where(Person.client_id == src.id)).all():
        p.client_id = dst.id  # type: ignore[assignment]
        c.s.add(p)
    for x in c.s.exec(select(Phone).where(Phone.client_id == src.id)).all():
        x.client_id = dst.id  # type: ignore[assignment]
        c.s.add(x)
    c.s.flush()


def _refuse_followup(c: Ctx, client_id: int, u: Staff, own: protection.Ownership) -> None:
    _, entries = clientbook.events(c, client_id)
    if any(e.route == "duty" and e.advisor_id == u.id for e in entries):
        raise Refused(Reason("R3.4", "duty_advisor_no_followup", {"owner": own.owner or own.previous_owner}),
                      "a duty advisor must not follow up the client on their own; it stays the owner's")
    if own.owner is None:
        raise Refused(Reason("R2.2", "lapsed_no_owner", {"previous_owner": own.previous_owner}),
                      "this client has no owner now (lapsed): register a visit or call to take it")
    raise Refused(Reason("R2.1", "not_owner", {"owner": own.owner}),
                  f"this client belongs to {c.name_of(own.owner)}; advisors follow up only their own clients")


def _said(data: str) -> dict[str, str]:
    """What a page keeps that the desk or an imported register wrote down: the note and the intent."""
    try:
        d = json.loads(data or "{}")
    except ValueError:
        d = {}
    d = d if isinstance(d, dict) else {}
    return {"note": d.get("note") if isinstance(d.get("note"), str) else "",
            "intent": d.get("intent") if isinstance(d.get("intent"), str) else ""}


def _day(text: str):  # noqa: ANN202
    from .clock import parse_local

    return parse_local(text, "as_of").date()


