"""Threads placed on purpose, alone and beside a busy neighbour: train seconds and the slowdown it causes.

    python benchmarks/threads.py                  # cartpole_dqn (10k steps) and digits_mlp, 1 and 2 threads
    python benchmarks/threads.py --repeats 3 --tasks digits_mlp

For each task and thread count, the run's train seconds (from its record: set-up and evaluation left
out) idle, then with one other CPU-bound process spinning on the machine. The ratio busy/idle is the
slowdown the neighbour causes. On a 2-core machine a second intra-op thread has to share a core with
the neighbour, and a small network waits at every synchronisation point: that is what `threads=1`
(the families' default, suite/runner.py:threads_for) avoids. Best of `--repeats` per cell.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TASKS = {
    "cartpole_dqn": ["n_timesteps=10000", "record_video=false"],  # the standard preset, shortened
    "digits_mlp": [],
}


def spin(stop: mp.Event) -> None:
    """A CPU-bound neighbour: pure Python arithmetic, one core, no I/O."""
    x = 0
    while not stop.is_set():
        for i in range(100_000):
            x += i * i


def train_s(task: str, threads: int, overrides: list[str], results: Path) -> float:
    """One fresh run through the command line; its record's train seconds."""
    cmd = [sys.executable, "-m", "cli.main", "run", task, "--seeds", "0,", "--force", "--no-progress", "--threads", str(threads)]
    cmd += ["--results", str(results), "--wandb", "disabled", *overrides]
    env = {k: v for k, v in os.environ.items() if k not in ("BENCH_THREADS", "OMP_NUM_THREADS")}
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, capture_output=True)
    (path,) = (results / task).glob("*/result.json")
    rec = json.loads(path.read_text())
    assert rec["resources"]["threads"] == threads, rec["resources"]
    return rec["timing"]["train_s"]


def best(task: str, threads: int, repeats: int, busy: bool) -> float:
    times = []
    for _ in range(repeats):
        stop = mp.Event()
        neighbour = mp.Process(target=spin, args=(stop,), daemon=True) if busy else None
        if neighbour:
            neighbour.start()
        try:
            with tempfile.TemporaryDirectory() as tmp:
                times.append(train_s(task, threads, TASKS[task], Path(tmp)))
        finally:
            if neighbour:
                stop.set()
                neighbour.join()
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tasks", default=",".join(TASKS), help="comma-separated, of: " + ", ".join(TASKS))
    ap.add_argument("--threads", default="1,2", help="thread counts to compare")
    ap.add_argument("--repeats", type=int, default=2)
    args = ap.parse_args()
    print(f"load before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; best of {args.repeats}; train seconds from the records")
    print("| task | threads | idle s | beside 1 busy process s | slowdown |")
    print("|---|---|---|---|---|")
    for task in args.tasks.split(","):
        for n in map(int, args.threads.split(",")):
            idle, busy = best(task, n, args.repeats, False), best(task, n, args.repeats, True)
            print(f"| {task} | {n} | {idle:.1f} | {busy:.1f} | {busy / idle:.2f}× |", flush=True)
    print(f"load after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
