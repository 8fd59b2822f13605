"""Two desks writing to one SQLite file at once: no lost or doubled register numbers (R2.1)."""

from __future__ import annotations

import multiprocessing as mp
from collections import Counter

from .conftest import LI, LIU, PM, ZHANG

PER_PROCESS = 30


def desk(path: str, worker: int, barrier, results) -> None:  # noqa: ANN001
    """One process: its own services and clock, 30 walk-ins with distinct phones."""
    from frontdesk.services import Clock, open_services
    from frontdesk.services.clock import parse_local

    sv = open_services(path, Clock(parse_local("2026-11-01 10:00")))
    try:
        barrier.wait(timeout=60)
        got = []
        for i in range(PER_PROCESS):
            r = sv.reception.visit(f"139{worker:04d}{i:04d}", name=f"客{worker}-{i}", actor=PM)
            got.append((r["entry"], r["advisor"], r["route"]))
        results.put((worker, got))
    except BaseException as exc:  # noqa: BLE001 - report to the parent
        results.put((worker, repr(exc)))
    finally:
        sv.close()


def test_two_processes_register_60_visits_without_gaps_or_duplicates(office):
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(2)
    results = ctx.Queue()
    procs = [ctx.Process(target=desk, args=(str(office.path), w, barrier, results)) for w in (1, 2)]
    for p in procs:
        p.start()
    got = dict(results.get(timeout=120) for _ in procs)
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    assert all(isinstance(v, list) for v in got.values()), got
    numbers = [n for v in got.values() for n, _, _ in v]
    assert len(numbers) == 60
    assert sorted(numbers) == list(range(1, 61))
    assert {route for v in got.values() for _, _, route in v} == {"rotation"}

    rows = office.rows("SELECT number, a.name FROM registerentry e JOIN staff a ON a.id = e.advisor_id "
                       "WHERE book = 'visit' ORDER BY number")
    assert [n for n, _ in rows] == list(range(1, 61))
    # no lost rotation update: the turns went round strictly in order
    assert [name for _, name in rows] == [LI, ZHANG, LIU] * 20
    assert Counter(name for _, name in rows) == {LI: 20, ZHANG: 20, LIU: 20}
    assert office.count("client") == 60
    assert office.sv.integrity.verify() | {"sealed": 0} == {"ok": True, "entries": 60, "sealed": 0, "problems": []}
