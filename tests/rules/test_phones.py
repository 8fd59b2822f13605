"""Phones: the key that finds a client (SPEC "Parties and roles"; STYLE "Data habits").

Mainland mobiles with or without +86 / 0086 are one E.164 number; landlines need their
area code; the tail is the last 4 digits; masked shows the first three and last four.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frontdesk.rules import phones as phones_mod
from frontdesk.rules.phones import Phone, PhoneError, mask, normalise, tail_of

MOBILE = "+8613800138000"


@pytest.mark.parametrize("raw", [
    pytest.param("+86 138 0013 8000", id="phone-key-plus86-spaced"),
    pytest.param("13800138000", id="phone-key-national"),
    pytest.param("0086-13800138000", id="phone-key-0086-prefix"),
    pytest.param("+8613800138000", id="phone-key-e164"),
    pytest.param("138-0013-8000", id="phone-key-dashes"),
    pytest.param("  13800138000 ", id="phone-key-surrounding-blanks"),
    pytest.param("138\u30000013\u30008000", id="phone-key-ideographic-spaces"),
])
def test_mainland_mobile_forms_are_one_number(raw):
    phone = normalise(raw)
    assert phone == Phone(MOBILE, "mobile")
    assert phone.national == "13800138000"


@pytest.mark.parametrize(("raw", "e164", "national"), [
    pytest.param("010-87654321", "+861087654321", "01087654321", id="phone-landline-beijing-010"),
    pytest.param("(021) 6123 4567", "+862161234567", "02161234567", id="phone-landline-shanghai-021"),
    pytest.param("0755-8888 8888", "+8675588888888", "075588888888", id="phone-landline-shenzhen-0755"),
    pytest.param("+86 10 8765 4321", "+861087654321", "01087654321", id="phone-landline-intl-form"),
])
def test_landline_with_area_code(raw, e164, national):
    phone = normalise(raw)
    assert phone.e164 == e164
    assert phone.kind == "landline"
    assert phone.national == national


@pytest.mark.parametrize(("raw", "code"), [
    pytest.param("abc", "chars", id="phone-reject-letters"),
    pytest.param("138-0013-800a", "chars", id="phone-reject-letter-in-digits"),
    pytest.param("", "empty", id="phone-reject-empty"),
    pytest.param("   ", "empty", id="phone-reject-blank"),
    pytest.param("1" * 40, "too_long", id="phone-reject-40-digits"),
    pytest.param("12345", "invalid", id="phone-reject-12345"),
    pytest.param("1380013800", "invalid", id="phone-reject-mobile-10-digits"),
    pytest.param("87654321", "invalid", id="phone-reject-landline-without-area-code"),
])
def test_rejects_what_is_not_a_phone(raw, code):
    with pytest.raises(PhoneError) as info:
        normalise(raw)
    assert info.value.code == code
    assert info.value.raw == raw
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(("raw", "masked"), [
    pytest.param("+86 138 0013 8000", "138****8000", id="phone-mask-mobile"),
    pytest.param("0086-13800138000", "138****8000", id="phone-mask-mobile-0086"),
    pytest.param("010-87654321", "010****4321", id="phone-mask-landline"),
])
def test_masked_shows_first_three_and_last_four(raw, masked):
    assert normalise(raw).masked() == masked


def test_mask_of_national_digits():
    assert mask("13800138000") == "138****8000"


@pytest.mark.parametrize("digits", ["1234", "12345", "1234567", "12345678", "013800138000", "+16502530000"])
def test_mask_hides_something_and_keeps_the_length(digits):
    shown = mask(digits)
    assert len(shown) == len(digits)
    assert "*" in shown
    assert shown != digits


@pytest.mark.parametrize(("raw", "tail"), [
    pytest.param("+86 138 0013 8000", "8000", id="phone-tail-mobile"),
    pytest.param("13912345678", "5678", id="phone-tail-mobile-2"),
    pytest.param("010-87654321", "4321", id="phone-tail-landline"),
])
def test_tail_is_the_last_four_digits(raw, tail):
    phone = normalise(raw)
    assert phone.tail == tail
    assert tail_of(phone.e164) == tail
    assert phone.national.endswith(tail)


# the mainland-mobile fast path gives what phonenumbers gives --------------------------------
def _slow(raw: str) -> Phone | str:
    try:
        return phones_mod._parse(raw, raw, "CN")
    except PhoneError as exc:
        return exc.code


def _fast(raw: str) -> Phone | str:
    try:
        return normalise(raw)
    except PhoneError as exc:
        return exc.code


@settings(max_examples=3000, deadline=None)
@given(st.from_regex(r"\A(\+86)?1[0-9]{10}\Z"))
def test_the_mobile_fast_path_agrees_with_phonenumbers(raw):
    fast = _fast(raw)
    assert fast == _slow(raw)
    if isinstance(fast, Phone):
        assert phones_mod.national_of(fast.e164) == phones_mod._national_of(fast.e164)


@pytest.mark.parametrize("prefix", [f"1{d}{e}" for d in range(10) for e in range(10)])
def test_every_mobile_prefix_agrees_with_phonenumbers(prefix):
    """Each of the 100 three-digit prefixes starting with 1, with a few endings: the same phone or the same refusal."""
    for tail in ("00000000", "12345678", "99999999", "40012345", "05000000"):
        raw = prefix + tail
        assert _fast(raw) == _slow(raw), raw
        assert _fast("+86" + raw) == _slow("+86" + raw), raw


def test_the_written_out_mobile_pattern_is_the_installed_phonenumbers_own():
    """phones.CN_MOBILE_PATTERN is copied so that a register of mobiles is shown without importing
    phonenumbers; a release of it that moves the pattern must fail here."""
    from phonenumbers import PhoneMetadata

    assert phones_mod.CN_MOBILE_PATTERN == PhoneMetadata.metadata_for_region("CN").mobile.national_number_pattern


def test_the_number_types_have_their_words():
    assert [normalise(p).kind for p in ("13800138000", "010-87654321", "+1 650 253 0000")] == \
        ["mobile", "landline", "mobile"]
