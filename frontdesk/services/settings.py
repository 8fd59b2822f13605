"""Project settings: their types, defaults and checks (R2.2, R3.2, R3, part 2)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Callable
from urllib.parse import urlsplit

from frontdesk.rules import protection, rotation, routing

from .errors import BadInput

DEFAULT_SCRIPT = {
    "zh_CN": ["您好！欢迎光临", "您以前来看过房吗？", "拿到过我们的资料吗？", "之前是哪位置业顾问接待您的？"],
    "en": ["Hello, welcome!", "Have you visited us before?", "Have you received our materials?",
           "Which advisor served you before?"],
}


def _int(lo: int, hi: int | None) -> Callable[[str, Any], int]:
    def parse(key: str, raw: Any) -> int:
        try:
            v = int(str(raw).strip())
        except ValueError:
            raise BadInput(key, f"{raw!r} is not a whole number") from None
        if v < lo or (hi is not None and v > hi):
            raise BadInput(key, f"must be between {lo} and {hi}" if hi is not None else f"must be at least {lo}")
        return v
    return parse


def _choice(*options: str) -> Callable[[str, Any], str]:
    def parse(key: str, raw: Any) -> str:
        v = str(raw).strip()
        if v not in options:
            raise BadInput(key, f"{raw!r} is not one of {', '.join(options)}")
        return v
    return parse


def _bool(key: str, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    v = str(raw).strip().lower()
    if v in ("true", "yes", "1", "on"):
        return True
    if v in ("false", "no", "0", "off"):
        return False
    raise BadInput(key, f"{raw!r} is not true or false")


def _money(key: str, raw: Any) -> str:
    try:
        v = Decimal(str(raw).strip())
        if not v.is_finite() or v > Decimal("1000000000000"):
            raise InvalidOperation
    except InvalidOperation:
        raise BadInput(key, f"{raw!r} is not an amount (digits, at most 1,000,000,000,000)") from None
    if v <= 0 or v != v.quantize(Decimal("0.01")):
        raise BadInput(key, "must be a positive amount with at most two decimals")
    return str(v.quantize(Decimal("0.01")))


def _script(key: str, raw: Any) -> dict[str, list[str]]:
    try:
        v = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:  # not JSON, or a number past Python's 4,300-digit conversion limit
        raise BadInput(key, 'is not JSON: give {"zh_CN": [lines…], "en": [lines…]}') from None
    if not isinstance(v, dict) or not all(isinstance(x, list) and all(isinstance(t, str) and t.strip() for t in x)
                                          for x in v.values()):
        raise BadInput(key, 'must be {"zh_CN": [lines…], "en": [lines…]}')
    return v


MAX_URL = 500


def _url(key: str, raw: Any) -> str:
    """An http(s) address with a host, or empty (no webhook: notices stay in the inbox)."""
    v = str(raw).strip()
    if v.lower() in ("", "none", "off", "-"):
        return ""
    if len(v) > MAX_URL:
        raise BadInput(key, f"is {len(v)} characters long; at most {MAX_URL} allowed")
    if any(ch.isspace() or not ch.isprintable() for ch in v):
        raise BadInput(key, "must not contain spaces or control characters")
    try:
        parts = urlsplit(v)
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        raise BadInput(key, f"{raw!r} is not a web address") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise BadInput(key, f"{raw!r} is not an http:// or https:// address with a host")
    return v


def shown_url(url: str) -> str:
    """A webhook address without its secret (the robot's key or access token): scheme, host and path."""
    if not url:
        return ""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rsplit('@', 1)[-1]}{parts.path}" + ("?…" if parts.query else "")


@dataclass(frozen=True)
class Spec:
    default: Any
    parse: Callable[[str, Any], Any]
    rule: str


SPECS: dict[str, Spec] = {
    # above 10 needs a recorded GM approval: checked by the settings service (R2.2)
    "protection_days": Spec(protection.DEFAULT_DAYS, _int(protection.MIN_DAYS, 60), "R2.2"),
    "volume_mode": Spec(routing.HIGH, _choice(*routing.VOLUME_MODES), "R3.2"),
    "skip_policy": Spec(rotation.KEEP_PLACE, _choice(*rotation.SKIP_POLICIES), "R3"),
    "duty_consumes_turn": Spec(False, _bool, "R3"),
    "large_deal_threshold": Spec("1000000.00", _money, "part 2"),
    # R1.2: the smallest deposit that takes a unit (a token deposit must not take it from the other advisors)
    "min_deposit": Spec("5000.00", _money, "R1.2"),
    "company_rate": Spec(100, _int(0, 100), "P2"),  # % credited above the large-deal threshold, handled alone
    "duty_share": Spec(0, _int(0, 100), "R3.2"),  # % of a deal taken on the spot by a duty advisor
    "idle_lock_minutes": Spec(10, _int(1, 240), "R2.1"),
    "exam_pass_score": Spec(60, _int(0, 100), "R5.3"),
    "greeter_script": Spec(DEFAULT_SCRIPT, _script, "R3.1"),
    # outbound notices (issue 6, part 4): a WeCom or DingTalk group robot; empty = inbox only
    "webhook_url": Spec("", _url, "P1"),
    "webhook_kind": Spec("wecom", _choice("wecom", "dingtalk"), "P1"),
    "webhook_lang": Spec("zh_CN", _choice("en", "zh_CN"), "P1"),
}
SECRET = frozenset({"webhook_url"})  # shown without its key to anyone but the PM and the GM


def shown(key: str, value: Any, full: bool) -> Any:
    """A setting as a reader sees it: a secret one without its key unless `full` (the PM, the GM)."""
    return value if full or key not in SECRET else shown_url(value)


def parse(key: str, raw: Any) -> Any:
    spec = SPECS.get(key)
    if spec is None:
        raise BadInput("key", f"{key!r} is not a setting; settings are {', '.join(SPECS)}")
    return spec.parse(key, raw)
