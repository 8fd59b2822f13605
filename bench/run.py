"""The frontdesk benchmark: figures against targets, on databases of 10k, 100k (and 1M) clients.

    python bench/run.py                      # 10k and 100k
    python bench/run.py --full               # and 1M (generation ~3 min the first time, then cached)
    python bench/run.py --sizes 10k --ops 2000
    python bench/run.py --sizes 1m --profile # pyinstrument profiles in bench/.cache/profiles/

Databases are generated once into bench/.cache/ (see bench/gen.py) and each run works on a
fresh copy, so the figures do not drift with the visits a run commits. Not a test: it
prints figures, ratios and whether each target is met.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Iterator

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import gen  # noqa: E402

CACHE = HERE / ".cache"
PROFILES = CACHE / "profiles"
NOW = f"{gen.TODAY.isoformat()} 10:00"
SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}

# targets ---------------------------------------------------------------------------------
VERDICT_RATIO = 3.0  # owner verdict p50 <= 3x a plain indexed select by phone
VISIT_MS = 2.0  # a walk-in committed, p50
SEARCH_MS = 5.0  # search-as-you-type, top 20, at 1M
GROWTH = 1.5  # 1M / 10k latency
APP_RATIO = 1.3  # start to desk mounted, against a bare Textual app
APP_RSS_MB = 150.0  # peak RSS on the 1M database
IMPORT_S = 10.0  # 100k register rows


def label(n: int) -> str:
    return next((k for k, v in SIZES.items() if v == n), str(n))


def parse_size(text: str) -> int:
    t = text.strip().lower()
    if t in SIZES:
        return SIZES[t]
    mult = {"k": 1_000, "m": 1_000_000}.get(t[-1:], 1)
    return int(float(t.rstrip("km")) * mult)


# timing ----------------------------------------------------------------------------------

def pct(xs: list[float], q: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, max(0, round(q * (len(s) - 1))))]


class Stats:
    def __init__(self, name: str, ms: list[float]):
        self.name, self.ms = name, ms
        self.p50 = statistics.median(ms)
        self.p99 = pct(ms, 0.99)
        self.n = len(ms)

    def row(self) -> str:
        return f"{self.name:<36} n={self.n:<5} p50 {self.p50:8.3f} ms   p99 {self.p99:8.3f} ms"


def show(st: Stats, planned: int | None = None) -> Stats:
    cut = f"   (stopped after {st.n} of {planned}: far off)" if planned and st.n < planned else ""
    print("  " + st.row() + cut, flush=True)
    return st


def timed(fn: Callable[[Any], Any], items: list[Any], give_up_ms: float | None = None, after: int = 200) -> list[float]:
    """Milliseconds per call. With `give_up_ms`: stop after `after` calls if their median is above it
    (a figure 10x off its target needs no 1,000 samples to be called missed; --ops still sets the rest)."""
    out = []
    pc = time.perf_counter
    for i, it in enumerate(items):
        t = pc()
        fn(it)
        out.append((pc() - t) * 1000)
        if give_up_ms is not None and i == after - 1 and statistics.median(out) > give_up_ms:
            break
    return out


@contextmanager
def profiled(name: str, enabled: bool) -> Iterator[None]:
    if not enabled:
        yield
        return
    from pyinstrument import Profiler

    p = Profiler(interval=0.0005)
    p.start()
    try:
        yield
    finally:
        p.stop()
        PROFILES.mkdir(parents=True, exist_ok=True)
        out = PROFILES / f"{name}.txt"
        out.write_text(p.output_text(unicode=True, color=False, show_all=False))
        print(f"    profile: {out.relative_to(HERE.parent)}")


# databases -------------------------------------------------------------------------------

def cached_db(n: int, regen: bool) -> tuple[Path, gen.Meta]:
    from frontdesk.store.db import HEAD

    db = CACHE / f"clients-{label(n)}.db"
    meta_path = db.with_suffix(".json")
    meta = gen.Meta.load(meta_path)
    want = f"{gen.GEN_VERSION}/{HEAD}"
    if regen or meta is None or meta.version != want or not db.exists():
        print(f"generating {label(n)} clients into {db.relative_to(HERE.parent)} …")
        meta = gen.generate(db, n, log=print)
        meta.version = want
        problems = gen.check(db, meta, full_verify=n <= 10_000)
        if problems:
            raise SystemExit(f"the generated database does not match the services: {problems[:5]}")
        meta.dump(meta_path)
        print(f"  done in {meta.seconds:.0f} s: {meta.entries} register entries, {meta.followups:,} follow-ups, "
              f"{db.stat().st_size / 1e6:.0f} MB")
    return db, meta


def working_copy(db: Path) -> Path:
    work = CACHE / f"work-{db.stem}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(work) + suffix).unlink(missing_ok=True)
    con = sqlite3.connect(db)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    shutil.copyfile(db, work)
    return work


def drop_working_copy(work: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(work) + suffix).unlink(missing_ok=True)


# the measurements --------------------------------------------------------------------------

def bench_size(n: int, meta: gen.Meta, work: Path, ops: int, profile: bool) -> dict[str, Stats]:
    from sqlmodel import Session, select

    from frontdesk.services import Clock, open_services
    from frontdesk.services.clock import parse_local
    from frontdesk.store.models import Phone, Project

    sv = open_services(str(work), Clock(parse_local(NOW)))
    out: dict[str, Stats] = {}
    rnd = random.Random(n)
    lab = label(n)
    try:
        with Session(sv.db.reader) as s:
            pid = s.exec(select(Project.id).where(Project.code == gen.PROJECT)).one()
        phones = meta.sample_phones
        e164s = {p: "+86" + p for p in phones}

        def plain_select(p: str) -> Any:
            with Session(sv.db.reader) as s, s.begin():
                return s.exec(select(Phone).where(Phone.project_id == pid, Phone.e164 == e164s[p])).first()

        def verdict(p: str) -> Any:
            r = sv.records.owner(p, actor=gen.PM)
            assert r["client"] is not None
            return r

        # owner verdict beside a plain select, interleaved so both see the same machine state
        warm = [rnd.choice(phones) for _ in range(100)]
        timed(plain_select, warm)
        timed(verdict, warm)
        picks = [rnd.choice(phones) for _ in range(ops)]
        sel_ms, ver_ms = [], []
        with profiled(f"verdict-{lab}", profile):
            for chunk in range(0, ops, 50):
                part = picks[chunk:chunk + 50]
                sel_ms += timed(plain_select, part)
                ver_ms += timed(verdict, part)
        out["select"] = show(Stats("plain select by phone", sel_ms))
        out["verdict"] = show(Stats("owner verdict (records.owner)", ver_ms))

        # search as you type: 4-digit tails, full names, a surname alone, initials (2 letters, 1 letter)
        names = meta.sample_names
        from frontdesk.services.clientbook import initials

        kinds: dict[str, list[str]] = {
            "tail": [rnd.choice(phones)[-4:] for _ in range(ops)],
            "name": [rnd.choice(names) for _ in range(ops)],
            "surname": [rnd.choice(names)[0] for _ in range(ops)],
            "initials": [initials(rnd.choice(names))[:2] for _ in range(ops)],
            "initial": [initials(rnd.choice(names))[0] for _ in range(ops)],
        }

        def search(q: str) -> Any:
            return sv.desk.search(q, actor=gen.PM)

        for kind, qs in kinds.items():
            timed(search, qs[:50])
            with profiled(f"search-{kind}-{lab}", profile):
                out[f"search:{kind}"] = show(Stats(f"search, {kind} ({qs[0]!r}…)",
                                                   timed(search, qs, give_up_ms=10 * SEARCH_MS)), len(qs))

        # the desk screen's refresh (every 10 s): today's visitor and call registers, before any visit today
        for book in ("visit", "call"):
            n_today = min(ops, 200)
            out[f"today:{book}"] = show(Stats(f"desk refresh: today's {book} register",
                                              timed(lambda _: sv.desk.today(book, actor=gen.PM), [None] * n_today,
                                                    give_up_ms=50.0, after=20)), n_today)

        # walk-ins committed: 70% new phones (rotation), 30% returning clients (owner/duty)
        fresh = list(gen.new_phones(ops + 100, salt=1))
        seq = [(fresh.pop(), rnd.choice(names)) if rnd.random() < 0.7 else (rnd.choice(phones), None)
               for _ in range(ops + 100)]

        def visit(pn: tuple[str, str | None]) -> Any:
            return sv.reception.visit(pn[0], name=pn[1], actor=gen.PM)

        timed(visit, seq[:100])
        with profiled(f"visit-{lab}", profile):
            out["visit"] = show(Stats("walk-in committed (reception.visit)", timed(visit, seq[100:])))
    finally:
        sv.close()
    return out


def bench_app(work: Path, runs: int, profile: bool, lab: str) -> dict[str, Any]:
    """Start to DeskScreen mounted (and to its first data), against a bare Textual app."""
    child = HERE / "app_child.py"

    def once(mode: str) -> dict[str, Any]:
        args = [sys.executable, str(child), mode, str(work) if mode == "desk" else "-", repr(time.time())]
        if mode == "desk":
            args[-1] = repr(time.time())
            args += [NOW, gen.PM, gen.PM_PIN]
        p = subprocess.run(args, capture_output=True, text=True, timeout=300, env={**os.environ, "TERM": "xterm"})
        lines = [ln for ln in p.stdout.splitlines() if ln.startswith("{")]
        if p.returncode != 0 or not lines:
            raise RuntimeError(f"app child failed ({mode}): {p.stderr[-2000:]}")
        return json.loads(lines[-1])

    first = once("desk")  # the day's first desk: lapse reminders are written; warms the page cache
    once("bare")
    desk, bare = [], []
    for _ in range(runs):
        bare.append(once("bare"))
        desk.append(once("desk"))
    if profile:
        PROFILES.mkdir(parents=True, exist_ok=True)
        out = PROFILES / f"app-{lab}.txt"
        subprocess.run([sys.executable, "-m", "pyinstrument", "--outfile", str(out), "-r", "text",
                        str(child), "desk", str(work), repr(time.time()), NOW, gen.PM, gen.PM_PIN], capture_output=True,
                       timeout=300)
        print(f"    profile: {out.relative_to(HERE.parent)}")
    med = statistics.median
    return {"desk_mounted": med(d["mounted"] for d in desk), "desk_loaded": med(d["loaded"] for d in desk),
            "bare_mounted": med(b["mounted"] for b in bare), "rss_mb": max(d["rss_mb"] for d in [first, *desk]),
            "bare_rss_mb": max(b["rss_mb"] for b in bare), "first_loaded": first["loaded"], "runs": runs}


def import_command() -> bool:
    """`frontdesk import FILE` exists (it was being written while this bench was)."""
    try:
        import frontdesk.cli as cli
    except Exception:  # noqa: BLE001
        return False
    return any(getattr(c, "name", None) == "import" for c in cli.app.registered_commands)


def import_file(rows: int) -> Path:
    """A CSV of `rows` register rows as an office types them from paper: 60% walk-ins, 40% calls,
    over rows*0.4 clients, three months, the bench office's advisors. Cached."""
    import csv
    from datetime import timedelta

    path = CACHE / f"import-{rows}.csv"
    if path.exists():
        return path
    rnd = random.Random(rows)
    names = [s + g for s in gen.SURNAMES for g in gen.GIVEN]
    clients = max(1, rows * 4 // 10)
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["日期", "时间", "类型", "姓名", "电话", "置业顾问"])
        for _ in range(rows):
            c = rnd.randrange(clients)
            day = gen.START + timedelta(days=rnd.randrange(gen.DAYS))
            w.writerow([day.isoformat(), f"{9 + rnd.randrange(9):02d}:{rnd.randrange(60):02d}",
                        "来访" if rnd.random() < 0.6 else "来电", names[c % len(names)], gen.phone_of(c),
                        gen.ADVISORS[rnd.randrange(len(gen.ADVISORS))]])
    tmp.replace(path)
    return path


