"""Code that runs in other processes: a desk registering walk-ins (spawned by multiprocessing),
and a visit loop to be killed (`python _workers.py loop DB ROUND`)."""

from __future__ import annotations

import sys
import time
import traceback
from typing import Any

PM = "王经理"
DAY = "2026-11-02 10:00"
REVISIT_EVERY = 5  # every 5th walk-in is a client of this desk coming back (owner present: not a turn)


def phone(worker: int, i: int) -> str:
    return f"139{worker:04d}{i:04d}"


def desk(path: str, worker: int, count: int, barrier: Any, results: Any) -> None:
    """One counter PC: its own services, `count` walk-ins; reports (entries, errors)."""
    got: list[tuple[int, str, str, bool]] = []
    errors: list[str] = []
    try:
        from frontdesk.services import Clock, open_services
        from frontdesk.services.clock import parse_local

        sv = open_services(path, Clock(parse_local(DAY)))
        try:
            barrier.wait(timeout=120)
            new = 0
            for i in range(count):
                if i % REVISIT_EVERY == REVISIT_EVERY - 1 and new:
                    p, name = phone(worker, (i * 7) % new), None
                else:
                    p, name = phone(worker, new), f"客{worker}-{new}"
                    new += 1
                try:
                    r = sv.reception.visit(p, name=name, actor=PM)
                except Exception:  # noqa: BLE001 - counted, reported to the parent
                    errors.append(traceback.format_exc(limit=3))
                else:
                    got.append((r["entry"], r["route"], r["advisor"], r["turn"]))
        finally:
            sv.close()
    except BaseException:  # noqa: BLE001
        errors.append(traceback.format_exc())
    results.put((worker, got, errors))


def loop(path: str, round_: int) -> None:
    """Walk-ins until killed; prints "ready" once the first one is committed."""
    from frontdesk.services import Clock, open_services
    from frontdesk.services.clock import parse_local

    sv = open_services(path, Clock(parse_local(DAY)))
    i = 0
    while True:
        sv.reception.visit(f"137{round_:04d}{i:04d}", name=f"客{round_}-{i}", actor=PM)
        if i % 3 == 2:
            sv.reception.visit(f"137{round_:04d}{i - 1:04d}", actor=PM)  # a returning client: owner route
        if i == 0:
            print("ready", flush=True)
        i += 1
        time.sleep(0)


if __name__ == "__main__":
    if sys.argv[1] == "loop":
        loop(sys.argv[2], int(sys.argv[3]))
