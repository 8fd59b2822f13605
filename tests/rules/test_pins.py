"""R2.1: a PIN proves who is acting, so a PIN a person chooses is not the first one anybody tries."""

from __future__ import annotations

import pytest

from frontdesk.rules.pins import weakness


@pytest.mark.parametrize(("pin", "phones", "code"), [
    pytest.param("0000", (), "pin_one_digit", id="R2.1-all-zeros"),
    pytest.param("88888888", (), "pin_one_digit", id="R2.1-eight-eights"),
    pytest.param("1234", (), "pin_run", id="R2.1-run-up"),
    pytest.param("9876", (), "pin_run", id="R2.1-run-down"),
    pytest.param("012345", (), "pin_run", id="R2.1-run-from-zero"),
    pytest.param("7890", (), "pin_run", id="R2.1-run-wraps-9-to-0"),
    pytest.param("3210987", (), "pin_run", id="R2.1-run-down-wraps"),
    pytest.param("8000", ("+8613800138000",), "pin_phone_tail", id="R2.1-own-phone-last-four"),
    pytest.param("138000", ("138 0013 8000",), "pin_phone_tail", id="R2.1-own-phone-last-six-spaced"),
    pytest.param("123", (), "pin_format", id="R2.1-too-short"),
    pytest.param("123456789", (), "pin_format", id="R2.1-too-long"),
    pytest.param("12a4", (), "pin_format", id="R2.1-not-digits"),
    pytest.param("", (), "pin_format", id="R2.1-empty"),
    pytest.param(None, (), "pin_format", id="R2.1-none"),
    pytest.param("１２３４", (), "pin_format", id="R2.1-full-width-digits"),
])
def test_weak_pins_are_refused_with_a_reason(pin, phones, code):
    why = weakness(pin, phones)
    assert why is not None and (why.rule, why.code) == ("R2.1", code)
    assert pin is None or pin not in {str(v) for v in why.data.values()}  # the reason never repeats the PIN


@pytest.mark.parametrize(("pin", "phones"), [
    pytest.param("2468", (), id="R2.1-steps-of-two"),
    pytest.param("1357", (), id="R2.1-odd-steps"),
    pytest.param("1243", (), id="R2.1-almost-a-run"),
    pytest.param("8642", (), id="R2.1-down-by-two"),
    pytest.param("11112", (), id="R2.1-almost-one-digit"),
    pytest.param("80001", ("+8613800138000",), id="R2.1-not-the-phone-tail"),
    pytest.param("90210", ("13800138000",), id="R2.1-other-phone"),
    pytest.param("24681357", (), id="R2.1-eight-digits"),
])
def test_pins_people_may_choose(pin, phones):
    assert weakness(pin, phones) is None


def test_a_trailing_newline_is_not_a_digit():
    assert weakness("1357\n") is not None
