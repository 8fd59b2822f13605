"""Children of bench/live.py (one process each, so that the figures cross a process boundary).

    python bench/live_child.py writer DB NOW    — reads phones on stdin; for each, registers a walk-in
        as the PM and prints {"committed": time.time(), "next": NAME} once it is committed.
    python bench/live_child.py idle DB NOW SECONDS — a desk, headless, signed in as the PM, idles for
        SECONDS after its first data; prints the CPU seconds it used while idle (FRONTDESK_LIVE=0
        turns the change feed off).
"""

from __future__ import annotations

import json
import resource
import sys
import time

mode, db, now = sys.argv[1], sys.argv[2], sys.argv[3]
PM = "王经理"


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


if mode == "writer":
    from frontdesk.services import Clock, open_services
    from frontdesk.services.clock import parse_local

    sv = open_services(db, Clock(parse_local(now)))
    for line in sys.stdin:
        phone = line.strip()
        if not phone:
            continue
        sv.reception.visit(phone, name=f"远方{phone[-4:]}", actor=PM)
        committed = time.time()
        print(json.dumps({"committed": committed, "next": sv.roster.show(actor=PM)["next"]}), flush=True)
    sv.close()
else:
    import asyncio

    from frontdesk.services import Clock, open_services
    from frontdesk.services.clock import parse_local
    from frontdesk.ui.app import make_app

    seconds = float(sys.argv[4])

    async def main() -> float:
        sv = open_services(db, Clock(parse_local(now)))
        app = make_app(sv, lang="en", user=PM)
        async with app.run_test(size=(100, 32)) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            await asyncio.sleep(1)
            before = cpu()
            await asyncio.sleep(seconds)
            used = cpu() - before
        sv.close()
        return used

    print(json.dumps({"idle_cpu_s": asyncio.run(main()), "seconds": seconds}), flush=True)
