"""After the counter: units, deposits (R1.2), deals (R7), large deals (P2), credit (R6, R1.1,
R3.2, R4.4, R8), the trainee's first-deal reflection (R5.5), referrals out (R1.1)."""

from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation
from typing import Any, Sequence

from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from frontdesk.rules import credit as credit_rules
from frontdesk.rules.reasons import Reason
from frontdesk.store.models import (Approval, Crossing, CrossingDecision, Deal, DealShare, Deposit, LargeDealDecision,
                                    Project, Referral, Reflection, RegisterEntry, Staff, StaffEvent, Unit)

from . import clientbook, discounts
from .base import Base, Ctx, clean_text, dumps
from .errors import BadInput, Refused

MAX_AMOUNT = Decimal("1000000000.00")
_AMOUNT = re.compile(r"^\d+(\.\d{1,2})?$")


def parse_amount(raw: Any, field: str = "amount", allow_zero: bool = False) -> Decimal:
    """CNY with at most two decimals, positive (R-money: Decimal, two places)."""
    text = str(raw if raw is not None else "").strip().replace(",", "")
    if not _AMOUNT.match(text):
        raise BadInput(field, f"{raw!r} is not an amount in CNY (digits, at most two decimals, no sign)")
    try:
        v = Decimal(text)
    except InvalidOperation:
        raise BadInput(field, f"{raw!r} is not an amount") from None
    if (v <= 0 and not allow_zero) or v > MAX_AMOUNT:
        raise BadInput(field, f"{raw!r} must be above 0 and at most {MAX_AMOUNT:,}")
    return credit_rules.money(v)


def parse_shares(c: Ctx, raw: Sequence[str]) -> dict[int, Decimal]:
    """NAME=PCT pairs (P2, assisted large deals)."""
    out: dict[int, Decimal] = {}
    for item in raw:
        if "=" not in item:
            raise BadInput("share", f"{item!r}: write NAME=PERCENT")
        name, pct = item.rsplit("=", 1)
        st = c.staff(name, "share")
        try:
            p = Decimal(pct.strip().rstrip("%"))
            if not p.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            raise BadInput("share", f"{pct!r} is not a percentage") from None
        if p <= 0 or p > 100 or p != p.quantize(Decimal("0.01")):
            raise BadInput("share", f"{pct!r} must be above 0 and at most 100, two decimals")
        assert st.id is not None
        if st.id in out:
            raise BadInput("share", f"{st.name} appears twice")
        out[st.id] = p
    return out


def unit_by_code(c: Ctx, code: str) -> Unit:
    u = c.s.exec(select(Unit).where(Unit.project_id == c.pid, Unit.code == (code or "").strip())).first()
    if u is None:
        raise BadInput("unit", f"no unit {code!r} in project {c.project.code}")
    return u


