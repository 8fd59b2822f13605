"""Start-up: the app given a services factory paints first and builds the services in a worker
(bench/README.md "app start"); the desk then fills in as when the services were handed over."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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
