"""Exporting the registers, the follow-ups and the R9 report to xlsx and CSV (SPEC "Part 1":
statistics on the desk's work; R2.1 privacy of client records).

One folder receives `visits.csv`, `calls.csv`, `followups.csv`, `report.csv` and one workbook
`frontdesk-export.xlsx` with a sheet per book (来访客户登记表, 进线电话登记本, 跟进记录, 业绩报表).
Headers are written "中文/english" so the files read in either language and import back
(`frontdesk import`; the importer accepts either half of such a header).

Who sees what: the PM and the GM export everything with full phones. Anyone else gets phones
masked (138****8000); an advisor or trainee exports only the pages and follow-ups of their own
clients (R2.1: advisors cannot see other advisors' client records); the sales admin exports the
whole registers, masked. The R9 report is `ReportService.report` as the exporting user may see it.
"""

from __future__ import annotations

import csv
import os
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable, Sequence

from sqlmodel import select

from frontdesk.rules import phones
from frontdesk.store.models import Client, FollowUp, FollowUpVerification, Person, Phone, RegisterEntry

from .base import Base, Ctx
from .clock import parse_local
from .errors import BadInput
from .reports import ReportService

FORMATS = ("xlsx", "csv")
WORKBOOK = "frontdesk-export.xlsx"
SHEETS = {"visit": "来访客户登记表", "call": "进线电话登记本", "followup": "跟进记录", "report": "业绩报表"}
FILES = {"visit": "visits.csv", "call": "calls.csv", "followup": "followups.csv", "report": "report.csv"}

ENTRY_COLUMNS = (("register", "登记本/register"), ("number", "编号/number"), ("kind", "记录/kind"),
                 ("date", "日期/date"), ("time", "时间/time"), ("name", "姓名/name"), ("phone", "电话/phone"),
                 ("advisor", "置业顾问/advisor"), ("owner", "归属/owner"), ("route", "途径/route"),
                 ("turn", "轮序/turn"), ("operator", "录入人/operator"), ("recorded_at", "录入时间/recorded_at"),
                 ("amends", "修正/amends"), ("relation", "关系/relation"), ("related_phone", "关联电话/related_phone"),
                 ("note", "备注/note"))
FOLLOWUP_COLUMNS = (("id", "编号/id"), ("type", "类型/type"), ("date", "日期/date"), ("time", "时间/time"),
                    ("name", "姓名/name"), ("phone", "电话/phone"), ("advisor", "置业顾问/advisor"),
                    ("outcome", "结果/outcome"), ("valid", "有效/valid"), ("verified_by", "核签/verified_by"),
                    ("score", "诚意度/score"), ("note", "备注/note"), ("recorded_at", "录入时间/recorded_at"))
REPORT_COLUMNS = (("advisor", "置业顾问/advisor"), ("receptions", "接待/receptions"), ("by_route", "接待途径/by_route"),
                  ("calls", "来电/calls"), ("turns", "轮序/turns"), ("skipped", "跳过/skipped"),
                  ("duty_given", "义务接待/duty_given"), ("duty_received", "被义务接待/duty_received"),
                  ("clients_held", "归属客户/clients_held"), ("lapses", "过期/lapses"),
                  ("followups_valid", "有效跟进/followups_valid"),
                  ("followups_unreachable", "关机或不通/followups_unreachable"),
                  ("followups_verified", "核签/followups_verified"), ("deposits", "定金/deposits"),
                  ("deals", "成交/deals"), ("credit", "业绩/credit"), ("present_hours", "在岗小时/present_hours"),
                  ("turns_per_hour", "每小时轮序/turns_per_hour"))


def _folder(folder: str | os.PathLike[str] | None) -> Path:
    if not folder or not str(folder).strip():
        raise BadInput("dir", "give the folder to export into")
    p = Path(folder).expanduser()
    if p.exists() and not p.is_dir():
        raise BadInput("dir", f"{p} is a file, not a folder")
    if not p.exists() and not p.parent.is_dir():
        raise BadInput("dir", f"folder {p.parent} does not exist")
    if p.exists() and not os.access(p, os.W_OK):
        raise BadInput("dir", f"folder {p} is not writable")
    return p


def _flat(v: Any) -> Any:
    if isinstance(v, dict):
        return " ".join(f"{k}={x}" for k, x in v.items())
    if isinstance(v, bool):
        return "yes" if v else "no"
    return "" if v is None else v


