"""Every service operation tried as every role, allowed or refused as docs/rules.en.md says.

The roles: an advisor, a trainee in induction (shadow mode, R5.1–R5.3), a trainee who passed
the exam (R5.3), the PM, the sales admin, the GM. MATRIX below is the expected table, written
out: "ok" (allowed), a rule id (refused with that rule, exit 1 at the CLI), "bad" (bad input,
exit 2: the operation makes no sense for that person, e.g. marking oneself away when one is
not on the roster), or NA (the case cannot arise: sales admin and GM never hold clients, and
cannot write register entries of their own).

Where docs/rules.en.md is explicit the table follows it; where it is silent it follows what the code
documents, and the cell is marked "# decided" — those cells are listed in the issue 7 report.

Each cell runs on a fresh copy of one office (built through the services), and a refused or
bad operation must leave every table's row count as it was.
"""

from __future__ import annotations

import inspect
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pytest
from dbkit import ON_PG, copy_db, new_db, rows

from frontdesk.services import BadInput, Clock, Refused, Services, open_services
from frontdesk.services.clock import parse_local

from .conftest import checkpoint, table_counts

NOW = "2026-11-10 10:00"
PM, GM, ADMIN = "王经理", "郭总", "周敏"
LI, ZHANG, LIU = "李娜", "张伟", "刘洋"
NEWBIE, PASSED = "小陈", "小王"  # trainee in induction (joined 11-01); trainee who passed (joined 10-01, exam 10-09)
ROLES = ("advisor", "trainee-induction", "trainee-passed", "pm", "sales-admin", "gm")
ACTOR = {"advisor": LI, "trainee-induction": NEWBIE, "trainee-passed": PASSED, "pm": PM, "sales-admin": ADMIN,
         "gm": GM}
# clients: one held by 张伟 (nobody acting here holds it), and one held by each role that can hold one
ZHANGS = "13800138000"
OWN = {"advisor": "13800138001", "trainee-passed": "13800138002", "pm": "13800138003",
       "trainee-induction": "13800138004"}
CALLER = "13800138005"  # call register #1, answered (and written) by 张伟
NEW = "13900000001"
NA = None
PINS = {PM: "2468", GM: "8642", ADMIN: "3579", LI: "1357", ZHANG: "2580", LIU: "1470", NEWBIE: "3690", PASSED: "9753"}

OK = "ok"
BAD = "bad"