def bench_import(rows: int, profile: bool) -> dict[str, Any]:
    """`frontdesk import FILE` of `rows` register rows into a new office: process start to exit."""
    src = import_file(rows)
    work = CACHE / "work-import.db"
    drop_working_copy(work)
    gen._office(work)
    argv = [sys.executable, "-c", "from frontdesk.cli import main; main()", "--db", str(work), "--as", gen.PM, "--pin", gen.PM_PIN,
            "--json", "--at", NOW, "import", str(src), "--report", str(CACHE / "import-report.csv")]
    if profile:
        PROFILES.mkdir(parents=True, exist_ok=True)
        out = PROFILES / f"import-{rows}.txt"
        argv = [sys.executable, "-m", "pyinstrument", "--outfile", str(out), "-r", "text", "-c",
                "from frontdesk.cli import main; main()", *argv[3:]]
    t = time.perf_counter()
    p = subprocess.run(argv, capture_output=True, text=True, timeout=3600)
    seconds = time.perf_counter() - t
    if p.returncode != 0:
        raise RuntimeError(f"import failed: exit {p.returncode}: {p.stderr[-2000:]}")
    r = json.loads(p.stdout) if not profile else {}
    con = sqlite3.connect(work)
    entries = con.execute("SELECT COUNT(*) FROM registerentry").fetchone()[0]
    con.close()
    t = time.perf_counter()
    from frontdesk.services import Clock, open_services
    from frontdesk.services.clock import parse_local

    sv = open_services(str(work), Clock(parse_local(NOW)))
    try:
        v = sv.integrity.verify()
    finally:
        sv.close()
    verify_s = time.perf_counter() - t
    drop_working_copy(work)
    return {"rows": rows, "seconds": seconds, "entries": entries, "imported": r.get("imported"),
            "merged": r.get("merged"), "rejected": r.get("rejected"), "verify_ok": v["ok"], "verify_s": verify_s}


