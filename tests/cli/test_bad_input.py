"""Failures: bad input exits 2 naming the field, refusals exit 1 naming the rule, and nothing is
written when a command fails (docs/cli.md). Plus the global options, wherever they stand."""

from __future__ import annotations

from pathlib import Path

import pytest
from dbkit import copy_db

from .conftest import (CHEN, LI, LIU, P1, P2, P3, PM, T0, ZHANG, FD, assert_error, derive_template, row_counts,
                       run_cli)

LATER = "2026-11-02 10:00"


def _serve(office: FD) -> None:
    """A morning at the counter: P1 is 李娜's, P2 张伟's; 李娜 followed P1 up; with 李娜 away,
    刘洋 received P1 on duty and 李娜 was told; 刘洋 opened crossing #1 on P2."""
    office.ok("visit", "--phone", P1, "--name", "陈先生", as_=PM, at=T0)
    office.ok("visit", "--phone", P2, as_=PM, at="2026-11-01 10:10")
    office.ok("followup", "--phone", P1, "--outcome", "reached", as_=LI, at="2026-11-01 15:00")
    office.ok("roster", "away", LI, as_=LI, at="2026-11-02 09:00")
    duty = office.ok("visit", "--phone", P1, as_=PM, at="2026-11-02 09:30")
    assert duty["route"] == "duty" and duty["advisor"] == LIU
    office.ok("crossing", "open", "--phone", P2, "--claimant", LIU, as_=LIU, at="2026-11-02 09:40")


