"""R7 discount requests: the advisor asks, the PM approves or refuses with a reason, and a deal
below the list price must rest on an approved request for that unit and client.

Functions over a Ctx, used by DealService (the advisor's request, the deal's check) and by
ManagerService (the PM's queue and decision); the decision is an Approval row."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlmodel import select

from frontdesk.rules.reasons import Reason
from frontdesk.store.models import Approval, Deal, DiscountRequest, Staff, Unit

from . import clientbook
from .base import Ctx, clean_text
from .errors import BadInput, Refused

APPROVED, REFUSED = "discount_approved", "discount_refused"


def subject(request_id: int | None) -> str:
    return f"discount#{request_id}"


def decision(c: Ctx, request_id: int | None) -> Approval | None:
    return c.s.exec(select(Approval).where(Approval.project_id == c.pid, Approval.subject == subject(request_id),
                                           Approval.kind.in_((APPROVED, REFUSED)))).first()  # type: ignore[attr-defined]


def request(c: Ctx, me: Staff, unit: Unit, phone: str, discount: Decimal, note: str | None) -> dict[str, Any]:
    found = clientbook.require(c, phone)
    if discount <= 0 or discount >= unit.list_price:
        raise BadInput("discount", f"{discount} must be above 0 and below the list price {unit.list_price}")
    if c.s.exec(select(Deal.id).where(Deal.unit_id == unit.id)).first() is not None:
        raise Refused(Reason("R1.2", "unit_sold", {"unit": unit.code}), f"unit {unit.code} is already sold")
    for old in c.s.exec(select(DiscountRequest).where(DiscountRequest.unit_id == unit.id,
                                                      DiscountRequest.client_id == found.client.id)):
        if decision(c, old.id) is None:
            raise BadInput("unit", f"discount request #{old.id} for unit {unit.code} and this client "
                                   "waits for the PM already")
    req = DiscountRequest(project_id=c.pid, unit_id=unit.id, client_id=found.client.id, advisor_id=me.id,
                          discount=discount, note=clean_text(note, "note", 500), at=c.at, day=c.today,
                          recorded_at=c.recorded_at)
    c.s.add(req)
    c.s.flush()
    told = c.notify(["pm"], "discount_requested", "R7", {
        "client": clientbook.label(found, True), "unit": unit.code, "discount": str(discount), "advisor": me.name})
    return {"request": req.id, "unit": unit.code, "discount": discount, "list_price": unit.list_price,
            "status": "pending", "notified": told,
            "reasons": c.named([Reason("R7", "discount_requested", {"unit": unit.code, "discount": discount,
                                                                    "advisor": me.id})])}


def decide(c: Ctx, pm: Staff, request_id: int, approve: bool, reason: str | None) -> dict[str, Any]:
    req = c.s.get(DiscountRequest, request_id) if 0 < request_id < 2**63 else None  # SQLite ids are 64-bit
    if req is None or req.project_id != c.pid:
        raise BadInput("id", f"no discount request #{request_id} in project {c.project.code}")
    if decision(c, req.id) is not None:
        raise BadInput("id", f"discount request #{request_id} is decided already")
    why = clean_text(reason, "reason", 500, required=not approve)
    c.s.add(Approval(project_id=c.pid, kind=APPROVED if approve else REFUSED, approver=pm.name, approver_id=pm.id,
                     reason=why, subject=subject(req.id), by_id=pm.id, at=c.at, recorded_at=c.recorded_at))
    unit = c.s.get(Unit, req.unit_id)
    assert unit is not None
    code = "discount_request_approved" if approve else "discount_request_refused"
    data = {"unit": unit.code, "discount": req.discount, "pm": pm.id, "reason": why or "—"}
    c.notify([req.advisor_id], code, "R7", {"unit": unit.code, "discount": str(req.discount), "pm": pm.name,
                                            "reason": why or "—"})
    return {"request": req.id, "approved": approve, "unit": unit.code, "discount": req.discount,
            "advisor": c.name_of(req.advisor_id), "reasons": c.named([Reason("R7", code, data)])}


def pending(c: Ctx) -> list[dict[str, Any]]:
    """The requests the PM has not decided, oldest first, as approvals-queue items."""
    items = []
    for req, unit in c.s.exec(select(DiscountRequest, Unit).join(Unit, Unit.id == DiscountRequest.unit_id)
                              .where(DiscountRequest.project_id == c.pid).order_by(DiscountRequest.id)).all():
        if decision(c, req.id) is not None:
            continue
        if c.s.exec(select(Deal.id).where(Deal.unit_id == unit.id)).first() is not None:
            continue  # sold meanwhile: nothing left to decide
        items.append({"kind": "discount", "id": req.id, "rule": "R7", "day": req.day,
                      "advisor": c.name_of(req.advisor_id), "client_id": req.client_id, "unit": unit.code,
                      "facts": f"{unit.code} −{req.discount:.2f} / {unit.list_price:.2f}" + (f" {req.note}" if req.note else ""),
                      "reasons": c.named([Reason("R7", "discount_request_pending", {
                          "unit": unit.code, "discount": req.discount, "list_price": unit.list_price,
                          "advisor": req.advisor_id})])})
    return items


def approved_for(c: Ctx, unit: Unit, client_ids: list[int], given: Decimal, approver: Staff) -> DiscountRequest:
    """The approved request a deal's discount rests on (R7): this unit, this client (or household),
    at least this discount, approved by `approver`. Refused naming what is missing."""
    rows = c.s.exec(select(DiscountRequest).where(DiscountRequest.unit_id == unit.id,
                                                  DiscountRequest.client_id.in_(client_ids))  # type: ignore[attr-defined]
                    .order_by(DiscountRequest.id.desc())).all()
    for req in rows:
        d = decision(c, req.id)
        if d is not None and d.kind == APPROVED and d.approver_id == approver.id and req.discount >= given:
            return req
    raise Refused(Reason("R7", "discount_not_approved", {"unit": unit.code, "discount": given, "pm": approver.id}),
                  f"no discount request of at least {given} on unit {unit.code} for this client approved by "
                  f"{approver.name}: request it first (frontdesk discount request) and have the PM approve it")
