"""The demo never touches an office, and `frontdesk where` (issue 14).

`frontdesk demo` writes only to its own file or to a --db that is missing, empty or a demo
already; an office's database is refused (exit 1, naming it) before anything else happens —
a bad --at included — and its content is the same, byte for byte (SQLite) or row for row
(PostgreSQL), afterwards. Which database the app, the board and the commands open follows
--db > FRONTDESK_DB > the office the setup remembered > the default file > the demo's."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from dbkit import ON_PG, PgDb, rows, tables

from frontdesk import config

from .conftest import FD, PM, run_cli


def digest(db: Any) -> str:
    """The office's content: the file's bytes (and its WAL/SHM files) on SQLite, every row of every
    table on PostgreSQL."""
    h = hashlib.sha256()
    if isinstance(db, PgDb):
        for t in tables(db):
            h.update(t.encode())
            h.update(repr(sorted(map(repr, rows(db, f"SELECT * FROM {t}")))).encode())
        return h.hexdigest()
    for suffix in ("", "-wal", "-shm"):
        p = Path(f"{db}{suffix}")
        h.update(suffix.encode() + (p.read_bytes() if p.exists() else b"<none>"))
    return h.hexdigest()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """This test's own config and data directories."""
    got = {"config": tmp_path / "cfg", "data": tmp_path / "data"}
    monkeypatch.setenv(config.CONFIG_ENV, str(got["config"]))
    monkeypatch.setenv(config.DATA_ENV, str(got["data"]))
    return got


REFUSALS = {
    "--db": (["--db", "{db}"], ["demo", "--print"], {}),
    "FRONTDESK_DB": ([], ["demo", "--print"], {"FRONTDESK_DB": "{db}"}),
    "bad --at": (["--db", "{db}", "--at", "garbage"], ["demo", "--print"], {}),
    "--keep": (["--db", "{db}"], ["demo", "--keep", "--print"], {}),
    "--fresh": (["--db", "{db}"], ["demo", "--fresh"], {}),
    "bad --at, FRONTDESK_DB": (["--at", "garbage"], ["demo"], {"FRONTDESK_DB": "{db}"}),
}


@pytest.mark.parametrize("case", list(REFUSALS))
def test_the_demo_refuses_an_office_and_leaves_it_as_it_was(office: FD, home, monkeypatch, case: str) -> None:  # noqa: ANN001
    before = digest(office.db)
    front, command, env = REFUSALS[case]
    for k, v in env.items():
        monkeypatch.setenv(k, v.format(db=office.db))
    code, out, err = run_cli([a.format(db=office.db) for a in front] + ["--json", "--lang", "en"] + command)
    assert code == 1, (code, out, err)
    assert err["error"]["code"] == "refused" and err["error"]["field"] == "db"
    assert str(office.db) in err["error"]["message"] and "demo" in err["error"]["message"]
    assert digest(office.db) == before
    assert not (home["data"] / "demo.db").exists()


def test_the_demo_refuses_a_file_of_another_program(tmp_path: Path, home) -> None:  # noqa: ANN001
    other = tmp_path / "notes.txt"
    other.write_text("not a database\n")
    code, _out, err = run_cli(["--db", str(other), "--json", "demo", "--print"])
    assert code == 1 and "not a frontdesk database" in err["error"]["message"]
    assert other.read_text() == "not a database\n"


@pytest.mark.skipif(ON_PG, reason="the demo on a file: SQLite")
def test_the_demo_writes_a_missing_file_marks_it_and_replaces_only_a_demo(tmp_path: Path, home) -> None:  # noqa: ANN001
    from frontdesk.store import probe

    demo = tmp_path / "mine.db"
    code, out, err = run_cli(["--db", str(demo), "--json", "demo", "--print"])
    assert code == 0, err
    assert probe.kind(str(demo)) == "demo" and out["roster"]["project"] == "滨江华苑"
    for again in ("--keep", "--fresh"):  # a demo may be opened again, or replaced
        code, _out, err = run_cli(["--db", str(demo), "--json", "demo", again, "--print"])
        assert code == 0, err
    assert probe.kind(str(demo)) == "demo"


def where(*front: str) -> dict[str, Any]:
    code, out, err = run_cli([*front, "--json", "where"])
    assert code == 0, err
    return out


