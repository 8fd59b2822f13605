"""The day's first desk: the first `sv.inbox.list` of the day, which sends the day-before-lapse
reminders (R2.2, `inbox.remind_lapsing`) before it reads the inbox.

    python bench/first_desk.py --sizes 100k            # one cold first list per size
    python bench/first_desk.py --sizes 1m --webhook    # with a webhook set: an outbox message per notice too
    python bench/first_desk.py --sizes 10k --runs 3    # the median of 3, each on a fresh copy

Works on a fresh copy of bench/run.py's cached office (generated on first use), opens the
services at the bench's day (10:00), and times one `inbox.list(actor=PM)` — the reminders plus
the PM's inbox — then the second list of the day (the reminders already sent). Not a test:
it prints figures.
"""

from __future__ import annotations

import argparse
import statistics
import sqlite3
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import gen  # noqa: E402
import run  # noqa: E402


def once(n: int, webhook: bool) -> tuple[float, float, int, int]:
    from frontdesk.services import Clock, open_services
    from frontdesk.services.clock import parse_local

    db, _meta = run.cached_db(n, regen=False)
    work = run.working_copy(db)
    try:
        sv = open_services(str(work), Clock(parse_local(run.NOW)))
        try:
            if webhook:  # an address nobody listens on: nothing is posted, the messages only queue
                sv.staff.settings("webhook_url", "http://127.0.0.1:9/cgi-bin/webhook/send?key=bench", actor=gen.PM)
            t0 = time.perf_counter()
            sv.inbox.list(actor=gen.PM)
            first = time.perf_counter() - t0
            t0 = time.perf_counter()
            sv.inbox.list(actor=gen.PM)
            second = time.perf_counter() - t0
        finally:
            sv.close()
        con = sqlite3.connect(work)
        notices = con.execute("SELECT COUNT(*) FROM notification WHERE kind = 'lapse_tomorrow'").fetchone()[0]
        queued = con.execute("SELECT COUNT(*) FROM outboxitem WHERE kind = 'lapse_tomorrow'").fetchone()[0]
        con.close()
        return first, second, notices, queued
    finally:
        run.drop_working_copy(work)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10k,100k")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--webhook", action="store_true", help="set a webhook first: each notice also queues a message")
    args = ap.parse_args(argv)
    for size in args.sizes.split(","):
        n = run.parse_size(size)
        got = [once(n, args.webhook) for _ in range(args.runs)]
        first = statistics.median(g[0] for g in got)
        second = statistics.median(g[1] for g in got)
        print(f"{run.label(n):>5} clients: first inbox list {first * 1000:,.0f} ms "
              f"({got[0][2]:,} lapse notices, {got[0][3]:,} outbox messages); second {second * 1000:,.1f} ms"
              f"{'' if args.runs == 1 else f' (median of {args.runs})'}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