# ----------------------------------------------------------------------------- the table
#                                              advisor  trainee-ind  trainee-pass  pm    sales-admin  gm
MATRIX: dict[str, tuple[str | None, ...]] = {
    # the office (R2.2, R5, R6; SPEC "Parties and roles")
    "staff.init (add a project)":               ("R1.1", "R1.1", "R1.1", OK, "R1.1", OK),     # decided: PM or GM
    "staff.settings (read)":                    (OK, OK, OK, OK, OK, OK),                     # decided
    "staff.settings (set)":                     ("R3.2", "R3.2", "R3.2", OK, "R3.2", OK),     # R3.2 volume mode: the PM's
    "staff.add":                                ("R2.1", "R2.1", "R2.1", OK, "R2.1", OK),     # decided: PM or GM
    "staff.add (a GM)":                         ("R2.1", "R2.1", "R2.1", "R2.2", "R2.1", OK),  # R2.2: a PM cannot make a GM
    "staff.deactivate":                         ("R2.1", "R2.1", "R2.1", OK, "R2.1", OK),     # decided: PM or GM
    "staff.list":                               (OK, OK, OK, OK, OK, OK),
    "staff.set_pin (own)":                      (OK, OK, OK, OK, OK, OK),
    "staff.set_pin (someone else's)":           ("R2.1", "R2.1", "R2.1", OK, "R2.1", OK),     # decided
    "staff.transfer":                           ("R6", "R6", "R6", OK, "R6", OK),             # decided: PM or GM
    "staff.trainee_pass":                       ("R5.3", "R5.3", "R5.3", OK, "R5.3", OK),     # R5.3 recorded by the PM
    "drills.record":                            ("R5.3", "R5.3", "R5.3", OK, "R5.3", OK),     # R5.3 the PM records the scenario part
    "drills.results (own)":                     (OK, OK, OK, OK, OK, OK),                     # decided: one's own drills
    "drills.results (a trainee's)":             ("R5.3", "R5.3", "R5.3", OK, "R5.3", OK),     # decided: the PM (and GM)
    # the rotation (R3)
    "roster.show":                              (OK, OK, OK, OK, OK, OK),
    "roster.set":                               ("R3", "R3", "R3", OK, "R3", OK),             # R3 the PM sets it
    "roster.mark (someone else away)":          ("R3", "R3", "R3", OK, "R3", OK),             # decided: PM (or self)
    "roster.copy_yesterday":                    ("R3", "R3", "R3", OK, "R3", OK),             # R3 the PM sets it
    "roster.mark (oneself away)":               (OK, OK, OK, BAD, BAD, BAD),                  # PM/admin/GM: not on the roster
    # the counter (R2.3, R3, R5.3)
    "reception.preview":                        (OK, OK, OK, OK, OK, OK),                     # R5.1 a trainee may watch; decided for admin/GM
    "reception.owner_verdict":                  (OK, OK, OK, OK, OK, OK),                     # the greeter's first line: as preview
    "reception.visit":                          (OK, "R5.3", OK, OK, "R3", "R3"),             # R5.3; decided: admin/GM do not receive
    "reception.visit --assign (override)":      ("R3", "R5.3", "R3", OK, "R3", "R3"),         # R3 the PM may reassign
    "reception.call":                           (OK, "R5.3", OK, OK, "R3", "R3"),             # SPEC: not a trainee in induction
    "amend (an entry someone else wrote)":      ("R2.1", "R2.1", "R2.1", OK, "R2.1", OK),     # decided: PM or the writer
    "amend (one's own entry)":                  (OK, NA, OK, OK, NA, NA),
    # client records (R2.1, R2.2, R2.5, R3.4, R6)
    "records.owner":                            (OK, OK, OK, OK, OK, OK),                     # decided: the desk's lookup
    "records.history (another's client)":       ("R2.1", "R2.1", "R2.1", OK, "R2.1", OK),     # R2.1; decided for GM
    "records.history (PM witnessing)":          (OK, OK, OK, OK, OK, OK),                     # R2.1; decided for trainee/admin
    "records.history (own client)":             (OK, OK, OK, OK, NA, NA),
    "records.followup (own client)":            (OK, OK, OK, OK, NA, NA),                     # decided: trainee in induction too
    "records.followup (another's client)":      ("R2.1", "R2.1", "R2.1", "R2.1", "R2.1", "R2.1"),  # decided for PM/GM
    "records.verify_followup":                  ("R2.2", "R2.2", "R2.2", OK, "R2.2", OK),     # R2.2 the PM signs
    "records.link":                             ("R2.5", "R2.5", "R2.5", OK, "R2.5", OK),     # R2.5 a PM act
    "records.reassign":                         ("R6", "R6", "R6", OK, "R6", OK),             # R6 the PM reassigns
    # crossings (R4, R8)
    "crossings.open":                           (OK, OK, OK, OK, "R4", OK),                   # decided
    "crossings.decide":                         ("R4", "R4", "R4", OK, "R4", OK),             # R4 the PM confirms
    "crossings.list":                           (OK, OK, OK, OK, OK, OK),                     # decided: filtered to one's own
    # the inbox
    "inbox.list":                               (OK, OK, OK, OK, OK, OK),
    "inbox.ack (own notice)":                   (OK, OK, OK, OK, OK, OK),
    "inbox.ack (someone else's notice)":        (BAD, BAD, BAD, BAD, BAD, BAD),
    # the desk screen
    "desk.today":                               (OK, OK, OK, OK, OK, OK),
    "desk.search":                              (OK, OK, OK, OK, OK, OK),
    # units, deposits, deals (R1.2, R7, P2, R5.5, R1.1)
    "deals.unit_add":                           ("R7", "R7", "R7", OK, OK, OK),               # decided: PM, GM, sales admin
    "deals.deposit":                            (OK, "R5.3", OK, OK, "R3", "R3"),             # decided
    "deals.large_decision":                     ("P2", "P2", "P2", OK, "P2", OK),             # P2 the PM decides
    "deals.discount_request":                   (OK, "R5.3", OK, OK, "R3", "R3"),             # R7 asked by who sells; decided
    "deals.deal":                               (OK, "R5.3", OK, OK, "R3", "R3"),             # decided
    "deals.deal --closer (for another)":        ("P2", "R5.3", "P2", OK, "R3", "R3"),         # decided
    "deals.reflect (a trainee's first deal)":   ("R5.5", "R5.5", OK, "R5.5", "R5.5", "R5.5"),  # R5.5 written by the trainee
    "deals.referral (another's client)":        ("R1.1", "R1.1", "R1.1", OK, "R1.1", OK),     # R1.1 reported by the advisor who followed
    "deals.referral (own client)":              (OK, OK, OK, OK, NA, NA),
    "deals.list_deals":                         (OK, OK, OK, OK, OK, OK),                     # decided: filtered to one's own
    # reports and complaints (R9, R10)
    "reports.report":                           (OK, OK, OK, OK, OK, OK),                     # decided: an advisor sees own rows
    "reports.complaint_add":                    (OK, OK, OK, OK, OK, OK),                     # decided: anyone files
    "reports.complaint_status":                 ("R10", "R10", "R10", "R10", OK, OK),         # R10 the sales admin; decided: not the PM
    "reports.complaint_list":                   (OK, OK, OK, OK, OK, OK),                     # decided: filtered
    # the manager's console (R2.2, P2, R5.2, R6, R9)
    "manager.approvals":                        ("R2.1", "R2.1", "R2.1", OK, "R2.1", OK),     # decided: PM or GM
    "manager.refuse_followup":                  ("R2.1", "R2.1", "R2.1", OK, "R2.1", OK),     # R2.2 the PM signs (or not)
    "manager.lapsing":                          ("R2.1", "R2.1", "R2.1", OK, "R2.1", OK),     # decided
    "manager.remind":                           ("R2.1", "R2.1", "R2.1", OK, "R2.1", OK),     # decided
    "manager.set_mentor":                       ("R2.1", "R2.1", "R2.1", OK, "R2.1", OK),     # R5.2; decided for GM
    "manager.redistribution":                   ("R2.1", "R2.1", "R2.1", OK, "R2.1", OK),     # R6 the PM redistributes
    "manager.redistribute":                     ("R2.1", "R2.1", "R2.1", OK, "R2.1", OK),     # R6
    "manager.daily":                            ("R2.1", "R2.1", "R2.1", OK, "R2.1", OK),     # decided
    "manager.decide_setting":                   ("R2.1", "R2.1", "R2.1", "R2.2", "R2.1", OK),  # R2.2: the GM signs
    "manager.decide_discount":                  ("R2.1", "R2.1", "R2.1", OK, "R2.1", OK),     # R7 only a PM approves
    "manager.decide_referral":                  ("R2.1", "R2.1", "R2.1", OK, "R2.1", OK),     # R1.1 the PM refers
    # Part 1: importing paper registers, exporting (R2.1 privacy)
    "importer.import_file":                     ("R2.1", "R2.1", "R2.1", OK, "R2.1", OK),     # decided: PM or GM
    "exporter.export":                          (OK, OK, OK, OK, OK, OK),                     # R2.1: masked/own-only
    "integrity.restore":                        ("R2.1", "R2.1", "R2.1", "R2.1", "R2.1", OK),  # this office holds two projects: the GM's alone
    # issue 6 part 4: outbound notices — the delivery state is the console's
    "outbox.list":                              ("R2.1", "R2.1", "R2.1", OK, "R2.1", OK),     # decided: PM or GM
    # issue 13: the office's one PIN lockout — the PM sees the log and unlocks (SPEC "Who is acting")
    "identity.lockouts":                        ("R2.1", "R2.1", "R2.1", OK, "R2.1", OK),
    "identity.unlock":                          ("R2.1", "R2.1", "R2.1", OK, "R2.1", OK),
}

