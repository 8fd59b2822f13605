"""Start-up: the app given a services factory paints first and builds the services in a worker
(bench/README.md "app start"); the desk then fills in as when the services were handed over."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from textual.widgets import DataTable

from frontdesk.services import Services
from frontdesk.ui.app import make_app
from frontdesk.ui.screens.desk import DeskScreen

from .conftest import LI, PILOT_SIZE, SUN, open_office, rows, settle


async def _desk_rows(app, pilot) -> list[list[str]]:  # noqa: ANN001
    for _ in range(100):  # the services and the first load come from workers
        await settle(pilot)
        if isinstance(app.screen, DeskScreen) and app.screen.data is not None and app.user.get("role"):
            break
    return rows(app.screen.query_one("#rotation", DataTable))


async def test_a_factory_built_app_shows_the_same_desk_as_injected_services(sv: Services, db_path: Path) -> None:
    built: list[Services] = []

    def factory() -> Services:
        built.append(open_office(db_path))
        return built[-1]

    lazy = make_app(factory, lang="en", user=LI)
    assert built == []  # nothing built before the app runs
    try:
        async with lazy.run_test(size=PILOT_SIZE) as pilot:
            assert isinstance(lazy.screen, DeskScreen)
            lazy_rows = await _desk_rows(lazy, pilot)
            assert lazy.user["name"] == LI and lazy.user["role"] == "advisor"
        eager = make_app(sv, lang="en", user=LI)
        async with eager.run_test(size=PILOT_SIZE) as pilot:
            eager_rows = await _desk_rows(eager, pilot)
        assert len(built) == 1  # built once, though the desk's load and the sign-in both asked
        assert lazy_rows == eager_rows and len(lazy_rows) >= 5
    finally:
        for s in built:
            s.close()


async def test_a_trainee_in_shadow_mode_gets_the_banner_once_the_record_arrives(db_path: Path) -> None:
    built: list[Services] = []

    def factory() -> Services:
        built.append(open_office(db_path))
        return built[-1]

    app = make_app(factory, lang="en", user=SUN)
    try:
        async with app.run_test(size=PILOT_SIZE) as pilot:
            await _desk_rows(app, pilot)
            assert app.user.get("shadow") is True
            assert app.screen.query_one("#shadow-banner").display is True
    finally:
        for s in built:
            s.close()


def test_the_ui_imports_without_the_services_or_sqlalchemy() -> None:
    """The desk can paint before SQLAlchemy, the services and pypinyin are imported."""
    code = ("import sys, frontdesk.ui.app, frontdesk.ui.screens.desk, frontdesk.ui.screens.signin; "
            "bad = sorted(k for k in sys.modules if k.split('.')[0] in ('sqlalchemy', 'sqlmodel', 'pypinyin', "
            "'openpyxl', 'alembic') or k in ('frontdesk.services.registry', 'frontdesk.services.reception')); "
            "print(bad); sys.exit(1 if bad else 0)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


# ------------------------------------------------------------------ the `frontdesk` command

def _frontdesk(argv: list[str], capsys) -> tuple[int, str]:  # noqa: ANN001
    """`frontdesk ARGS` in-process, the way the console script runs it: (exit code, stderr)."""
    import pytest

    from frontdesk.cli import main

    with pytest.raises(SystemExit) as exited:
        main(argv)
    return int(exited.value.code or 0), capsys.readouterr().err


def _headless(monkeypatch, made: list, until=None) -> None:  # noqa: ANN001
    """The command's app runs headless here; `made` gets (app, whether it was given a factory,
    services built when make_app returned), and a note when the app had to be stopped without
    `until(app)` having come true."""
    from frontdesk.ui import app as app_mod

    real_make, real_run = app_mod.make_app, app_mod.FrontdeskApp.run

    def make_app(services, **kw):  # noqa: ANN001, ANN003, ANN202
        app = real_make(services, **kw)
        made.append((app, callable(services), app._services is not None))
        return app

    async def auto_pilot(pilot) -> None:  # noqa: ANN001
        for _ in range(200):
            if not pilot.app.is_running:
                return  # it ended itself
            await settle(pilot)
            if until is not None and until(pilot.app):
                break
        else:
            made.append("the app was still running")
        pilot.app.exit()

    def run(self, **kw):  # noqa: ANN001, ANN003, ANN202
        return real_run(self, headless=True, size=PILOT_SIZE, auto_pilot=auto_pilot, **kw)

    monkeypatch.setattr(app_mod, "make_app", make_app)
    monkeypatch.setattr(app_mod.FrontdeskApp, "run", run)
    for k in ("FRONTDESK_DB", "FRONTDESK_NOW", "FRONTDESK_USER", "FRONTDESK_PROJECT"):
        monkeypatch.delenv(k, raising=False)


def _names_shown(app) -> bool:  # noqa: ANN001
    from textual.widgets import OptionList

    from frontdesk.ui.screens.signin import SignInScreen

    return isinstance(app.screen, SignInScreen) and app.screen.query_one("#signin-names", OptionList).option_count > 0


def test_the_command_gives_the_app_a_factory_and_the_sign_in_fills_in(db_path: Path, monkeypatch, capsys) -> None:
    made: list = []
    shown: list[bool] = []
    _headless(monkeypatch, made, until=lambda app: shown.append(_names_shown(app)) or shown[-1])
    code, err = _frontdesk(["--db", str(db_path), "--lang", "en", "--at", "2026-11-27 09:00"], capsys)
    assert code == 0, err
    [(app, factory, built_first)] = made
    assert factory and not built_first  # the screen before the services
    assert app.start_error is None and app._services is not None and shown[-1]  # the staff's names, from the services


def test_a_missing_database_in_a_missing_folder_is_said_before_the_app_opens(tmp_path: Path, monkeypatch,
                                                                            capsys) -> None:
    made: list = []
    _headless(monkeypatch, made)
    code, err = _frontdesk(["--db", str(tmp_path / "typo" / "office.db"), "--lang", "en"], capsys)
    assert code == 2 and "there is no database at" in err and "typo" in err
    assert made == [] and not (tmp_path / "typo").exists()


@pytest.mark.parametrize("made_before", ["nothing", "migrated", "project"])
def test_a_new_database_opens_the_first_day_setup(tmp_path: Path, monkeypatch, capsys, made_before: str) -> None:
    """No file (it is not made before the setup is confirmed), a database without a project, or a
    project without staff: the setup, not an error."""
    from frontdesk.services import open_services
    from frontdesk.ui.screens.setup import SetupScreen

    db = tmp_path / "office.db"
    if made_before != "nothing":
        sv = open_services(str(db))
        if made_before == "project":
            sv.staff.init("BJ", "滨江")
        sv.close()
    made: list = []
    _headless(monkeypatch, made, until=lambda app: isinstance(app.screen, SetupScreen))
    code, err = _frontdesk(["--db", str(db), "--lang", "en"], capsys)
    [(app, factory, _built)] = made
    assert code == 0 and app.start_error is None, err
    assert "the app was still running" not in made  # it reached the setup
    assert db.exists() == (made_before != "nothing")
