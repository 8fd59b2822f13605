"""Phones masked inside a free text (a notice leaving the office for a group chat)."""

from __future__ import annotations

import pytest

from frontdesk.rules.phones import mask_in_text


@pytest.mark.parametrize(("text", "want"), [
    ("客户张三 13800138000 来访", "客户张三 138****8000 来访"),
    ("+86 138 0013 8000", "138****8000"),
    ("0086-13800138000", "138****8000"),
    ("+8613912345678,13800138001", "139****5678,138****8001"),
    ("座机 010-87654321", "座机 010****4321"),
    ("02162345678", "021****5678"),
])
def test_every_phone_is_masked(text: str, want: str) -> None:
    assert mask_in_text(text) == want


@pytest.mark.parametrize("text", [
    "2026-11-10 过期", "金额 1000000.00", "单元 1-101，登记 #12", "visit#1234", "138001380001", "12800138000",
])
def test_dates_amounts_and_other_numbers_stay(text: str) -> None:
    assert mask_in_text(text) == text