# operations that take no acting user at all: not role-checked by the services (see the report)
NO_ACTOR = {
    "desk.sign_in": "name + PIN is the check itself",
    "identity.authenticate": "name + PIN is the check itself (the command line's sign-in)",
    "desk.staff_names": "the sign-in screen's list of names",
    "integrity.verify": "read-only; anyone who can open the file",
    "integrity.backup": "a copy; anyone who can open the file",
    "integrity.anchor": "reads the register heads; anyone who can open the file",
    "integrity.check_anchor": "read-only; anyone who can open the file",
    "outbox.send": "delivers what the desk already decided; cron runs it with no user",
    "setup.setup": "the first day: an empty database has no one to act (it refuses a database with staff)",
    "setup.needed": "whether the first-day setup is to be shown: before anyone can sign in",
    "setup.mark_demo": "the demo loader marks its own new database",
}


# ----------------------------------------------------------------------------- the office

@dataclass
class World:
    """Ids in the template office, read once."""

    fu: int  # 张伟's unreachable follow-up of his client (to be signed)
    crossing: int  # open: 刘洋 claims 张伟's client
    deal: int  # 小王's first deal (reflection pending)
    complaint: int
    client_zhang: int
    notice: dict[str, int]  # a notice in each person's inbox


def build(path: Path) -> World:
    clock = Clock(parse_local("2026-10-01 09:00"))
    sv = open_services(str(path), clock)
    try:
        sv.staff.init("P1", "滨江花园")
        sv.staff.add(GM, "gm", pin=PINS[GM])  # the first staff member; only a GM makes a GM (R2.2)
        sv.staff.add(PM, "pm", pin=PINS[PM], actor=GM)
        sv.staff.add(ADMIN, "sales-admin", pin=PINS[ADMIN], actor=PM)
        for a in (LI, ZHANG, LIU):
            sv.staff.add(a, "advisor", pin=PINS[a], actor=PM)
        sv.staff.add(PASSED, "trainee", mentor=ZHANG, pin=PINS[PASSED], actor=PM)
        sv.staff.init("P2", "江畔花园", actor=GM)
        sv.staff.add("赵经理", "pm", actor=GM, project="P2")
        clock.fixed_local = parse_local("2026-10-09 09:00")
        sv.drills.record(PASSED, 80, actor=PM)  # the exam's scenario simulation (R5.3)
        sv.staff.trainee_pass(PASSED, 80, actor=PM)
        clock.fixed_local = parse_local("2026-11-01 09:00")
        sv.staff.add(NEWBIE, "trainee", mentor=LI, pin=PINS[NEWBIE], actor=PM)
        sv.drills.record(NEWBIE, 75, actor=PM)  # the scenario part of the exam is on record (R5.3)
        sv.roster.set([LI, ZHANG, LIU, PASSED, NEWBIE], actor=PM)

        clock.fixed_local = parse_local("2026-11-10 09:00")
        zhang = sv.reception.visit(ZHANGS, name="张三", asks_for=ZHANG, actor=PM)["client"]
        sv.reception.visit(OWN["advisor"], name="李四", asks_for=LI, actor=PM)
        sv.reception.visit(OWN["trainee-passed"], name="王五", asks_for=PASSED, actor=PM)
        sv.reception.visit(OWN["pm"], name="赵六", asks_for=PM, actor=PM)  # the PM is off the roster: held for them
        sv.reception.visit(OWN["trainee-induction"], name="孙七", actor=PM)
        sv.records.reassign(OWN["trainee-induction"], NEWBIE, actor=PM)
        sv.reception.call(CALLER, name="周八", actor=ZHANG)
        fu = sv.records.followup(ZHANGS, "unreachable", actor=ZHANG)["id"]
        crossing = sv.reception.visit(ZHANGS, asks_for=LIU, actor=PM)["crossing"]
        for code in ("1-101", "1-102", "1-103", "1-104"):
            sv.deals.unit_add(code, "500000", actor=PM)
        deal = sv.deals.deal("1-104", OWN["trainee-passed"], "500000", actor=PASSED)["deal"]
        complaint = sv.reports.complaint_add("样板间空调不制冷", actor=LI)["complaint"]
        for role, phone in OWN.items():
            assert sv.records.owner(phone, actor=PM)["owner"] == ACTOR[role], f"template: {role} holds no client"
        assert sv.records.owner(ZHANGS, actor=PM)["owner"] == ZHANG
    finally:
        sv.close()
    notice = {}
    for name, sid in rows(path, "SELECT name, id FROM staff"):
        notice[name] = rows(path, "INSERT INTO notification (project_id, recipient_id, kind, rule, data, at) "
                                  "VALUES (1, ?, 'test', 'R0', '{}', '2026-11-10 01:00:00.000000') RETURNING id",
                            (sid,))[0][0]
    checkpoint(path)
    return World(fu, crossing, deal, complaint, zhang, notice)


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, World]:
    path = new_db(tmp_path_factory.mktemp("matrix") / "office.db", keep=True)
    return path, build(path)


