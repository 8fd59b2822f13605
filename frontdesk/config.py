"""Which database `frontdesk` opens, and the file that remembers the office's (issue 14).

The app's first-day setup writes the office's database into `config.toml` in the user config
directory (`db = "…"`), so that a plain `frontdesk` and `frontdesk board` open the office
afterwards. The choice, first match wins:

1. `--db`;
2. `FRONTDESK_DB`;
3. the office the config file remembers;
4. the default file in the user data directory, when it exists (an office made with `init`);
5. the demo's file, when it exists (right after `frontdesk demo`, while no office exists) —
   never for `init` and `restore`, which make a database;
6. the default file in the user data directory (new: the app's setup makes it).

`FRONTDESK_CONFIG_DIR` and `FRONTDESK_DATA_DIR` move both directories (the tests set them, so
no test reads or writes a user's own). Pure standard library: the app paints before SQLAlchemy.
"""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path
from typing import Any

CONFIG_ENV = "FRONTDESK_CONFIG_DIR"
DATA_ENV = "FRONTDESK_DATA_DIR"
DB_ENV = "FRONTDESK_DB"
CONFIG_FILE = "config.toml"

# why a database was chosen (the keys `frontdesk where` says, and their words)
WHY = {
    "option": "--db was given",
    "env": f"{DB_ENV} is set",
    "config": "the office remembered by the setup (config file)",
    "default": "the default file in the user data directory",
    "demo": "the demo database: no office is set up yet",
    "new": "no database yet: the app opens the first-day setup, which makes this file",
}


def config_dir() -> Path:
    given = os.environ.get(CONFIG_ENV)
    if given:
        return Path(given).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir("frontdesk", appauthor=False))


def data_dir() -> Path:
    given = os.environ.get(DATA_ENV)
    if given:
        return Path(given).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("frontdesk", appauthor=False))


def config_path() -> Path:
    return config_dir() / CONFIG_FILE


def default_db() -> str:
    return str(data_dir() / "frontdesk.db")


def demo_db() -> str:
    return str(data_dir() / "demo.db")


def read() -> dict[str, Any]:
    """The config file's settings; {} when there is none (or it cannot be read as TOML)."""
    try:
        with config_path().open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError):
        return {}


def office() -> str | None:
    db = read().get("db")
    return db if isinstance(db, str) and db.strip() else None


def absolute(db: str) -> str:
    """A path made absolute (the app may be started from another folder next time); URLs as given."""
    return db if "://" in db else str(Path(db).expanduser().resolve())


def remember_office(db: str) -> Path:
    """Write the office's database into the config file (other keys kept); returns the file."""
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    keep = {k: v for k, v in read().items() if k != "db" and isinstance(v, (str, int, bool))}
    lines = ["# frontdesk: the office's database, written by the first-day setup", f"db = {json.dumps(absolute(db))}"]
    lines += [f"{k} = {json.dumps(v)}" for k, v in keep.items()]
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


def choose(given: str | None, source: str | None, *, create: bool = False) -> tuple[str, str]:
    """(database, why) by the order above. `given`/`source`: --db ("option") or FRONTDESK_DB ("env")."""
    if given:
        return given, source or "option"
    remembered = office()
    if remembered:
        return remembered, "config"
    if Path(default_db()).exists():
        return default_db(), "default"
    if not create and Path(demo_db()).exists():
        return demo_db(), "demo"
    return default_db(), "new"


def given_db(option: str | None) -> tuple[str | None, str | None]:
    """The database the command line names: --db, else FRONTDESK_DB (an empty one counts as unset)."""
    if option:
        return option, "option"
    env = os.environ.get(DB_ENV, "").strip()
    return (env, "env") if env else (None, None)
