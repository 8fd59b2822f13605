"""PINs as people expect them (R2.1): a person with no PIN is told so (it is not a wrong PIN and
counts towards no lockout), and a PIN someone sets or changes is not an easy guess
(frontdesk.rules.pins). Helpers over a Staff row, used by the staff, desk and record services."""

from __future__ import annotations

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
