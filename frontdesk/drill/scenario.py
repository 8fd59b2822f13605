"""Drill sets: data/drills/*.json, validated with pydantic; errors name the file, story and field.

A set holds a world (the office: staff, roster, clients with their histories, all as day offsets
from the drill's day) and stories (what the visitor says and what the counter sees, in zh_CN and
en, with the facts the routing rules need). Texts may use the placeholders in PLACEHOLDERS; the
engine fills them with the (possibly randomised) names, phones and dates of the run.
"""

from __future__ import annotations

import json
import re
import string
from datetime import date
from pathlib import Path
from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

import frontdesk

DRILLS = Path(frontdesk.__file__).parents[1] / "data" / "drills"
LANGS = ("en", "zh_CN")
PLACEHOLDERS = frozenset({"name", "phone", "tail", "owner", "asks_for", "saw", "budget", "referrer", "today",
                          "last_contact"})
ROLES = ("advisor", "trainee", "pm", "sales-admin", "gm")
NAME = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


class DrillSetError(ValueError):
    """A drill set that cannot be used: the message names the file, the story and the field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Strict):
    """One text in both languages of the UI."""

    en: str = Field(min_length=1, max_length=600)
    zh_CN: str = Field(min_length=1, max_length=600)

    @model_validator(mode="after")
    def _placeholders(self) -> "Text":
        for lang in LANGS:
            names = {f for _, f, _, _ in string.Formatter().parse(getattr(self, lang)) if f}
            unknown = names - PLACEHOLDERS
            if unknown:
                raise ValueError(f"{lang}: unknown placeholder(s) {sorted(unknown)}; allowed: {sorted(PLACEHOLDERS)}")
        return self

    def get(self, lang: str) -> str:
        return self.zh_CN if lang == "zh_CN" else self.en


class StaffSpec(_Strict):
    name: str = Field(min_length=1, max_length=100)
    role: Literal["advisor", "trainee", "pm", "sales-admin", "gm"]
    mentor: Optional[str] = None


class HistoryEvent(_Strict):
    day: int = Field(le=0, ge=-365)  # days before the drill day
    op: Literal["call", "referral"]  # a call registers the client to `by` (R2.2); a referral pre-registers (R2.4)
    by: str
    referred_by: Optional[str] = None  # referral: the key of the old client

    @model_validator(mode="after")
    def _referral(self) -> "HistoryEvent":
        if self.op == "referral" and not self.referred_by:
            raise ValueError("a referral needs referred_by (the old client's key)")
        return self


class ClientSpec(_Strict):
    key: str = Field(pattern=r"^[a-z0-9_-]{1,40}$")
    name: str = Field(min_length=1, max_length=100)
    phone: str = Field(pattern=r"^1[3-9]\d{9}$")
    history: tuple[HistoryEvent, ...] = ()
    household_of: Optional[str] = None  # the key of the client this person belongs with (R2.5)
    relation: Optional[Literal["spouse", "parent", "child", "company"]] = None

    @model_validator(mode="after")
    def _household(self) -> "ClientSpec":
        if (self.household_of is None) != (self.relation is None):
            raise ValueError("household_of and relation go together")
        if self.household_of is not None and self.history:
            raise ValueError("a household member has no history of their own")
        return self


class World(_Strict):
    project: str = Field(default="DRILL", pattern=r"^[A-Za-z0-9_-]{1,32}$")
    office: Text
    today: date
    time: str = Field(default="10:00", pattern=r"^\d{2}:\d{2}$")
    protection_days: int = Field(default=7, ge=1, le=10)
    large_deal_threshold: Optional[int] = Field(default=None, gt=0)
    staff: tuple[StaffSpec, ...] = Field(min_length=2)
    roster: tuple[str, ...] = Field(min_length=1)
    clients: tuple[ClientSpec, ...] = ()

    @model_validator(mode="after")
    def _refs(self) -> "World":
        names = [s.name for s in self.staff]
        if len(set(names)) != len(names):
            raise ValueError("staff: a name appears twice")
        if not any(s.role == "pm" for s in self.staff):
            raise ValueError("staff: the world needs a PM (they set the roster and link households)")
        for s in self.staff:
            if s.role == "trainee" and s.mentor not in names:
                raise ValueError(f"staff: trainee {s.name} needs a mentor who is on the staff")
        for n in self.roster:
            if n not in names:
                raise ValueError(f"roster: {n!r} is not on the staff")
        keys = [c.key for c in self.clients]
        if len(set(keys)) != len(keys):
            raise ValueError("clients: a key appears twice")
        phones = [c.phone for c in self.clients]
        if len(set(phones)) != len(phones):
            raise ValueError("clients: a phone appears twice")
        for c in self.clients:
            if c.household_of is not None and c.household_of not in keys:
                raise ValueError(f"clients.{c.key}.household_of: no client {c.household_of!r}")
            for ev in c.history:
                if ev.by not in names:
                    raise ValueError(f"clients.{c.key}.history.by: {ev.by!r} is not on the staff")
                if ev.referred_by is not None and ev.referred_by not in keys:
                    raise ValueError(f"clients.{c.key}.history.referred_by: no client {ev.referred_by!r}")
        return self


class Visitor(_Strict):
    """Who walks in: a client of the world (`client`: its key) or someone new (`name`, `phone`)."""

    client: Optional[str] = None
    name: Optional[str] = Field(default=None, max_length=100)
    phone: Optional[str] = Field(default=None, pattern=r"^1[3-9]\d{9}$")
    visited_before: bool = False  # what they answer to "您以前来看过房吗？"
    materials: bool = False  # "拿到过我们的资料吗？"
    asks_for: Optional[str] = None  # the advisor they ask for by name
    saw: Optional[str] = None  # the advisor they say served them before
    budget: Optional[int] = Field(default=None, gt=0)  # what they say they mean to spend (P2)

    @model_validator(mode="after")
    def _who(self) -> "Visitor":
        if (self.client is None) == (self.phone is None):
            raise ValueError("give either client (a world client's key) or phone and name of a new visitor")
        if self.phone is not None and not self.name:
            raise ValueError("a new visitor needs a name")
        return self


class Situation(_Strict):
    """The desk when the visitor arrives: who is away, the volume mode (R3.2)."""

    away: tuple[str, ...] = ()
    volume: Literal["high", "low"] = "high"


class Mistake(_Strict):
    """A typical wrong answer (for the tests and the set's author): what changes, and the rule it breaks."""

    route: Optional[Literal["owner", "duty", "rotation", "requested", "trainee-solo", "crossing"]] = None
    advisor: Optional[str] = None
    duties: Optional[tuple[Literal["notify_owner", "note_for_pm", "open_crossing", "notify_mentor",
                                   "notify_pm_large"], ...]] = None
    asked: Optional[tuple[Literal["visited_before", "materials", "saw"], ...]] = None
    looked_up: Optional[bool] = None
    rule: str = Field(pattern=r"^(R\d+(\.\d+)?|P2)$")


class Story(_Strict):
    id: str = Field(pattern=r"^[a-z0-9_-]{1,40}$")
    title: Text
    says: Text
    sees: Text
    visitor: Visitor
    situation: Situation = Situation()
    mistake: Mistake


class DrillSet(_Strict):
    name: str = Field(pattern=NAME.pattern)
    title: Text
    world: World
    stories: tuple[Story, ...] = Field(min_length=1, max_length=40)

    @model_validator(mode="after")
    def _refs(self) -> "DrillSet":
        staff = {s.name for s in self.world.staff}
        keys = {c.key for c in self.world.clients}
        ids = [s.id for s in self.stories]
        if len(set(ids)) != len(ids):
            raise ValueError("stories: an id appears twice")
        phones = {c.phone for c in self.world.clients}
        for s in self.stories:
            v = s.visitor
            where = f"stories.{s.id}"
            if v.client is not None and v.client not in keys:
                raise ValueError(f"{where}.visitor.client: no client {v.client!r} in the world")
            if v.phone is not None and v.phone in phones:
                raise ValueError(f"{where}.visitor.phone: a world client has it; use client instead")
            for f in ("asks_for", "saw"):
                if getattr(v, f) is not None and getattr(v, f) not in staff:
                    raise ValueError(f"{where}.visitor.{f}: {getattr(v, f)!r} is not on the staff")
            for n in s.situation.away:
                if n not in self.world.roster:
                    raise ValueError(f"{where}.situation.away: {n!r} is not on the roster")
            if s.mistake.advisor is not None and s.mistake.advisor not in staff:
                raise ValueError(f"{where}.mistake.advisor: {s.mistake.advisor!r} is not on the staff")
        return self


def _where(loc: tuple[Any, ...], data: Any) -> str:
    """A pydantic error location as words: stories[3] becomes the story's id."""
    parts: list[str] = []
    node = data
    for i, p in enumerate(loc):
        if isinstance(p, int) and i > 0 and loc[i - 1] == "stories" and isinstance(node, list) and p < len(node):
            sid = node[p].get("id") if isinstance(node[p], dict) else None
            parts.append(f"story {sid!r}" if sid else f"story #{p + 1}")
        else:
            parts.append(str(p))
        try:
            node = node[p]
        except (KeyError, IndexError, TypeError):
            node = None
    return ".".join(parts)


def parse(data: Any, source: str = "<data>") -> DrillSet:
    try:
        return DrillSet.model_validate(data)
    except ValidationError as exc:
        lines = []
        for e in exc.errors()[:10]:
            where = _where(tuple(e["loc"]), data)
            lines.append(f"{source}: {where or 'set'}: {e['msg']}")
        raise DrillSetError("\n".join(lines)) from None


def load_file(path: Path | str) -> DrillSet:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DrillSetError(f"{p}: cannot read it: {exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DrillSetError(f"{p}: not JSON: line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    return parse(data, str(p))


def sets(folder: Path | None = None) -> list[str]:
    return sorted(p.stem for p in (folder or DRILLS).glob("*.json"))


def load(name: str = "default", folder: Path | None = None) -> DrillSet:
    if not NAME.match(name or ""):
        raise DrillSetError(f"set: {name!r} is not a set name (letters, digits, - and _)")
    p = (folder or DRILLS) / f"{name}.json"
    if not p.exists():
        raise DrillSetError(f"set: no drill set {name!r} (have: {', '.join(sets(folder)) or 'none'})")
    return load_file(p)
