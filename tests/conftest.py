"""What every test shares: the database backend (tests/dbkit.py).

With FRONTDESK_TEST_PG set, the services, CLI and fault tests run on PostgreSQL databases
made per test from per-session templates; this drops each test's databases when it ends."""

from __future__ import annotations

from typing import Iterator

import pytest
from dbkit import ON_PG, PG_ENV, PG_URL, server


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
