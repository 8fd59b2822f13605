"""Who is acting, proven on the command line (SPEC "Who is acting", docs/cli.md `--pin`): every
command, reads included, needs the acting person's PIN; a wrong one is logged in the office's
lockout and counts; only the first init, the first staff member and the demo run unsigned."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from dbkit import ON_PG, rows

from .conftest import LI, P1, PM, PM_PIN, T0, FD, assert_error

READS = [("history", "--phone", P1), ("owner", "--phone", P1), ("inbox",), ("roster", "show"), ("staff", "list"),
         ("settings",), ("report",), ("verify",), ("deals",), ("crossing", "list"), ("staff", "lockouts")]


def pin_events(f: FD) -> list[tuple]:
    return rows(f.db, "SELECT name, kind, door, terminal FROM pinevent ORDER BY id")


@pytest.mark.parametrize("cmd", [("visit", "--phone", P1), *READS], ids=lambda c: " ".join(c[:2]))
def test_no_pin_no_command(office: FD, cmd: tuple[str, ...]) -> None:
    before = office.counts()
    code, out, err = office(*cmd, as_=PM, at=T0, pin=False)
    e = assert_error(code, err, 1, error_code="refused", rule="R2.1")
    assert e["reason"] == "pin_required" and out == ""
    assert office.counts() == before and pin_events(office) == []


def test_nobody_acting_is_refused_reads_included(office: FD) -> None:
    for cmd in (("history", "--phone", P1), ("staff", "list"), ("verify",)):
        code, _, err = office(*cmd, as_="", pin=False)
        assert assert_error(code, err, 1, rule="R2.1")["reason"] == "who_is_acting"


def test_a_wrong_pin_is_refused_logged_and_counts(office: FD) -> None:
    for left in (4, 3, 2, 1):
        code, _, err = office("--pin", "0000", "history", "--phone", P1, as_=PM, pin=False)
        e = assert_error(code, err, 1, rule="R2.1")
        assert e["reason"] == "wrong_pin" and f"{left} tries left" in e["message"]
    code, _, err = office("--pin", "0000", "staff", "list", as_=PM, pin=False)
    assert assert_error(code, err, 1, rule="R2.1")["reason"] == "pin_locked"
    code, _, err = office("staff", "list", as_=PM)  # the right PIN, now locked out
    assert assert_error(code, err, 1, rule="R2.1")["reason"] == "pin_locked"
    got = pin_events(office)
    assert [(n, k, d) for n, k, d, _ in got] == [(PM, "failure", "cli")] * 5 + [(PM, "locked", "cli")]
    assert all(f"pid:" in t for *_, t in got)


def test_the_pin_can_stand_anywhere_or_come_from_the_environment(office: FD, monkeypatch) -> None:  # noqa: ANN001
    assert office.ok("roster", "show", "--pin", PM_PIN, as_=PM, pin=False)["next"] == LI
    assert office.ok("--pin=" + PM_PIN, "roster", "show", as_=PM, pin=False)["next"] == LI
    monkeypatch.setenv("FRONTDESK_PIN", PM_PIN)
    assert office.ok("roster", "show", as_=PM, pin=False)["next"] == LI


def test_staff_add_pin_is_the_new_members(office: FD, monkeypatch) -> None:  # noqa: ANN001
    """`--pin` after `staff add` is the new member's PIN; the PM's own comes before the command."""
    office.ok("--pin", PM_PIN, "staff", "add", "赵敏", "--role", "advisor", "--pin", "5791", as_=PM, pin=False)
    monkeypatch.setenv("FRONTDESK_PIN", PM_PIN)
    office.ok("staff", "add", "钱多", "--role", "advisor", "--pin", "8642", as_=PM, pin=False)
    monkeypatch.delenv("FRONTDESK_PIN")
    assert office.ok("--pin", "5791", "inbox", as_="赵敏", pin=False)["items"] == []
    assert office.ok("inbox", "--pin", "8642", as_="钱多", pin=False)["items"] == []
    # without the PM's own PIN the new member's --pin proves nothing
    code, _, err = office("staff", "add", "孙丽", "--role", "advisor", "--pin", "1111", as_=PM, pin=False)
    assert assert_error(code, err, 1, rule="R2.1")["reason"] == "pin_required"


def test_a_hidden_prompt_on_a_terminal(office: FD, monkeypatch) -> None:  # noqa: ANN001
    import getpass
    import importlib

    cli_app = importlib.import_module("frontdesk.cli.app")  # the module (frontdesk.cli.app is also the Typer)

    asked: list[str] = []
    monkeypatch.setattr(cli_app, "_on_a_terminal", lambda: True)
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": asked.append(prompt) or PM_PIN)
    assert office.ok("roster", "show", as_=PM, pin=False)["next"] == LI
    assert asked == [f"PIN for {PM}: "]


def test_the_bootstrap_exceptions(fd: FD) -> None:
    """docs/cli.md: the first init and the first staff member of an empty database run unsigned."""
    fd.ok("init", "--project", "P1", "--name", "滨江花园", as_="", pin=False)
    code, _, err = fd("staff", "add", PM, "--role", "pm", as_="", pin=False)  # must set their own PIN
    assert_error(code, err, 2, field="pin")
    code, _, err = fd("staff", "add", "李四", "--role", "advisor", "--pin", "2468", as_="", pin=False)
    assert_error(code, err, 2, field="role")
    fd.ok("staff", "add", PM, "--role", "pm", "--pin", PM_PIN, as_="", pin=False)
    # from now on: a signed person only
    code, _, err = fd("staff", "add", "黑客", "--role", "pm", "--pin", "2468", as_="", pin=False)
    assert assert_error(code, err, 1, rule="R2.1")["reason"] == "who_is_acting"
    code, _, err = fd("init", "--project", "P2", "--name", "second", as_="", pin=False)
    assert assert_error(code, err, 1, rule="R2.1")["reason"] == "who_is_acting"
    assert fd.ok("--pin", PM_PIN, "init", "--project", "P2", "--name", "second", as_=PM, pin=False)["project"] == "P2"


@pytest.mark.skipif(ON_PG, reason="the demo makes its own SQLite file")
def test_the_demo_needs_no_pin(tmp_path: Path) -> None:
    demo = FD(tmp_path / "demo.db", acting=None)
    assert "roster" in demo.ok("demo", "--print", as_="", pin=False)


def test_the_pm_sees_the_log_and_unlocks(office: FD) -> None:
    for _ in range(5):
        office("--pin", "9999", "inbox", as_=LI, pin=False)
    seen = office.ok("staff", "lockouts")
    assert set(seen) == {"locked", "events"}
    assert [(x["name"], x["failures"]) for x in seen["locked"]] == [(LI, 5)]
    assert set(seen["events"][0]) == {"at", "name", "kind", "door", "terminal", "by"}
    assert seen["events"][0]["at"].endswith("+08:00")
    code, _, err = office("staff", "lockouts", as_=LI)
    assert_error(code, err, 1, rule="R2.1")  # locked, and not the PM's anyway
    code, _, err = office("staff", "unlock", PM, as_="张伟")
    assert_error(code, err, 1, rule="R2.1")
    out = office.ok("staff", "unlock", LI)
    assert out["name"] == LI and out["by"] == PM and out["was_locked_until"] is not None
    assert office.ok("inbox", as_=LI)["items"] == []
    assert [e["kind"] for e in office.ok("staff", "lockouts")["events"][:1]] == ["unlock"]
    assert office.ok("staff", "lockouts", "--limit", "2")["events"].__len__() == 2
    code, _, err = office("staff", "lockouts", "--limit", "0")
    assert_error(code, err, 2, field="limit")


def _cli(db: object, *args: str) -> list[str]:
    return [sys.executable, "-c", "from frontdesk.cli import main; main()", "--db", str(db), "--json", *args]


def test_the_lockout_holds_across_processes(office: FD) -> None:
    """Five wrong PINs in one process lock the name in another (the lock is in the database)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FRONTDESK_")}
    env["PYTHONPATH"] = os.pathsep.join([str(Path(__file__).resolve().parents[2]), env.get("PYTHONPATH", "")])
    guesses = ("import sys\nfrom frontdesk.cli import main\ncodes = []\n"
               "for pin in ('1111', '2222', '3333', '4444', '5555'):\n"
               "    try:\n"
               f"        main(['--db', {str(office.db)!r}, '--json', '--as', {LI!r}, '--pin', pin, 'inbox'])\n"
               "    except SystemExit as e:\n"
               "        codes.append(e.code)\n"
               "print(codes)\n")
    first = subprocess.run([sys.executable, "-c", guesses], capture_output=True, text=True, env=env, timeout=120)
    assert first.stdout.strip() == "[1, 1, 1, 1, 1]", first.stderr[-2000:]
    second = subprocess.run(_cli(office.db, "--as", LI, "--pin", "1234", "inbox"), capture_output=True, text=True,
                            env=env, timeout=120)
    assert second.returncode == 1, second.stderr
    assert '"pin_locked"' in second.stderr
    terminals = {t for _, k, _, t in pin_events(office) if k == "failure"}
    assert len(terminals) == 1 and "pid:" in next(iter(terminals))
    assert [k for _, k, _, _ in pin_events(office)] == ["failure"] * 5 + ["locked"]
