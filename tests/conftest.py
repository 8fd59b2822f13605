"""What every test shares: the database backend (tests/dbkit.py), and a home of their own.

With FRONTDESK_TEST_PG set, the services, CLI and fault tests run on PostgreSQL databases
made per test from per-session templates; this drops each test's databases when it ends.

No test reads or writes the user's own config file or data directory (the office the setup
remembers, the default database, the demo's): FRONTDESK_CONFIG_DIR and FRONTDESK_DATA_DIR
point into a temporary folder for the whole session, subprocesses included."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterator

import pytest
from dbkit import ON_PG, PG_ENV, PG_URL, server


_HOME = Path(tempfile.mkdtemp(prefix="frontdesk-tests-"))
HOME_ENV = {"FRONTDESK_CONFIG_DIR": str(_HOME / "config"), "FRONTDESK_DATA_DIR": str(_HOME / "data")}
os.environ.update(HOME_ENV)  # at import: before any test, fixture or subprocess can look


def pytest_unconfigure(config: pytest.Config) -> None:  # noqa: ARG001
    shutil.rmtree(_HOME, ignore_errors=True)


def pytest_report_header(config: pytest.Config) -> str:  # noqa: ARG001
    if ON_PG:
        from sqlalchemy.engine import make_url

        return f"frontdesk backend: PostgreSQL {make_url(PG_URL).render_as_string()} ({PG_ENV})"
    return f"frontdesk backend: SQLite files (set {PG_ENV} to run on a PostgreSQL server too)"


@pytest.fixture(autouse=True)
def _drop_this_tests_databases() -> Iterator[None]:
    if not ON_PG:
        yield
        return
    mark = len(server().made)
    yield
    server().drop_since(mark)
