"""Four counter PCs on one SQLite file, 500 walk-ins each (R2.1, R3): nothing lost, nothing doubled.

Each process (multiprocessing, spawn) builds its own services; they start together at a
barrier. Every 5th walk-in of a desk is one of its earlier clients coming back (the owner is
present: route "owner", not a rotation turn); the others are new (route "rotation").
"""

from __future__ import annotations

import multiprocessing as mp
import time
from collections import Counter

from frontdesk.services import Clock, open_services
from frontdesk.services.clock import parse_local

from . import _workers
from .conftest import DAY, ROSTER, rows

PROCESSES = 4
PER_PROCESS = 500  # 4 x 500 = 2000 walk-ins; about 25-40 s on 2 cores (see the module's report)
TOTAL = PROCESSES * PER_PROCESS


def test_four_desks_500_visits_each_lose_nothing_and_give_no_turn_twice(counter_db):
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(PROCESSES)
    results = ctx.Queue()
    procs = [ctx.Process(target=_workers.desk, args=(str(counter_db), w, PER_PROCESS, barrier, results))
             for w in range(1, PROCESSES + 1)]
    t0 = time.perf_counter()
    for p in procs:
        p.start()
    reports = [results.get(timeout=600) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    elapsed = time.perf_counter() - t0

    # 0 errors, 0 lost
    errors = [e for _, _, errs in reports for e in errs]
    assert errors == [], errors[:3]
    got = [x for _, entries, _ in reports for x in entries]
    assert len(got) == TOTAL
    numbers = sorted(n for n, *_ in got)
    assert numbers == list(range(1, TOTAL + 1)), "register numbers are not gap-free 1..2000"

    # the register as the database holds it: gap-free, every entry the one a desk was told about
    stored = rows(counter_db, "SELECT e.number, s.name, e.turn, e.route FROM registerentry e "
                              "JOIN staff s ON s.id = e.advisor_id WHERE e.book = 'visit' ORDER BY e.number")
    assert [n for n, *_ in stored] == list(range(1, TOTAL + 1))
    told = {n: (advisor, route, turn) for n, route, advisor, turn in got}
    assert {n: (a, r, bool(t)) for n, a, t, r in stored} == told
    assert rows(counter_db, "SELECT last_number FROM ledgerhead WHERE book = 'visit'") == [(TOTAL,)]

    # no rotation turn given twice: in number order, the turns go round the roster in order —
    # every window of len(roster) consecutive turns holds each advisor exactly once
    turns = [a for _, a, t, _ in stored if t]
    new_visits = sum(1 for _, r, _, _ in got if r == "rotation")
    assert len(turns) == new_visits == TOTAL - sum(1 for _, r, _, _ in got if r == "owner")
    k = len(ROSTER)
    for i in range(len(turns) - k + 1):
        assert Counter(turns[i:i + k]) == Counter(ROSTER), f"turns {i + 1}..{i + k}: {turns[i:i + k]}"
    assert turns == [ROSTER[i % k] for i in range(len(turns))]
    # a returning client is served by their owner and uses no turn
    assert {r for _, r, _, _ in got} == {"rotation", "owner"}
    assert all(not t for _, a, t, r in stored if r == "owner")

    # the chain, the clients and the rotation state agree
    sv = open_services(str(counter_db), Clock(parse_local(DAY)))
    try:
        assert sv.integrity.verify() | {"sealed": 0} == {"ok": True, "entries": TOTAL, "sealed": 0, "problems": []}
        assert rows(counter_db, "SELECT COUNT(*) FROM client")[0][0] == new_visits
        nxt = sv.roster.show(actor=_workers.PM)["next"]
        assert nxt == ROSTER[len(turns) % k]
    finally:
        sv.close()
    print(f"\n{TOTAL} walk-ins from {PROCESSES} processes in {elapsed:.1f} s "
          f"({TOTAL / elapsed:.0f}/s committed)")
