"""The counter through the CLI: visit, call, followup, owner, history, link (R2.1–R2.5, R3, R5)."""

from __future__ import annotations


import pytest
from dbkit import rows

from .conftest import (CHEN, LI, LIU, P1, P2, P3, P4, PM, PM_PIN, T0, ZHANG, FD, assert_error, assert_reasons,
                       row_counts)

VISIT_KEYS = {"entry", "client", "route", "advisor", "owner", "notified", "reasons"}
CALL_KEYS = {"entry", "client", "advisor", "reasons"}
OWNER_KEYS = {"client", "owner", "protected_through", "lapses_on", "reasons"}


def masked(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:]


# --- visit ------------------------------------------------------------------------------------------

def test_visit_new_client_takes_the_rotation_turn(office: FD) -> None:
    out = office.ok("visit", "--phone", P1, "--name", "陈先生", "--visited-before", "no", "--materials", "no",
                    as_=PM, at=T0)
    assert VISIT_KEYS <= set(out)
    assert out["entry"] == 1 and isinstance(out["client"], int)
    assert out["route"] == "rotation"
    assert out["advisor"] == LI and out["owner"] == LI
    assert out["notified"] == []
    assert_reasons(out["reasons"])
    assert any(r.startswith("R3.3") for r in out["reasons"])
    # the next walk-in goes to the next advisor; entries are numbered consecutively (R2.1)
    out2 = office.ok("visit", "--phone", P2, as_=PM, at="2026-11-01 10:05")
    assert out2["entry"] == 2 and out2["advisor"] == ZHANG and out2["client"] != out["client"]


def test_visit_owner_present_serves_without_a_turn(office: FD) -> None:
    first = office.ok("visit", "--phone", P1, as_=PM, at=T0)
    again = office.ok("visit", "--phone", P1, as_=PM, at="2026-11-03 15:00")
    assert again["route"] == "owner" and again["advisor"] == LI and again["owner"] == LI
    assert again["client"] == first["client"] and again["entry"] == 2
    assert_reasons(again["reasons"])
    assert office.ok("roster", "show", at="2026-11-03 15:00")["next"] == ZHANG  # no turn used
    # the own reception moves the window (R2.2)
    assert office.ok("owner", "--phone", P1, as_=PM, at="2026-11-10 09:00")["protected_through"] == "2026-11-10"


def test_visit_phone_forms_find_one_client(office: FD) -> None:
    a = office.ok("visit", "--phone", P1, as_=PM, at=T0)
    b = office.ok("visit", "--phone", "+86 138 0013 8000", as_=PM, at="2026-11-01 11:00")
    c = office.ok("visit", "--phone", "0086-138-0013-8000", as_=PM, at="2026-11-01 12:00")
    assert a["client"] == b["client"] == c["client"]
    assert b["route"] == c["route"] == "owner"


def test_duty_reception_routes_and_the_owner_sees_it_in_inbox(office: FD) -> None:
    first = office.ok("visit", "--phone", P1, as_=PM, at=T0)
    assert first["owner"] == LI
    office.ok("roster", "away", LI, as_=LI, at="2026-11-02 09:00")
    out = office.ok("visit", "--phone", P1, as_=PM, at="2026-11-02 10:00")
    assert out["route"] == "duty"
    assert out["advisor"] == ZHANG  # the rotation's next (high volume)
    assert out["owner"] == LI  # the client stays the owner's
    assert out["notified"] == [LI]
    assert_reasons(out["reasons"])
    assert any(r.startswith("R3.2") for r in out["reasons"])
    assert any(r.startswith("R3.4") for r in out["reasons"])
    inbox = office.ok("inbox", as_=LI, at="2026-11-02 10:05")
    assert inbox["unread"] == 1
    [item] = inbox["items"]
    assert item["kind"] == "duty_reception" and item["rule"] == "R3.2" and item["read"] is False
    assert isinstance(item["id"], int) and item["text"]
    # the duty reception is not the owner's contact: the window still runs from the 1st
    assert office.ok("owner", "--phone", P1, as_=PM, at="2026-11-02 10:10")["protected_through"] == "2026-11-08"
    # a duty reception does not use up a turn by default
    assert office.ok("roster", "show", at="2026-11-02 10:10")["next"] == ZHANG


