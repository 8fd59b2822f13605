"""Words on screen: the zh_CN and en catalogs and the functions that render them.

Rules return codes + data (``frontdesk.rules.reasons.Reason``); this layer turns them into
sentences in the office's own words (docs/rules.en.md, "Words on screen"). Pure Python: no Textual,
no I/O besides reading the two JSON catalogs shipped beside this file.

Keys, one flat namespace per catalog:

- ``reason.<code>``   a decision's reason, formatted with its data (``render_reason``);
  ``reason.<code>.without_<param>`` is used instead when an optional ``param`` is absent.
- ``notice.<kind>``   a notification (``notice_text``).
- ``error.<code>``    an error message (``error_text``).
- ``word.<x>``        UI words (``word.route.<route>`` for routing outcomes).
- ``greeter.<x>``     the default greeter script (R3.1).
- ``ref.<register>``  a register entry cited in a reason: ``"visit#12"`` → "visitor register #12".
- ``value.<param>.<value>``  a code-like value shown as words (``volume="high"`` → "high volume";
  bools as ``true``/``false``).
"""

from __future__ import annotations

import json
import os
import re
import string
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from frontdesk.rules.reasons import Reason

__all__ = [
    "DEFAULT_LANG",
    "LANGS",
    "catalog",
    "error_text",
    "format_value",
    "has_key",
    "normalize_lang",
    "notice_text",
    "pick_lang",
    "render_reason",
    "render_reasons",
    "t",
]

LANGS: tuple[str, ...] = ("en", "zh_CN")
DEFAULT_LANG = "en"
MISSING_VALUE = "—"  # how None is shown
LIST_SEP = ", "
_LOCALE_VARS = ("LC_ALL", "LC_MESSAGES", "LANG")  # POSIX precedence: the first set one decides
_REF = re.compile(r"^([a-z][a-z_-]*)#(\d+)$")  # "visit#12", "call#3", "followup#40", "crossing#2"


# ---------------------------------------------------------------------------- languages


def normalize_lang(value: str | None) -> str | None:
    """"zh", "zh-CN", "zh_CN.UTF-8", "zh_TW" → "zh_CN"; "en", "en_US", "C", "POSIX" → "en";
    anything else (or nothing) → None."""
    if not value:
        return None
    v = value.strip().split(".", 1)[0].split("@", 1)[0].replace("-", "_").lower()
    if v == "zh" or v.startswith("zh_"):
        return "zh_CN"
    if v in ("en", "c", "posix") or v.startswith("en_"):
        return "en"
    return None


def pick_lang(explicit: str | None = None, env: Mapping[str, str] | None = None) -> str:
    """The UI language: `explicit` if it names one we have, else the locale from `env`
    (LC_ALL, then LC_MESSAGES, then LANG; default ``os.environ``), else "en"."""
    lang = normalize_lang(explicit)
    if lang is not None:
        return lang
    env = os.environ if env is None else env
    for var in _LOCALE_VARS:
        val = env.get(var)
        if val:
            return normalize_lang(val) or DEFAULT_LANG
    return DEFAULT_LANG


# ---------------------------------------------------------------------------- catalogs


def catalog_files(lang: str) -> list[str]:
    """The catalog of `lang` is `{lang}.json` and its parts `{lang}.<area>.json` (one per area of the
    app, so that areas grow without touching one another's file); keys may not repeat across parts."""
    names = sorted(p.name for p in resources.files(__name__).iterdir()
                   if p.name.startswith(f"{lang}.") and p.name.endswith(".json")
                   and p.name.count(".") in (1, 2))
    return sorted(names, key=lambda n: (n != f"{lang}.json", n))


def load_catalog(lang: str) -> dict[str, str]:
    """All parts of `lang`'s catalog merged; a key defined twice is an error naming both files."""
    merged: dict[str, str] = {}
    origin: dict[str, str] = {}
    for name in catalog_files(lang):
        data = json.loads(resources.files(__name__).joinpath(name).read_text(encoding="utf-8"))
        if not isinstance(data, dict):  # pragma: no cover - guarded by the tests
            raise ValueError(f"i18n catalog {name} is not a flat object")
        for key, text in data.items():
            if key in merged:
                raise ValueError(f"i18n key {key!r} is in both {origin[key]} and {name}")
            merged[key], origin[key] = text, name
    return merged


@lru_cache(maxsize=None)
def _load(lang: str) -> dict[str, str]:
    return load_catalog(lang)


def catalog(lang: str) -> Mapping[str, str]:
    """The whole catalog of `lang` ("en" or "zh_CN"; other spellings accepted)."""
    return _load(normalize_lang(lang) or DEFAULT_LANG)


def _lookup(key: str, lang: str) -> str | None:
    lang = normalize_lang(lang) or DEFAULT_LANG
    text = _load(lang).get(key)
    if text is None and lang != DEFAULT_LANG:
        text = _load(DEFAULT_LANG).get(key)
    return text


def has_key(key: str, lang: str = DEFAULT_LANG) -> bool:
    """Whether `key` has a text in `lang` or in the English fallback."""
    return _lookup(key, lang) is not None


# ---------------------------------------------------------------------------- formatting


class _Missing:
    """A placeholder with no value: shown as written, e.g. "{name}"."""

    def __init__(self, name: str):
        self.name = name


