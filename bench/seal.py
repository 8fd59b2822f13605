"""The journal's share of a walk-in (store/journal.py): a roster event inserted and sealed from its
values (`journal.seal_row`, what the walk-in does) and sealed by reading it back (`journal.seal`,
what a write session's flush does), each timed alone, on a fresh copy of a cached office. Not a
test; the full walk-in, A/B against another tree, is bench/visits.py.

    python bench/seal.py 10k 2000
"""

from __future__ import annotations

import sys
import time
from datetime import date, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(1, str(HERE))

import run as bench  # noqa: E402


def main() -> None:
    n = bench.parse_size(sys.argv[1] if len(sys.argv) > 1 else "10k")
    ops = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    db_file, _meta = bench.cached_db(n, False)
    work = bench.working_copy(db_file)
    from sqlalchemy import insert

    from frontdesk.store import journal
    from frontdesk.store.db import open_db
    from frontdesk.store.models import RosterEvent

    db = open_db(str(work))
    ins = insert(RosterEvent.__table__)  # type: ignore[attr-defined]
    at = datetime(2026, 11, 2, 2, 0)
    times: dict[str, list[float]] = {"insert": [], "seal_row": [], "seal (read back)": []}
    try:
        for i in range(ops):
            with db.writer.begin() as conn:
                ev = {"project_id": 1, "kind": "turn", "staff_id": 2, "by_id": 1, "data": "{}", "at": at,
                      "day": date(2026, 11, 2), "recorded_at": at}
                t0 = time.perf_counter()
                ev["id"] = conn.execute(ins, ev).inserted_primary_key[0]
                t1 = time.perf_counter()
                if i % 2:
                    journal.seal_row(conn, "rosterevent", ev)
                else:
                    journal.seal(conn, {"rosterevent": [ev["id"]]})
                t2 = time.perf_counter()
            times["insert"].append((t1 - t0) * 1000)
            times["seal_row" if i % 2 else "seal (read back)"].append((t2 - t1) * 1000)
        with db.read() as s:
            checked, problems = journal.verify(s.connection())
    finally:
        db.dispose()
        bench.drop_working_copy(work)
    for k, ms in times.items():
        print(f"{bench.label(n)} {k:18} n={len(ms)} p50 {bench.pct(ms, 0.5):.3f} ms p99 {bench.pct(ms, 0.99):.3f} ms")
    print(f"verify after: {checked} sealed rows, {len(problems)} problems")


if __name__ == "__main__":
    main()