class DealService(Base):
    def unit_add(self, code: str, price: str, actor: str | None = None, project: str | None = None) -> dict[str, Any]:
        with self.op(actor, project) as c:
            c.require("pm", "gm", "sales-admin", rule="R7", code="pm_prices")
            name = clean_text(code, "code", 40, required=True)
            amount = parse_amount(price, "price")
            if c.s.exec(select(Unit).where(Unit.project_id == c.pid, Unit.code == name)).first():
                raise BadInput("code", f"unit {name} already exists")
            c.s.add(Unit(project_id=c.pid, code=name, list_price=amount, created_at=c.at))
            return {"unit": name, "price": amount}

    def deposit(self, unit: str, phone: str, amount: str, actor: str | None = None,
                project: str | None = None) -> dict[str, Any]:
        """R1.2: the first deposit takes the unit; a second is refused naming the holder."""
        with self.op(actor, project) as c:
            me = _closer(c)
            u = unit_by_code(c, unit)
            amt = parse_amount(amount)
            least = Decimal(str(c.setting("min_deposit")))
            if amt < least:
                raise Refused(Reason("R1.2", "deposit_below_min", {"amount": amt, "min": least, "unit": u.code}),
                              f"a deposit of {amt} does not take unit {u.code}: the smallest deposit that takes a "
                              f"unit is {least} (project setting min_deposit)")
            found = clientbook.require(c, phone)
            held = c.s.exec(select(Deposit).where(Deposit.unit_id == u.id)).first()
            if held is not None:
                raise _held(c, u, held)
            if c.s.exec(select(Deal.id).where(Deal.unit_id == u.id)).first() is not None:
                raise Refused(Reason("R1.2", "unit_sold", {"unit": u.code}), f"unit {u.code} is already sold")
            dep = Deposit(project_id=c.pid, unit_id=u.id, client_id=found.client.id, advisor_id=me.id, amount=amt,
                          at=c.at, day=c.today, recorded_at=c.recorded_at)
            c.s.add(dep)
            try:
                c.s.flush()
            except IntegrityError:  # another terminal took it in the same instant (the unique index decides)
                raise Refused(Reason("R1.2", "unit_held", {"unit": u.code}), f"unit {u.code} was just taken") from None
            told: list[str] = []
            reasons = [Reason("R1.2", "deposit_taken", {"unit": u.code, "advisor": me.id})]
            threshold = Decimal(str(c.setting("large_deal_threshold")))
            if u.list_price > threshold:
                told = c.notify(["pm"], "large_deal", "P2", {"client": clientbook.label(found, True), "unit": u.code,
                                                              "amount": str(u.list_price), "advisor": me.name})
                reasons.append(Reason("P2", "large_notified", {"amount": u.list_price, "threshold": threshold}))
            return {"deposit": dep.id, "unit": u.code, "amount": amt, "client": found.client.id,
                    "notified": told, "reasons": c.named(reasons)}

    def discount_request(self, unit: str, phone: str, discount: str, note: str | None = None,
                         actor: str | None = None, project: str | None = None) -> dict[str, Any]:
        """R7: the advisor asks the PM for a discount on a unit for a client; the PM decides in the console."""
        with self.op(actor, project) as c:
            me = _closer(c)
            u = unit_by_code(c, unit)
            return discounts.request(c, me, u, phone, parse_amount(discount, "discount"), note)

    def large_decision(self, unit: str, phone: str, decision: str, note: str | None = None,
                       actor: str | None = None, project: str | None = None) -> dict[str, Any]:
        """P2: the PM assists, or consents to the advisor handling the large deal alone."""
        with self.op(actor, project) as c:
            pm = c.require("pm", "gm", rule="P2", code="pm_decides_large")
            if decision not in (credit_rules.ALONE, credit_rules.ASSIST):
                raise BadInput("decision", f"{decision!r} is not alone or assist")
            u = unit_by_code(c, unit)
            found = clientbook.require(c, phone)
            c.s.add(LargeDealDecision(project_id=c.pid, unit_id=u.id, client_id=found.client.id, decision=decision,
                                      pm_id=pm.id, note=clean_text(note, "note", 2000), at=c.at,
                                      recorded_at=c.recorded_at))
            return {"unit": u.code, "decision": decision,
                    "reasons": [Reason("P2", f"large_{'alone' if decision == 'alone' else 'assisted'}_recorded",
                                       {"pm": pm.name})]}

    def deal(self, unit: str, phone: str, amount: str, discount: str | None = None, approved_by: str | None = None,
             shares: Sequence[str] = (), closer: str | None = None, actor: str | None = None,
             project: str | None = None) -> dict[str, Any]:
        """`closer`: the PM records a deal on behalf of the advisor who closed it (an assisted large deal)."""
        with self.op(actor, project) as c:
            me = _closer(c)
            if closer is not None:
                if not c.is_pm():
                    raise Refused(Reason("P2", "pm_records_for", {}), "only the PM records a deal for another advisor")
                me = c.staff(closer, "closer")
                if me.role not in ("advisor", "trainee", "pm"):
                    raise BadInput("closer", f"{me.name} is {me.role} and does not close deals")
            u = unit_by_code(c, unit)
            amt = parse_amount(amount)
            found = clientbook.require(c, phone)
            assert found.client.id is not None and u.id is not None
            if c.s.exec(select(Deal).where(Deal.unit_id == u.id)).first():
                raise Refused(Reason("R1.2", "unit_sold", {"unit": u.code}), f"unit {u.code} is already sold")
            held = c.s.exec(select(Deposit).where(Deposit.unit_id == u.id)).first()
            if held is not None and held.client_id not in clientbook.group(c, found.client.id):
                raise _held(c, u, held)
            disc = parse_amount(discount, "discount", allow_zero=True) if discount is not None else Decimal("0.00")
            reasons: list[Reason] = []
            approver = None
            if amt + disc < u.list_price or disc > 0:
                # anything below the list price is a discount: R7 needs a PM approval on the deal
                given = max(disc, u.list_price - amt)
                if not approved_by:
                    raise Refused(Reason("R7", "discount_needs_pm", {"unit": u.code, "list_price": u.list_price,
                                                                     "discount": given}),
                                  f"a discount of {given} below the list price {u.list_price} needs --approved-by a PM")
                approver = c.staff(approved_by, "approved_by")
                if approver.role not in ("pm", "gm"):
                    raise Refused(Reason("R7", "approver_not_pm", {"advisor": approver.id}),
                                  f"{approver.name} is not a PM: only a PM approves discounts")
                req = discounts.approved_for(c, u, clientbook.group(c, found.client.id), given, approver)
                disc = given
                reasons.append(Reason("R7", "discount_approved", {"discount": given, "pm": approver.id,
                                                                  "request": req.id}))
            facts = _facts(c, found, amt, me, u, parse_shares(c, shares) if shares else None)
            try:
                cr = credit_rules.credit(facts)
            except credit_rules.CreditRefused as exc:
                raise Refused(exc.reason, {"large_needs_pm": "a large deal needs the PM's decision first: "
                                           "assist or consent to handle it alone",
                                           "shares_not_100": "the PM's shares must sum to 100%"}[exc.reason.code]) from None
            if shares and not cr.large:
                raise BadInput("share", "shares are set only on assisted large deals (P2)")
            if shares and not c.is_pm():
                raise Refused(Reason("P2", "pm_sets_shares", {}), "the PM sets the shares by contribution")
            reasons += cr.reasons
            deal = Deal(project_id=c.pid, unit_id=u.id, client_id=found.client.id, closer_id=me.id, amount=amt,
                        list_price=u.list_price, discount=disc, approved_by_id=approver.id if approver else None,
                        large=cr.large, no_credit=cr.no_credit, at=c.at, day=c.today, recorded_at=c.recorded_at,
                        data=dumps({"base": str(cr.base), "reasons": reasons}))
            c.s.add(deal)
            c.s.flush()
            for sh in cr.shares:
                c.s.add(DealShare(deal_id=deal.id, advisor_id=sh.advisor, percent=sh.percent, amount=sh.amount))
            told: list[str] = []
            if cr.large:
                told = c.notify(["pm"], "large_deal", "P2", {"client": clientbook.label(found, True), "unit": u.code,
                                                              "amount": str(amt), "advisor": me.name})
            pending = _reflection_pending(c, me, deal.id)
            if pending:
                reasons.append(Reason("R5.5", "reflection_pending", {"advisor": me.id}))
            return {"deal": deal.id, "large": cr.large, "no_credit": cr.no_credit,
                    "credit": [{"advisor": c.name_of(s.advisor), "share": s.percent, "amount": s.amount}
                               for s in cr.shares],
                    "notified": told, "reflection_pending": pending, "reasons": c.named(reasons)}

    def reflect(self, deal_id: int, text: str, actor: str | None = None, project: str | None = None) -> dict[str, Any]:
        """R5.5: the trainee writes the reflection on their first deal."""
        with self.op(actor, project) as c:
            me = c.user()
            deal = c.s.get(Deal, deal_id)
            if deal is None or deal.project_id != c.pid:
                raise BadInput("id", f"no deal #{deal_id} in project {c.project.code}")
            if deal.closer_id != me.id:
                raise Refused(Reason("R5.5", "reflection_by_closer", {}), "the reflection is written by the closer")
            body = clean_text(text, "text", 10000, required=True)
            if c.s.exec(select(Reflection).where(Reflection.deal_id == deal.id)).first():
                raise BadInput("id", f"deal #{deal_id} already has its reflection")
            c.s.add(Reflection(deal_id=deal.id, author_id=me.id, text=body, at=c.at, recorded_at=c.recorded_at))
            return {"deal": deal.id, "reflection_pending": False}

    def referral(self, phone: str, to: str, actor: str | None = None, project: str | None = None) -> dict[str, Any]:
        """R1.1: a client who will not buy here, reported to the PM and referred to a similar project."""
        with self.op(actor, project) as c:
            me = c.user()
            found = clientbook.require(c, phone)
            dest = c.s.exec(select(Project).where(Project.code == (to or "").strip())).first()
            if dest is None:
                raise BadInput("to", f"no project with code {to!r}")
            if dest.id == c.pid:
                raise BadInput("to", "refer to another project, not this one")
            own = clientbook.ownership(c, found.client.id)
            holder = own.owner if own.owner is not None else own.previous_owner
            if me.id != holder and not c.is_pm():
                raise Refused(Reason("R1.1", "referral_by_owner", {"owner": holder}),
                              "the advisor who followed the client reports them for referral")
            reporter = holder if holder is not None else me.id
            c.s.add(Referral(project_id=c.pid, to_project_id=dest.id, client_id=found.client.id,
                             e164=found.phone.e164, reporter_id=reporter, by_id=me.id, at=c.at,
                             recorded_at=c.recorded_at))
            told = c.notify(["pm"], "referral_reported", "R1.1", {"client": clientbook.label(found, True),
                                                                   "advisor": c.name_of(reporter), "to": dest.code})
            return {"client": found.client.id, "to": dest.code, "reporter": c.name_of(reporter), "notified": told,
                    "reasons": c.named([Reason("R1.1", "referral_recorded", {"advisor": reporter, "to": dest.code})])}

    def list_deals(self, actor: str | None = None, project: str | None = None) -> list[dict[str, Any]]:
        with self.op(actor, project, write=False) as c:
            u = c.user()
            q = select(Deal, Unit).join(Unit, Unit.id == Deal.unit_id).where(Deal.project_id == c.pid)
            rows = c.s.exec(q.order_by(Deal.id)).all()
            out = []
            for d, un in rows:
                sh = c.s.exec(select(DealShare).where(DealShare.deal_id == d.id)).all()
                if u.role not in ("pm", "gm", "sales-admin") and u.id not in [s.advisor_id for s in sh] \
                        and d.closer_id != u.id:
                    continue
                out.append({"deal": d.id, "unit": un.code, "day": d.day, "amount": d.amount, "closer": c.name_of(d.closer_id),
                            "large": d.large, "no_credit": d.no_credit,
                            "reflection_pending": _reflection_pending(c, c.s.get(Staff, d.closer_id), d.id),
                            "credit": [{"advisor": c.name_of(s.advisor_id), "share": s.percent, "amount": s.amount}
                                       for s in sh]})
            return out


