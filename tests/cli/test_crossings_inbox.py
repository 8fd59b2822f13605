"""Crossings (R4, R8) and the inbox through the CLI."""

from __future__ import annotations

import pytest

from .conftest import LI, LIU, P1, P2, PM, T0, ZHANG, FD, assert_error, assert_reasons


def _open(office: FD, claimant: str = ZHANG, actor: str | None = None, at: str = "2026-11-03 10:00") -> dict:
    office.ok("visit", "--phone", P1, "--name", "陈先生", as_=PM, at=T0)  # 李娜 owns from the 1st
    return office.ok("crossing", "open", "--phone", P1, "--claimant", claimant, "--note", "客户说张伟接待过",
                     as_=actor or claimant, at=at)


def test_crossing_open_proposes_a_winner_with_reasons(office: FD) -> None:
    out = _open(office)
    assert set(out) >= {"crossing", "proposal"}
    assert isinstance(out["crossing"], int)
    assert set(out["proposal"]) >= {"winner", "reasons"}
    assert out["proposal"]["winner"] == LI  # the claimant has no register entry (R4.1)
    assert_reasons(out["proposal"]["reasons"])
    assert any(r.startswith("R4.1") for r in out["proposal"]["reasons"])
    # the PM and both parties are told
    kinds = [(i["kind"], i["rule"]) for i in office.ok("inbox", as_=PM, at="2026-11-03 10:05")["items"]]
    assert ("crossing_opened", "R4") in kinds and ("claim_without_registration", "R4.1") in kinds
    for who in (LI, ZHANG):
        assert "crossing_opened" in [i["kind"] for i in office.ok("inbox", as_=who, at="2026-11-03 10:05")["items"]]


def test_crossing_r43_the_earlier_advisor_lapsed(office: FD) -> None:
    office.ok("visit", "--phone", P1, as_=PM, at=T0)  # 李娜, lapses on the 9th
    later = office.ok("visit", "--phone", P1, as_=PM, at="2026-11-12 10:00")  # lapsed: 张伟 is next and owns
    assert later["owner"] == ZHANG
    out = office.ok("crossing", "open", "--phone", P1, "--claimant", LI, as_=LI, at="2026-11-12 11:00")
    assert out["proposal"]["winner"] == ZHANG
    assert any(r.startswith("R4.3") for r in out["proposal"]["reasons"])


def test_crossing_decide_confirms_and_list_shows_it(office: FD) -> None:
    case = _open(office)["crossing"]
    listed = office.ok("crossing", "list", as_=PM, at="2026-11-03 10:10")
    assert [(c["crossing"], c["status"], c["holder"], c["claimant"]) for c in listed] == [(case, "open", LI, ZHANG)]
    assert listed[0]["proposal"]["winner"] == LI
    out = office.ok("crossing", "decide", str(case), "--winner", LI, as_=PM, at="2026-11-03 11:00")
    assert out["crossing"] == case and out["status"] == "decided"
    assert out["decision"]["winner"] == LI and out["decision"]["outcome"] == "confirmed" and out["decision"]["by"] == PM
    assert_reasons(out["reasons"])
    assert out["reasons"][0].startswith("R4")
    assert office.ok("crossing", "list", as_=PM, at="2026-11-03 11:05")[0]["status"] == "decided"
    assert office.ok("crossing", "list", "--open", as_=PM, at="2026-11-03 11:05") == []
    # advisors see only their own crossings
    assert [c["crossing"] for c in office.ok("crossing", "list", as_=ZHANG, at="2026-11-03 11:05")] == [case]
    assert office.ok("crossing", "list", as_=LIU, at="2026-11-03 11:05") == []
    # decided twice: bad input
    code, _, err = office("crossing", "decide", str(case), "--winner", ZHANG, as_=PM, at="2026-11-03 11:10")
    assert_error(code, err, 2, error_code="bad_input", field="id")


def test_crossing_decide_negotiated_winner_takes_the_client(office: FD) -> None:
    case = _open(office)["crossing"]
    out = office.ok("crossing", "decide", str(case), "--winner", ZHANG, "--note", "协商：张伟跟进",
                    as_=PM, at="2026-11-03 11:00")
    assert out["decision"]["outcome"] == "negotiated" and out["decision"]["winner"] == ZHANG
    assert office.ok("owner", "--phone", P1, as_=PM, at="2026-11-03 11:05")["owner"] == ZHANG
    assert office.ok("followup", "--phone", P1, "--outcome", "reached", as_=ZHANG, at="2026-11-04 10:00")["valid"]


def test_crossing_decide_none_means_neither(office: FD) -> None:
    case = _open(office)["crossing"]
    out = office.ok("crossing", "decide", str(case), "--none", as_=PM, at="2026-11-03 11:00")
    assert out["decision"]["outcome"] == "neither" and out["decision"]["winner"] is None
    assert out["reasons"][0].startswith("R8")