class ExportService(Base):
    def export(self, folder: str | os.PathLike[str], start: str | None = None, end: str | None = None,
               formats: Sequence[str] = FORMATS, actor: str | None = None, project: str | None = None) -> dict[str, Any]:
        """Write the registers, follow-ups and R9 report into `folder` as xlsx and/or CSV."""
        out = _folder(folder)
        fmts = tuple(dict.fromkeys(f.strip().lower() for f in formats))
        bad = [f for f in fmts if f not in FORMATS]
        if bad or not fmts:
            raise BadInput("format", f"{', '.join(bad) or '(none)'}: export formats are xlsx and csv")
        frm = parse_local(start, "from").date() if start else None
        to = parse_local(end, "to").date() if end else None
        if frm and to and frm > to:
            raise BadInput("from", f"{frm} is after {to}")
        with self.op(actor, project, write=False) as c:
            u = c.user()
            full = c.is_pm()
            own_only = u.role in ("advisor", "trainee")
            shown: Callable[[str], str] = phones.national_of if full else phones.masked_of
            tables = {
                "visit": _entries(c, "visit", frm, to, shown, u.id if own_only else None),
                "call": _entries(c, "call", frm, to, shown, u.id if own_only else None),
                "followup": _followups(c, frm, to, shown, u.id if own_only else None),
            }
            code = c.project.code
        report = ReportService(self.db, self.clock).report(start, end, actor=actor, project=project)
        tables["report"] = [{k: _flat(row.get(k)) for k, _ in REPORT_COLUMNS} for row in report["advisors"]]
        columns = {"visit": ENTRY_COLUMNS, "call": ENTRY_COLUMNS, "followup": FOLLOWUP_COLUMNS, "report": REPORT_COLUMNS}
        out.mkdir(exist_ok=True)
        out = out.resolve()
        files: list[str] = []
        if "csv" in fmts:
            for key, rows in tables.items():
                path = out / FILES[key]
                _write_csv(path, columns[key], rows)
                files.append(str(path))
        if "xlsx" in fmts:
            path = out / WORKBOOK
            _write_xlsx(path, [(SHEETS[k], columns[k], rows) for k, rows in tables.items()])
            files.append(str(path))
        return {"dir": str(out), "project": code, "files": files, "masked": not full, "own_only": own_only,
                "visits": len(tables["visit"]), "calls": len(tables["call"]), "followups": len(tables["followup"]),
                "advisors": len(tables["report"]), "from": frm, "to": to,
                "report_period": {"from": report["from"], "to": report["to"]}}


def _local(c: Ctx, utc: datetime) -> datetime:
    return c.local(utc).replace(tzinfo=None)


def _names(c: Ctx) -> dict[int, str]:
    from frontdesk.store.models import Staff

    return {sid: name for sid, name in c.s.exec(select(Staff.id, Staff.name))}


def _entries(c: Ctx, book: str, frm: date | None, to: date | None, shown: Callable[[str], str],
             own: int | None) -> list[dict[str, Any]]:
    import json

    q = select(RegisterEntry).where(RegisterEntry.project_id == c.pid, RegisterEntry.book == book)
    if frm:
        q = q.where(RegisterEntry.day >= frm)
    if to:
        q = q.where(RegisterEntry.day <= to)
    if own is not None:
        q = q.where((RegisterEntry.advisor_id == own) | (RegisterEntry.owner_id == own))
    names = _names(c)
    entries = c.s.exec(q.order_by(RegisterEntry.number)).all()
    kin = _households(c, {e.client_id for e in entries if e.client_id is not None})
    rows = []
    for e in entries:
        data = json.loads(e.data or "{}")
        local = _local(c, e.at)
        no_time = e.kind == "imported" and data.get("time", "") is None
        note = "; ".join(str(data[k]) for k in ("outcome", "note") if data.get(k))
        rows.append({"register": book, "number": e.number, "kind": e.kind, "date": e.day,
                     "time": "" if no_time else local.strftime("%H:%M"), "name": e.name,
                     "phone": shown(e.phone_e164) if e.phone_e164 else "", "advisor": names.get(e.advisor_id, ""),
                     "owner": names.get(e.owner_id, "") if e.owner_id else "", "route": e.route,
                     "turn": "yes" if e.turn else "", "operator": names.get(e.operator_id, ""),
                     "recorded_at": _local(c, e.recorded_at).strftime("%Y-%m-%d %H:%M"),
                     "amends": e.amends or "", "note": note, **_kin(kin, e.client_id, e.phone_e164, shown)})
    return rows


