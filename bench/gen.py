"""Benchmark databases: N clients, ~5 contacts each, three months of registers — generated fast.

The schema is the real one (`frontdesk.store.db.open_db` runs the migrations) and the office
(project, staff, settings, roster) is set up through the services. The bulk — clients,
people, phones, register entries, follow-ups — is then written directly with executemany,
secondary indexes dropped first and rebuilt after (the UNIQUE constraints' own indexes stay).

What makes the data faithful to what the services would have written:
- every client's history is folded with the R2.2 rules as it is generated (registration,
  own receptions and calls refresh the window, duty receptions and calls answered by
  someone else do not, unreachable follow-ups do not, a lapse frees the client for the next
  registration), so each entry's owner_id/route/effect/turn and the client cache columns
  (client.owner_id = owner or previous owner, client.last_contact) are what
  `clientbook.refresh_cache` computes; `check()` compares a sample against the services;
- entries are numbered per register in time order and hash-chained with the ledger's own
  field list (`ledger._HASHED`), stored in the formats SQLAlchemy reads back, and checked
  against `ledger.entry_hash` on a sample (and by `sv.integrity.verify()` for small sizes);
- phones are valid mainland mobiles, unique, stored E.164 with their 4-digit tail; names are
  drawn from Chinese surnames and given names, initials from `clientbook.initials` (pypinyin),
  cached per name.

"Contacts" are the touch points of a client's history: register entries (walk-ins, calls)
and follow-ups. Each client has 1 + Geometric(mean 4) of them (capped at 40), spread over the
three months after its first registration. About 60% are register entries.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import sqlite3
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Iterator

GEN_VERSION = "4"  # bump when the generated data changes shape: cached databases are rebuilt
PROJECT = "BENCH"
PM = "王经理"
PM_PIN, ADVISOR_PIN = "2580", "3691"  # PINs that are not easy guesses (weak ones are refused, R2.1)
ADVISORS = ["李娜", "张伟", "刘洋", "陈静", "赵磊", "王芳", "杨帆", "黄磊", "周杰", "吴敏", "徐丽", "孙强"]
TODAY = date(2026, 12, 1)  # the bench day: the desk opens at 10:00
DAYS = 91  # three months of registers before it: 2026-09-01 .. 2026-11-30
START = TODAY - timedelta(days=DAYS)
PROTECTION_DAYS = 7
TZ_OFFSET = timedelta(hours=8)  # Asia/Shanghai, no DST

SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英",
         "霞", "平", "刚", "桂英", "华", "玉兰", "萍", "红", "鹏", "辉", "建华", "建国", "建军", "丹", "玲", "飞", "鑫",
         "波", "斌", "宇", "浩", "凯", "健", "俊", "帆", "帅", "旭", "宁", "龙", "林", "欢", "阳", "晨", "梅", "莉",
         "婷", "雪", "琳", "晶", "倩", "颖", "慧", "佳", "博", "文", "海燕", "志强", "志明", "秀兰", "春梅", "海涛",
         "小红", "晓东", "晓明", "子涵", "梓轩", "浩然", "欣怡", "一诺", "雨桐", "思远", "嘉怡", "俊杰", "宇航", "雅静",
         "天宇", "振华", "国强", "永刚", "金凤", "丽华", "淑珍", "桂兰", "秀珍", "德明", "立新", "红梅", "海波", "新华"]
# mainland mobile prefixes (all valid for phonenumbers' CN metadata)
PREFIXES = ["138", "139", "135", "136", "137", "150", "151", "152", "158", "159", "186", "187", "188", "130",
            "131", "132", "155", "156", "185", "133", "153", "180", "189", "177", "199", "198", "166"]
_MUL, _ADD, _MOD = 48_271_039, 13_579_113, 10**8  # i -> (i*_MUL + _ADD) % 10^8 is a bijection (gcd(_MUL, 10) == 1)
NEW_PHONE_BASE = 90_000_000  # phone indices from here on are never in a generated database


def phone_of(i: int) -> str:
    """The i-th generated mobile (national digits), unique for i < 10^8."""
    n = (i * _MUL + _ADD) % _MOD
    return f"{PREFIXES[i % len(PREFIXES)]}{n:08d}"


def name_of(rnd: random.Random) -> str:
    return rnd.choice(SURNAMES) + rnd.choice(GIVEN)


@dataclass
class Meta:
    size: int
    clients: int
    entries: dict[str, int]
    followups: int
    seconds: float
    version: str
    sample_phones: list[str]
    sample_names: list[str]

    def dump(self, path: Path) -> None:
        path.write_text(json.dumps(self.__dict__, ensure_ascii=False, indent=1))

    @classmethod
    def load(cls, path: Path) -> "Meta | None":
        try:
            return cls(**json.loads(path.read_text()))
        except (OSError, ValueError, TypeError):
            return None


def _dt(sec: int) -> tuple[str, str]:
    """A UTC moment given as seconds since START 00:00 UTC: (stored text, isoformat for the hash)."""
    d, s = divmod(sec, 86400)
    day = _DAY_TEXT[d]
    hms = f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"
    return f"{day} {hms}.000000", f"{day}T{hms}"


_DAY_TEXT = [(START + timedelta(days=d)).isoformat() for d in range(DAYS + 40)]


def _local_day(sec: int) -> str:
    """The project-local calendar day of a UTC moment (seconds since START 00:00 UTC)."""
    return _DAY_TEXT[(sec + 8 * 3600) // 86400]


def _office(path: Path) -> dict[str, int]:
    """The office through the services: project, PM, advisors, the rotation. Staff ids by name."""
    from frontdesk.services import Clock, open_services

    sv = open_services(str(path), Clock(datetime.combine(START - timedelta(days=1), datetime.min.time()).replace(hour=9)))
    try:
        sv.staff.init(PROJECT, "基准花园", protection_days=PROTECTION_DAYS)
        sv.staff.add(PM, "pm", pin=PM_PIN)
        for a in ADVISORS:
            sv.staff.add(a, "advisor", actor=PM, pin=ADVISOR_PIN)
        sv.roster.set(ADVISORS, actor=PM)
        ids = {st["name"]: None for st in sv.staff.list(actor=PM)}
    finally:
        sv.close()
    con = sqlite3.connect(path)
    try:
        for name, sid in con.execute("SELECT name, id FROM staff"):
            ids[name] = sid
        ids["__project__"] = con.execute("SELECT id FROM project WHERE code = ?", (PROJECT,)).fetchone()[0]
    finally:
        con.close()
    return ids  # type: ignore[return-value]


BULK = ("client", "person", "phone", "registerentry", "followup")


def generate(path: Path, n: int, seed: int = 20261201, log: Any = print) -> Meta:
    """Build a fresh benchmark database of `n` clients at `path` (replaced if it exists)."""
    from frontdesk.services.clientbook import initials
    from frontdesk.store import ledger

    t0 = time.perf_counter()
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    ids = _office(path)
    pid, pm = ids["__project__"], ids[PM]
    adv = [ids[a] for a in ADVISORS]
    rnd = random.Random(seed)
    names = [s + g for s in SURNAMES for g in GIVEN]
    inits = {nm: initials(nm) for nm in names}

    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    con.execute("PRAGMA cache_size=-400000")  # 400 MB page cache while loading
    con.execute("PRAGMA temp_store=MEMORY")
    indexes = [(nm, sql) for nm, sql in con.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN "
        f"({','.join('?' * len(BULK))})", BULK)]
    for nm, _ in indexes:
        con.execute(f"DROP INDEX {nm}")
    con.execute("BEGIN")

    # ------------------------------------------------------------------ clients, histories
    day0 = 9 * 3600 - 8 * 3600  # 09:00 local in UTC seconds of the day
    visits: list[tuple] = []  # (sec, client, advisor, owner_after, route, effect, turn)
    calls: list[tuple] = []
    fu_rows: list[tuple] = []
    client_rows, person_rows, phone_rows = [], [], []
    log_p = math.log(0.8)  # geometric, p = 0.2: mean 4 more contacts
    present = 0.85  # the owner is at the desk when their client walks in
    n_adv = len(adv)
    for i in range(n):
        cid = i + 1
        first = rnd.randrange(DAYS) * 86400 + day0 + rnd.randrange(9 * 3600)
        more = min(int(math.log(1.0 - rnd.random()) / log_p), 40)
        first_day = first // 86400
        secs = sorted({first, *(max(first + 60, rnd.randrange(first_day, DAYS) * 86400 + day0 + rnd.randrange(9 * 3600))
                                for _ in range(more))})
        kinds = ["visit" if rnd.random() < 0.6 else "call"]
        for _ in secs[1:]:
            x = rnd.random()
            kinds.append("followup" if x < 0.45 else "visit" if x < 0.80 else "call")
        owner = prev = last = None  # last: the local day index of the owner's last valid contact
        for sec, kind in zip(secs, kinds):
            dayi = (sec + 8 * 3600) // 86400
            if owner is not None and dayi > last + PROTECTION_DAYS:  # lapsed (R2.2)
                prev, owner = owner, None
            if kind == "followup":
                if owner is None:
                    kind = "visit"  # nobody owns them: they come back and register anew
                else:
                    reached = rnd.random() < 0.8
                    fu_rows.append((pid, cid, owner, "reached" if reached else "unreachable", sec, dayi))
                    if reached:
                        last = dayi
                    continue
            if kind == "visit":
                if owner is None:
                    a = adv[rnd.randrange(n_adv)]
                    visits.append((sec, cid, a, a, "rotation", "register", True))
                    owner, last = a, dayi
                elif rnd.random() < present:
                    visits.append((sec, cid, owner, owner, "owner", "register", False))
                    last = dayi
                else:
                    a = adv[(adv.index(owner) + 1 + rnd.randrange(n_adv - 1)) % n_adv]
                    visits.append((sec, cid, a, owner, "duty", "none", False))
            else:
                if owner is None:
                    a = adv[rnd.randrange(n_adv)]
                    calls.append((sec, cid, a, a, "call", "register", False))
                    owner, last = a, dayi
                elif rnd.random() < 0.7:
                    calls.append((sec, cid, owner, owner, "call", "register", False))
                    last = dayi
                else:
                    a = adv[(adv.index(owner) + 1 + rnd.randrange(n_adv - 1)) % n_adv]
                    calls.append((sec, cid, a, owner, "held", "none", False))
        # the cache as refresh_cache keeps it (as of the bench day: a lapse keeps the previous owner)
        held = owner if owner is not None else prev
        nm = names[rnd.randrange(len(names))]
        created, _ = _dt(first)
        client_rows.append((cid, pid, held, _DAY_TEXT[last] if last is not None else None, created))
        person_rows.append((cid, pid, cid, nm, inits[nm], "self", created))
        digits = phone_of(i)
        phone_rows.append((cid, pid, cid, cid, "+86" + digits, digits[-4:], created))
        if (i + 1) % 200_000 == 0:
            log(f"  {i + 1:,} clients simulated ({time.perf_counter() - t0:.0f} s)")
    con.executemany("INSERT INTO client (id, project_id, owner_id, last_contact, created_at) VALUES (?,?,?,?,?)",
                    client_rows)
    con.executemany("INSERT INTO person (id, project_id, client_id, name, initials, relation, created_at) "
                    "VALUES (?,?,?,?,?,?,?)", person_rows)
    con.executemany("INSERT INTO phone (id, project_id, person_id, client_id, e164, tail, created_at) "
                    "VALUES (?,?,?,?,?,?,?)", phone_rows)
    log(f"  clients, people, phones written ({time.perf_counter() - t0:.0f} s)")
    fu_rows.sort(key=lambda r: r[4])
    con.executemany(
        "INSERT INTO followup (project_id, client_id, advisor_id, outcome, note, score, at, day, recorded_at) "
        "VALUES (?,?,?,?,'',NULL,?,?,?)",
        ((p, c, a, o, _dt(s)[0], _DAY_TEXT[d], _dt(s + 20)[0]) for p, c, a, o, s, d in fu_rows))
    log(f"  {len(fu_rows):,} follow-ups written ({time.perf_counter() - t0:.0f} s)")

    # ------------------------------------------------------------------ the registers
    fields = ledger._HASHED  # the ledger's own list: the hash covers exactly these
    counts = {}
    for book, rows in (("visit", visits), ("call", calls)):
        rows.sort(key=lambda r: (r[0], r[1]))
        prev_hash = ledger.GENESIS
        data = json.dumps({"reasons": []})
        batch = []
        for number, (sec, cid, a, own, route, effect, turn) in enumerate(rows, 1):
            at_db, at_iso = _dt(sec)
            rec_db, rec_iso = _dt(sec + 30)
            p = person_rows[cid - 1]
            e164 = phone_rows[cid - 1][4]
            day = _local_day(sec)
            content = {"project_id": pid, "book": book, "number": number, "kind": "entry", "at": at_iso, "day": day,
                       "recorded_at": rec_iso, "operator_id": a if book == "call" else pm, "advisor_id": a,
                       "owner_id": own, "client_id": cid, "person_id": cid, "phone_e164": e164, "name": p[3],
                       "route": route, "effect": effect, "turn": turn, "amends": None, "data": data,
                       "prev_hash": prev_hash}
            blob = json.dumps({k: content[k] for k in fields}, sort_keys=True, ensure_ascii=False,
                              separators=(",", ":"))
            h = hashlib.sha256(blob.encode("utf-8")).hexdigest()
            batch.append((pid, book, number, "entry", at_db, day, rec_db, content["operator_id"], a, own, cid, cid,
                          e164, p[3], route, effect, int(turn), None, data, prev_hash, h))
            prev_hash = h
            if len(batch) >= 50_000:
                _insert_entries(con, batch)
                batch = []
        _insert_entries(con, batch)
        if rows:
            con.execute("INSERT INTO ledgerhead (project_id, book, last_number, last_hash) VALUES (?,?,?,?)",
                        (pid, book, len(rows), prev_hash))
        counts[book] = len(rows)
        log(f"  {len(rows):,} {book} entries numbered, chained, written ({time.perf_counter() - t0:.0f} s)")
    con.execute("COMMIT")
    for nm, sql in indexes:
        con.execute(sql)
    log(f"  indexes built ({time.perf_counter() - t0:.0f} s)")
    con.execute("PRAGMA journal_mode=WAL")
    con.close()
    _seal(path)
    log(f"  follow-ups sealed in the journal ({time.perf_counter() - t0:.0f} s)")

    sample = random.Random(seed + 1)
    picks = sample.sample(range(n), min(n, 5000))
    meta = Meta(size=n, clients=n, entries=counts, followups=len(fu_rows), seconds=round(time.perf_counter() - t0, 1),
                version=GEN_VERSION, sample_phones=[phone_of(i) for i in picks],
                sample_names=[person_rows[i][3] for i in picks])
    return meta


def _seal(path: Path) -> None:
    """The follow-ups written above, sealed as the services seal theirs (store/journal.py)."""
    from frontdesk.store import journal
    from frontdesk.store.db import Database

    db = Database(str(path))
    try:
        with db.writer.begin() as conn:
            journal.seal_since(conn, "followup")
    finally:
        db.dispose()


def _insert_entries(con: sqlite3.Connection, batch: list[tuple]) -> None:
    con.executemany(
        "INSERT INTO registerentry (project_id, book, number, kind, at, day, recorded_at, operator_id, advisor_id, "
        "owner_id, client_id, person_id, phone_e164, name, route, effect, turn, amends, data, prev_hash, hash) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", batch)


def check(path: Path, meta: Meta, sample: int = 300, full_verify: bool = False) -> list[str]:
    """Compare a sample of the generated data with what the services compute. Problems, if any."""
    from sqlmodel import select

    from frontdesk.services import Clock, open_services
    from frontdesk.services import clientbook
    from frontdesk.store import ledger
    from frontdesk.store.models import Client, RegisterEntry

    problems: list[str] = []
    sv = open_services(str(path), Clock(datetime.combine(TODAY, datetime.min.time()).replace(hour=10)))
    try:
        rnd = random.Random(3)
        with sv.reception.op(PM, write=False) as c:
            for digits in rnd.sample(meta.sample_phones, min(sample, len(meta.sample_phones))):
                found = clientbook.find(c, clientbook.parse_phone(digits))
                if found is None:
                    problems.append(f"{digits}: not found")
                    continue
                own = clientbook.ownership(c, found.client.id)
                want = own.owner if own.owner is not None else own.previous_owner
                if (found.client.owner_id, found.client.last_contact) != (want, own.last_contact):
                    problems.append(f"client {found.client.id}: cache {(found.client.owner_id, found.client.last_contact)}"
                                    f" but the fold says {(want, own.last_contact)}")
                if found.person.initials != clientbook.initials(found.person.name):
                    problems.append(f"person {found.person.id}: initials")
            top = c.s.exec(select(RegisterEntry.id).order_by(RegisterEntry.id.desc())).first() or 0
            for eid in rnd.sample(range(1, top + 1), min(sample, top)):
                e = c.s.get(RegisterEntry, eid)
                if e is not None and ledger.entry_hash(e) != e.hash:
                    problems.append(f"entry {e.book}#{e.number}: hash differs from ledger.entry_hash")
            if c.s.get(Client, meta.clients) is None:
                problems.append("the last client is missing")
        if full_verify:
            v = sv.integrity.verify()
            if not v["ok"]:
                problems.append(f"verify: {v['problems'][:3]}")
    finally:
        sv.close()
    return problems


def new_phones(count: int, salt: int = 0) -> Iterator[str]:
    """Phones that are in no generated database (walk-ins who are new)."""
    for k in range(count):
        yield phone_of(NEW_PHONE_BASE + salt * 1_000_000 + k)


__all__ = ["ADVISORS", "Meta", "PM", "PROJECT", "TODAY", "check", "generate", "new_phones", "phone_of"]