# ----------------------------------------------------------------------------- the operations
# each: (services, world, role, actor name) -> the call to judge (any setup is done before it)

Op = Callable[[Services, World, str, str], Callable[[], Any]]


def _folder(sv: Services) -> Path:
    """A folder for the files an operation reads or writes: the database's own, or a new one on PG."""
    if sv.db.is_sqlite:
        return Path(sv.db.url.removeprefix("sqlite:///")).parent
    return Path(tempfile.mkdtemp(prefix="fd-matrix-"))


def _own_entry(sv: Services, _w: World, _role: str, me: str) -> Callable[[], Any]:
    n = sv.reception.call("13900000077", name="自登", actor=me)["entry"]
    return lambda: sv.amend.amend("call", n, "电话记错了", actor=me)


def _redistribution(sv: Services, _w: World, _role: str, me: str) -> Callable[[], Any]:
    sv.staff.transfer(LIU, "P2", actor=PM)
    return lambda: sv.manager.redistribution(LIU, actor=me)


def _decide_discount(sv: Services, _w: World, _role: str, me: str) -> Callable[[], Any]:
    req = sv.deals.discount_request("1-101", ZHANGS, "10000", actor=ZHANG)["request"]
    return lambda: sv.manager.decide_discount(req, True, actor=me)


