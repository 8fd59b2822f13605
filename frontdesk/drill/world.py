"""The sandbox: a throwaway SQLite copy of a drill set's world, built through the normal services.

Never the live database: the sandbox is a new file in a temporary folder, opened with its own
fixed Clock, and removed when the drill closes. Staff, roster, clients and their histories are
replayed through the services (calls register an owner, R2.2; referral pre-registrations, R2.4;
household links, R2.5), so ownership, windows and rotation are the real ones.

A seeded run (`vary`) gives the clients other names and phones and moves the drill day: the
same seed gives the same world, another seed another one.
"""

from __future__ import annotations

import random
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from frontdesk.services import Clock, Services, open_services

from .scenario import DrillSet, Story

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉玲建波宁斌浩凯琳欣晨宇轩然婷雪倩昊峰"
PREFIXES = ("135", "136", "137", "138", "139", "150", "151", "152", "158", "159", "186", "187", "188")


@dataclass
class People:
    """The run's visitors and clients: key → (name, phone); new visitors keyed by story id."""

    names: dict[str, str] = field(default_factory=dict)
    phones: dict[str, str] = field(default_factory=dict)


@dataclass
class Sandbox:
    dset: DrillSet
    sv: Services
    clock: Clock
    folder: Path
    today: date
    people: People
    pm: str

    def at(self, minutes: int) -> None:
        """Move the sandbox clock to `minutes` after the drill's start on the drill day."""
        start = datetime.combine(self.today, time.fromisoformat(self.dset.world.time))
        self.clock.fixed_local = start + timedelta(minutes=minutes)

    def close(self) -> None:
        self.sv.close()
        shutil.rmtree(self.folder, ignore_errors=True)


def vary(dset: DrillSet, seed: int | None) -> tuple[date, People]:
    """The run's day, names and phones: as written, or varied from `seed` (replayable)."""
    people = People()
    for c in dset.world.clients:
        people.names[c.key], people.phones[c.key] = c.name, c.phone
    for s in dset.stories:
        if s.visitor.phone is not None:
            people.names[s.id], people.phones[s.id] = s.visitor.name or "", s.visitor.phone
    if seed is None:
        return dset.world.today, people
    rnd = random.Random(seed)
    staff = {st.name for st in dset.world.staff}
    used_names: set[str] = set(staff)
    used_phones: set[str] = set()
    for key in list(people.names):
        while True:
            nm = rnd.choice(SURNAMES) + "".join(rnd.choice(GIVEN) for _ in range(rnd.choice((1, 2))))
            if nm not in used_names:
                break
        while True:
            ph = rnd.choice(PREFIXES) + "".join(str(rnd.randrange(10)) for _ in range(8))
            if ph not in used_phones:
                break
        used_names.add(nm)
        used_phones.add(ph)
        people.names[key], people.phones[key] = nm, ph
    return dset.world.today + timedelta(days=rnd.randrange(-180, 181)), people


def order(dset: DrillSet, seed: int | None) -> list[Story]:
    """The stories in the set's order, or mixed from the seed."""
    stories = list(dset.stories)
    if seed is not None:
        random.Random(f"order:{seed}").shuffle(stories)
    return stories


def build(dset: DrillSet, seed: int | None = None) -> Sandbox:
    """A fresh sandbox for `dset`, in a new temporary folder (removed by Sandbox.close)."""
    w = dset.world
    today, people = vary(dset, seed)
    folder = Path(tempfile.mkdtemp(prefix="frontdesk-drill-"))
    first = min([ev.day for c in w.clients for ev in c.history], default=0) - 1
    clock = Clock(fixed_local=datetime.combine(today + timedelta(days=first), time(8, 0)))
    sv = open_services(str(folder / "sandbox.db"), clock)
    pm = next(s.name for s in w.staff if s.role == "pm")
    box = Sandbox(dset, sv, clock, folder, today, people, pm)
    try:
        _populate(box, first)
    except BaseException:
        box.close()
        raise
    return box


def _populate(box: Sandbox, first: int) -> None:
    w, sv, pm, people = box.dset.world, box.sv, box.pm, box.people
    sv.staff.init(w.project, w.office.zh_CN, protection_days=w.protection_days)
    sv.staff.add(pm, "pm")
    for s in sorted(w.staff, key=lambda s: s.role == "trainee"):  # mentors first
        if s.name != pm:
            sv.staff.add(s.name, s.role, mentor=s.mentor, actor=pm)
    if w.large_deal_threshold is not None:
        sv.staff.settings("large_deal_threshold", str(w.large_deal_threshold), actor=pm)
    sv.roster.set(list(w.roster), actor=pm)
    events = sorted(((ev.day, i, c, ev) for i, c in enumerate(w.clients) for ev in c.history),
                    key=lambda x: (x[0], x[1]))
    for n, (day, _i, c, ev) in enumerate(events):
        box.clock.fixed_local = datetime.combine(box.today + timedelta(days=day), time(9, 0)) + timedelta(minutes=n)
        phone, name = people.phones[c.key], people.names[c.key]
        referrer = people.phones[ev.referred_by] if ev.referred_by else None
        sv.reception.call(phone, name=name, referred_by=referrer, actor=ev.by)
    box.clock.fixed_local = datetime.combine(box.today, time(8, 30))
    for c in w.clients:
        if c.household_of is not None:
            assert c.relation is not None
            sv.records.link(people.phones[c.household_of], people.phones[c.key], c.relation, actor=pm)
    box.at(0)
