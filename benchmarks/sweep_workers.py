"""Throughput of the local executor with 1 and with 2 workers on the same batch of small runs.

    .venv/bin/python benchmarks/sweep_workers.py             # 8 runs: digits_mlp and cartpole_dqn × 4 seeds, a few s each
    .venv/bin/python benchmarks/sweep_workers.py --plain     # the bare smoke preset (sub-second runs)
    .venv/bin/python benchmarks/sweep_workers.py --threads 1 # one torch thread per worker in both settings
    .venv/bin/python benchmarks/sweep_workers.py --start     # a fresh worker's CPU seconds until it trains

--start measures what a worker pays before its first run trains (target ≤ 2 CPU-seconds for a
classification task): a fresh interpreter set up as `worker_main` sets one up, running one spec, reports
the CPU time when the run's `train` phase begins and which heavy libraries it has imported by then.

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


START = """
import os, sys, time
for var in ("BENCH_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ[var] = "1"
os.environ["WANDB_MODE"] = "disabled"
from suite.context import RunContext
HEAVY = ("torch", "lightning_fabric", "pytorch_lightning", "torchmetrics", "matplotlib", "sklearn", "pandas", "scipy",
         "stable_baselines3", "gymnasium", "wandb", "ray", "optuna", "statsmodels")
phase = RunContext.phase
def first_train(self, name):
    if name == "train" and not hasattr(sys, "_trained"):
        sys._trained = time.process_time()
        print(f"{sys._trained:.2f}", " ".join(m for m in HEAVY if m in sys.modules), flush=True)
    return phase(self, name)
RunContext.phase = first_train
from suite.sweep import run_spec
import pickle
run_spec(pickle.loads(bytes.fromhex(sys.argv[1])))
"""


# What any PyTorch training process pays before its first step: the import, and torch._dynamo, which
# torch imports on the first optimizer's construction (Optimizer.add_param_group is wrapped by it).
FLOOR = "import time, torch; torch.optim.Adam([torch.zeros(1, requires_grad=True)]); print(time.process_time())"


def worker_start(tasks: list[str], repeat: int) -> None:
    """Per task: the CPU seconds a fresh worker spends before its first training step (median of `repeat`)."""
    import pickle
    import subprocess
    import sys

    print(f"{'task':<16} {'CPU s to train':>14} {'all':>18}  imported by then")
    floor = [float(subprocess.run([sys.executable, "-c", FLOOR], capture_output=True, text=True, check=True).stdout) for _ in range(repeat)]
    print(
        f"{'(torch floor)':<16} {statistics.median(floor):>14.2f} {' '.join(f'{c:.2f}' for c in floor):>18}  import torch + a first optimizer"
    )
    for task_id in tasks:
        with tempfile.TemporaryDirectory() as tmp:
            cpu, mods = [], ""
            for i in range(repeat):
                (spec,) = batch([task_id], 1, "smoke", Path(tmp) / str(i), [], extra=False)
                out = subprocess.run([sys.executable, "-c", START, pickle.dumps(spec).hex()], capture_output=True, text=True, check=True)
                first = out.stdout.strip().splitlines()[0].split(" ", 1)
                cpu.append(float(first[0]))
                mods = first[1] if len(first) > 1 else ""
        print(f"{task_id:<16} {statistics.median(cpu):>14.2f} {' '.join(f'{c:.2f}' for c in cpu):>18}  {mods}", flush=True)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--tasks", nargs="+", default=["digits_mlp", "cartpole_dqn"])
    p.add_argument("--seeds", type=int, default=4)
    p.add_argument("--preset", default="smoke")
    p.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    p.add_argument("--plain", action="store_true", help="the smoke preset as is, without EXTRA")
    p.add_argument("--repeat", type=int, default=3, help="rounds over the settings; medians are reported")
    p.add_argument("--threads", type=int, default=None, help="torch threads per worker; default cores // workers, as `bench sweep`")
    p.add_argument("--start", action="store_true", help="only a fresh worker's CPU seconds until its first run trains")
    p.add_argument("overrides", nargs="*", default=[])
    args = p.parse_args()
    if args.start:
        worker_start(args.tasks if args.tasks != p.get_default("tasks") else ["digits_mlp", "mnist1d_cnn", "sunspots_lstm"], args.repeat)
        return

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
