"""An office with at least one row in every table the journal seals (store/journal.py), made
through the services only — so every row is sealed the way the desk seals it."""

from __future__ import annotations

from frontdesk.services import Services

from .conftest import LI, LIU, PM, PM_PIN, ZHANG

A, B, C = "13800138000", "13800138001", "13800138002"


def fill(sv: Services) -> None:
    sv.staff.settings("webhook_url", "http://127.0.0.1:9/robot", actor=PM)  # nobody listens: a failed try
    sv.staff.settings("protection_days", "30", request="旺季", actor=PM)  # a request for the GM (R2.2)
    sv.staff.add("孙悦", "trainee", mentor=LI, actor=PM)  # staff event
    sv.reception.visit(A, name="张三", actor=PM)  # 李娜: roster event
    sv.reception.visit(B, name="李四", actor=PM)  # 张伟
    sv.reception.visit(C, name="王五", actor=PM)  # 刘洋
    fu = sv.records.followup(A, "unreachable", actor=LI)
    sv.records.verify_followup(fu["id"], actor=PM)
    sv.records.link(C, A, "spouse", actor=PM)  # client link
    sv.records.history(B, actor=LI, witness=PM, witness_pin=PM_PIN)  # view log
    sv.records.reassign(B, LIU, actor=PM)  # assignment
    case = sv.crossings.open(A, ZHANG, note="两人都接待过", actor=PM)
    sv.crossings.decide(case["crossing"], LI, False, actor=PM)
    sv.deals.unit_add("A-101", "900000", actor=PM)
    sv.deals.unit_add("V-1", "1500000", actor=PM)
    sv.deals.deposit("A-101", A, "50000", actor=LI)
    req = sv.deals.discount_request("A-101", A, "10000", actor=LI)["request"]
    sv.manager.decide_discount(req, True, actor=PM)  # approval
    deal = sv.deals.deal("A-101", A, "900000", actor=LI)  # deal + shares
    sv.deals.reflect(deal["deal"], "耐心讲解户型", actor=LI)
    sv.deals.large_decision("V-1", B, "assist", actor=PM)
    sv.staff.init("P2", "江南新城", actor=PM)
    sv.deals.referral(B, "P2", actor=LIU)
    sv.reports.complaint_add("大厅太吵", actor=LI)  # complaint + its event
    sv.outbox.send()  # an attempt and its outcome