def _closer(c: Ctx) -> Staff:
    from .roster import in_induction

    u = c.user()
    if u.role in ("sales-admin", "gm"):
        raise Refused(Reason("R3", "not_frontline", {"role": u.role}), f"{u.name} is {u.role}: advisors record deals")
    if in_induction(u):
        raise Refused(Reason("R5.3", "trainee_in_induction", {"advisor": u.id}),
                      f"{u.name} is a trainee in induction: no deposits or deals before the exam")
    return u


def _held(c: Ctx, u: Unit, held: Deposit) -> Refused:
    holder = c.name_of(held.advisor_id)
    local = c.local(held.at)  # the desk's time, not UTC
    when = local.strftime("%Y-%m-%d %H:%M")
    return Refused(Reason("R1.2", "unit_held", {"unit": u.code, "advisor": held.advisor_id, "at": when}),
                   f"unit {u.code} is held by a deposit taken by {holder} at {when}: first to pay gets it")


def _facts(c: Ctx, found: clientbook.Found, amount: Decimal, closer: Staff, u: Unit,
           shares: dict[int, Decimal] | None) -> credit_rules.DealFacts:
    assert found.client.id is not None
    ids = clientbook.group(c, found.client.id)
    own = clientbook.ownership(c, found.client.id)
    neither, parties, neither_ref = _neither(c, ids, own)
    dec = c.s.exec(select(LargeDealDecision).where(LargeDealDecision.unit_id == u.id,
                                                   LargeDealDecision.client_id.in_(ids))  # type: ignore[attr-defined]
                   .order_by(LargeDealDecision.id.desc())).first()  # type: ignore[union-attr]
    decision = dec.decision if dec else (credit_rules.ASSIST if shares else None)
    duty = c.s.exec(select(RegisterEntry).where(RegisterEntry.client_id.in_(ids), RegisterEntry.day == c.today,  # type: ignore[union-attr]
                                                RegisterEntry.route == "duty", RegisterEntry.advisor_id == closer.id)).first()
    referral = c.s.exec(select(Referral).where(Referral.to_project_id == c.pid, Referral.e164 == found.phone.e164)
                        .order_by(Referral.id.desc())).first()  # type: ignore[union-attr]
    if referral is not None and c.s.exec(select(Approval.id).where(  # refused by the PM (R1.1): no credit
            Approval.subject == f"referral#{referral.id}", Approval.kind == "referral_refused")).first():
        referral = None
    return credit_rules.DealFacts(
        amount=amount, day=c.today, closer=closer.id, owner=own.owner,  # type: ignore[arg-type]
        threshold=Decimal(str(c.setting("large_deal_threshold"))), company_rate=Decimal(c.setting("company_rate")),
        large_decision=decision, assist_shares=shares, transfer=_transfer(c, ids),
        duty_share=Decimal(c.setting("duty_share")), duty_on_spot=closer.id if duty else None, neither=neither,
        neither_parties=parties, neither_ref=neither_ref,
        referral_reporter=referral.reporter_id if referral else None)


