"""Crossings (业务交叉): opening a case with the system's proposal, the PM's decision (R4, R8)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlmodel import select

from frontdesk.rules import crossings
from frontdesk.rules.reasons import Reason
from frontdesk.store.models import Client, Crossing, CrossingDecision, FollowUp, FollowUpVerification, RegisterEntry

from . import clientbook
from .base import Base, Ctx, clean_text, dumps
from .errors import BadInput, Refused


def claim_facts(c: Ctx, client_id: int, advisor: int, until_day=None) -> crossings.Claim:  # noqa: ANN001
    """An advisor's register entries and valid contacts for the client, as R4.1–R4.3 read them."""
    ids = clientbook.group(c, client_id)
    entries = c.s.exec(select(RegisterEntry).where(RegisterEntry.client_id.in_(ids))  # type: ignore[union-attr]
                       .order_by(RegisterEntry.at, RegisterEntry.id)).all()
    void = clientbook.voided(list(entries))
    facts = [crossings.Entry(e.at, e.day, f"{e.book}#{e.number}", e.effect, e.route, e.owner_id, e.advisor_id)
             for e in entries if (e.book, e.number) not in void and e.kind != "amend"]
    fus = c.s.exec(select(FollowUp, FollowUpVerification)
                   .join(FollowUpVerification, FollowUpVerification.followup_id == FollowUp.id, isouter=True)
                   .where(FollowUp.client_id.in_(ids), FollowUp.advisor_id == advisor)).all()  # type: ignore[union-attr]
    valid = [(fu.day, f"followup#{fu.id}") for fu, ver in fus if fu.outcome == "reached" or ver is not None]
    return crossings.claim_of(advisor, facts, valid, until_day)


def propose(c: Ctx, client_id: int, holder: int, claimant: int) -> crossings.Proposal:
    x = claim_facts(c, client_id, holder)
    y = claim_facts(c, client_id, claimant)
    # the earlier advisor's last contact counts up to the later one's claim (R4.2)
    if x.first_day and y.first_day:
        later = max(x.first_day, y.first_day)
        x = claim_facts(c, client_id, holder, later)
        y = claim_facts(c, client_id, claimant, later)
    from frontdesk.store.models import Deal

    deal = c.s.exec(select(Deal).where(Deal.client_id.in_(clientbook.group(c, client_id)))  # type: ignore[attr-defined]
                    .order_by(Deal.id.desc())).first()  # type: ignore[union-attr]
    done = crossings.Deal(deal.day, deal.closer_id, f"deal#{deal.id}") if deal else None
    return crossings.propose(x, y, int(c.setting("protection_days")), claim_day=c.today, deal=done)


def open_case(c: Ctx, found: clientbook.Found, holder: int, claimant: int, note: str = "") -> tuple[Crossing, crossings.Proposal, list[str]]:
    assert found.client.id is not None
    prop = propose(c, found.client.id, holder, claimant)
    case = Crossing(project_id=c.pid, client_id=found.client.id, holder_id=holder, claimant_id=claimant,
                    opened_by=c.user().id, note=note,
                    proposal=dumps({"winner": prop.winner, "reasons": prop.reasons}),
                    at=c.at, day=c.today, recorded_at=c.recorded_at)
    c.s.add(case)
    c.s.flush()
    data = {"client": clientbook.label(found, False), "holder": c.name_of(holder), "claimant": c.name_of(claimant),
            "crossing": case.id}
    told = c.notify(["pm", holder, claimant], "crossing_opened", "R4", data)
    if any(r.code == "no_registration" and r.data.get("advisor") == claimant for r in prop.reasons):
        told += c.notify(["pm"], "claim_without_registration", "R4.1",
                         {"client": clientbook.label(found, False), "saw": c.name_of(claimant), "entry": None},
                         dedupe=f"claim:{case.id}")
    return case, prop, sorted(set(told))


def _revive(v: Any) -> Any:
    """Dates come back from the stored proposal as ISO text; give them back as dates."""
    if isinstance(v, str) and len(v) == 10 and v[4] == "-" and v[7] == "-":
        try:
            return date.fromisoformat(v)
        except ValueError:
            return v
    return v


def _name(c: Ctx, client_id: int) -> str:
    found = clientbook.by_id(c, client_id)
    return clientbook.label(found, c.is_pm())


