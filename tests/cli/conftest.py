"""End-to-end tests of the command line (docs/cli.md), driven in-process.

`fd(*args)` runs `frontdesk.cli.main([...])` exactly as the console script would, with
`--db <this test's file>` and (unless json=False) `--json`, and returns
`(exit_code, stdout, stderr)` — each output parsed as JSON when it is JSON, else the text.

The office (project P1 "滨江花园"), built once per session *through the CLI itself* on
2026-11-01 09:00 (Asia/Shanghai) and copied for each test:

    郭总    GM, PIN 8642 (the first staff member: only a GM makes a GM, R2.2; not on the roster)
    王经理  PM, PIN 2468 (added by the GM; not on the roster)
    李娜    advisor        rotation order as the PM set it: 李娜, 张伟, 刘洋, 小陈
    张伟    advisor
    刘洋    advisor
    小陈    trainee in induction (shadow), mentor 李娜, joined 2026-11-01

Who is acting is proven (SPEC "Who is acting"): every command line goes through
`pins.supply` (tests/pins.py), which adds the acting person's PIN (`--as`, or FRONTDESK_USER),
gives staff added without `--pin` the test PIN 1234 and remembers the PINs set with
`staff add … --pin P` and `staff pin NAME P`. `pin=False` runs the line as given. A call that
names nobody acts as the PM 王经理 (`as_=""`: nobody, no --as at all).
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Any, Callable

import pins
import pytest
from dbkit import Db, copy_db, new_db, table_counts
from dbkit import checkpoint as checkpoint

from frontdesk.cli import main

PROJECT = "P1"
PM, LI, ZHANG, LIU, CHEN = "王经理", "李娜", "张伟", "刘洋", "小陈"
ADVISORS = [LI, ZHANG, LIU]
PM_PIN = "2468"
GM, GM_PIN = "郭总", "8642"
ORDER = [LI, ZHANG, LIU, CHEN]
SETUP_AT = "2026-11-01 09:00"
T0 = "2026-11-01 10:00"

# valid mainland mobiles
P1 = "13800138000"
P2 = "13800138001"
P3 = "13800138002"
P4 = "13800138003"
P5 = "13800138004"

COUNTED = ("registerentry", "client", "followup", "notification", "staff")

_ENV = ("FRONTDESK_DB", "FRONTDESK_NOW", "FRONTDESK_USER", "FRONTDESK_PROJECT", "FRONTDESK_WITNESS_PIN",
        "FRONTDESK_PIN")


def _parse(text: str) -> Any:
    s = text.strip()
    if not s:
        return s
    try:
        return json.loads(s)
    except ValueError:
        return text


def run_cli(argv: list[str], pin: bool = True) -> tuple[int, Any, Any]:
    """main(argv) in-process: (exit code, stdout, stderr), outputs JSON-parsed when possible.
    `pin`: fill in the PINs (tests/pins.py); False runs the line exactly as given."""
    remember: Callable[[int], None] = lambda code: None  # noqa: E731
    if pin:
        argv, remember = pins.supply(argv)
    out, err = io.StringIO(), io.StringIO()
    code: Any = None
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(argv)
        except SystemExit as exc:
            code = exc.code
        else:  # main() always exits
            raise AssertionError(f"main({argv!r}) returned without SystemExit")
    if code is None:
        code = 0
    remember(int(code))
    return int(code), _parse(out.getvalue()), _parse(err.getvalue())


class FD:
    """The CLI bound to one database (a SQLite file, or a PostgreSQL database: tests/dbkit.py)."""

    def __init__(self, db: Db, acting: str | None = PM):
        self.db = db
        self.acting = acting  # who acts when a call names nobody (the office: the PM)

    def __call__(self, *args: str, json: bool = True, as_: str | None = None, at: str | None = None,
                 lang: str | None = "en", pin: bool = True) -> tuple[int, Any, Any]:
        argv = ["--db", str(self.db)]
        if json:
            argv.append("--json")
        if lang:
            argv += ["--lang", lang]
        words = [str(a) for a in args]
        if as_ is None and not any(a == "--as" or a.startswith("--as=") for a in words):
            as_ = self.acting
        if as_:
            argv += ["--as", as_]
        if at is not None:
            argv += ["--at", at]
        return run_cli(argv + words, pin=pin)

    def ok(self, *args: str, **kw: Any) -> Any:
        """Run and insist on exit 0; the parsed stdout."""
        code, out, err = self(*args, **kw)
        assert code == 0, f"{args}: exit {code}\nstdout: {out}\nstderr: {err}"
        return out

    def counts(self) -> dict[str, int]:
        return row_counts(self.db)


def row_counts(db: Db, tables: tuple[str, ...] = COUNTED) -> dict[str, int]:
    return table_counts(db, tables)


def assert_error(code: int, err: Any, exit_code: int, *, error_code: str | None = None,
                 field: str | None = None, rule: str | None = None) -> dict[str, Any]:
    """The contract's failure: a non-zero exit and one JSON object {"error": {...}} on stderr."""
    assert code == exit_code, f"exit {code}, expected {exit_code}; stderr: {err}"
    assert isinstance(err, dict) and set(err) == {"error"}, f"stderr is not one JSON error object: {err!r}"
    e = err["error"]
    assert isinstance(e.get("code"), str) and e["code"]
    assert isinstance(e.get("message"), str) and e["message"]
    if error_code is not None:
        assert e["code"] == error_code, e
    if field is not None:
        assert e.get("field") == field, e
    if rule is not None:
        assert e.get("rule") == rule, e
    return e


