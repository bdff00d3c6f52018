"""Throughput of the local executor with 1 and with 2 workers on the same batch of small runs.

    .venv/bin/python benchmarks/sweep_workers.py             # 8 runs: digits_mlp and cartpole_dqn × 4 seeds, a few s each
    .venv/bin/python benchmarks/sweep_workers.py --plain     # the bare smoke preset (sub-second runs)
    .venv/bin/python benchmarks/sweep_workers.py --threads 1 # one torch thread per worker in both settings

Each setting starts from an empty results directory and pays its own worker start-up, since a user's
sweep does too. That start-up (importing torch, Lightning, SB3, loading data: ~5 CPU-seconds per
worker on this machine) is paid by every worker, so runs must be longer than it for parallelism to
pay: the smoke preset is lengthened a little per task (EXTRA below) to runs of a few seconds.
With K workers each run gets cores // K torch threads, so both settings use the whole machine;
the target on 2 cores is a ratio ≥ 1.7×. Settings alternate `--repeat` times; medians are reported.
Timings are wall-clock: on a machine shared with other jobs they are noisy, run it when quiet.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("WANDB_MODE", "disabled")  # measure the executor, not wandb's file writes


# Per task: smoke preset plus these, so one run lasts a few seconds rather than a fraction of one.
EXTRA = {"digits_mlp": ["max_steps=-1", "max_epochs=10"], "cartpole_dqn": ["n_timesteps=4000"]}


def batch(tasks: list[str], seeds: int, preset: str, results: Path, overrides: list[str], extra: bool = True):
    """Seed-major specs; every task gets `overrides` plus its own EXTRA keys."""
    from suite.config import resolve_config
    from suite.registry import get_registry
    from suite.sweep import expand

    reg = get_registry()
    per_task = []
    for task in reg.expand(tasks):
        keys = [*overrides, *(EXTRA.get(task.id, []) if extra else [])]
        cfg = {task.id: resolve_config(task, preset, keys)}
        per_task.append(expand([task], cfg, list(range(seeds)), preset=preset, results=results, overrides=keys, wandb_mode="disabled"))
    return [spec for row in zip(*per_task) for spec in row]


def timed(workers: int, args) -> tuple[float, list[dict]]:
    from suite.executors.local import LocalExecutor
    from suite.executors.progress import Display
    from suite.sweep import cores, drive

    with tempfile.TemporaryDirectory(prefix=f"bench-sweep-{workers}w-") as tmp:
        specs = batch(args.tasks, args.seeds, args.preset, Path(tmp), args.overrides, extra=not getattr(args, "plain", False))
        t0 = time.perf_counter()
        threads = args.threads or max(1, cores() // workers)  # the executor's own rule unless --threads
        out = drive(specs, lambda todo: LocalExecutor(workers, threads=threads), Display(len(specs), live=False))
        return time.perf_counter() - t0, out.records


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--tasks", nargs="+", default=["digits_mlp", "cartpole_dqn"])
    p.add_argument("--seeds", type=int, default=4)
    p.add_argument("--preset", default="smoke")
    p.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    p.add_argument("--plain", action="store_true", help="the smoke preset as is, without EXTRA")
    p.add_argument("--repeat", type=int, default=3, help="rounds over the settings; medians are reported")
    p.add_argument("--threads", type=int, default=None, help="torch threads per worker; default cores // workers, as `bench sweep`")
    p.add_argument("overrides", nargs="*", default=[])
    args = p.parse_args()

    from suite.sweep import cores

    walls: dict[int, list[float]] = {k: [] for k in args.workers}
    runs = 0
    for rep in range(args.repeat):  # interleaved, so a change in the machine's load hits every setting alike
        for k in args.workers:
            wall, recs = timed(k, args)
            bad = [r for r in recs if r.get("status") != "ok"]
            walls[k].append(wall)
            runs = len(recs)
            print(
                f"round {rep + 1}, workers={k}: {len(recs)} runs in {wall:.1f} s → {len(recs) / wall * 60:.1f} runs/min ({len(bad)} not ok)",
                flush=True,
            )

    print(f"\nmachine: {cores()} cores, load average {os.getloadavg()[0]:.2f} at the end (other jobs inflate every time)")
    print(f"{'workers':>7} {'median wall s':>14} {'all walls s':>24} {'runs/min':>9} {'speed-up':>9}")
    base = runs / statistics.median(walls[args.workers[0]])
    for k in args.workers:
        med = statistics.median(walls[k])
        print(f"{k:>7} {med:>14.1f} {' '.join(f'{w:.1f}' for w in walls[k]):>24} {runs / med * 60:>9.1f} {(runs / med) / base:>8.2f}×")
    if len(args.workers) >= 2:
        k0, k1 = args.workers[:2]
        ratio = statistics.median(walls[k0]) / statistics.median(walls[k1])
        print(f"\nthroughput ratio {k1} vs {k0} workers (medians): {ratio:.2f}× (target ≥ 1.7× on 2 cores)")


if __name__ == "__main__":
    main()
