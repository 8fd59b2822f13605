"""The counter: walk-ins (visitor register) and calls (call register) — R2.3, R3, R2.4, R5.

One visit = one transaction: look the phone up, fold its history, ask the routing rules,
append the register entry (numbered, hash-chained), move the rotation, open a crossing when
one arises, notify, and keep the client's ownership cache in step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import select

from frontdesk.rules import phones, protection, routing
from frontdesk.rules.reasons import Reason
from frontdesk.store import ledger
from frontdesk.store.models import Person, Phone, RegisterEntry, Staff

from . import clientbook, crossings, roster, walkin
from .base import FRONTLINE, Base, Ctx, clean_text, dumps
from .errors import BadInput, Refused


def _frontline(c: Ctx, what: str, solo_ok: bool = False) -> None:
    """Advisors and PMs record receptions and calls; a trainee in induction none (R5.3) — except,
    with `solo_ok`, the walk-in routing gives them because no other advisor is present (checked
    by `_solo_only` once routed)."""
    u = c.user()
    if u.role in ("sales-admin", "gm"):
        raise Refused(Reason("R3", "not_frontline", {"role": u.role}),
                      f"{u.name} is {u.role}: {what} are recorded by advisors and PMs")
    if roster.in_induction(u) and not solo_ok:
        raise Refused(Reason("R5.3", "trainee_in_induction", {"advisor": u.id}),
                      f"{u.name} is a trainee in induction (shadow mode): no {what} before the exam")


@dataclass
class Decision:
    phone: phones.Phone
    name: str
    found: walkin.Known | None
    own: protection.Ownership
    r: routing.Routing
    queue: tuple[int, ...]
    duty: tuple[int, ...]
    asked: Staff | None
    seen: Staff | None
    forced: Staff | None
    events: list[protection.Event]  # the client's history before this visit
    has_state: bool  # the rotation has its row yet


def _decide(c: Ctx, phone: str, name: str | None, asks_for: str | None, visited_before: bool | None,
            saw: str | None, assign: str | None, watching: bool = False) -> Decision:
    """Load the facts of a walk-in and ask the routing rules (R3, R2.4, R3.5, R4.1, R5.3).

    `watching`: a preview only — a trainee in shadow mode may watch the routing (R5.1)."""
    if not watching:
        _frontline(c, "receptions", solo_ok=not assign)  # an override is the PM's, never a trainee's
    ph = clientbook.parse_phone(phone)
    nm = clean_text(name, "name")
    asked = c.staff(asks_for, "asks_for") if asks_for else None
    if asked is not None and asked.role not in FRONTLINE:
        raise BadInput("asks_for", f"{asked.name} is {asked.role} and does not receive clients")
    seen = c.staff(saw, "saw") if saw else None
    forced = c.staff(assign, "assign") if assign else None
    if forced is not None and not c.is_pm():
        raise Refused(Reason("R3", "pm_only", {}), "only the PM may assign a visitor to another advisor")
    office = walkin.office(c, ph.e164)  # settings, names, roster, the phone's client: one read
    found = office.known
    known = clientbook.facts(c, found.client_id) if found else clientbook.Facts([])
    own = protection.fold(known.events, c.today, int(c.setting("protection_days")))
    referral = known.referral
    queue, duty = office.queue, office.duty
    facts = routing.VisitFacts(
        ownership=own, staff=office.staff, queue=queue, duty_queue=duty, today=c.today,
        days=int(c.setting("protection_days")), volume=c.setting("volume_mode"),
        skip_policy=c.setting("skip_policy"), duty_consumes_turn=bool(c.setting("duty_consumes_turn")),
        asks_for=asked.id if asked else None, visited_before=visited_before, saw=seen.id if seen else None,
        referral=referral, assign=forced.id if forced else None)
    try:
        r = routing.route_visit(facts)
    except routing.RoutingRefused as exc:
        raise Refused(exc.reason, {"nobody_present": "no advisor is present on the roster"}
                      .get(exc.reason.code, exc.reason.code.replace("_", " "))) from None
    if not watching:
        _solo_only(c, r)
    return Decision(ph, nm, found, own, r, queue, duty, asked, seen, forced, known.events, office.has_state)


def _solo_only(c: Ctx, r: routing.Routing) -> None:
    """A trainee in induction alone at the counter registers the walk-in routing gives them (R5.3);
    any other reception before the exam stays refused."""
    u = c.user()
    if roster.in_induction(u) and not (r.route == "trainee-solo" and r.advisor == u.id):
        raise Refused(Reason("R5.3", "trainee_in_induction", {"advisor": u.id}),
                      f"{u.name} is a trainee in induction (shadow mode): no receptions before the exam "
                      f"unless alone at the counter")


def _people(c: Ctx, found: walkin.Known | None) -> list[dict[str, Any]]:
    """The client's linked people (R2.5), phones masked unless the user owns the client or is PM."""
    if found is None:
        return []
    ids = clientbook.group(c, found.client_id)
    see = c.is_pm() or (c.actor is not None and found.owner_id == c.actor.id)
    rows = c.s.exec(select(Person, Phone).join(Phone, Phone.person_id == Person.id)
                    .where(Person.client_id.in_(ids))).all()  # type: ignore[attr-defined]
    return [{"name": p.name, "relation": p.relation,
             "phone": phones.national_of(x.e164) if see else phones.masked_of(x.e164)} for p, x in rows]


