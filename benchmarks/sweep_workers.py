"""Throughput of the local executor with 1 and with 2 workers on the same batch of small runs.

    .venv/bin/python benchmarks/sweep_workers.py                 # 8 smoke runs: digits_mlp and cartpole_dqn × 4 seeds
    .venv/bin/python benchmarks/sweep_workers.py --seeds 6 --tasks cartpole_dqn

Each setting starts from an empty results directory and pays its own worker start-up (torch and
Lightning imports), since a user's sweep does too. With K workers each run gets cores // K torch
threads, so both settings use the whole machine; the target on 2 cores is a ratio ≥ 1.7×.
Timings are wall-clock: on a machine shared with other jobs they are noisy, run it when quiet.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("WANDB_MODE", "disabled")  # measure the executor, not wandb's file writes


def batch(tasks: list[str], seeds: int, preset: str, results: Path, overrides: list[str]):
    from suite.config import resolve_config
    from suite.registry import get_registry
    from suite.sweep import expand

    reg = get_registry()
    todo = reg.expand(tasks)
    configs = {t.id: resolve_config(t, preset, overrides) for t in todo}
    return expand(todo, configs, list(range(seeds)), preset=preset, results=results, overrides=overrides, wandb_mode="disabled")


def timed(workers: int, args) -> tuple[float, list[dict]]:
    from suite.executors.local import LocalExecutor
    from suite.executors.progress import Display
    from suite.sweep import cores, drive

    with tempfile.TemporaryDirectory(prefix=f"bench-sweep-{workers}w-") as tmp:
        specs = batch(args.tasks, args.seeds, args.preset, Path(tmp), args.overrides)
        t0 = time.perf_counter()
        out = drive(specs, lambda todo: LocalExecutor(workers, threads=max(1, cores() // workers)), Display(len(specs), live=False))
        return time.perf_counter() - t0, out.records


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--tasks", nargs="+", default=["digits_mlp", "cartpole_dqn"])
    p.add_argument("--seeds", type=int, default=4)
    p.add_argument("--preset", default="smoke")
    p.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    p.add_argument("overrides", nargs="*", default=[])
    args = p.parse_args()

    from suite.sweep import cores

    rows = []
    for k in args.workers:
        wall, recs = timed(k, args)
        bad = [r for r in recs if r.get("status") != "ok"]
        run_s = sum((r.get("timing") or {}).get("wall_s") or 0 for r in recs)
        rows.append((k, wall, len(recs), run_s, len(bad)))
        print(f"workers={k}: {len(recs)} runs in {wall:.1f} s → {len(recs) / wall * 60:.1f} runs/min ({len(bad)} not ok)", flush=True)
    print(f"\nmachine: {cores()} cores, load average {os.getloadavg()[0]:.2f} at the end (other jobs inflate every time)")
    print(f"{'workers':>7} {'wall s':>8} {'runs':>5} {'runs/min':>9} {'sum run s':>10} {'speed-up':>9}")
    base = rows[0][2] / rows[0][1]
    for k, wall, n, run_s, _ in rows:
        print(f"{k:>7} {wall:>8.1f} {n:>5} {n / wall * 60:>9.1f} {run_s:>10.1f} {(n / wall) / base:>8.2f}×")
    if len(rows) >= 2:
        ratio = (rows[1][2] / rows[1][1]) / base
        print(f"\nthroughput ratio {rows[1][0]} vs {rows[0][0]} workers: {ratio:.2f}× (target ≥ 1.7× on 2 cores)")


if __name__ == "__main__":
    main()