# the report ------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10k,100k", help="comma-separated: 10k,100k,1m (or any N, 250k…)")
    ap.add_argument("--full", action="store_true", help="add 1m to the sizes")
    ap.add_argument("--ops", type=int, default=1000, help="operations per measurement (default 1000)")
    ap.add_argument("--app-runs", type=int, default=5, help="app start-ups per size (median)")
    ap.add_argument("--no-app", action="store_true", help="skip the app start-up measurement")
    ap.add_argument("--regen", action="store_true", help="rebuild the cached databases")
    ap.add_argument("--profile", action="store_true", help="pyinstrument each section into bench/.cache/profiles")
    ap.add_argument("--import-rows", type=int, default=100_000, help="register rows for the import (default 100k)")
    ap.add_argument("--no-import", action="store_true", help="skip the import measurement")
    ap.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    a = ap.parse_args(argv)
    sizes = sorted({parse_size(s) for s in a.sizes.split(",") if s.strip()} | ({SIZES["1m"]} if a.full else set()))

    import sqlite3 as _sq

    print(f"frontdesk bench — {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"SQLite {_sq.sqlite_version}, {datetime.now():%Y-%m-%d %H:%M}"
          + ("   [PROFILED: timings inflated]" if a.profile else ""))
    results: dict[int, dict[str, Stats]] = {}
    apps: dict[int, dict[str, Any]] = {}
    gens: dict[int, gen.Meta] = {}
    for n in sizes:
        db, meta = cached_db(n, a.regen)
        gens[n] = meta
        work = working_copy(db)
        try:
            print(f"\n== {label(n)} clients ({meta.entries['visit'] + meta.entries['call']:,} register entries, "
                  f"{meta.followups:,} follow-ups; generated in {meta.seconds:.0f} s)")
            results[n] = bench_size(n, meta, work, a.ops, a.profile)
            if not a.no_app:
                apps[n] = bench_app(work, a.app_runs, a.profile, label(n))
                ap_ = apps[n]
                print(f"  app: start→desk mounted {ap_['desk_mounted']:.3f} s (data painted {ap_['desk_loaded']:.3f} s), "
                      f"bare Textual app {ap_['bare_mounted']:.3f} s; peak RSS {ap_['rss_mb']:.0f} MB "
                      f"(bare {ap_['bare_rss_mb']:.0f} MB); the day's first desk (writes lapse reminders) "
                      f"{ap_['first_loaded']:.3f} s to data", flush=True)
        finally:
            drop_working_copy(work)

    imp: dict[str, Any] | None = None
    if not a.no_import and import_command():
        print(f"\n== import of {a.import_rows:,} register rows (`frontdesk import FILE`, a new office)", flush=True)
        imp = bench_import(a.import_rows, a.profile)
        print(f"  {imp['seconds']:.2f} s from process start to exit ({imp['rows'] / imp['seconds']:,.0f} rows/s); "
              f"{imp['entries']:,} register entries written (imported {imp['imported']}, merged {imp['merged']}, "
              f"rejected {imp['rejected']}); verify {'ok' if imp['verify_ok'] else 'FAILED'} in {imp['verify_s']:.1f} s",
              flush=True)

    # figures against targets
    rows: list[tuple[str, str, str, str]] = []

    def add(fig: str, value: str, target: str, met: bool | None) -> None:
        rows.append((fig, value, target, "—" if met is None else ("met" if met else "MISSED")))

    small, big = sizes[0], sizes[-1]
    for n in sizes:
        r = results[n]
        lab = label(n)
        ratio = r["verdict"].p50 / r["select"].p50
        add(f"owner verdict p50 / plain select p50 @{lab}",
            f"{r['verdict'].p50:.3f} / {r['select'].p50:.3f} ms = {ratio:.1f}x", f"<= {VERDICT_RATIO:g}x",
            ratio <= VERDICT_RATIO)
        add(f"walk-in committed p50 @{lab}", f"{r['visit'].p50:.2f} ms (p99 {r['visit'].p99:.2f})",
            f"<= {VISIT_MS:g} ms", r["visit"].p50 <= VISIT_MS)
        add(f"desk refresh: today's registers p50 @{lab} (no target)",
            f"visit {r['today:visit'].p50:.1f} ms, call {r['today:call'].p50:.1f} ms", "—", None)
        worst = max((k for k in r if k.startswith("search:")), key=lambda k: r[k].p50)
        add(f"search p50 (worst kind: {worst[7:]}) @{lab}",
            f"{r[worst].p50:.2f} ms (p99 {r[worst].p99:.2f})",
            f"<= {SEARCH_MS:g} ms at 1M", (r[worst].p50 <= SEARCH_MS) if n == SIZES["1m"] else None)
    if big > small:
        for key, what in (("verdict", "owner verdict"), ("visit", "walk-in"),
                          *((k, f"search {k[7:]}") for k in results[small] if k.startswith("search:"))):
            g = results[big][key].p50 / results[small][key].p50
            is_full = big == SIZES["1m"] and small == SIZES["10k"]
            add(f"growth {what} p50 {label(big)}/{label(small)}", f"{g:.2f}",
                f"<= {GROWTH:g} (1M/10k)", (g <= GROWTH) if is_full else None)
    if SIZES["1m"] not in sizes:
        add("growth 1M/10k", "not run", f"<= {GROWTH:g}", None)
    for n, ap_ in apps.items():
        r = ap_["desk_mounted"] / ap_["bare_mounted"]
        add(f"app start→desk mounted / bare Textual @{label(n)}",
            f"{ap_['desk_mounted']:.2f} / {ap_['bare_mounted']:.2f} s = {r:.1f}x", f"<= {APP_RATIO:g}x", r <= APP_RATIO)
        add(f"app peak RSS @{label(n)}", f"{ap_['rss_mb']:.0f} MB", f"<= {APP_RSS_MB:g} MB on 1M",
            (ap_["rss_mb"] <= APP_RSS_MB) if n == SIZES["1m"] else None)
    if imp is not None:
        ok = imp["verify_ok"] and not imp["rejected"]
        add(f"import of {imp['rows'] // 1000}k register rows", f"{imp['seconds']:.1f} s"
            + ("" if ok else " (rows rejected or verify failed!)"), f"<= {IMPORT_S:g} s for 100k",
            (imp["seconds"] <= IMPORT_S and ok) if imp["rows"] == 100_000 else None)
    elif a.no_import:
        add("import of 100k register rows", "not run (--no-import)", f"<= {IMPORT_S:g} s", None)
    else:
        add("import of 100k register rows", "TODO — import: not yet available", f"<= {IMPORT_S:g} s", None)
    for n, m in gens.items():
        add(f"generate {label(n)} clients (cached)", f"{m.seconds:.0f} s", "minutes, not hours", None)

    w = [max(len(r[i]) for r in rows) for i in range(4)]
    head = ("figure", "value", "target", "")
    print()
    print("  ".join(h.ljust(w[i]) for i, h in enumerate(head)))
    print("  ".join("-" * w[i] for i in range(4)))
    for r in rows:
        print("  ".join(c.ljust(w[i]) for i, c in enumerate(r)))
    if a.json:
        Path(a.json).write_text(json.dumps({
            "sizes": {label(n): {k: {"p50": s.p50, "p99": s.p99, "n": s.n} for k, s in results[n].items()} for n in sizes},
            "app": {label(n): v for n, v in apps.items()}, "import": imp, "table": rows}, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
