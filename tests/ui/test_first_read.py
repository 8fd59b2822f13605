"""The desk opened by `frontdesk --as NAME --pin P`: the PIN proves, then the desk, its data read
ahead by a forked copy of the process (frontdesk.ui.firstread) while the app starts; where there
is no fork, the app proves the PIN itself. A wrong PIN opens the sign-in on that name, counted once."""

from __future__ import annotations

import json
import pickle
import sqlite3
import subprocess
import sys
import textwrap
import threading
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, AsyncIterator

import pytest
from textual.widgets import Input, OptionList, Static

from frontdesk.rules.reasons import Reason
from frontdesk.services import Services
from frontdesk.services.errors import BadInput, Refused
from frontdesk.ui.app import make_app
from frontdesk.ui.firstread import FirstRead, desk_view
from frontdesk.ui.screens.desk import DeskScreen
from frontdesk.ui.screens.signin import SignInScreen

from .conftest import LI, NEW_PHONE, NOW, PILOT_SIZE, PINS, PM, open_office, settle, text

# the door as the command line takes it, in a process of its own (fork needs a single thread)
CHILD = textwrap.dedent("""
    import json, sys
    db, name, pin, now = sys.argv[1:5]

    def factory():
        from frontdesk.services import Clock, open_services
        from frontdesk.services.clock import parse_local
        return open_services(db, Clock(parse_local(now)))

    from frontdesk.ui.firstread import FirstRead
    first = FirstRead.start(factory, name, pin, None)
    from frontdesk.ui.app import make_app
    from frontdesk.ui.screens.desk import DeskScreen
    from frontdesk.ui.screens.signin import SignInScreen

    out = {"forked": first is not None}
    watch = DeskScreen.watch_data

    def painted(self, data):
        watch(self, data)
        if data is not None and "desk" not in out:
            r = data["roster"]
            out["desk"] = {"next": r["next"], "order": r["order"], "away": r["away"],
                           "visits": [v["entry"] for v in data["visits"]], "calls": [c["entry"] for c in data["calls"]],
                           "unread": data["inbox"]["unread"]}
            out["user"] = [self.app.user["name"], self.app.user["role"]]
            out["sqlalchemy_before_paint"] = "sqlalchemy" in sys.modules
            self.app.exit()

    mount = SignInScreen.on_mount

    def signin(self):
        mount(self)
        out["signin"] = {"preset": self.preset, "error": self.error}
        self.app.exit()

    DeskScreen.watch_data = painted
    SignInScreen.on_mount = signin
    app = make_app(factory, lang="en", sign_in=(name, pin), first_read=first)
    app.run(headless=True)
    print(json.dumps(out, ensure_ascii=False))
""")


def open_desk(db: Path, name: str, pin: str) -> dict[str, Any]:
    p = subprocess.run([sys.executable, "-c", CHILD, str(db), name, pin, NOW], capture_output=True, text=True,
                       timeout=120)
    assert p.returncode == 0, p.stderr[-3000:]
    return json.loads(p.stdout.strip().splitlines()[-1])


def failures(db: Path) -> int:
    with sqlite3.connect(db) as con:
        return con.execute("SELECT count(*) FROM pinevent WHERE kind = 'failure'").fetchone()[0]


def test_the_desk_paints_what_the_forked_reader_read(db_path: Path) -> None:
    sv = open_office(db_path)
    try:
        sv.reception.visit(NEW_PHONE, name="钱七", actor=PM)  # today's register has a page to show
    finally:
        sv.close()
    out = open_desk(db_path, PM, PINS[PM])
    assert out["forked"] is True
    assert out["user"] == [PM, "pm"]
    # painted before the app had imported SQLAlchemy: the data came through the pipe, not its own services
    assert out["sqlalchemy_before_paint"] is False
    sv = open_office(db_path)
    try:
        view = desk_view(sv, PM, None)  # the desk's own read, after the fact: the same desk
    finally:
        sv.close()
    r = view["roster"]
    assert out["desk"] == {"next": r["next"], "order": r["order"], "away": r["away"],
                           "visits": [v["entry"] for v in view["visits"]], "calls": [c["entry"] for c in view["calls"]],
                           "unread": view["inbox"]["unread"]}
    assert len(r["order"]) >= 5 and len(out["desk"]["visits"]) == 1


def test_a_wrong_pin_opens_the_sign_in_on_that_name_and_counts_once(db_path: Path) -> None:
    before = failures(db_path)
    out = open_desk(db_path, LI, "0000")
    assert out["forked"] is True and "desk" not in out
    assert out["signin"]["preset"] == LI
    assert "R2.1" in out["signin"]["error"] and "tries left" in out["signin"]["error"]
    assert failures(db_path) == before + 1  # the reader's refusal is the only one: the app did not try again


def test_an_unknown_name_says_so_on_the_sign_in(db_path: Path) -> None:
    out = open_desk(db_path, "无此人", "1234")
    assert "desk" not in out and "no staff member" in out["signin"]["error"]


def test_no_fork_while_another_thread_runs() -> None:
    stop = threading.Event()
    t = threading.Thread(target=stop.wait)
    t.start()
    try:
        assert FirstRead.start(lambda: None, PM, "1234", None) is None
    finally:
        stop.set()
        t.join()


def test_no_fork_when_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRONTDESK_FIRST_READ", "0")
    assert FirstRead.start(lambda: None, PM, "1234", None) is None


@pytest.mark.parametrize("exc", [Refused(Reason("R2.1", "pin_wrong", {"name": LI, "left": 4}), "wrong PIN"),
                                 BadInput("as", "no staff member named 'x'")])
def test_a_services_error_crosses_the_pipe_whole(exc: Exception) -> None:
    back = pickle.loads(pickle.dumps(exc))
    assert type(back) is type(exc) and str(back) == str(exc) and back.__dict__ == exc.__dict__


