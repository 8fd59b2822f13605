"""The office's first day in the app (issue 14): the setup, driven by keys at 80×24, in both
languages — each step, Esc back at each step, refused input, nothing written before the end,
and the desk signed in as the PM after it."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, OptionList

from frontdesk.services import Clock, Services, open_services
from frontdesk.services.clock import parse_local
from frontdesk.ui.app import make_app
from frontdesk.ui.screens.desk import DeskScreen
from frontdesk.ui.screens.setup import SetupScreen

from .conftest import LANGS, settle, text

SIZE = (80, 24)
NOW = "2026-12-01 09:00"
SAMPLE = Path(__file__).parents[2] / "data" / "sample-registers.csv"


class Factory:
    """The services of a database built on first use, as `frontdesk` does; closed at the end."""

    def __init__(self, path: Path):
        self.path = path
        self.built: list[Services] = []

    def __call__(self) -> Services:
        self.built.append(open_services(str(self.path), Clock(parse_local(NOW))))
        return self.built[-1]

    def close(self) -> None:
        for sv in self.built:
            sv.close()


def error(pilot: Pilot) -> str:
    return text(pilot.app.screen.query_one("#setup-error"))


def step(pilot: Pilot) -> str:
    screen = pilot.app.screen
    assert isinstance(screen, SetupScreen), pilot.app.screen_stack
    return ("project", "first", "team", "order", "confirm")[screen.step]


async def keys(pilot: Pilot, *typed: str) -> None:
    """Each argument is a key name, or text to type (anything longer than one character and not a key)."""
    for k in typed:
        if len(k) > 1 and k not in ("enter", "escape", "tab", "delete", "backspace", "down", "up", "left", "right",
                                    "ctrl+n", "ctrl+u"):
            await pilot.press(*k)
        else:
            await pilot.press(k)
    await settle(pilot)


async def clear(pilot: Pilot, field: str) -> None:
    pilot.app.screen.query_one(f"#{field}", Input).value = ""
    pilot.app.screen.query_one(f"#{field}", Input).focus()
    await settle(pilot)


def staff_rows(path: Path) -> list[tuple[Any, ...]]:
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT name, role, pin_hash IS NOT NULL FROM staff ORDER BY id").fetchall()
    finally:
        con.close()


@pytest.mark.parametrize("lang", LANGS)
async def test_the_whole_setup_with_esc_at_each_step_and_refused_input(tmp_path: Path, lang: str) -> None:
    db = tmp_path / "office" / "new.db"
    db.parent.mkdir()
    factory = Factory(db)
    app = make_app(factory, lang=lang, setup={"project": None})
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert step(pilot) == "project"
            # step 1: an empty name, then protection days 0 and 11, are refused with the rule
            await keys(pilot, "enter", "enter", "enter", "enter")
            assert step(pilot) == "project" and error(pilot)
            await keys(pilot, "和谐家园", "enter", "HX", "enter", "enter")
            for bad in ("0", "11"):
                await clear(pilot, "su-days")
                await keys(pilot, bad, "enter")
                assert step(pilot) == "project" and "R2.2" in error(pilot)
            await clear(pilot, "su-days")
            await keys(pilot, "5", "enter")
            assert step(pilot) == "first"
            await keys(pilot, "escape")  # Esc steps back, keeping what was typed
            assert step(pilot) == "project" and pilot.app.screen.query_one("#su-code", Input).value == "HX"
            await keys(pilot, "ctrl+n")
            # step 2: the two PINs must be the same
            await keys(pilot, "周经理", "enter", "enter", "2580", "enter", "2581", "enter")
            assert step(pilot) == "first" and "R2.1" in error(pilot)
            await clear(pilot, "su-first-pin2")
            await keys(pilot, "2580", "enter")
            assert step(pilot) == "team"
            await keys(pilot, "escape")
            assert step(pilot) == "first"
            await keys(pilot, "ctrl+n")
            # step 3: an advisor, a trainee without a mentor (refused), then with one
            await keys(pilot, "马丽", "enter", "enter", "enter", "1357", "enter", "1357", "enter")
            await keys(pilot, "小吴", "enter", "right", "enter", "enter", "8024", "enter", "8024", "enter")
            assert "R5.2" in error(pilot)
            await keys(pilot, "马丽", "enter", "8024", "enter", "8024", "enter")
            await keys(pilot, "高远", "enter", "enter", "enter", "enter", "enter")  # an advisor without a PIN yet
            team = pilot.app.screen.query_one("#su-team", OptionList)
            assert team.option_count == 3
            await keys(pilot, "enter")  # on the empty name: the next step
            assert step(pilot) == "order"
            await keys(pilot, "escape")
            assert step(pilot) == "team" and team.option_count == 3
            await keys(pilot, "enter")
            # step 4: 高远 first, 小吴 left out
            await keys(pilot, "down", "down", "u", "u", "down", "down", "x")
            await keys(pilot, "enter")
            assert step(pilot) == "confirm"
            summary = text(pilot.app.screen.query_one("#su-summary"))
            assert "高远 ▸ 马丽" in summary and "小吴" in summary and "HX" in summary
            await keys(pilot, "escape")
            assert step(pilot) == "order"
            await keys(pilot, "enter")
            assert not db.exists()  # nothing written, not even the file, before the confirmation
            await keys(pilot, "enter")
            for _ in range(50):
                await settle(pilot)
                if isinstance(pilot.app.screen, DeskScreen):
                    break
            assert isinstance(pilot.app.screen, DeskScreen)
            assert pilot.app.user["name"] == "周经理" and pilot.app.user["role"] == "pm"
        sv = factory.built[0]
        assert sv.roster.show(actor="周经理")["order"] == ["高远", "马丽"]
        assert sv.staff.settings(actor="周经理")["protection_days"] == 5
        assert staff_rows(db) == [("周经理", "pm", 1), ("马丽", "advisor", 1), ("小吴", "trainee", 1),
                                  ("高远", "advisor", 0)]
    finally:
        factory.close()


@pytest.mark.parametrize("lang", LANGS)
async def test_esc_on_the_first_step_quits_and_writes_nothing(tmp_path: Path, lang: str) -> None:
    db = tmp_path / "new.db"
    factory = Factory(db)
    app = make_app(factory, lang=lang, setup={"project": None})
    async with app.run_test(size=SIZE) as pilot:
        await keys(pilot, "和谐家园", "enter", "HX", "enter", "enter", "enter", "周经理", "escape")
        assert step(pilot) == "project"
        await keys(pilot, "escape")
        assert not app.is_running
    assert factory.built == [] and not db.exists()


async def test_a_project_without_staff_opens_the_setup_from_it_and_an_import_fills_the_rotation(
        tmp_path: Path) -> None:
    db = tmp_path / "office.db"
    sv = open_services(str(db), Clock(parse_local(NOW)))
    sv.staff.init("BJ", "滨江", protection_days=4)
    src = tmp_path / "registers.csv"
    shutil.copy(SAMPLE, src)
    app = make_app(sv, lang="en")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert step(pilot) == "project"
            assert pilot.app.screen.query_one("#su-code", Input).value == "BJ"
            assert pilot.app.screen.query_one("#su-days", Input).value == "4"
            await keys(pilot, "ctrl+n", "王经理", "enter", "enter", "1470", "enter", "1470", "enter")
            assert step(pilot) == "team"
            pilot.app.screen.query_one("#su-file", Input).value = str(tmp_path / "missing.csv")
            pilot.app.screen.query_one("#su-file", Input).focus()
            await keys(pilot, "enter")
            assert "does not exist" in error(pilot)
            pilot.app.screen.query_one("#su-file", Input).value = str(src)
            await keys(pilot, "enter")
            assert "3 staff" in text(pilot.app.screen.query_one("#su-file-info"))
            await keys(pilot, "ctrl+n")
            assert step(pilot) == "order"
            order = pilot.app.screen.query_one("#su-order", OptionList)
            assert order.option_count == 3  # 陈静, 李娜 and the trainee 孙悦, from the file
            await keys(pilot, "enter", "enter")
            for _ in range(50):
                await settle(pilot)
                if isinstance(pilot.app.screen, DeskScreen):
                    break
            assert isinstance(pilot.app.screen, DeskScreen) and pilot.app.user["name"] == "王经理"
        assert sv.roster.show(actor="王经理")["order"] == ["陈静", "李娜", "孙悦"]
        assert sv.setup.needed() is None
    finally:
        sv.close()


def test_the_setup_through_the_command_remembers_the_office_for_the_app_and_the_board(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """`frontdesk --db office.db` on a new office: the setup, then `frontdesk where` names the
    office (from the config file) for the app and the board, with no --db."""
    import json

    from frontdesk import config
    from frontdesk.cli import main
    from frontdesk.ui import app as app_mod

    monkeypatch.setenv(config.CONFIG_ENV, str(tmp_path / "cfg"))
    monkeypatch.setenv(config.DATA_ENV, str(tmp_path / "data"))
    for k in ("FRONTDESK_DB", "FRONTDESK_NOW", "FRONTDESK_USER", "FRONTDESK_PROJECT"):
        monkeypatch.delenv(k, raising=False)
    db = tmp_path / "office.db"
    seen: list[Any] = []

    async def auto_pilot(pilot: Pilot) -> None:
        await settle(pilot)
        await keys(pilot, "和谐家园", "enter", "HX", "enter", "enter", "enter",
                   "周经理", "enter", "enter", "2580", "enter", "2580", "enter", "enter", "enter")
        assert config.office() is None and not db.exists()  # the summary: nothing written, nothing remembered
        await keys(pilot, "enter")
        for _ in range(50):
            await settle(pilot)
            if isinstance(pilot.app.screen, DeskScreen):
                break
        seen.append(type(pilot.app.screen))
        seen.append(text(pilot.app.screen.query_one("#setup-error")) if not isinstance(pilot.app.screen, DeskScreen) else "")
        pilot.app.exit()

    real_run = app_mod.FrontdeskApp.run
    monkeypatch.setattr(app_mod.FrontdeskApp, "run",
                        lambda self, **kw: real_run(self, headless=True, size=SIZE, auto_pilot=auto_pilot, **kw))
    with pytest.raises(SystemExit) as exited:
        main(["--db", str(db), "--lang", "en", "--at", NOW])
    assert exited.value.code in (0, None), capsys.readouterr().err
    assert seen == [DeskScreen, ""] and config.office() == str(db)
    capsys.readouterr()
    with pytest.raises(SystemExit):
        main(["--json", "where"])
    got = json.loads(capsys.readouterr().out)
    assert got["app"] == got["board"] and got["app"]["db"] == str(db) and got["app"]["why"] == "config"
    assert got["app"]["holds"] == "office"