def _decide_setting(sv: Services, _w: World, _role: str, me: str) -> Callable[[], Any]:
    req = sv.staff.settings("protection_days", "14", request="春节前回访周期长", actor=PM)["request"]
    return lambda: sv.manager.decide_setting(req, True, actor=me)


def _decide_referral(sv: Services, _w: World, _role: str, me: str) -> Callable[[], Any]:
    ref = sv.deals.referral(OWN["advisor"], "P2", actor=LI)
    [item] = [it for it in sv.manager.approvals(actor=PM) if it["kind"] == "referral"]
    assert item["advisor"] == ref["reporter"]
    return lambda: sv.manager.decide_referral(item["id"], False, "同类项目不合适", actor=me)


def _import(sv: Services, _w: World, _role: str, me: str) -> Callable[[], Any]:
    folder = _folder(sv)
    src = folder / "registers.csv"
    src.write_text("日期,时间,类型,姓名,电话,置业顾问\n2026-10-20,10:30,来访,钱九,13700137000,李娜\n", encoding="utf-8")
    return lambda: sv.importer.import_file(str(src), actor=me)


def _export(sv: Services, _w: World, _role: str, me: str) -> Callable[[], Any]:
    folder = _folder(sv) / "export"
    return lambda: sv.exporter.export(str(folder), actor=me)


