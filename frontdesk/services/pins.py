"""PINs as people expect them (R2.1): a person with no PIN is told so (it is not a wrong PIN and
counts towards no lockout), and a PIN someone sets or changes is not an easy guess
(frontdesk.rules.pins). Helpers over a Staff row, used by the staff, desk and record services."""

from __future__ import annotations

import hashlib
import hmac
import os
from typing import Iterable

from frontdesk.rules import pins as pin_rules
from frontdesk.rules.reasons import Reason
from frontdesk.store.models import Staff

from .errors import BadInput, Refused

_WORDS = {  # the English message of each weakness; the app shows the catalog's words (reason.<code>)
    "pin_format": "a PIN is {min} to {max} digits",
    "pin_one_digit": "a PIN of one digit repeated is the first one anybody tries",
    "pin_run": "a straight run of digits (like 1234 or 9876) is the first one anybody tries",
    "pin_phone_tail": "the last {digits} digits of your own phone are easy to find out",
}


def weakness(pin: str | None, phones: Iterable[str] = ()) -> Reason | None:
    return pin_rules.weakness(pin, phones)


def checked(pin: str | None, field: str = "pin", phones: Iterable[str] = ()) -> str:
    """`pin` when a person may choose it, else BadInput naming the field, the rule and why (exit 2).
    Staff rows carry no phone today, so `phones` is empty unless a caller knows one."""
    why = pin_rules.weakness(pin, phones)
    if why is not None:
        raise BadInput(field, f"{why.rule}: {_WORDS[why.code].format(**why.data)}; choose another PIN",
                       why=why.code, facts=why.data)
    assert pin is not None
    return pin


def no_pin(st: Staff) -> Refused:
    """The person has no PIN yet: not a wrong PIN (nothing to guess, no lockout) — the PM sets one."""
    return Refused(Reason("R2.1", "no_pin", {"name": st.name}),
                   f"no PIN set for {st.name} — ask your PM to set one")


def require_set(st: Staff) -> None:
    if not st.pin_hash:
        raise no_pin(st)


# scrypt's cost for new PINs, written into each hash so that a later change breaks no stored one.
# A PIN is 4–8 digits: no cost makes an offline guess of a stolen file slow enough (10⁴–10⁸ tries),
# so the office's protection is the shared lockout (services.identity, R2.1), and the cost only
# keeps a stolen file from being a lookup table. 2¹² (~12 ms, 4 MiB) keeps every command's start
# within 1.5× of its libraries' (bench/cli_start.py); hashes written before carry no parameters
# and were made at 2¹⁴.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**12, 8, 1
_OLD = (2**14, 8, 1)  # "scrypt$salt$digest", the first format


def hash_pin(pin: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def _parts(stored: str) -> tuple[tuple[int, int, int], bytes, str]:
    parts = stored.split("$")
    if len(parts) == 3:
        return _OLD, bytes.fromhex(parts[1]), parts[2]
    _, n, r, p, salt, digest = parts
    return (int(n), int(r), int(p)), bytes.fromhex(salt), digest


def pin_ok(st: Staff, pin: str | None) -> bool:
    if not st.pin_hash or pin is None:
        return False
    (n, r, p), salt, digest = _parts(st.pin_hash)
    got = hashlib.scrypt(pin.encode(), salt=salt, n=n, r=r, p=p)
    return hmac.compare_digest(got.hex(), digest)


def check_pin(st: Staff, pin: str | None, field: str = "pin") -> None:
    require_set(st)  # no PIN is not a wrong PIN: nothing to guess, the PM sets one
    if not pin_ok(st, pin):
        raise Refused(Reason("R2.1", "wrong_pin", {}), f"{field}: wrong PIN for {st.name}")
