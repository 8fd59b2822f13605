"""Walk-ins only, as bench/run.py's walk-in section does them, on a fresh copy of a cached office:
for A/B runs of two source trees side by side under the same machine load. Not a test.

    python bench/visits.py 10k 500                  # this tree
    FRONTDESK_SRC=/path/to/other/tree python bench/visits.py 10k 500
"""

from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, os.environ.get("FRONTDESK_SRC", str(HERE.parent)))  # the tree whose frontdesk is measured
sys.path.insert(1, str(HERE))

import gen  # noqa: E402
import run as bench  # noqa: E402


def main() -> None:
    n = bench.parse_size(sys.argv[1] if len(sys.argv) > 1 else "10k")
    ops = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    db, meta = bench.cached_db(n, False)
    work = bench.working_copy(db)
    from frontdesk.services import Clock, open_services
    from frontdesk.services.clock import parse_local

    sv = open_services(str(work), Clock(parse_local(bench.NOW)))
    rnd = random.Random(n)
    fresh = list(gen.new_phones(ops + 100, salt=1))
    seq = [(fresh.pop(), rnd.choice(meta.sample_names)) if rnd.random() < 0.7 else (rnd.choice(meta.sample_phones), None)
           for _ in range(ops + 100)]
    try:
        ms = []
        for i, (phone, name) in enumerate(seq):
            t = time.perf_counter()
            sv.reception.visit(phone, name=name, actor=gen.PM)
            if i >= 100:  # the first 100 warm up
                ms.append((time.perf_counter() - t) * 1000)
    finally:
        sv.close()
        bench.drop_working_copy(work)
    import frontdesk

    print(f"{bench.label(n)} {Path(frontdesk.__file__).parent.parent}: n={len(ms)} "
          f"p50 {bench.pct(ms, 0.5):.3f} ms p99 {bench.pct(ms, 0.99):.3f} ms")


if __name__ == "__main__":
    main()