def _case_dict(c: Ctx, case: Crossing, dec: CrossingDecision | None) -> dict[str, Any]:
    prop = json.loads(case.proposal)
    return {
        "crossing": case.id, "client": case.client_id, "name": _name(c, case.client_id),
        "holder": c.name_of(case.holder_id),
        "claimant": c.name_of(case.claimant_id), "opened": c.local(case.at), "note": case.note,
        "proposal": {"winner": c.name_of(prop.get("winner")), "reasons": c.named(
            [Reason(r["rule"], r["code"], {k: _revive(v) for k, v in r["data"].items()})
             for r in prop.get("reasons", [])])},
        "status": "decided" if dec else "open",
        "decision": None if dec is None else {"winner": c.name_of(dec.winner_id), "outcome": dec.outcome,
                                              "by": c.name_of(dec.decided_by), "at": c.local(dec.at)},
    }


class CrossingService(Base):
    def open(self, phone: str, claimant: str, note: str | None = None, actor: str | None = None,
             project: str | None = None) -> dict[str, Any]:
        with self.op(actor, project) as c:
            c.require("advisor", "trainee", "pm", "gm", rule="R4")
            found = clientbook.require(c, phone)
            cl = c.staff(claimant, "claimant")
            text = clean_text(note, "note", 2000)
            own = clientbook.refresh_cache(c, found.client)
            holder = own.owner if own.owner is not None else own.previous_owner
            if holder is None:
                raise Refused(Reason("R2.2", "nobody_holds", {}),
                              "no one holds this client: register the visit or call instead of claiming it")
            if holder == cl.id:
                raise BadInput("claimant", f"{cl.name} already holds this client")
            assert cl.id is not None
            dup = c.s.exec(select(Crossing).where(Crossing.client_id == found.client.id, Crossing.claimant_id == cl.id)
                           .where(~Crossing.id.in_(select(CrossingDecision.crossing_id)))).first()  # type: ignore[union-attr]
            if dup is not None:
                raise BadInput("claimant", f"crossing #{dup.id} for this claim is already open")
            case, prop, told = open_case(c, found, holder, cl.id, text)
            return {"crossing": case.id, "proposal": {"winner": c.name_of(prop.winner),
                                                      "reasons": c.named(prop.reasons)}, "notified": told}

    def decide(self, crossing_id: int, winner: str | None, none: bool, note: str | None = None,
               actor: str | None = None, project: str | None = None) -> dict[str, Any]:
        """The PM confirms the proposal or records the negotiated outcome, or "neither" (R8)."""
        with self.op(actor, project) as c:
            pm = c.require("pm", "gm", rule="R4", code="pm_decides")
            case = c.s.get(Crossing, crossing_id)
            if case is None or case.project_id != c.pid:
                raise BadInput("id", f"no crossing #{crossing_id} in project {c.project.code}")
            if c.s.exec(select(CrossingDecision).where(CrossingDecision.crossing_id == case.id)).first():
                raise BadInput("id", f"crossing #{crossing_id} is already decided")
            if none and winner is not None:
                raise BadInput("winner", "give either --winner NAME or --none, not both")
            prop = json.loads(case.proposal)
            if not none and winner is None:
                # the PM confirms the system's proposal as it stands
                if prop.get("winner") is None:
                    raise BadInput("winner", "the proposal is undecidable (R8): give --winner NAME after the "
                                             "advisors negotiated, or --none if they could not agree")
                winner = c.name_of(prop["winner"])
            win_id = None
            if winner is not None:
                w = c.staff(winner, "winner")
                if w.id not in (case.holder_id, case.claimant_id):
                    raise BadInput("winner", f"{w.name} is not a party to crossing #{crossing_id}")
                win_id = w.id
            outcome = "neither" if none else ("confirmed" if win_id == prop.get("winner") else "negotiated")
            dec = CrossingDecision(crossing_id=case.id, decided_by=pm.id, winner_id=win_id, outcome=outcome,
                                   note=clean_text(note, "note", 2000), at=c.at, day=c.today,
                                   recorded_at=c.recorded_at)
            c.s.add(dec)
            c.s.flush()
            client = c.s.get(Client, case.client_id)
            assert client is not None
            clientbook.refresh_cache(c, client)
            rule = "R8" if none else "R4"
            return {**_case_dict(c, case, dec), "reasons": c.named(
                [Reason(rule, "crossing_decided", {"winner": win_id, "outcome": outcome})])}

    def list(self, actor: str | None = None, project: str | None = None, open_only: bool = False) -> list[dict[str, Any]]:
        with self.op(actor, project, write=False) as c:
            u = c.user()
            q = select(Crossing, CrossingDecision).join(CrossingDecision, isouter=True).where(Crossing.project_id == c.pid)
            if u.role not in ("pm", "gm"):
                q = q.where((Crossing.holder_id == u.id) | (Crossing.claimant_id == u.id))
            rows = c.s.exec(q.order_by(Crossing.id)).all()
            return [_case_dict(c, case, dec) for case, dec in rows if not (open_only and dec is not None)]
