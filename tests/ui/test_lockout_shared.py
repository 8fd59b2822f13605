"""The app's sign-in and the command line share one lockout (SPEC "Who is acting"): wrong PINs
typed at one count at the other, on the same database file."""

from __future__ import annotations

import contextlib
import io
import json

from frontdesk.cli import main
from frontdesk.services import Services
from frontdesk.ui.app import make_app
from frontdesk.ui.screens.signin import SignInScreen

from .conftest import LI, PILOT_SIZE, PINS, ZHANG, settle
from .test_signin import enter_pin, pick


def cli(db: object, name: str, pin: str) -> tuple[int, dict]:
    """`frontdesk --as NAME --pin PIN inbox` in-process: (exit code, the error object or {})."""
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        try:
            main(["--db", str(db), "--json", "--lang", "en", "--as", name, "--pin", pin, "inbox"])
        except SystemExit as exc:
            code = int(exc.code or 0)
    return code, (json.loads(err.getvalue())["error"] if err.getvalue().strip() else {})


async def test_wrong_pins_on_the_command_line_lock_the_sign_in(sv: Services, db_path, monkeypatch) -> None:  # noqa: ANN001
    for k in ("FRONTDESK_DB", "FRONTDESK_USER", "FRONTDESK_PIN", "FRONTDESK_NOW"):
        monkeypatch.delenv(k, raising=False)
    assert cli(db_path, LI, PINS[LI])[0] == 0
    got = [cli(db_path, LI, "0000") for _ in range(5)]
    assert [(code, e["reason"]) for code, e in got] == [(1, "wrong_pin")] * 4 + [(1, "pin_locked")]
    app = make_app(sv, lang="en")
    async with app.run_test(size=PILOT_SIZE) as pilot:
        await settle(pilot)
        await pick(pilot, LI)
        said = await enter_pin(pilot, PINS[LI])
        assert "locked until" in said and "(real time)" in said
        assert isinstance(app.screen, SignInScreen) and app.user is None


async def test_wrong_pins_at_the_sign_in_lock_the_command_line(sv: Services, db_path, monkeypatch) -> None:  # noqa: ANN001
    for k in ("FRONTDESK_DB", "FRONTDESK_USER", "FRONTDESK_PIN", "FRONTDESK_NOW"):
        monkeypatch.delenv(k, raising=False)
    app = make_app(sv, lang="en")
    async with app.run_test(size=PILOT_SIZE) as pilot:
        await settle(pilot)
        await pick(pilot, ZHANG)
        said = [await enter_pin(pilot, "0000") for _ in range(5)]
        assert "tries left" in said[0] and "(real time)" in said[4]
    code, err = cli(db_path, ZHANG, PINS[ZHANG])
    assert (code, err["rule"], err["reason"]) == (1, "R2.1", "pin_locked")
    assert cli(db_path, LI, PINS[LI])[0] == 0  # another name is not touched


async def test_the_people_tab_says_who_is_locked_and_u_unlocks(sv: Services) -> None:
    from frontdesk.services import Refused

    from .conftest import PM, text
    from .consolekit import console_app, open_console, point_at

    for _ in range(5):
        try:
            sv.desk.sign_in(LI, "0000")
        except Refused:
            pass
    app = console_app(sv)
    async with app.run_test(size=PILOT_SIZE) as pilot:
        pane = await open_console(pilot, "people")
        await settle(pilot)
        said = text(pane.query_one(".pane-detail"))
        assert "Locked by wrong PINs" in said and LI in said and "(real time)" in said
        await pilot.press("l")
        await settle(pilot)
        log = text(pane.query_one(".pane-detail"))
        assert log.count("wrong PIN") == 5 and "signin" in log
        point_at(pane, LI)
        await pilot.press("u")
        await settle(pilot, 4)
        assert text(pane.query_one(".pane-detail")) == ""
    assert sv.desk.sign_in(LI, PINS[LI])["name"] == LI
    assert sv.identity.lockouts(actor=PM)["events"][0]["by"] == PM