@pytest.fixture(scope="session")
def served_template(office_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return derive_template(office_template, tmp_path_factory.mktemp("served") / "served.db", _serve)


@pytest.fixture
def served(served_template: Path, tmp_path: Path) -> FD:
    db = copy_db(served_template, tmp_path / "served.db")
    office = FD(db)
    counts = office.counts()
    assert all(counts[t] > 0 for t in counts), counts
    return office


BAD_INPUT = [
    # (argv, actor, field)
    (["visit", "--phone", "abc"], PM, "phone"),
    (["visit", "--phone", ""], PM, "phone"),
    (["visit", "--phone", "1" * 40], PM, "phone"),
    (["visit", "--phone", "12345"], PM, "phone"),
    (["call", "--phone", "abc"], ZHANG, "phone"),
    (["owner", "--phone", "abc"], PM, "phone"),
    (["owner", "--phone", P1, "--as-of", "someday"], PM, "as_of"),
    (["history", "--phone", "abc"], PM, "phone"),
    (["followup", "--phone", P1, "--outcome", "reached", "--score", "11"], LI, "score"),
    (["followup", "--phone", P1, "--outcome", "reached", "--score", "-1"], LI, "score"),
    (["followup", "--phone", P1, "--outcome", "reached", "--score", "abc"], LI, "score"),
    (["followup", "--phone", P1, "--outcome", "maybe"], LI, "outcome"),
    (["followup", "--phone", "abc", "--outcome", "reached"], LI, "phone"),
    (["followup", "--phone", P1, "--outcome", "reached", "--note", "a\x01b"], LI, "note"),
    (["followup", "verify", "abc"], PM, "id"),
    (["visit", "--phone", P3, "--asks-for", "无名氏"], PM, "asks_for"),
    (["visit", "--phone", P3, "--visited-before", "maybe"], PM, "visited_before"),
    (["visit", "--phone", P3, "--materials", "maybe"], PM, "materials"),
    (["visit", "--phone", P3, "--name", "名" * 101], PM, "name"),
    (["visit", "--phone", P3, "--assign", "无名氏"], PM, "assign"),
    (["visit", "--phone", P3], "无名氏", "as"),
    (["followup", "--phone", P1, "--outcome", "reached"], "无名氏", "as"),
    (["link", "--phone", P1, "--phone", P3, "--relation", "cousin"], PM, "relation"),
    (["link", "--phone", P1, "--phone", "abc", "--relation", "spouse"], PM, "phone2"),
    (["link", "--phone", P1, "--phone", P1, "--relation", "spouse"], PM, "phone2"),
    (["link", "--phone", P1, "--phone", P2, "--phone", P3, "--relation", "spouse"], PM, "phone"),
    (["trainee", "pass", CHEN, "--score", "101"], PM, "score"),
    (["roster", "set", LI, LI], PM, "names"),
    (["settings", "volume_mode", "medium"], PM, "volume_mode"),
    (["settings", "protection_days", "0"], PM, "protection_days"),
    (["settings", "skip_policy", "never"], PM, "skip_policy"),
    (["settings", "no_such_key", "1"], PM, "key"),
    (["crossing", "decide", "abc", "--none"], PM, "id"),
    (["crossing", "decide", "999", "--none"], PM, "id"),
    (["inbox", "ack", "999"], LI, "id"),
    (["visit"], PM, "phone"),  # a required option missing (a usage error)
]


@pytest.mark.parametrize("argv, actor, field", BAD_INPUT, ids=lambda v: str(v)[:40] if isinstance(v, list) else None)
def test_bad_input_exits_2_names_the_field_and_writes_nothing(served: FD, argv: list[str], actor: str,
                                                              field: str) -> None:
    before = served.counts()
    code, out, err = served(*argv, as_=actor, at=LATER)
    e = assert_error(code, err, 2, error_code="bad_input", field=field)
    assert "rule" not in e or e["rule"]
    assert out == ""
    assert served.counts() == before


def test_bad_clock_is_bad_input(served: FD) -> None:
    before = served.counts()
    for when in ("yesterday", "2026-13-01 10:00", "01/11/2026 10:00"):
        code, out, err = served("visit", "--phone", P3, as_=PM, at=when)
        assert_error(code, err, 2, error_code="bad_input", field="at")
        assert out == ""
    assert served.counts() == before


def test_greeter_script_that_is_not_json_is_bad_input(served: FD) -> None:
    before = served.counts()
    try:
        code, _, err = served("settings", "greeter_script", "not json", as_=PM, at=LATER)
    except ValueError as exc:  # the crash escapes main() in-process
        pytest.fail(f"uncaught {type(exc).__name__}: {exc}")
    assert_error(code, err, 2, error_code="bad_input", field="greeter_script")
    assert served.counts() == before


REFUSED = [
    # (argv, actor, rule)
    (["roster", "set", LI, ZHANG], LI, "R3"),
    (["roster", "away", ZHANG], LI, "R3"),
    (["followup", "--phone", P2, "--outcome", "reached"], LI, "R2.1"),  # 张伟's client
    (["followup", "--phone", P1, "--outcome", "reached"], LIU, "R3.4"),  # 刘洋 received P1 on duty
    (["crossing", "decide", "1", "--winner", ZHANG], ZHANG, "R4"),
    (["crossing", "decide", "1", "--none"], LIU, "R4"),
    (["staff", "add", "新人", "--role", "advisor"], LI, "R2.1"),
    (["staff", "transfer", ZHANG, "--to", "P1"], LI, "R6"),
    (["link", "--phone", P1, "--phone", P3, "--relation", "spouse"], LI, "R2.5"),
    (["followup", "verify", "1"], LI, "R2.2"),
    (["settings", "protection_days", "5"], LI, "R2.2"),
    (["settings", "protection_days", "15"], PM, "R2.2"),  # no GM approval
    (["trainee", "pass", CHEN, "--score", "90"], LI, "R5.3"),
    (["trainee", "pass", CHEN, "--score", "90"], PM, "R5.3"),  # not a week on site yet
    (["visit", "--phone", P3, "--assign", LIU], LI, "R3"),
    (["visit", "--phone", P3], CHEN, "R5.3"),
    (["call", "--phone", P3], CHEN, "R5.3"),
    (["history", "--phone", P2], LI, "R2.1"),
    (["call", "--phone", P3, "--referred-by", P2], LI, "R2.4"),
]


@pytest.mark.parametrize("argv, actor, rule", REFUSED, ids=lambda v: str(v)[:40] if isinstance(v, list) else None)
def test_refusal_exits_1_names_the_rule_and_writes_nothing(served: FD, argv: list[str], actor: str, rule: str) -> None:
    before = served.counts()
    code, out, err = served(*argv, as_=actor, at=LATER)
    e = assert_error(code, err, 1, error_code="refused", rule=rule)
    assert e["message"].startswith(rule)
    assert out == ""
    assert served.counts() == before


def test_a_refused_visit_leaves_the_rotation_alone(served: FD) -> None:
    before = served.ok("roster", "show", at=LATER)
    served("visit", "--phone", P3, "--assign", LIU, as_=LI, at=LATER)
    served("visit", "--phone", "abc", as_=PM, at=LATER)
    assert served.ok("roster", "show", at=LATER) == before
    assert served.ok("verify")["ok"] is True


# --- global options ------------------------------------------------------------------------------------

def test_global_options_after_the_command(office: FD) -> None:
    code, out, err = run_cli(["visit", "--phone", P1, "--json", "--as", PM, "--at", T0, "--db", str(office.db),
                              "--lang", "en"])
    assert code == 0, err
    assert out["route"] == "rotation" and out["advisor"] == LI and out["entry"] == 1
    code, out, err = run_cli(["owner", "--phone", P1, "--as=" + PM, "--at=2026-11-08 10:00", "--json",
                              "--db=" + str(office.db)])
    assert code == 0, err
    assert out["owner"] == LI and out["protected_through"] == "2026-11-08"
    # mixed: some before, some after
    code, out, err = run_cli(["--db", str(office.db), "roster", "show", "--json", "--at", T0, "--as", PM])
    assert code == 0, err
    assert out["next"] == ZHANG


def test_global_options_from_the_environment(office: FD, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRONTDESK_DB", str(office.db))
    monkeypatch.setenv("FRONTDESK_USER", PM)
    monkeypatch.setenv("FRONTDESK_NOW", T0)
    code, out, err = run_cli(["--json", "visit", "--phone", P1])
    assert code == 0, err
    assert out["advisor"] == LI
    monkeypatch.setenv("FRONTDESK_NOW", "2026-11-09 10:00")
    code, out, err = run_cli(["--json", "owner", "--phone", P1])
    assert code == 0, err
    assert out["owner"] is None
    monkeypatch.setenv("FRONTDESK_PROJECT", "P1")
    assert run_cli(["--json", "settings"])[1]["protection_days"] == 7


def test_project_option_chooses_among_several(office: FD) -> None:
    office.ok("init", "--project", "P2", "--name", "第二期", as_=PM)
    code, _, err = office("settings", as_="")  # nobody acting: refused before any project is chosen
    assert_error(code, err, 1, error_code="refused", rule="R2.1")
    office.ok("--project", "P2", "staff", "add", "赵经理", "--role", "pm", as_=PM)
    assert office.ok("--project", "P2", "settings", as_="赵经理")["protection_days"] == 7
    code, _, err = office("--project", "NOPE", "settings")
    assert_error(code, err, 2, error_code="bad_input", field="project")
    # an advisor of P1 acting in P2 is refused
    code, _, err = office("--project", "P2", "visit", "--phone", P1, as_=LI, at=T0)
    assert_error(code, err, 1, error_code="refused", rule="R1.1")


def test_without_json_output_is_text_and_errors_go_to_stderr(office: FD) -> None:
    code, out, err = office("visit", "--phone", P1, json=False, as_=PM, at=T0)
    assert code == 0
    assert isinstance(out, str) and LI in out and "rotation" in out
    code, out, err = office("visit", "--phone", "abc", json=False, as_=PM, at=T0)
    assert code == 2
    assert out == "" and isinstance(err, str) and "phone" in err
    code, out, err = office("roster", "set", LI, json=False, as_=LI, at=T0)
    assert code == 1 and "R3" in err


def test_usage_errors_under_json(office: FD) -> None:
    for argv in (["nosuchcommand"], ["visit", "--phone", P1, "--bogus"], ["staff", "add", "x"]):
        code, out, err = office(*argv, as_=PM, at=T0)
        assert_error(code, err, 2, error_code="bad_input")
        assert out == ""
    assert row_counts(office.db)["registerentry"] == 0


def test_reasons_in_chinese_still_cite_rules(office: FD) -> None:
    out = office.ok("visit", "--phone", P1, as_=PM, at=T0, lang="zh_CN")
    assert all(r.startswith("R") for r in out["reasons"])
    assert any("李娜" in r for r in out["reasons"])


def test_a_fresh_database_file_is_created_on_init(tmp_path: Path) -> None:
    db = tmp_path / "sub" / "new.db"
    code, out, err = run_cli(["--db", str(db), "--json", "init", "--project", "Z9", "--name", "新项目"])
    assert code == 0, err
    assert db.exists() and out["project"] == "Z9"
