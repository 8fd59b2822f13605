"""Phone numbers: the key that finds a client (SPEC "Parties and roles").

Normalised with `phonenumbers`, default region CN: `+86 138 0013 8000`, `13800138000`
and `0086-13800138000` are one number; landlines need their area code.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

DEFAULT_REGION = "CN"
TAIL_LENGTH = 4
_ALLOWED = re.compile(r"^[0-9+\-() .\u3000]+$")
_MAX_RAW = 32
# A mainland mobile typed as its 11 digits (or +86 and them) is most of what a desk types and an
# import reads; phonenumbers takes ~80 us to parse, validate and type one. Its own CN mobile
# pattern answers the same in ~2 us: no other CN number type and no national prefix for parsing
# starts like a mobile (tests/rules/test_phones.py compares both paths on random numbers).
_CN_MOBILE_TYPED = re.compile(r"(?:\+86)?(1\d{10})")
# That pattern is phonenumbers' own (its CN metadata), written out here so that showing a register
# of mobiles does not import phonenumbers (~30 ms of the desk's start). The test holds it equal to
# the installed library's: a new release that changes it fails there, not at the counter.
CN_MOBILE_PATTERN = r"1(?:610\d|740[0-5])\d{6}|1(?:[38]\d|4[57]|[59][0-35-9]|6[25-7]|7[0-35-8])\d{8}"
_CN_MOBILE = re.compile(CN_MOBILE_PATTERN)


class PhoneError(ValueError):
    """Not a phone number. `code` is a message key: empty | chars | too_long | invalid."""

    def __init__(self, code: str, raw: str):
        super().__init__(f"not a phone number ({code}): {raw!r}")
        self.code = code
        self.raw = raw


@dataclass(frozen=True)
class Phone:
    e164: str  # "+8613800138000"
    kind: str  # "mobile" | "landline" | "other"

    @property
    def tail(self) -> str:
        return tail_of(self.e164)

    @property
    def national(self) -> str:
        """The digits a Chinese user reads: 13800138000, 01087654321."""
        return national_of(self.e164)

    def masked(self) -> str:
        return mask(self.national)


def national_of(e164: str) -> str:
    """13800138000 for +8613800138000, 01087654321 for a Beijing landline; others stay E.164."""
    if e164.startswith("+861") and len(e164) == 14 and _CN_MOBILE.fullmatch(e164[3:]):
        return e164[3:]  # a mainland mobile: its national form is its 11 digits (the fast path, as normalise)
    return _national_of(e164)


def _national_of(e164: str) -> str:
    import phonenumbers

    num = phonenumbers.parse(e164)
    if num.country_code == 86:
        return re.sub(r"\D", "", phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.NATIONAL))
    return e164


def masked_of(e164: str) -> str:
    return mask(national_of(e164))


def normalise(raw: str, region: str = DEFAULT_REGION) -> Phone:
    """Parse what a person typed into one canonical phone, or raise PhoneError."""
    text = unicodedata.normalize("NFKC", raw or "").strip()  # full-width digits from Chinese IMEs
    if not text:
        raise PhoneError("empty", raw)
    if len(text) > _MAX_RAW:
        raise PhoneError("too_long", raw)
    if not _ALLOWED.match(text):
        raise PhoneError("chars", raw)
    compact = re.sub(r"[\s\-().\u3000]", "", text)
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if region == "CN":
        m = _CN_MOBILE_TYPED.fullmatch(compact)
        if m is not None and _CN_MOBILE.fullmatch(m.group(1)):
            return Phone("+86" + m.group(1), "mobile")
    return _parse(compact, raw, region)


def _parse(compact: str, raw: str, region: str) -> Phone:
    """The general path: phonenumbers parses, validates and types the number."""
    import phonenumbers
    from phonenumbers import PhoneNumberType as T

    try:
        num = phonenumbers.parse(compact, region)
    except phonenumbers.NumberParseException as exc:
        raise PhoneError("invalid", raw) from exc
    if not phonenumbers.is_valid_number(num):
        raise PhoneError("invalid", raw)
    kind = {T.MOBILE: "mobile", T.FIXED_LINE: "landline", T.FIXED_LINE_OR_MOBILE: "mobile"}.get(
        phonenumbers.number_type(num), "other")
    return Phone(phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164), kind)


def tail_of(e164: str) -> str:
    return e164[-TAIL_LENGTH:]


def mask(digits: str) -> str:
    """138****8000: the first three and last four digits shown, the rest starred."""
    plus = digits.startswith("+")
    body = digits[1:] if plus else digits
    if len(body) <= 7:
        shown = body[:1] + "*" * (len(body) - 3) + body[-2:] if len(body) > 3 else "*" * len(body)
    else:
        shown = body[:3] + "*" * (len(body) - 7) + body[-4:]
    return ("+" if plus else "") + shown


# a mainland mobile (with or without +86 / 0086) or a landline with its area code, standing alone
_IN_TEXT = re.compile(r"(?<![\d+])(?:(?:\+|00)86[\s-]?)?(?:1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}|0\d{2,3}-?\d{7,8})(?!\d)")


def mask_in_text(text: str) -> str:
    """Every phone number in a free text masked (138****8000): for messages that leave the office."""
    def masked(m: re.Match[str]) -> str:
        digits = re.sub(r"[\s\-+]", "", m.group(0))
        digits = re.sub(r"^(?:00)?86(?=1|0)", "", digits) if len(digits) > 11 else digits  # the national number
        return mask(digits)
    return _IN_TEXT.sub(masked, text)