def test_duty_advisor_may_not_follow_up(office: FD, unchanged) -> None:  # noqa: ANN001
    office.ok("visit", "--phone", P1, as_=PM, at=T0)
    office.ok("roster", "away", LI, as_=PM, at="2026-11-02 09:00")
    office.ok("visit", "--phone", P1, as_=PM, at="2026-11-02 10:00")
    with unchanged(office):
        code, _, err = office("followup", "--phone", P1, "--outcome", "reached", as_=ZHANG, at="2026-11-02 11:00")
        assert_error(code, err, 1, error_code="refused", rule="R3.4")


def test_low_volume_duty_goes_round_in_reverse(office: FD) -> None:
    office.ok("settings", "volume_mode", "low", as_=PM, at=T0)
    office.ok("visit", "--phone", P1, as_=PM, at=T0)  # 李娜 owns
    office.ok("roster", "away", LI, as_=PM, at="2026-11-01 11:00")
    out = office.ok("visit", "--phone", P1, as_=PM, at="2026-11-01 12:00")
    assert out["route"] == "duty" and out["advisor"] == LIU  # the reverse order skips the shadow trainee
    assert out["notified"] == [LI]


def test_visit_asks_for_a_named_advisor(office: FD) -> None:
    out = office.ok("visit", "--phone", P1, "--asks-for", LIU, as_=PM, at=T0)
    assert out["route"] == "requested" and out["advisor"] == LIU and out["owner"] == LIU
    assert any(r.startswith("R3.5") for r in out["reasons"])
    assert office.ok("roster", "show", at=T0)["next"] == LI  # not a rotation turn


def test_visit_asking_for_another_than_the_owner_opens_a_crossing(office: FD) -> None:
    office.ok("visit", "--phone", P1, as_=PM, at=T0)  # 李娜 owns
    out = office.ok("visit", "--phone", P1, "--asks-for", ZHANG, as_=PM, at="2026-11-03 10:00")
    assert out["route"] == "crossing"
    assert out["owner"] == LI and out["advisor"] == LI
    assert isinstance(out["crossing"], int)
    assert PM in out["notified"] and LI in out["notified"]
    listed = office.ok("crossing", "list", as_=PM, at="2026-11-03 10:05")
    assert [c["crossing"] for c in listed] == [out["crossing"]]


def test_trainee_solo_when_no_advisor_is_present(office: FD) -> None:
    for a in (LI, ZHANG, LIU):
        office.ok("roster", "away", a, as_=PM, at=T0)
    out = office.ok("visit", "--phone", P1, as_=PM, at="2026-11-01 10:30")
    assert out["route"] == "trainee-solo" and out["advisor"] == CHEN and out["owner"] == CHEN
    assert LI in out["notified"]  # the mentor is told (R5.4)
    assert any(r.startswith("R5.3") for r in out["reasons"])
    assert any(r.startswith("R5.4") for r in out["reasons"])


def test_visited_before_without_a_registration_is_noted_for_the_pm(office: FD) -> None:
    out = office.ok("visit", "--phone", P1, "--visited-before", "yes", "--materials", "yes", as_=PM, at=T0)
    assert out["route"] == "rotation" and out["owner"] == LI
    assert PM in out["notified"]
    assert any(r.startswith("R4.1") for r in out["reasons"])


def test_pm_assign_overrides_the_rotation(office: FD) -> None:
    out = office.ok("visit", "--phone", P1, "--assign", LIU, as_=PM, at=T0)
    assert out["advisor"] == LIU and out["owner"] == LIU
    code, _, err = office("visit", "--phone", P2, "--assign", LIU, as_=LI, at=T0)
    assert_error(code, err, 1, error_code="refused", rule="R3")


def test_nobody_present_is_refused(office: FD, unchanged) -> None:  # noqa: ANN001
    office.ok("roster", "set", LI, as_=PM, at=T0)
    office.ok("roster", "away", LI, as_=PM, at=T0)
    with unchanged(office):
        code, _, err = office("visit", "--phone", P1, as_=PM, at="2026-11-01 10:30")
        assert_error(code, err, 1, error_code="refused", rule="R3")


def test_visit_refused_to_trainee_in_induction_and_non_frontline(office: FD, unchanged) -> None:  # noqa: ANN001
    office.ok("staff", "add", "钱销管", "--role", "sales-admin", as_=PM, at=T0)
    with unchanged(office):
        code, _, err = office("visit", "--phone", P1, as_=CHEN, at=T0)
        assert_error(code, err, 1, error_code="refused", rule="R5.3")
        code, _, err = office("visit", "--phone", P1, as_="钱销管", at=T0)
        assert_error(code, err, 1, error_code="refused", rule="R3")
        code, _, err = office("call", "--phone", P1, as_=CHEN, at=T0)
        assert_error(code, err, 1, error_code="refused", rule="R5.3")