def _neither(c: Ctx, ids: list[int], own: Any) -> tuple[bool, frozenset[int], str | None]:
    """The crossings on this client decided "neither" (R8): only their two advisors lose the credit,
    and only of the deal they concerned — once the client lapsed after the decision and someone
    owns it anew by R2.2, that owner is credited as usual, whoever they are."""
    rows = c.s.exec(select(Crossing, CrossingDecision).join(CrossingDecision).where(
        Crossing.client_id.in_(ids), CrossingDecision.outcome == "neither")  # type: ignore[union-attr]
        .order_by(CrossingDecision.id)).all()
    if not rows:
        return False, frozenset(), None
    anew = own.owner is not None
    barred = [cr for cr, dec in rows if not (anew and any(day > dec.day for _adv, day in own.lapses))]
    parties = frozenset(a for cr in barred for a in (cr.holder_id, cr.claimant_id))
    return True, parties, f"crossing#{rows[-1][0].id}"


def _transfer(c: Ctx, ids: list[int]) -> credit_rules.Transfer | None:
    """The latest move of an advisor who held this client on the move day (R6)."""
    rows = c.s.exec(select(StaffEvent).where(StaffEvent.project_id == c.pid, StaffEvent.kind == "transfer")
                    .order_by(StaffEvent.id.desc())).all()  # type: ignore[union-attr]
    for ev in rows:
        held = json.loads(ev.data).get("clients", [])
        if any(i in held for i in ids):
            return credit_rules.Transfer(ev.staff_id, ev.day)
    return None


def _reflection_pending(c: Ctx, st: Staff | None, deal_id: int | None) -> bool:
    """R5.5: a trainee's first deal needs a written reflection; it shows as pending until then."""
    if st is None or st.role != "trainee" or deal_id is None:
        return False
    first = c.s.exec(select(Deal.id).where(Deal.closer_id == st.id).order_by(Deal.id)).first()
    if first != deal_id:
        return False
    return c.s.exec(select(Reflection.id).where(Reflection.deal_id == deal_id)).first() is None

