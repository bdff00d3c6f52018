"""What running through Ray costs per run, against local worker processes, on the same batch.

    .venv/bin/python benchmarks/ray_overhead.py                       # starts a private 2-CPU cluster
    .venv/bin/python benchmarks/ray_overhead.py --address HOST:6379    # or uses yours

Both executors get the same slots (2) and one torch thread per run, and start cold (worker
processes import torch in both). Reported per executor:
- wall: the whole batch, start-up included; the difference divided by the runs is the overhead a
  sweep pays per run;
- dispatch overhead: per run, the time the driver saw from start to record minus the run's own
  wall_s (scheduling, (de)serialisation, record shipping, config resolution in the worker).
Timings are wall-clock: on a machine shared with other jobs they are noisy, run it when quiet.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("WANDB_MODE", "disabled")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from sweep_workers import batch  # noqa: E402

from suite.executors.progress import Display  # noqa: E402


class Timed(Display):
    """The sweep display, also keeping when the driver saw each run start and end."""

    def __init__(self, total: int) -> None:
        super().__init__(total, live=False)
        self.began: dict[str, float] = {}
        self.latency: list[tuple[float, float]] = []  # (driver-observed s, run's own wall_s)

    def start(self, spec) -> None:
        self.began[spec.run_id] = time.perf_counter()
        super().start(spec)

    def done(self, spec, rec) -> None:
        if spec.run_id in self.began:
            self.latency.append((time.perf_counter() - self.began[spec.run_id], (rec.get("timing") or {}).get("wall_s") or 0.0))
        super().done(spec, rec)


def measure(name: str, make, args) -> dict:
    from suite.sweep import drive

    with tempfile.TemporaryDirectory(prefix=f"bench-{name}-") as tmp:
        specs = batch(args.tasks, args.seeds, args.preset, Path(tmp), args.overrides)
        display = Timed(len(specs))
        t0 = time.perf_counter()
        out = drive(specs, lambda todo: make(Path(tmp)), display)
        wall = time.perf_counter() - t0
    extra = [seen - own for seen, own in display.latency]
    ok = sum(r.get("status") == "ok" for r in out.records)
    return {
        "name": name,
        "wall": wall,
        "runs": len(out.records),
        "ok": ok,
        "median": statistics.median(extra),
        "mean": statistics.mean(extra),
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--address", default=None, help="an existing cluster; default: start a private 2-CPU one")
    p.add_argument("--tasks", nargs="+", default=["cartpole_dqn"])
    p.add_argument("--seeds", type=int, default=6)
    p.add_argument("--preset", default="smoke")
    p.add_argument("--slots", type=int, default=2)
    p.add_argument("--records", choices=["auto", "ship"], default="auto", help="ship: measure records sent back as tar bytes")
    p.add_argument("overrides", nargs="*", default=[])
    args = p.parse_args()

    from suite.executors.local import LocalExecutor
    from suite.executors.ray_cluster import RayExecutor
    from suite.executors.ray_local import local_cluster

    rows = [measure("local", lambda res: LocalExecutor(args.slots, threads=1), args)]
    print(f"local: {rows[-1]}", flush=True)
    cluster = contextlib.nullcontext(args.address) if args.address else local_cluster(num_cpus=args.slots)
    with cluster as address:
        make = lambda res: RayExecutor(address, res, cpus_per_run=1, max_in_flight=args.slots, records=args.records)  # noqa: E731
        rows.append(measure(f"ray ({args.records})", make, args))
        print(f"ray: {rows[-1]}", flush=True)

    print(f"\nload average {os.getloadavg()[0]:.2f} at the end (other jobs on the machine inflate every time)")
    print(f"{'executor':<12} {'runs':>5} {'ok':>4} {'wall s':>8} {'runs/min':>9} {'dispatch median s':>18} {'mean s':>7}")
    for r in rows:
        print(
            f"{r['name']:<12} {r['runs']:>5} {r['ok']:>4} {r['wall']:>8.1f} {r['runs'] / r['wall'] * 60:>9.1f} {r['median']:>18.2f} {r['mean']:>7.2f}"
        )
    local, ray = rows
    per_run = (ray["wall"] - local["wall"]) * args.slots / max(1, ray["runs"])
    print(f"\nRay overhead per run (batch wall difference × slots / runs): {per_run:+.2f} s")
    print(f"Ray dispatch overhead per run (median, beyond the run itself): {ray['median'] - local['median']:+.2f} s vs local")


if __name__ == "__main__":
    main()