def _entry(c: Ctx, book: str, found: clientbook.Found, **kw: Any) -> RegisterEntry:
    e = RegisterEntry(project_id=c.pid, book=book, number=0, at=c.at, day=c.today, recorded_at=c.recorded_at,
                      operator_id=c.user().id, client_id=found.client.id, person_id=found.person.id,
                      phone_e164=found.phone.e164, name=found.person.name, prev_hash="", hash="", **kw)
    return ledger.append(c.s, e)


class ReceptionService(Base):
    def preview(self, phone: str, name: str | None = None, asks_for: str | None = None,
                visited_before: bool | None = None, saw: str | None = None, assign: str | None = None,
                actor: str | None = None, project: str | None = None) -> dict[str, Any]:
        """What a visit would do now — the routing card before Enter — writing nothing."""
        with self.op(actor, project, write=False) as c:
            d = _decide(c, phone, name, asks_for, visited_before, saw, assign, watching=True)
            own = d.own
            return {"client": d.found.client_id if d.found else None, "route": d.r.route,
                    "advisor": c.name_of(d.r.advisor), "owner": c.name_of(own.owner),
                    "owner_after": c.name_of(d.r.owner_after), "protected_through": own.protected_through,
                    "days_left": own.days_left(c.today), "previous_owner": c.name_of(own.previous_owner),
                    "people": _people(c, d.found), "turn": d.r.turn,
                    "notify": [c.name_of(w) if isinstance(w, int) else w for w, _k in d.r.notify],
                    "reasons": c.named(d.r.reasons)}

    def owner_verdict(self, phone: str, actor: str | None = None, project: str | None = None) -> dict[str, Any]:
        """The greeter's first answer as the phone's last digit lands (R2.2): whose client it is,
        protected through when, the owner present or away, with the owner rule line — the phone's
        client and its history folded, no routing (`preview` gives the whole card after it). Writes nothing."""
        with self.op(actor, project, write=False) as c:
            office = walkin.office(c, clientbook.parse_phone(phone).e164)  # the phone, the roster: one read
            found = office.known
            own = clientbook.ownership(c, found.client_id if found else None)
            holder = office.staff.get(own.owner) if own.owner is not None else None
            return {"client": found.client_id if found else None, "owner": c.name_of(own.owner),
                    "present": None if own.owner is None else bool(holder and holder.present), "protected_through": own.protected_through,
                    "days_left": own.days_left(c.today), "previous_owner": c.name_of(own.previous_owner),
                    "last_ref": own.last_ref, "reasons": c.named(own.reasons)}

    def visit(self, phone: str, name: str | None = None, asks_for: str | None = None,
              visited_before: bool | None = None, materials: bool | None = None, saw: str | None = None,
              assign: str | None = None, actor: str | None = None, project: str | None = None) -> dict[str, Any]:
        """A walk-in at the counter (R3, R2.2, R2.4, R3.5, R4.1, R5.3): routed, written on the visitor
        register, the rotation moved, the client's ownership cache kept in step — as Core statements
        (services/walkin.py); a crossing and the notices go through the ORM as everywhere else."""
        with self.op(actor, project) as c:
            d = _decide(c, phone, name, asks_for, visited_before, saw, assign)
            found, r, ph, nm, queue, duty = d.found, d.r, d.phone, d.name, d.queue, d.duty
            asked, seen, forced = d.asked, d.seen, d.forced
            conn = c.s.connection()
            page = ledger.next_page(conn, c.pid, "visit")
            ref = f"visit#{page.number}"
            values = {"kind": "entry", "at": c.at, "day": c.today, "recorded_at": c.recorded_at,
                      "operator_id": c.user().id, "advisor_id": r.advisor, "owner_id": r.owner_after,
                      "route": r.route, "effect": r.effect, "turn": r.turn, "amends": None}
            # the ownership cache after this entry (as clientbook.refresh_cache folds it)
            after = protection.fold([*d.events, clientbook.entry_event({**values, "book": "visit",
                                                                         "number": page.number})],
                                    c.today, int(c.setting("protection_days")))
            owner = after.owner if after.owner is not None else after.previous_owner
            if found is None:
                found = walkin.new_client(conn, c, ph, nm, clientbook.initials(nm), owner, after.last_contact)
            else:
                if nm and not found.name:
                    walkin.rename(conn, found, nm, clientbook.initials(nm))
                if (owner, after.last_contact) != (found.owner_id, found.last_contact):
                    walkin.cache(conn, found.client_id, owner, after.last_contact)
            answers = {"visited_before": visited_before, "materials": materials,
                       "asks_for": asked.id if asked else None, "saw": seen.id if seen else None}
            ledger.write(conn, page, {**values, "client_id": found.client_id, "person_id": found.person_id,
                                      "phone_e164": found.e164, "name": found.name,
                                      "data": dumps({"answers": answers, "reasons": r.reasons,
                                                     "override": forced is not None})})
            if (r.queue_after, r.duty_queue_after) != (queue, duty):
                walkin.move_rotation(conn, c, d.has_state, r.queue_after, r.duty_queue_after,
                                     "turn" if r.turn else "duty", r.advisor, {"entry": page.number, "route": r.route})
            told: list[str] = []
            crossing_id = None
            if r.crossing is not None:
                whole = clientbook.find(c, ph)  # the ORM rows a crossing case is opened on
                assert whole is not None
                case, _prop, t = crossings.open_case(c, whole, *r.crossing, note=f"{ref}: asked for")
                crossing_id, told = case.id, t
            for who, kind in r.notify:
                if kind == "crossing_opened":
                    continue  # told by open_case
                # the owner and the PM may read the client's phone; a mentor sees it masked
                facts = {"client": found.label(kind in ("duty_reception", "claim_without_registration")),
                         "advisor": c.name_of(r.advisor),
                         "trainee": c.name_of(r.advisor), "entry": ref, "saw": c.name_of(seen.id) if seen else None}
                told += c.notify([who], kind, NOTICES[kind][0], {k: facts[k] for k in NOTICES[kind][1]})
            return {"entry": page.number, "client": found.client_id, "route": r.route,
                    "advisor": c.name_of(r.advisor), "owner": c.name_of(r.owner_after),
                    "notified": sorted(set(told)), "crossing": crossing_id, "turn": r.turn,
                    "reasons": c.named(r.reasons)}

    def call(self, phone: str, name: str | None = None, referred_by: str | None = None,
             actor: str | None = None, project: str | None = None) -> dict[str, Any]:
        """An incoming call, registered by the advisor who answers it (R2.3, R2.2, R2.4, R5.3)."""
        with self.op(actor, project) as c:
            _frontline(c, "calls")
            me = c.user()
            ph = clientbook.parse_phone(phone)
            nm = clean_text(name, "name")
            referrer = None
            if referred_by:
                referrer = clientbook.require(c, referred_by, "referred_by")
                rown = clientbook.ownership(c, referrer.client.id)
                if me.id not in (rown.owner, rown.previous_owner):
                    raise Refused(Reason("R2.4", "referrer_not_yours", {"owner": rown.owner}),
                                  "only the advisor who serves the old client pre-registers their referral")
            found = clientbook.find(c, ph)
            if referrer is not None and found is not None and found.client.id == referrer.client.id:
                raise BadInput("referred_by", "the caller and the referring client are the same client")
            own = clientbook.ownership(c, found.client.id if found else None)
            if found is None:
                found = clientbook.create(c, ph, nm)
            elif nm and not found.person.name:
                found.person.name, found.person.initials = nm, clientbook.initials(nm)
                c.s.add(found.person)
            told: list[str] = []
            if own.owner is not None and own.owner != me.id:
                reasons = [own.reasons[0], Reason("R2.2", "call_held_by_other", {"owner": own.owner, "advisor": me.id})]
                kw = dict(effect=protection.NONE, owner_id=own.owner, route="held", kind="entry")
            elif referrer is not None and own.owner is None:
                reasons = [Reason("R2.4", "referral_claim", {"advisor": me.id, "referred_by": clientbook.label(referrer, True)})]
                kw = dict(effect=protection.NONE, owner_id=None, route="referral", kind="referral")
            else:
                code = "call_owner_contact" if own.owner == me.id else "call_new_owner"
                reasons = [*([own.reasons[0]] if own.owner is None and own.registered else []),
                           Reason("R2.2", code, {"advisor": me.id})]
                kw = dict(effect=protection.REGISTER, owner_id=me.id, route="call", kind="entry")
            entry = _entry(c, "call", found, advisor_id=me.id, data=dumps({"reasons": reasons}), **kw)
            if kw["route"] == "held":
                told = c.notify([own.owner], "call_for_owner", "R2.2", {  # type: ignore[list-item]
                    "client": clientbook.label(found, True), "advisor": me.name, "entry": f"call#{entry.number}"})
            if me.role == "trainee" and me.mentor_id:
                told += c.notify([me.mentor_id], "trainee_reception", "R5.4", {
                    "client": clientbook.label(found, False), "trainee": me.name, "entry": f"call#{entry.number}"})
            after = clientbook.refresh_cache(c, found.client)
            return {"entry": entry.number, "client": found.client.id, "advisor": me.name,
                    "owner": c.name_of(after.owner), "referral": kw["route"] == "referral",
                    "notified": sorted(set(told)), "reasons": c.named(reasons)}


