"""Signatures only the signer gives (R2.2): more than 10 protection days needs the GM's approval,
given by the GM acting as themselves (their own PIN), never a name typed by someone else.

Two ways, both recorded as an Approval whose approver is the signed-in GM:
- the GM sets the days themselves, with their reason (`settings protection_days N --gm-approval REASON`);
- a PM files a request with a reason (SettingRequest); the GM approves or refuses it from their own
  session (the console's approvals queue, or `settings approve|refuse ID`).
The setting change (SettingChange) points at the approval, so who signed is on record.

Functions over a Ctx, used by StaffService.settings and ManagerService."""

from __future__ import annotations

import json
from datetime import timezone
from typing import Any

from sqlmodel import select

from frontdesk.rules import protection
from frontdesk.rules.reasons import Reason
from frontdesk.store.models import Approval, Setting, SettingChange, SettingRequest, Staff

from . import settings as settings_mod
from .base import Ctx, clean_text
from .errors import BadInput, Refused

APPROVED, REFUSED = "protection_days", "protection_days_refused"
MAX = protection.MAX_DAYS_WITHOUT_GM


def subject(request_id: int | None) -> str:
    return f"setting_request#{request_id}"


def store_setting(c: Ctx, by: Staff, key: str, new: Any, approval_id: int | None) -> dict[str, Any]:
    """Write the setting's new value and its change record (who, and the approval it rests on)."""
    row = c.s.exec(select(Setting).where(Setting.project_id == c.pid, Setting.key == key)).first()
    old = row.value if row else json.dumps(settings_mod.SPECS[key].default, ensure_ascii=False)
    if row is None:
        row = Setting(project_id=c.pid, key=key, value="")
    row.value = json.dumps(new, ensure_ascii=False)
    c.s.add(row)
    c.s.add(SettingChange(project_id=c.pid, key=key, old=old, new=row.value, by_id=by.id,
                          approval_id=approval_id, at=c.at, recorded_at=c.recorded_at))
    c._settings = None  # read again if asked
    return {"key": key, "old": json.loads(old) if old else settings_mod.SPECS[key].default, "value": new}


def _not_a_signature(u: Staff, days: int) -> Refused:
    return Refused(Reason("R2.2", "gm_signs_themselves", {"days": days, "max": MAX, "role": u.role}),
                   f"{u.name} is {u.role}: more than {MAX} protection days is approved by the GM acting as "
                   "themselves; a name typed by anyone else is not a signature — file a request "
                   "(--request REASON) for the GM to sign")


def gm_signs(c: Ctx, u: Staff, days: int, reason: str | None) -> tuple[int, list[Reason]]:
    """The acting GM approves `days` themselves: their Approval row and its reason."""
    if u.role != "gm":
        if not reason:
            raise Refused(Reason("R2.2", "days_need_gm", {"days": days, "max": MAX}),
                          f"more than {MAX} days needs the GM's approval: the GM sets it themselves, "
                          "or file a request with --request REASON")
        raise _not_a_signature(u, days)
    if not (reason or "").strip():
        raise BadInput("gm_approval", f"{days} days is more than {MAX}: write your reason as the GM "
                                      "(--gm-approval REASON), it is recorded with your signature (R2.2)")
    why = clean_text(reason, "gm_approval", 500, required=True)
    ap = Approval(project_id=c.pid, kind=APPROVED, approver=u.name, approver_id=u.id, reason=why,
                  subject=f"protection_days={days}", by_id=u.id, at=c.at, recorded_at=c.recorded_at)
    c.s.add(ap)
    c.s.flush()
    assert ap.id is not None
    return ap.id, [Reason("R2.2", "gm_approved", {"approver": u.name, "reason": why})]


def _pending_ids(c: Ctx) -> set[str]:
    return {a.subject for a in c.s.exec(select(Approval).where(
        Approval.project_id == c.pid, Approval.kind.in_((APPROVED, REFUSED))))}  # type: ignore[attr-defined]


