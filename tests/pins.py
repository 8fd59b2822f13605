"""The acting person's PIN for the tests' command lines (SPEC "Who is acting": every command
but the bootstrap needs the actor's PIN).

`supply(argv)` is what the CLI helpers run every command line through: it gives staff added
with `staff add` and no `--pin` the test PIN, remembers the PINs set by `staff add … --pin P`
and `staff pin NAME P` for that database, and adds `--pin` for the person named by `--as` (or
FRONTDESK_USER) unless the line or FRONTDESK_PIN already gives one. A copy of a database
(dbkit.copy_db) inherits what its template's staff PINs are. Staff built through the services
with no PIN cannot act on the command line: give them one (`pin=pins.TEST_PIN`) where a test needs it.
"""

from __future__ import annotations

import os
from typing import Callable, Mapping

TEST_PIN = "2468"  # the offices' PM has it; the helper gives it to staff added without a PIN (not a weak PIN: R2.1)
_BY_DB: dict[str, dict[str, str]] = {}


def remember(db: object, name: str, pin: str) -> None:
    _BY_DB.setdefault(str(db), {})[name.strip()] = pin


def pin_of(db: object, name: str) -> str:
    return _BY_DB.get(str(db), {}).get(name.strip(), TEST_PIN)


def inherit(template: object, copy: object) -> None:
    _BY_DB[str(copy)] = dict(_BY_DB.get(str(template), {}))


def _value(argv: list[str], opt: str) -> str | None:
    for i, a in enumerate(argv):
        if a == opt and i + 1 < len(argv):
            return argv[i + 1]
        if a.startswith(opt + "="):
            return a.split("=", 1)[1]
    return None


def supply(argv: list[str], env: Mapping[str, str] | None = None) -> tuple[list[str], Callable[[int], None]]:
    """The command line with the PINs filled in, and what to remember once it ran (its exit code)."""
    from frontdesk.cli import command_words  # here: dbkit imports this module, and not every test wants the CLI

    env = os.environ if env is None else env
    argv = list(argv)
    db = _value(argv, "--db") or env.get("FRONTDESK_DB", "")
    words = command_words(argv)
    path = tuple(w for _, w in words[:2])
    after: Callable[[int], None] = lambda code: None  # noqa: E731
    actor_pin_given = "FRONTDESK_PIN" in env
    if path == ("staff", "add"):
        at_add = words[1][0]
        own = [i for i, a in enumerate(argv) if i > at_add and (a == "--pin" or a.startswith("--pin="))]
        actor_pin_given |= any(a == "--pin" or a.startswith("--pin=") for a in argv[:at_add])
        if not own:
            argv += ["--pin", TEST_PIN]
        new_pin = _value(argv[at_add:], "--pin") or TEST_PIN
        name = words[2][1] if len(words) > 2 else ""
        after = lambda code: remember(db, name, new_pin) if code == 0 and name else None  # noqa: E731
    else:
        actor_pin_given |= _value(argv, "--pin") is not None
        if path == ("staff", "pin") and len(words) >= 4:
            name, new_pin = words[2][1], words[3][1]
            after = lambda code: remember(db, name, new_pin) if code == 0 else None  # noqa: E731
    actor = _value(argv, "--as") or env.get("FRONTDESK_USER")
    if actor and not actor_pin_given:
        argv = ["--pin", pin_of(db, actor)] + argv
    return argv, after