class Held:
    """A first read that has not answered yet (the test says when), then answers nothing: the
    app proves the PIN itself, as where there is no fork."""

    def __init__(self) -> None:
        self.release = threading.Event()

    def take(self, timeout: float = 60.0) -> None:
        self.release.wait(timeout)
        return None

    def close(self) -> None:
        self.release.set()


def factory_on(db_path: Path, built: list[Services]):  # noqa: ANN201
    def factory() -> Services:
        built.append(open_office(db_path))
        return built[-1]
    return factory


@asynccontextmanager
async def waiting_desk(db_path: Path) -> AsyncIterator[tuple[Any, Any, Held]]:
    """The app opened on LI's name and PIN, its first read held: (app, pilot, held), paused once
    (not settle(): it would wait for the services' worker, which is held)."""
    built: list[Services] = []
    held = Held()
    app = make_app(factory_on(db_path, built), lang="en", sign_in=(LI, PINS[LI]), first_read=held)  # type: ignore[arg-type]
    try:
        async with app.run_test(size=PILOT_SIZE) as pilot:
            await pilot.pause()
            yield app, pilot, held
    finally:
        held.release.set()
        for s in built:
            s.close()


async def test_the_waiting_desk_has_its_keys_off_until_the_pin_proves(db_path: Path) -> None:
    async with waiting_desk(db_path) as (app, pilot, held):
        assert isinstance(app.screen, DeskScreen) and app.user is None
        assert f"Signing in as {LI}" in text(app.screen.query_one("#desk-bar", Static))
        await pilot.press("n")  # a new walk-in: not before the PIN proves
        await pilot.pause()
        assert isinstance(app.screen, DeskScreen) and app.screen.data is None and app.user is None
        held.release.set()
        for _ in range(100):
            await settle(pilot)
            if app.screen.data is not None:
                break
        assert app.user["name"] == LI and app.user["role"] == "advisor"
        assert f"{LI} (advisor)" in text(app.screen.query_one("#desk-bar", Static))
        await pilot.press("n")
        await settle(pilot)
        assert type(app.screen).__name__ == "GreeterScreen"


async def test_without_a_first_read_a_wrong_pin_opens_the_sign_in(db_path: Path) -> None:
    built: list[Services] = []
    app = make_app(factory_on(db_path, built), lang="en", sign_in=(LI, "0000"))
    try:
        async with app.run_test(size=PILOT_SIZE) as pilot:
            for _ in range(100):
                await settle(pilot)
                if isinstance(app.screen, SignInScreen) and app.screen.query_one("#signin-names", OptionList).option_count:
                    break
            assert isinstance(app.screen, SignInScreen) and app.user is None
            assert "R2.1" in text(app.screen.query_one("#signin-error", Static))
            names = app.screen.query_one("#signin-names", OptionList)
            assert names.get_option_at_index(names.highlighted).id == LI
            assert app.focused is app.screen.query_one("#signin-pin", Input)
        assert failures(db_path) == 1
    finally:
        for s in built:
            s.close()


async def test_a_name_without_a_pin_opens_the_sign_in_on_that_name(sv: Services) -> None:
    app = make_app(sv, lang="en", sign_in=(LI, None))
    async with app.run_test(size=PILOT_SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        names = app.screen.query_one("#signin-names", OptionList)
        assert names.get_option_at_index(names.highlighted).id == LI
        assert app.focused is app.screen.query_one("#signin-pin", Input)
        assert text(app.screen.query_one("#signin-error", Static)) == ""


async def test_injected_services_prove_the_pin_too(sv: Services) -> None:
    app = make_app(sv, lang="en", sign_in=(PM, PINS[PM]))
    async with app.run_test(size=PILOT_SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen) and app.user["name"] == PM and app.user["role"] == "pm"
    wrong = make_app(sv, lang="en", sign_in=(PM, "0000"))
    async with wrong.run_test(size=PILOT_SIZE) as pilot:
        await settle(pilot)
        assert isinstance(wrong.screen, SignInScreen) and wrong.user is None
        assert "R2.1" in text(wrong.screen.query_one("#signin-error", Static))


@pytest.mark.parametrize("argv, expected", [
    (["--as", LI, "--pin", PINS[LI]], (LI, PINS[LI])),
    (["--as", LI], (LI, None)),
    ([], None),
])
def test_the_command_line_gives_the_app_its_name_and_pin(db_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          argv: list[str], expected: tuple | None) -> None:
    import frontdesk.ui.app
    from frontdesk.cli import main

    seen: dict[str, Any] = {}

    class Ran:
        start_error = None

        def run(self) -> None:
            seen["ran"] = True

    def fake(services, **kw):  # noqa: ANN001, ANN202
        seen.update(kw)
        return Ran()

    monkeypatch.delenv("FRONTDESK_USER", raising=False)
    monkeypatch.delenv("FRONTDESK_PIN", raising=False)
    monkeypatch.setenv("FRONTDESK_FIRST_READ", "0")  # no fork inside the test runner
    monkeypatch.setattr(frontdesk.ui.app, "make_app", fake)
    try:
        main(["--db", str(db_path), *argv])
    except SystemExit as exc:
        assert exc.code in (0, None)
    assert seen["ran"] and seen["sign_in"] == expected and seen["first_read"] is None


async def test_switch_user_while_waiting_keeps_the_sign_in(db_path: Path) -> None:
    """`s` on the waiting desk goes to the sign-in; the PIN's proof arriving later signs no one in."""
    async with waiting_desk(db_path) as (app, pilot, held):
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)
        held.release.set()  # the app now proves the PIN itself, and finds no one waiting
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen) and app.user is None
