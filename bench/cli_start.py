"""The command line's start, side by side in one run (issue: a command's start ≤ 1.5× the cost of
importing sqlmodel + typer + rich alone).

Runs, alternating so that a busy machine weighs on each alike:
- bare:    `python -c "import sqlmodel, typer, rich"` — the libraries every command needs;
- import:  `python -c "import frontdesk.cli"` — the command line, all commands wired;
- command: `python -m frontdesk.cli --db BENCH --as PM --json roster show` — a whole command:
           start, the PIN's proof, one read, the JSON out.
Prints the median and p90 of each (wall seconds) and their ratios to bare.

    python bench/cli_start.py [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PM, PIN = "王经理", "2580"


def _time(argv: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args(argv)
    env = dict(os.environ, FRONTDESK_PIN=PIN, FRONTDESK_USER="")
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "office.db")
        cli = [py, "-m", "frontdesk.cli", "--db", db]
        for step in (["init", "--project", "BENCH", "--name", "Bench"],
                     ["staff", "add", PM, "--role", "pm", "--pin", PIN]):
            subprocess.run(cli + step, env=env, check=True, stdout=subprocess.DEVNULL)
        subprocess.run(cli + ["--as", PM, "staff", "add", "李娜", "--role", "advisor", "--pin", "3691"],
                       env=env, check=True, stdout=subprocess.DEVNULL)
        subprocess.run(cli + ["--as", PM, "roster", "set", "李娜"], env=env, check=True, stdout=subprocess.DEVNULL)
        cases = {
            "bare": [py, "-c", "import sqlmodel, typer, rich"],
            "import": [py, "-c", "import frontdesk.cli"],
            "command": cli + ["--as", PM, "--json", "roster", "show"],
        }
        for argv_ in cases.values():  # warm the file cache and the .pyc files
            _time(argv_, env)
        times: dict[str, list[float]] = {k: [] for k in cases}
        for _ in range(args.runs):
            for name, argv_ in cases.items():
                times[name].append(_time(argv_, env))
    bare = statistics.median(times["bare"])
    print(f"{'case':<8} {'median s':>9} {'p90 s':>7} {'× bare':>7}   ({args.runs} runs each, alternating)")
    for name, ts in times.items():
        med = statistics.median(ts)
        p90 = sorted(ts)[max(0, int(len(ts) * 0.9) - 1)]
        print(f"{name:<8} {med:>9.3f} {p90:>7.3f} {med / bare:>7.2f}")
    ratio = statistics.median(times["command"]) / bare
    print(f"command start ≤ 1.5× bare: {'met' if ratio <= 1.5 else 'NOT met'} ({ratio:.2f}×)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
