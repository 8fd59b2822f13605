"""A reason: the rule id, a message code and the data it was decided on.

Rules return codes + data; the i18n layer renders them in zh_CN or en.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Reason:
    rule: str  # "R2.2", "R3.3", ... as in docs/rules.en.md
    code: str  # message key, e.g. "protected_through"
    data: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "code": self.code, "data": dict(self.data)}


@dataclass(frozen=True)
class EntryRef:
    """A register entry as cited in a reason: ("visit", 12) → "visitor register #12"."""

    register: str  # "visit" | "call"
    number: int

    def __str__(self) -> str:
        return f"{self.register}#{self.number}"