def _restore(sv: Services, _w: World, _role: str, me: str) -> Callable[[], Any]:
    backup = _folder(sv) / "nightly.db"
    sv.integrity.backup(str(backup))
    return lambda: sv.integrity.restore(str(backup), actor=me)


OPS: dict[str, Op] = {
    "staff.init (add a project)": lambda sv, w, r, me: lambda: sv.staff.init("P3", "新项目", actor=me),
    "staff.settings (read)": lambda sv, w, r, me: lambda: sv.staff.settings(actor=me),
    "staff.settings (set)": lambda sv, w, r, me: lambda: sv.staff.settings("volume_mode", "low", actor=me),
    "staff.add": lambda sv, w, r, me: lambda: sv.staff.add("新人", "advisor", actor=me),
    "staff.add (a GM)": lambda sv, w, r, me: lambda: sv.staff.add("新总", "gm", actor=me),
    "staff.deactivate": lambda sv, w, r, me: lambda: sv.staff.deactivate(LIU, actor=me),
    "staff.list": lambda sv, w, r, me: lambda: sv.staff.list(actor=me),
    "staff.set_pin (own)": lambda sv, w, r, me: lambda: sv.staff.set_pin(me, "4826", actor=me,
                                                                                  old=PINS[me]),
    "staff.set_pin (someone else's)": lambda sv, w, r, me: lambda: sv.staff.set_pin(ZHANG, "4826", actor=me),
    "staff.transfer": lambda sv, w, r, me: lambda: sv.staff.transfer(LIU, "P2", actor=me),
    "staff.trainee_pass": lambda sv, w, r, me: lambda: sv.staff.trainee_pass(NEWBIE, 80, actor=me),
    "drills.record": lambda sv, w, r, me: lambda: sv.drills.record(NEWBIE, 85, "default", actor=me),
    "drills.results (own)": lambda sv, w, r, me: lambda: sv.drills.results(actor=me),
    "drills.results (a trainee's)": lambda sv, w, r, me: lambda: sv.drills.results(
        PASSED if me == NEWBIE else NEWBIE, actor=me),
    "roster.show": lambda sv, w, r, me: lambda: sv.roster.show(actor=me),
    "roster.set": lambda sv, w, r, me: lambda: sv.roster.set([LI, ZHANG, LIU], actor=me),
    "roster.copy_yesterday": lambda sv, w, r, me: lambda: sv.roster.copy_yesterday(actor=me),
    "roster.mark (someone else away)": lambda sv, w, r, me: lambda: sv.roster.mark(ZHANG, True, actor=me),
    "roster.mark (oneself away)": lambda sv, w, r, me: lambda: sv.roster.mark(me, True, actor=me),
    "reception.preview": lambda sv, w, r, me: lambda: sv.reception.preview(NEW, actor=me),
    "reception.owner_verdict": lambda sv, w, r, me: lambda: sv.reception.owner_verdict(NEW, actor=me),
    "reception.visit": lambda sv, w, r, me: lambda: sv.reception.visit(NEW, name="新客", actor=me),
    "reception.visit --assign (override)": lambda sv, w, r, me: lambda: sv.reception.visit(NEW, assign=LIU, actor=me),
    "reception.call": lambda sv, w, r, me: lambda: sv.reception.call(NEW, name="新客", actor=me),
    "amend (an entry someone else wrote)": lambda sv, w, r, me: lambda: sv.amend.amend("call", 1, "更正", actor=me),
    "amend (one's own entry)": _own_entry,
    "records.owner": lambda sv, w, r, me: lambda: sv.records.owner(ZHANGS, actor=me),
    "records.history (another's client)": lambda sv, w, r, me: lambda: sv.records.history(ZHANGS, actor=me),
    "records.history (PM witnessing)": lambda sv, w, r, me: lambda: sv.records.history(
        ZHANGS, actor=me, witness=PM, witness_pin=PINS[PM]),
    "records.history (own client)": lambda sv, w, r, me: lambda: sv.records.history(OWN[r], actor=me),
    "records.followup (own client)": lambda sv, w, r, me: lambda: sv.records.followup(OWN[r], "reached", actor=me),
    "records.followup (another's client)": lambda sv, w, r, me: lambda: sv.records.followup(ZHANGS, "reached", actor=me),
    "records.verify_followup": lambda sv, w, r, me: lambda: sv.records.verify_followup(w.fu, actor=me),
    "records.link": lambda sv, w, r, me: lambda: sv.records.link(ZHANGS, "13800138099", "spouse", actor=me),
    "records.reassign": lambda sv, w, r, me: lambda: sv.records.reassign(ZHANGS, LIU, actor=me),
    "crossings.open": lambda sv, w, r, me: lambda: sv.crossings.open(OWN["advisor"], LIU, actor=me),
    "crossings.decide": lambda sv, w, r, me: lambda: sv.crossings.decide(w.crossing, ZHANG, False, actor=me),
    "crossings.list": lambda sv, w, r, me: lambda: sv.crossings.list(actor=me),
    "inbox.list": lambda sv, w, r, me: lambda: sv.inbox.list(actor=me),
    "inbox.ack (own notice)": lambda sv, w, r, me: lambda: sv.inbox.ack(w.notice[me], actor=me),
    "inbox.ack (someone else's notice)": lambda sv, w, r, me: lambda: sv.inbox.ack(w.notice[ZHANG], actor=me),
    "desk.today": lambda sv, w, r, me: lambda: sv.desk.today("visit", actor=me),
    "desk.search": lambda sv, w, r, me: lambda: sv.desk.search("张", actor=me),
    "deals.unit_add": lambda sv, w, r, me: lambda: sv.deals.unit_add("2-201", "800000", actor=me),
    "deals.deposit": lambda sv, w, r, me: lambda: sv.deals.deposit("1-102", ZHANGS, "10000", actor=me),
    "deals.large_decision": lambda sv, w, r, me: lambda: sv.deals.large_decision("1-101", ZHANGS, "alone", actor=me),
    "deals.deal": lambda sv, w, r, me: lambda: sv.deals.deal("1-103", ZHANGS, "500000", actor=me),
    "deals.deal --closer (for another)": lambda sv, w, r, me: lambda: sv.deals.deal(
        "1-103", ZHANGS, "500000", closer=ZHANG, actor=me),
    "deals.reflect (a trainee's first deal)": lambda sv, w, r, me: lambda: sv.deals.reflect(w.deal, "心得", actor=me),
    "deals.discount_request": lambda sv, w, r, me: lambda: sv.deals.discount_request("1-101", ZHANGS, "10000",
                                                                                    actor=me),
    "deals.referral (another's client)": lambda sv, w, r, me: lambda: sv.deals.referral(ZHANGS, "P2", actor=me),
    "deals.referral (own client)": lambda sv, w, r, me: lambda: sv.deals.referral(OWN[r], "P2", actor=me),
    "deals.list_deals": lambda sv, w, r, me: lambda: sv.deals.list_deals(actor=me),
    "reports.report": lambda sv, w, r, me: lambda: sv.reports.report(actor=me),
    "reports.complaint_add": lambda sv, w, r, me: lambda: sv.reports.complaint_add("停车位不够", actor=me),
    "reports.complaint_status": lambda sv, w, r, me: lambda: sv.reports.complaint_status(
        w.complaint, "in_progress", actor=me),
    "reports.complaint_list": lambda sv, w, r, me: lambda: sv.reports.complaint_list(actor=me),
    "manager.approvals": lambda sv, w, r, me: lambda: sv.manager.approvals(actor=me),
    "manager.refuse_followup": lambda sv, w, r, me: lambda: sv.manager.refuse_followup(w.fu, "没有核实", actor=me),
    "manager.lapsing": lambda sv, w, r, me: lambda: sv.manager.lapsing(actor=me),
    "manager.remind": lambda sv, w, r, me: lambda: sv.manager.remind(w.client_zhang, actor=me),
    "manager.set_mentor": lambda sv, w, r, me: lambda: sv.manager.set_mentor(NEWBIE, ZHANG, actor=me),
    "manager.redistribution": _redistribution,
    "manager.redistribute": lambda sv, w, r, me: lambda: sv.manager.redistribute(
        [{"client": w.client_zhang, "to": LI}], actor=me),
    "manager.daily": lambda sv, w, r, me: lambda: sv.manager.daily(actor=me),
    "manager.decide_setting": _decide_setting,
    "manager.decide_discount": _decide_discount,
    "manager.decide_referral": _decide_referral,
    "importer.import_file": _import,
    "exporter.export": _export,
    "integrity.restore": _restore,
    "outbox.list": lambda sv, w, r, me: lambda: sv.outbox.list(actor=me),
    "identity.lockouts": lambda sv, w, r, me: lambda: sv.identity.lockouts(actor=me),
    "identity.unlock": lambda sv, w, r, me: lambda: sv.identity.unlock(LI, actor=me),
}