def test_visit_needs_an_acting_user(office: FD, unchanged) -> None:  # noqa: ANN001
    with unchanged(office):
        code, _, err = office("visit", "--phone", P1, at=T0, as_="")  # SPEC "Who is acting"
        assert_error(code, err, 1, error_code="refused", rule="R2.1")


# --- the seed example: received on the 1st, still owned on the 8th, lapsed on the 9th (R2.2) -------------

def test_seed_example_owner_window(office: FD) -> None:
    v = office.ok("visit", "--phone", P1, as_=PM, at="2026-11-01 10:00")
    out = office.ok("owner", "--phone", P1, as_=PM, at="2026-11-08 10:00")
    assert OWNER_KEYS <= set(out)
    assert out["client"] == v["client"] and out["owner"] == LI
    assert out["protected_through"] == "2026-11-08" and out["lapses_on"] == "2026-11-09"
    assert_reasons(out["reasons"])
    late = office.ok("owner", "--phone", P1, as_=PM, at="2026-11-09 10:00")
    assert late["client"] == v["client"]
    assert late["owner"] is None and late["protected_through"] is None and late["lapses_on"] is None
    assert_reasons(late["reasons"])
    assert late["reasons"][0].startswith("R2.2")


def test_owner_as_of_answers_for_a_past_day(office: FD) -> None:
    office.ok("visit", "--phone", P1, as_=PM, at="2026-11-01 10:00")
    out = office.ok("owner", "--phone", P1, "--as-of", "2026-11-08", as_=PM, at="2026-11-20 10:00")
    assert out["owner"] == LI and out["protected_through"] == "2026-11-08"
    assert office.ok("owner", "--phone", P1, "--as-of", "2026-11-09", at="2026-11-20 10:00")["owner"] is None


def test_owner_of_an_unknown_phone(office: FD) -> None:
    out = office.ok("owner", "--phone", P4, as_=PM, at=T0)
    assert out["client"] is None and out["owner"] is None
    assert out["protected_through"] is None and out["lapses_on"] is None
    assert_reasons(out["reasons"])


def test_lapsed_client_goes_to_the_next_registering_advisor(office: FD) -> None:
    office.ok("visit", "--phone", P1, as_=PM, at="2026-11-01 10:00")  # 李娜; 张伟 is next
    out = office.ok("visit", "--phone", P1, as_=PM, at="2026-11-09 10:00")
    assert out["route"] == "rotation" and out["owner"] == ZHANG


# --- call -------------------------------------------------------------------------------------------

def test_call_registers_a_new_caller_for_the_answering_advisor(office: FD) -> None:
    office.ok("visit", "--phone", P2, as_=PM, at=T0)  # visit register #1
    out = office.ok("call", "--phone", P1, "--name", "赵女士", as_=ZHANG, at="2026-11-01 10:30")
    assert CALL_KEYS <= set(out)
    assert out["entry"] == 1  # the call register is numbered on its own (R2.1)
    assert out["advisor"] == ZHANG and isinstance(out["client"], int)
    assert_reasons(out["reasons"])
    assert office.ok("owner", "--phone", P1, as_=PM, at="2026-11-01 11:00")["owner"] == ZHANG
    assert office.ok("roster", "show", at="2026-11-01 11:00")["next"] == ZHANG  # calls use no turns
    # an owned client calling another advisor stays the owner's; the owner is told
    held = office.ok("call", "--phone", P1, as_=LIU, at="2026-11-01 11:30")
    assert held["entry"] == 2 and held["advisor"] == LIU and held["owner"] == ZHANG
    assert ZHANG in held["notified"]


def test_call_referred_by_then_the_referral_asks_for_the_advisor(office: FD) -> None:
    office.ok("call", "--phone", P1, "--name", "老客户", as_=LIU, at=T0)  # 刘洋 owns P1
    ref = office.ok("call", "--phone", P2, "--name", "新朋友", "--referred-by", P1, as_=LIU, at="2026-11-01 11:00")
    assert CALL_KEYS <= set(ref)
    assert ref["advisor"] == LIU and ref["referral"] is True
    assert any(r.startswith("R2.4") for r in ref["reasons"])
    # a referral pre-registration is a claim, not ownership
    assert office.ok("owner", "--phone", P2, as_=PM, at="2026-11-01 11:05")["owner"] is None
    v = office.ok("visit", "--phone", P2, "--asks-for", LIU, as_=PM, at="2026-11-03 10:00")
    assert v["route"] == "requested" and v["owner"] == LIU
    assert any(r.startswith("R2.4") for r in v["reasons"])