def assert_reasons(reasons: Any) -> None:
    assert isinstance(reasons, list) and reasons, reasons
    for r in reasons:
        assert isinstance(r, str) and r.startswith("R"), r


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No FRONTDESK_* from the caller's shell; a fixed language for the words."""
    for k in _ENV:
        monkeypatch.delenv(k, raising=False)
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    monkeypatch.setenv("LANG", "C.UTF-8")


def build_office(db: Path) -> None:
    fd = FD(db)
    fd.ok("init", "--project", PROJECT, "--name", "滨江花园", at=SETUP_AT)
    fd.ok("staff", "add", GM, "--role", "gm", "--pin", GM_PIN, at=SETUP_AT)  # bootstrap: no --as needed
    fd.ok("staff", "add", PM, "--role", "pm", "--pin", PM_PIN, as_=GM, at=SETUP_AT)
    for a in ADVISORS:
        fd.ok("staff", "add", a, "--role", "advisor", as_=PM, at=SETUP_AT)
    fd.ok("staff", "add", CHEN, "--role", "trainee", "--mentor", LI, as_=PM, at=SETUP_AT)
    fd.ok("roster", "set", *ORDER, as_=PM, at=SETUP_AT)
    checkpoint(db)


@pytest.fixture(scope="session")
def office_template(tmp_path_factory: pytest.TempPathFactory) -> Db:
    path = new_db(tmp_path_factory.mktemp("template") / "office.db", keep=True)
    with pytest.MonkeyPatch.context() as mp:
        for k in _ENV:
            mp.delenv(k, raising=False)
        build_office(path)
    return path


def derive_template(base: Db, path: Path, build: Callable[[FD], None]) -> Db:
    """A session template: a copy of `base` with `build` run on it through the CLI."""
    path = copy_db(base, path, keep=True)
    with pytest.MonkeyPatch.context() as mp:
        for k in _ENV:
            mp.delenv(k, raising=False)
        build(FD(path))
    checkpoint(path)
    return path


@pytest.fixture
def office(office_template: Db, tmp_path: Path) -> FD:
    """The office above, a fresh copy for this test."""
    return FD(copy_db(office_template, tmp_path / "office.db"))


@pytest.fixture
def fd(tmp_path: Path) -> FD:
    """The CLI on an empty database (file)."""
    return FD(new_db(tmp_path / "empty.db"))


@pytest.fixture
def unchanged() -> Callable[[FD], Any]:
    """with unchanged(office): ... — asserts the counted tables keep their row counts."""
    @contextlib.contextmanager
    def check(f: FD):  # noqa: ANN202
        before = f.counts()
        yield before
        assert f.counts() == before

    return check