def test_crossing_decide_by_an_advisor_is_refused(office: FD, unchanged) -> None:  # noqa: ANN001
    case = _open(office)["crossing"]
    with unchanged(office):
        for who in (LI, ZHANG):
            code, _, err = office("crossing", "decide", str(case), "--winner", who, as_=who, at="2026-11-03 11:00")
            assert_error(code, err, 1, error_code="refused", rule="R4")
    assert office.ok("crossing", "list", as_=PM, at="2026-11-03 11:05")[0]["status"] == "open"


@pytest.mark.parametrize("extra, field", [
    (["--winner", LIU], "winner"),  # not a party
    (["--winner", LI, "--none"], "winner"),  # both
    (["--winner", "无名"], "winner"),  # unknown staff
])
def test_crossing_decide_bad_input(office: FD, unchanged, extra: list[str], field: str) -> None:  # noqa: ANN001
    case = _open(office)["crossing"]
    with unchanged(office):
        code, _, err = office("crossing", "decide", str(case), *extra, as_=PM, at="2026-11-03 11:00")
        assert_error(code, err, 2, error_code="bad_input", field=field)


def test_crossing_decide_without_options_confirms_the_proposal(office: FD) -> None:
    case = _open(office)["crossing"]
    out = office.ok("crossing", "decide", str(case), as_=PM, at="2026-11-03 11:00")
    assert out["decision"]["winner"] == LI and out["decision"]["outcome"] == "confirmed"


def test_crossing_open_refusals(office: FD, unchanged) -> None:  # noqa: ANN001
    office.ok("visit", "--phone", P1, as_=PM, at=T0)
    with unchanged(office):
        code, _, err = office("crossing", "open", "--phone", P1, "--claimant", LI, as_=PM, at=T0)
        assert_error(code, err, 2, error_code="bad_input", field="claimant")  # already holds it
        code, _, err = office("crossing", "open", "--phone", P2, "--claimant", LI, as_=PM, at=T0)
        assert_error(code, err, 2, error_code="bad_input", field="phone")  # no such client
        code, _, err = office("crossing", "open", "--phone", P1, "--claimant", "无名", as_=PM, at=T0)
        assert_error(code, err, 2, error_code="bad_input", field="claimant")
    office.ok("crossing", "open", "--phone", P1, "--claimant", ZHANG, as_=ZHANG, at=T0)
    code, _, err = office("crossing", "open", "--phone", P1, "--claimant", ZHANG, as_=ZHANG, at=T0)
    assert_error(code, err, 2, error_code="bad_input", field="claimant")  # already open


# --- inbox ----------------------------------------------------------------------------------------

def test_inbox_and_ack(office: FD) -> None:
    office.ok("visit", "--phone", P1, as_=PM, at=T0)
    office.ok("roster", "away", LI, as_=PM, at="2026-11-02 09:00")
    office.ok("visit", "--phone", P1, as_=PM, at="2026-11-02 10:00")
    inbox = office.ok("inbox", as_=LI, at="2026-11-02 10:05")
    assert inbox["unread"] == 1
    nid = inbox["items"][0]["id"]
    out = office.ok("inbox", "ack", str(nid), as_=LI, at="2026-11-02 10:06")
    assert out == {"id": nid, "read": True}
    after = office.ok("inbox", as_=LI, at="2026-11-02 10:07")
    assert after["unread"] == 0 and after["items"][0]["read"] is True
    assert office.ok("inbox", "--unread", as_=LI, at="2026-11-02 10:07")["items"] == []
    # acking again is harmless
    assert office.ok("inbox", "ack", str(nid), as_=LI, at="2026-11-02 10:08")["read"] is True


def test_inbox_ack_of_anothers_notice_is_bad_input(office: FD, unchanged) -> None:  # noqa: ANN001
    office.ok("visit", "--phone", P1, as_=PM, at=T0)
    office.ok("roster", "away", LI, as_=PM, at="2026-11-02 09:00")
    office.ok("visit", "--phone", P1, as_=PM, at="2026-11-02 10:00")
    nid = office.ok("inbox", as_=LI, at="2026-11-02 10:05")["items"][0]["id"]
    code, _, err = office("inbox", "ack", str(nid), as_=ZHANG, at="2026-11-02 10:06")
    assert_error(code, err, 2, error_code="bad_input", field="id")
    code, _, err = office("inbox", "ack", "abc", as_=LI, at="2026-11-02 10:06")
    assert_error(code, err, 2, error_code="bad_input", field="id")
    assert office.ok("inbox", as_=LI, at="2026-11-02 10:07")["unread"] == 1


def test_inbox_reminds_the_owner_the_day_before_a_lapse(office: FD) -> None:
    office.ok("visit", "--phone", P1, as_=PM, at=T0)  # protected through the 8th
    inbox = office.ok("inbox", as_=LI, at="2026-11-08 09:00")
    kinds = [(i["kind"], i["rule"]) for i in inbox["items"]]
    assert ("lapse_tomorrow", "R2.2") in kinds
    item = next(i for i in inbox["items"] if i["kind"] == "lapse_tomorrow")
    assert item["data"]["lapses_on"] == "2026-11-09"