def test_referral_not_asked_for_is_an_independent_client(office: FD) -> None:
    office.ok("call", "--phone", P1, as_=LIU, at=T0)
    office.ok("call", "--phone", P2, "--referred-by", P1, as_=LIU, at="2026-11-01 11:00")
    v = office.ok("visit", "--phone", P2, as_=PM, at="2026-11-03 10:00")
    assert v["route"] == "rotation" and v["owner"] == LI
    assert any(r.startswith("R2.4") for r in v["reasons"])


def test_call_referred_by_someone_elses_client_is_refused(office: FD, unchanged) -> None:  # noqa: ANN001
    office.ok("call", "--phone", P1, as_=LIU, at=T0)
    with unchanged(office):
        code, _, err = office("call", "--phone", P2, "--referred-by", P1, as_=ZHANG, at="2026-11-01 11:00")
        assert_error(code, err, 1, error_code="refused", rule="R2.4")
        code, _, err = office("call", "--phone", P2, "--referred-by", P4, as_=LIU, at="2026-11-01 11:00")
        assert_error(code, err, 2, error_code="bad_input", field="referred_by")


# --- followup ----------------------------------------------------------------------------------------

def test_followup_reached_moves_the_window(office: FD) -> None:
    office.ok("visit", "--phone", P1, as_=PM, at=T0)
    out = office.ok("followup", "--phone", P1, "--outcome", "reached", "--note", "约周末看样板间", "--score", "8",
                    as_=LI, at="2026-11-05 15:00")
    assert {"id", "valid", "reasons"} <= set(out)
    assert isinstance(out["id"], int) and out["valid"] is True
    assert_reasons(out["reasons"])
    own = office.ok("owner", "--phone", P1, as_=PM, at="2026-11-09 10:00")
    assert own["owner"] == LI and own["protected_through"] == "2026-11-12"


def test_followup_unreachable_counts_only_once_the_pm_verifies(office: FD) -> None:
    office.ok("visit", "--phone", P1, as_=PM, at=T0)
    out = office.ok("followup", "--phone", P1, "--outcome", "unreachable", "--note", "关机", as_=LI, at="2026-11-05 15:00")
    assert out["valid"] is False
    assert_reasons(out["reasons"])
    assert office.ok("owner", "--phone", P1, as_=PM, at="2026-11-09 10:00")["owner"] is None
    # an advisor cannot sign it
    code, _, err = office("followup", "verify", str(out["id"]), as_=LI, at="2026-11-06 09:00")
    assert_error(code, err, 1, error_code="refused", rule="R2.2")
    ver = office.ok("followup", "verify", str(out["id"]), as_=PM, at="2026-11-06 09:00")
    assert ver["id"] == out["id"] and ver["valid"] is True
    assert_reasons(ver["reasons"])
    own = office.ok("owner", "--phone", P1, as_=PM, at="2026-11-09 10:00")
    assert own["owner"] == LI and own["protected_through"] == "2026-11-12"
    # twice is bad input; an unknown id too
    code, _, err = office("followup", "verify", str(out["id"]), as_=PM, at="2026-11-06 09:30")
    assert_error(code, err, 2, error_code="bad_input", field="id")
    code, _, err = office("followup", "verify", "999", as_=PM, at="2026-11-06 09:30")
    assert_error(code, err, 2, error_code="bad_input", field="id")


def test_followup_of_another_advisors_client_is_refused(office: FD, unchanged) -> None:  # noqa: ANN001
    office.ok("visit", "--phone", P1, as_=PM, at=T0)  # 李娜's
    with unchanged(office):
        code, _, err = office("followup", "--phone", P1, "--outcome", "reached", as_=ZHANG, at="2026-11-02 10:00")
        e = assert_error(code, err, 1, error_code="refused", rule="R2.1")
        assert e["message"]


def test_followup_of_a_lapsed_client_is_refused(office: FD, unchanged) -> None:  # noqa: ANN001
    office.ok("visit", "--phone", P1, as_=PM, at=T0)
    with unchanged(office):
        code, _, err = office("followup", "--phone", P1, "--outcome", "reached", as_=LI, at="2026-11-09 10:00")
        assert_error(code, err, 1, error_code="refused", rule="R2.2")


def test_followup_of_an_unknown_phone_is_bad_input(office: FD, unchanged) -> None:  # noqa: ANN001
    with unchanged(office):
        code, _, err = office("followup", "--phone", P4, "--outcome", "reached", as_=LI, at=T0)
        assert_error(code, err, 2, error_code="bad_input", field="phone")