def request(c: Ctx, u: Staff, key: str, new: Any, reason: str) -> dict[str, Any]:
    """A PM asks the GM for more than 10 protection days, with a reason; nothing changes until the GM signs."""
    if key != "protection_days" or new <= MAX:
        raise BadInput("request", f"only protection days above {MAX} wait for the GM's signature (R2.2); "
                                  "set this one directly")
    if u.role == "gm":
        raise BadInput("request", "you are the GM: set it yourself with --gm-approval REASON (R2.2)")
    why = clean_text(reason, "request", 500, required=True)
    decided = _pending_ids(c)
    for old in c.s.exec(select(SettingRequest).where(SettingRequest.project_id == c.pid, SettingRequest.key == key)):
        if subject(old.id) not in decided:
            raise BadInput("request", f"request #{old.id} for {key} waits for the GM already")
    req = SettingRequest(project_id=c.pid, key=key, value=json.dumps(new), reason=why, by_id=u.id, at=c.at,
                         recorded_at=c.recorded_at)
    c.s.add(req)
    c.s.flush()
    gms = [st.id for st in c.s.exec(select(Staff).where(Staff.role == "gm", Staff.active == True))]  # noqa: E712
    told = c.notify([g for g in gms if g is not None], "setting_requested", "R2.2",
                    {"pm": u.name, "key": key, "value": new, "reason": why, "request": req.id})
    return {"request": req.id, "key": key, "value": new, "status": "pending", "notified": told,
            "reasons": [Reason("R2.2", "days_requested", {"days": new, "max": MAX, "pm": u.name, "reason": why})]}


def pending(c: Ctx) -> list[dict[str, Any]]:
    """Requests in this project that wait for the GM, as items of the approvals queue."""
    decided = _pending_ids(c)
    items = []
    for req in c.s.exec(select(SettingRequest).where(SettingRequest.project_id == c.pid).order_by(SettingRequest.id)):
        if subject(req.id) in decided:
            continue
        days = json.loads(req.value)
        items.append({"kind": "protection_days", "id": req.id, "rule": "R2.2", "day": req.at.replace(tzinfo=timezone.utc).astimezone(c.now.tzinfo).date(),
                      "advisor": c.name_of(req.by_id), "client": "", "facts": f"{req.key} = {days}: {req.reason}",
                      "reasons": [Reason("R2.2", "days_requested", {"days": days, "max": MAX,
                                                                    "pm": c.name_of(req.by_id), "reason": req.reason})]})
    return items


def decide(c: Ctx, request_id: int, approve: bool, note: str | None) -> dict[str, Any]:
    """The GM, signed in as themselves, approves or refuses a PM's request (a refusal says why)."""
    u = c.user()
    req = c.s.get(SettingRequest, request_id) if 0 < request_id < 2**63 else None
    if req is None or req.project_id != c.pid:
        raise BadInput("id", f"no setting request #{request_id} in project {c.project.code}")
    days = json.loads(req.value)
    if u.role != "gm":
        raise _not_a_signature(u, days)
    if subject(req.id) in _pending_ids(c):
        raise BadInput("id", f"setting request #{request_id} is decided already")
    why = clean_text(note, "reason", 500, required=not approve) or req.reason
    ap = Approval(project_id=c.pid, kind=APPROVED if approve else REFUSED, approver=u.name, approver_id=u.id,
                  reason=why, subject=subject(req.id), by_id=u.id, at=c.at, recorded_at=c.recorded_at)
    c.s.add(ap)
    c.s.flush()
    out: dict[str, Any] = {"request": req.id, "approved": approve, "key": req.key, "value": days}
    if approve:
        out.update(store_setting(c, u, req.key, days, ap.id))
    c.notify([req.by_id], "setting_approved" if approve else "setting_refused", "R2.2",
             {"gm": u.name, "key": req.key, "value": days, "reason": why})
    code = "gm_approved" if approve else "gm_refused"
    return {**out, "reasons": [Reason("R2.2", code, {"approver": u.name, "reason": why})]}