CELLS = [(op, role) for op, row in MATRIX.items() for role, want in zip(ROLES, row) if want is not NA]


@pytest.mark.parametrize(("op", "role"), CELLS, ids=[f"{op} | {role}" for op, role in CELLS])
def test_role_matrix(office, tmp_path, op, role):
    template, world = office
    if ON_PG and op == "integrity.restore":
        pytest.skip("restore replaces a SQLite file; a server database is restored with pg_restore")
    db = copy_db(template, tmp_path / "office.db")
    want = MATRIX[op][ROLES.index(role)]
    me = ACTOR[role]
    sv = open_services(str(db), Clock(parse_local(NOW)))
    try:
        call = OPS[op](sv, world, role, me)
        before = table_counts(db)
        if want == OK:
            call()
            return
        if want == BAD:
            with pytest.raises(BadInput):
                call()
        else:
            with pytest.raises(Refused) as exc:
                call()
            assert exc.value.reason.rule == want, f"refused under {exc.value.reason.rule}, expected {want}: {exc.value}"
        assert table_counts(db) == before, "a refused operation wrote something"
    finally:
        sv.close()


def test_the_matrix_covers_every_service_operation():
    """A new service operation needs a row above (or a reason in NO_ACTOR)."""
    import importlib

    from frontdesk.services.registry import PARTS

    assert set(PARTS) <= set(Services.__annotations__), "a part of the services without its type on Services"
    with_actor, without = set(), set()
    for part, (module, cls) in PARTS.items():
        kind = getattr(importlib.import_module(f"frontdesk.services.{module}"), cls)
        for name, fn in inspect.getmembers(kind, inspect.isfunction):
            if name.startswith("_") or name == "op":
                continue
            (with_actor if "actor" in inspect.signature(fn).parameters else without).add(f"{part}.{name}")
    covered = {op.split(" ")[0] for op in MATRIX}
    covered |= {"amend.amend"} if any(op.startswith("amend ") for op in MATRIX) else set()
    assert with_actor - covered == set(), "operations with no row in MATRIX"
    assert without - set(NO_ACTOR) == set(), "operations without an acting user, not listed in NO_ACTOR"
    assert set(OPS) == set(MATRIX)
