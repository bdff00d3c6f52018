"""How long the board that `bench run` prints takes to appear over a large results directory.

    python benchmarks/board_latency.py --runs 100000 [--keep DIR]

Builds synthetic records (benchmarks/synthetic.py, the real store layout; 10 seeds of each problem ×
model) and times `show_leaderboard` for one problem, as `bench run` calls it after its runs, cold in
a fresh process each time (best of 3; imports before the clock, as `bench run` has them loaded), against
reading every record as before.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import synthetic  # noqa: E402
from suite import store  # noqa: E402

SEEDS = 10


def build(results: Path, runs: int) -> int:
    """`runs` records: problems of 100 models × 10 seeds each (p000_m000 ...)."""
    import pandas as pd

    curves = results.parent / "curves.parquet"  # every record has a curves file (suite/record.py): an empty one here
    results.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(columns=["step", "wall_s", "metric", "value"]).to_parquet(curves, index=False)
    empty = curves.read_bytes()
    n = 0
    for p in range(runs // (100 * SEEDS) + 1):
        for m in range(100):
            for s in range(SEEDS):
                if n >= runs:
                    return n
                rec = synthetic.record(f"p{p:03d}", f"m{m:03d}", s, 0.5 + m / 250 + s / 1000, refs={"random": 0.1, "reference": 1.0})
                d = store.run_path(results, rec["task"], rec["run_id"])
                d.mkdir(parents=True, exist_ok=True)
                (d / store.RESULT_FILE).write_text(json.dumps(rec))  # plainly: synthetic records need no crash safety
                (d / store.CURVES_FILE).write_bytes(empty)
                n += 1
    return n


BOARD = """
import contextlib, io, sys, time
from cli.commands.common import show_leaderboard
from reports.records import load_with_baseline
import reports.leaderboard, reports.render  # imported before the clock starts, as in `bench run` after its runs
t0 = time.perf_counter()
if sys.argv[2] == "all":
    load_with_baseline(sys.argv[1])
else:
    with contextlib.redirect_stdout(io.StringIO()):
        show_leaderboard(sys.argv[1], {"p000"}, "standard")
print(f"@@{time.perf_counter() - t0:.3f}")
"""


def timed(results: Path, how: str) -> float:
    out = subprocess.run([sys.executable, "-c", BOARD, str(results), how], cwd=ROOT, capture_output=True, text=True, check=True)
    return float(out.stdout.rsplit("@@", 1)[1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=100_000)
    ap.add_argument("--keep", default=None, help="build (or reuse) the records here")
    a = ap.parse_args()
    results = Path(a.keep or tempfile.mkdtemp(prefix="board-latency-")) / "results"
    if not results.is_dir():
        t0 = time.perf_counter()
        print(f"built {build(results, a.runs):,} records in {time.perf_counter() - t0:.0f} s", flush=True)
    board = min(timed(results, "board") for _ in range(3))
    every = timed(results, "all")
    print("| records | board after a run (one problem) | reading every record | ratio |")
    print("|---|---|---|---|")
    print(f"| {a.runs:,} | {board:.2f} s | {every:.1f} s | {every / board:.0f}× |")


if __name__ == "__main__":
    main()