def test_where_follows_the_order_of_choice(tmp_path: Path, home, monkeypatch) -> None:  # noqa: ANN001
    data = home["data"]
    got = where()
    assert (got["app"]["db"], got["app"]["why"]) == (str(data / "frontdesk.db"), "new")
    assert got["board"] == got["app"] == got["commands"] and got["config"] == str(home["config"] / "config.toml")
    assert got["office"] is None and got["demo"]["db"] == str(data / "demo.db")
    data.mkdir(parents=True)
    (data / "demo.db").write_bytes(b"")
    got = where()
    assert (got["app"]["db"], got["app"]["why"]) == (str(data / "demo.db"), "demo")
    assert got["init"]["why"] == "new"  # a command that makes a database never makes it in the demo's
    (data / "frontdesk.db").write_bytes(b"")
    assert where()["app"]["why"] == "default"
    office = tmp_path / "office.db"
    config.remember_office(str(office))
    got = where()
    assert (got["app"]["db"], got["app"]["why"], got["office"]) == (str(office), "config", str(office))
    monkeypatch.setenv("FRONTDESK_DB", str(tmp_path / "env.db"))
    assert (where()["app"]["db"], where()["app"]["why"]) == (str(tmp_path / "env.db"), "env")
    got = where("--db", str(tmp_path / "opt.db"))
    assert (got["app"]["db"], got["app"]["why"]) == (str(tmp_path / "opt.db"), "option")
    assert got["demo"]["db"] == str(tmp_path / "opt.db")


def test_where_in_words(tmp_path: Path, home) -> None:  # noqa: ANN001
    code, out, _err = run_cli(["where"])
    assert code == 0 and "frontdesk.db" in out and "no office remembered yet" in out and "config.toml" in out


@pytest.mark.skipif(ON_PG, reason="the demo's own file: SQLite")
def test_after_the_demo_plain_frontdesk_and_the_board_open_it_until_an_office_is_remembered(
        office: FD, home) -> None:  # noqa: ANN001
    code, _out, err = run_cli(["--json", "demo", "--print"])
    assert code == 0, err
    got = where()
    assert got["app"]["why"] == "demo" and got["app"]["holds"] == "demo" and got["board"]["why"] == "demo"
    code, out, err = run_cli(["--json"])  # a plain `frontdesk`, as JSON: the demo's desk
    assert code == 0 and out["roster"]["project"] == "滨江华苑", err
    config.remember_office(str(office.db))
    got = where()
    assert got["app"]["db"] == str(office.db) and got["app"]["holds"] == "office"
    code, out, err = run_cli(["--json"])  # an office's desk: only a signed person reads it
    assert code == 1 and err["error"]["reason"] == "who_is_acting"
    code, out, err = run_cli(["--json", "--as", PM])
    assert code == 0 and out["roster"]["project"] == "滨江花园", err


def test_the_config_file_keeps_other_keys_and_survives_a_broken_one(home) -> None:  # noqa: ANN001
    path = config.config_path()
    path.parent.mkdir(parents=True)
    path.write_text('lang = "zh_CN"\n', encoding="utf-8")
    config.remember_office("some/office.db")
    assert config.read() == {"db": str(Path("some/office.db").resolve()), "lang": "zh_CN"}
    path.write_text("db = [broken", encoding="utf-8")
    assert config.office() is None


def test_the_tests_have_a_home_of_their_own() -> None:
    """tests/conftest.py moves the config and data directories for the whole session (subprocesses
    inherit it): no test reads the user's remembered office or writes the user's databases."""
    import os
    import tempfile

    from platformdirs import user_config_dir, user_data_dir

    for env, real in ((config.CONFIG_ENV, user_config_dir("frontdesk", appauthor=False)),
                      (config.DATA_ENV, user_data_dir("frontdesk", appauthor=False))):
        assert os.environ.get(env), f"{env} is not set for the tests"
        assert Path(os.environ[env]).is_relative_to(tempfile.gettempdir()) and os.environ[env] != real
    assert config.config_dir() != Path(user_config_dir("frontdesk", appauthor=False))
    assert Path(config.default_db()).parent != Path(user_data_dir("frontdesk", appauthor=False))
