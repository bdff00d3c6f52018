"""What running through Ray costs per run, against local worker processes, on the same batch.

    .venv/bin/python benchmarks/ray_overhead.py                       # starts a private 2-CPU cluster
    .venv/bin/python benchmarks/ray_overhead.py --address HOST:6379    # or uses yours

Both executors get the same slots (2) and one torch thread per run. Each batch starts its executor
afresh, as a sweep does: local spawns new worker processes, Ray reuses the idle workers its cluster
keeps (Ray imported, torch not yet). The two alternate `--repeat` times and medians are reported.
Per executor:
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

from ray_local import local_cluster  # noqa: E402
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
    p.add_argument("--repeat", type=int, default=2, help="alternate local and ray this many times; medians are reported")
    p.add_argument("--records", choices=["auto", "ship"], default="auto", help="ship: measure records sent back as tar bytes")
    p.add_argument("overrides", nargs="*", default=[])
    args = p.parse_args()

    from suite.executors.local import LocalExecutor
    from suite.executors.ray_cluster import RayExecutor

    local_rows, ray_rows = [], []
    cluster = contextlib.nullcontext(args.address) if args.address else local_cluster(num_cpus=args.slots)
    with cluster as address:
        make_ray = lambda res: RayExecutor(address, res, cpus_per_run=1, max_in_flight=args.slots, records=args.records)  # noqa: E731
        for _ in range(args.repeat):  # interleaved, so a change in the machine's load hits both alike
            local_rows.append(measure("local", lambda res: LocalExecutor(args.slots, threads=1), args))
            print(f"local: {local_rows[-1]}", flush=True)
            ray_rows.append(measure(f"ray ({args.records})", make_ray, args))
            print(f"ray: {ray_rows[-1]}", flush=True)
    rows = local_rows + ray_rows
    print(f"\nload average {os.getloadavg()[0]:.2f} at the end (other jobs on the machine inflate every time)")
    print(f"{'executor':<12} {'runs':>5} {'ok':>4} {'wall s':>8} {'runs/min':>9} {'dispatch median s':>18} {'mean s':>7}")
    for r in rows:
        print(
            f"{r['name']:<12} {r['runs']:>5} {r['ok']:>4} {r['wall']:>8.1f} {r['runs'] / r['wall'] * 60:>9.1f} {r['median']:>18.2f} {r['mean']:>7.2f}"
        )
    local_wall = statistics.median(r["wall"] for r in local_rows)
    ray_wall = statistics.median(r["wall"] for r in ray_rows)
    per_run = (ray_wall - local_wall) * args.slots / max(1, ray_rows[0]["runs"])
    dispatch = statistics.median(r["median"] for r in ray_rows) - statistics.median(r["median"] for r in local_rows)
    print(f"\nRay overhead per run (median batch wall difference × slots / runs): {per_run:+.2f} s")
    print(f"Ray dispatch overhead per run (median, beyond the run's own wall_s): {dispatch:+.3f} s vs local")


if __name__ == "__main__":
    main()