class _SafeFormatter(string.Formatter):
    def get_field(self, field_name: str, args: Any, kwargs: Any) -> Any:
        try:
            return super().get_field(field_name, args, kwargs)
        except (KeyError, IndexError, AttributeError, TypeError):
            return _Missing(field_name), field_name

    def convert_field(self, value: Any, conversion: str | None) -> Any:
        if isinstance(value, _Missing):
            return value
        return super().convert_field(value, conversion)

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, _Missing):
            return "{" + value.name + (":" + format_spec if format_spec else "") + "}"
        try:
            return format(value, format_spec)
        except (TypeError, ValueError):
            return str(value)


_FORMATTER = _SafeFormatter()


def _fill(template: str, params: Mapping[str, Any]) -> str:
    try:
        return _FORMATTER.vformat(template, (), dict(params))
    except (ValueError, IndexError):  # a malformed template: show it rather than fail
        return template


def _placeholders(template: str) -> set[str]:
    try:
        return {f.split(".", 1)[0].split("[", 1)[0] for _, f, _, _ in string.Formatter().parse(template) if f}
    except ValueError:
        return set()


def format_value(value: Any, lang: str = DEFAULT_LANG, param: str | None = None) -> Any:
    """A data value as shown: None → "—", dates ISO (datetimes to the minute), lists joined
    with ", ", register refs ("visit#12" or an EntryRef) in words, code-like values through
    ``value.<param>.<value>`` keys, bools as yes/no. Numbers are left as numbers so that a
    format spec in the template still applies; anything else is ``str()``."""
    if value is None:
        return MISSING_VALUE
    if isinstance(value, bool):
        word = "true" if value else "false"
        if param is not None:
            text = _lookup(f"value.{param}.{word}", lang)
            if text is not None:
                return text
        return _lookup("word.yes" if value else "word.no", lang) or word
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        if param is not None:
            text = _lookup(f"value.{param}.{value}", lang)
            if text is not None:
                return text
        m = _REF.match(value)
        if m is not None:
            return _ref_text(m.group(1), m.group(2), lang) or value
        return value
    register, number = getattr(value, "register", None), getattr(value, "number", None)
    if isinstance(register, str) and isinstance(number, int):  # frontdesk.rules.reasons.EntryRef
        return _ref_text(register, str(number), lang) or str(value)
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return LIST_SEP.join(str(format_value(v, lang, param)) for v in items)
    return str(value)


def _ref_text(register: str, number: str, lang: str) -> str | None:
    template = _lookup(f"ref.{register}", lang)
    return None if template is None else _fill(template, {"number": number})


def _format_params(params: Mapping[str, Any], lang: str) -> dict[str, Any]:
    return {k: format_value(v, lang, k) for k, v in params.items()}


def t(key: str, /, lang: str = DEFAULT_LANG, **params: Any) -> str:
    """The text of `key` in `lang` (falling back to English, then to the key itself),
    formatted with `params`. A placeholder without a value stays visible ("{name}")."""
    template = _lookup(key, lang)
    if template is None:
        return key
    return _fill(template, _format_params(params, lang))


def _template_for(key: str, lang: str, data: Mapping[str, Any]) -> str | None:
    """`key`'s template, or its ``.without_<param>`` variant when `param` is not in `data`."""
    template = _lookup(key, lang)
    if template is None:
        return None
    for name in sorted(_placeholders(template) - set(data)):
        variant = _lookup(f"{key}.without_{name}", lang)
        if variant is not None:
            return variant
    return template


# ---------------------------------------------------------------------------- reasons, notices, errors


def _reason_parts(reason: Reason | Mapping[str, Any]) -> tuple[str, str, Mapping[str, Any]]:
    if isinstance(reason, Mapping):
        rule, code, data = reason.get("rule"), reason.get("code"), reason.get("data")
    else:
        rule, code, data = (getattr(reason, "rule", None), getattr(reason, "code", None),
                            getattr(reason, "data", None))
    return str(rule or ""), str(code or ""), data or {}


def _coded_text(prefix: str, code: str, lang: str, data: Mapping[str, Any]) -> str:
    key = f"{prefix}.{code}"
    template = _template_for(key, lang, data)
    if template is not None:
        return _fill(template, _format_params(data, lang))
    # Unknown code: say so visibly, with the data, rather than hide the decision.
    shown = _format_params(data, lang)
    details = ", ".join(f"{k}={v}" for k, v in shown.items())
    return f"{key} ({details})" if details else key


def render_reason(reason: Reason | Mapping[str, Any], lang: str = DEFAULT_LANG) -> str:
    """"R2.2: owned by 张三; …" from a Reason or a dict {"rule", "code", "data"}."""
    rule, code, data = _reason_parts(reason)
    text = _coded_text("reason", code, lang, data)
    return f"{rule}: {text}" if rule else text


def render_reasons(reasons: Iterable[Reason | Mapping[str, Any]], lang: str = DEFAULT_LANG) -> list[str]:
    return [render_reason(r, lang) for r in reasons]


def error_text(code: str, /, lang: str = DEFAULT_LANG, **params: Any) -> str:
    """The message of error `code` (key ``error.<code>``). `code` is positional-only, so a
    parameter may itself be called ``code`` (``error.unknown_project``)."""
    return _coded_text("error", code, lang, params)


def notice_text(kind: str, /, lang: str = DEFAULT_LANG, **params: Any) -> str:
    """The text of notification `kind` (key ``notice.<kind>``)."""
    return _coded_text("notice", kind, lang, params)
