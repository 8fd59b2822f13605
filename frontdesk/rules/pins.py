"""PINs people can live with, and no easier to guess than they must be (R2.1: who is acting is
proven by a PIN).

A PIN is 4 to 8 digits. When a person sets or changes one it must not be:
- all one digit (0000, 88888888),
- a straight run up or down (1234, 9876, 012345, 7890 — the digits wrap from 9 to 0),
- the last digits of the person's own phone, when the office knows it.

Pure: strings in, a Reason (or None) out.
"""

from __future__ import annotations

import re
from typing import Iterable

from .reasons import Reason

MIN_LEN, MAX_LEN = 4, 8
_DIGITS = re.compile(r"[0-9]+")  # ASCII digits only: \d would take full-width ones


def well_formed(pin: str | None) -> bool:
    return pin is not None and _DIGITS.fullmatch(pin) is not None and MIN_LEN <= len(pin) <= MAX_LEN


def _run(pin: str) -> bool:
    steps = {(int(b) - int(a)) % 10 for a, b in zip(pin, pin[1:])}
    return steps in ({1}, {9})


def weakness(pin: str | None, phones: Iterable[str] = ()) -> Reason | None:
    """Why `pin` may not be chosen (rule R2.1, a code and its data), or None when it is fine.

    `phones`: the person's own phone numbers, any format (only their digits are compared)."""
    if not well_formed(pin):
        return Reason("R2.1", "pin_format", {"min": MIN_LEN, "max": MAX_LEN})
    assert pin is not None
    if len(set(pin)) == 1:
        return Reason("R2.1", "pin_one_digit", {"digit": pin[0]})
    if _run(pin):
        return Reason("R2.1", "pin_run", {"digits": len(pin)})
    for phone in phones:
        digits = "".join(ch for ch in phone if ch.isdigit())
        if len(digits) >= len(pin) and digits.endswith(pin):
            return Reason("R2.1", "pin_phone_tail", {"digits": len(pin)})
    return None