def _households(c: Ctx, client_ids: set[int]) -> dict[int, list[tuple[str, str]]]:
    """The phones of each client that holds more than one person, first the first registered:
    a household (R2.5) is exported as relation + related phone, as the importer reads it."""
    out: dict[int, list[tuple[str, str]]] = {}
    ids = sorted(client_ids)
    for i in range(0, len(ids), 500):
        for cid, e164, relation in c.s.exec(
                select(Phone.client_id, Phone.e164, Person.relation).join(Person, Person.id == Phone.person_id)
                .where(Phone.client_id.in_(ids[i:i + 500])).order_by(Phone.id)):  # type: ignore[attr-defined]
            out.setdefault(cid, []).append((e164, relation))
    return {k: v for k, v in out.items() if len(v) > 1}


def _kin(kin: dict[int, list[tuple[str, str]]], client_id: int | None, e164: str,
         shown: Callable[[str], str]) -> dict[str, str]:
    people = kin.get(client_id or 0)
    if not people:
        return {}
    relation = next((r for x, r in people if x == e164), "self")
    main = next((x for x, _r in people if x != e164), "")
    if relation == "self" or not main:
        return {}
    return {"relation": relation, "related_phone": shown(main)}


def _followups(c: Ctx, frm: date | None, to: date | None, shown: Callable[[str], str],
               own: int | None) -> list[dict[str, Any]]:
    q = (select(FollowUp, FollowUpVerification).join(FollowUpVerification, isouter=True)
         .where(FollowUp.project_id == c.pid))
    if frm:
        q = q.where(FollowUp.day >= frm)
    if to:
        q = q.where(FollowUp.day <= to)
    if own is not None:
        q = q.where(FollowUp.advisor_id == own)
    fus = c.s.exec(q.order_by(FollowUp.at, FollowUp.id)).all()
    if not fus:
        return []
    names = _names(c)
    canon = {cid: into for cid, into in c.s.exec(select(Client.id, Client.merged_into_id).where(
        Client.project_id == c.pid, Client.merged_into_id != None))}  # noqa: E711
    first: dict[int, tuple[str, str]] = {}
    for cid, e164, name in c.s.exec(select(Phone.client_id, Phone.e164, Person.name)
                                    .join(Person, Person.id == Phone.person_id)
                                    .where(Phone.project_id == c.pid).order_by(Phone.id)):
        first.setdefault(cid, (e164, name))
    rows = []
    for fu, ver in fus:
        cid = fu.client_id
        while cid in canon:
            cid = canon[cid]
        e164, name = first.get(cid, ("", ""))
        rows.append({"id": fu.id, "type": "followup", "date": fu.day, "time": _local(c, fu.at).strftime("%H:%M"),
                     "name": name, "phone": shown(e164) if e164 else "", "advisor": names.get(fu.advisor_id, ""),
                     "outcome": fu.outcome, "valid": "yes" if fu.outcome == "reached" or ver is not None else "no",
                     "verified_by": names.get(ver.pm_id, "") if ver else "", "score": "" if fu.score is None else fu.score,
                     "note": fu.note, "recorded_at": _local(c, fu.recorded_at).strftime("%Y-%m-%d %H:%M")})
    return rows


# A text cell a spreadsheet would read as a formula (OWASP "CSV injection"): `=`, `+`, `-`, `@`,
# a tab or a carriage return at its start. A visitor named =HYPERLINK(...) must stay a name.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutral(v: Any) -> Any:
    """A CSV cell that cannot run: risky text gets a leading apostrophe; numbers stay numbers."""
    if isinstance(v, str) and v.startswith(FORMULA_STARTS):
        return "'" + v
    return v


def _cell(v: Any) -> Any:
    if isinstance(v, date):
        return v.isoformat()
    return "" if v is None else neutral(v)


def _write_csv(path: Path, columns: Sequence[tuple[str, str]], rows: list[dict[str, Any]]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:  # the BOM: Excel reads the Chinese right
        w = csv.writer(fh)
        w.writerow([h for _, h in columns])
        for r in rows:
            w.writerow([_cell(r.get(k)) for k, _ in columns])
    os.replace(tmp, path)


def _write_xlsx(path: Path, sheets: list[tuple[str, Sequence[tuple[str, str]], list[dict[str, Any]]]]) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    def plain(ws: Any, v: Any) -> Any:
        """Text as a string cell, never a formula (openpyxl reads a leading `=` as one)."""
        if not isinstance(v, str):
            return v
        cell = WriteOnlyCell(ws, value=v)
        cell.data_type = "s"
        return cell

    wb = Workbook(write_only=True)
    for title, columns, rows in sheets:
        ws = wb.create_sheet(title)
        ws.append([h for _, h in columns])
        for r in rows:
            ws.append([plain(ws, "" if r.get(k) is None else r.get(k)) for k, _ in columns])
    tmp = path.with_name(path.name + ".tmp")
    wb.save(tmp)
    os.replace(tmp, path)