# --- history (R2.1) ------------------------------------------------------------------------------------

def test_history_for_the_owner_and_the_pm(office: FD) -> None:
    office.ok("visit", "--phone", P1, "--name", "陈先生", as_=PM, at=T0)
    fu = office.ok("followup", "--phone", P1, "--outcome", "reached", "--note", "有意向", "--score", "7",
                   as_=LI, at="2026-11-02 10:00")
    for who in (LI, PM):
        h = office.ok("history", "--phone", P1, as_=who, at="2026-11-02 11:00")
        assert h["client"] and h["owner"] == LI
        assert [(e["register"], e["entry"]) for e in h["entries"]] == [("visit", 1)]
        assert h["entries"][0]["advisor"] == LI
        assert h["entries"][0]["phone"] == P1  # unmasked for the owner and the PM
        assert [f["id"] for f in h["followups"]] == [fu["id"]]
        assert h["followups"][0]["note"] == "有意向" and h["followups"][0]["score"] == 7
        assert_reasons(h["reasons"])


def test_history_of_another_advisors_client_needs_a_pm_witness(office: FD) -> None:
    office.ok("visit", "--phone", P1, as_=PM, at=T0)  # 李娜's
    code, _, err = office("history", "--phone", P1, as_=ZHANG, at="2026-11-02 10:00")
    assert_error(code, err, 1, error_code="refused", rule="R2.1")
    code, _, err = office("history", "--phone", P1, "--witness", PM, "--witness-pin", "0000",
                          as_=ZHANG, at="2026-11-02 10:00")
    assert_error(code, err, 1, error_code="refused", rule="R2.1")
    h = office.ok("history", "--phone", P1, "--witness", PM, "--witness-pin", PM_PIN, as_=ZHANG, at="2026-11-02 10:00")
    assert h["entries"][0]["phone"] == masked(P1)  # masked for anyone but the owner and the PM
    assert any(r.startswith("R2.1") for r in h["reasons"])
    assert rows(office.db, "SELECT COUNT(*) FROM viewlog")[0][0] == 1  # the viewing is logged


# --- link (R2.5) --------------------------------------------------------------------------------------

def test_link_a_new_phone_joins_the_client(office: FD) -> None:
    v = office.ok("visit", "--phone", P1, as_=PM, at=T0)
    out = office.ok("link", "--phone", P1, "--phone", P3, "--relation", "spouse", as_=PM, at="2026-11-02 10:00")
    assert out["client"] == v["client"] and out["owner"] == LI
    assert_reasons(out["reasons"])
    assert any(r.startswith("R2.5") for r in out["reasons"])
    own = office.ok("owner", "--phone", P3, as_=PM, at="2026-11-02 10:05")
    assert own["client"] == v["client"] and own["owner"] == LI
    # the spouse walking in is served by the owner
    again = office.ok("visit", "--phone", P3, as_=PM, at="2026-11-03 10:00")
    assert again["route"] == "owner" and again["advisor"] == LI


def test_link_two_owned_clients_opens_a_crossing(office: FD) -> None:
    office.ok("visit", "--phone", P1, as_=PM, at=T0)  # 李娜
    office.ok("visit", "--phone", P2, as_=PM, at="2026-11-01 10:05")  # 张伟
    out = office.ok("link", "--phone", P1, "--phone", P2, "--relation", "parent", as_=PM, at="2026-11-02 10:00")
    assert isinstance(out["crossing"], int)
    assert any(r.startswith("R2.5") for r in out["reasons"])
    assert office.ok("owner", "--phone", P2, as_=PM, at="2026-11-02 10:05")["client"] == out["client"]


def test_link_is_a_pm_act(office: FD, unchanged) -> None:  # noqa: ANN001
    office.ok("visit", "--phone", P1, as_=PM, at=T0)
    with unchanged(office):
        code, _, err = office("link", "--phone", P1, "--phone", P3, "--relation", "spouse", as_=LI, at=T0)
        assert_error(code, err, 1, error_code="refused", rule="R2.5")
        code, _, err = office("link", "--phone", P1, "--relation", "spouse", as_=PM, at=T0)
        assert_error(code, err, 2, error_code="bad_input", field="phone")


@pytest.mark.parametrize("relation", ["spouse", "parent", "child", "company"])
def test_link_every_relation(office: FD, relation: str) -> None:
    office.ok("visit", "--phone", P1, as_=PM, at=T0)
    office.ok("link", "--phone", P1, "--phone", P3, "--relation", relation, as_=PM, at=T0)
    assert row_counts(office.db)["client"] == 1