# notice kind → (rule, the facts it carries)
NOTICES = {
    "duty_reception": ("R3.2", ("client", "advisor", "entry")),
    "trainee_reception": ("R5.4", ("trainee", "client", "entry")),
    "claim_without_registration": ("R4.1", ("client", "saw", "entry")),
    "asked_for_absent": ("R3.5", ("client", "entry")),
}


class AmendService(Base):
    def amend(self, book: str, number: int, note: str, void: bool = False, actor: str | None = None,
              project: str | None = None) -> dict[str, Any]:
        """Correct a register page by a new entry that names it (R2.1: never edit, never tear out).

        `void` strikes the page out: it no longer counts for ownership or routing. The PM or
        the operator who wrote the page may amend it."""
        if book not in ("visit", "call"):
            raise BadInput("register", f"{book!r} is not visit or call")
        with self.op(actor, project) as c:
            u = c.user()
            text = clean_text(note, "note", 2000, required=True)
            e = c.s.exec(select(RegisterEntry).where(RegisterEntry.project_id == c.pid, RegisterEntry.book == book,
                                                     RegisterEntry.number == number)).first()
            if e is None:
                raise BadInput("entry", f"no {book} register entry #{number}")
            if e.kind == "amend":
                raise BadInput("entry", f"#{number} is itself an amendment; amend the original entry")
            if u.id != e.operator_id and not c.is_pm():
                raise Refused(Reason("R2.1", "pm_or_self", {}), "only the PM or the entry's writer may amend it")
            if void and (book, number) in clientbook.voided(list(c.s.exec(
                    select(RegisterEntry).where(RegisterEntry.client_id == e.client_id,
                                                RegisterEntry.kind == "amend")))):
                raise BadInput("entry", f"#{number} is already struck out")
            found = clientbook.Found(*_found_of(c, e))
            new = _entry(c, book, found, advisor_id=e.advisor_id, owner_id=None, route="amend", kind="amend",
                         effect=protection.NONE, amends=e.number, data=dumps({"note": text, "void": void}))
            after = clientbook.refresh_cache(c, found.client)
            return {"entry": new.number, "amends": e.number, "register": book, "void": void,
                    "owner": c.name_of(after.owner),
                    "reasons": c.named([Reason("R2.1", "struck_out" if void else "amended", {"entry": f"{book}#{e.number}"}),
                                        after.reasons[0]])}


def _found_of(c: Ctx, e: RegisterEntry) -> tuple[Any, Any, Any]:
    from frontdesk.store.models import Client

    client = c.s.get(Client, e.client_id)
    person = c.s.get(Person, e.person_id)
    phone = c.s.exec(select(Phone).where(Phone.project_id == c.pid, Phone.e164 == e.phone_e164)).first()
    assert client is not None and person is not None and phone is not None
    return client, phone, person

