"""`bench sweep`: suites or tasks × seeds in parallel, on local processes or a Ray cluster; resumable."""

from __future__ import annotations

import argparse

from cli.commands.common import add_run_options, run_parallel
from suite.executors import EXECUTORS

DESCRIPTION = """\
Run every task of each SUITE (or each TASK) for each seed, several at once. A run whose record exists is
skipped, so rerunning an interrupted sweep does only what is missing; failed and diverged runs are
kept as they are unless --retry-failed. Suites: default, classic-control (SB3 at the zoo's presets),
classic-control-sbx (the same with SBX's agents), and one per family (classification, generation,
autoencoding, forecasting, rl); `bench list --what suites` lists them.
"""

EXAMPLES = """\
examples:
  bench sweep default --preset smoke --workers 2      every task on the seconds-long budget, 2 processes
  bench sweep default --seeds 5                       the leaderboard suite, 5 seeds, one process per core
  bench sweep rl --executor ray --address auto        the RL tasks as tasks on a running Ray cluster
  bench sweep default --seeds 5 --retry-failed        finish an interrupted sweep and redo failures

docs: docs/sweeps.md
"""


def add(sub, common) -> None:
    p = sub.add_parser(
        "sweep",
        parents=[common],
        help="run suites or tasks × seeds in parallel (local processes or Ray), resumably",
        description=DESCRIPTION,
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("tasks", nargs="+", metavar="SUITE|TASK", help="suite names (see above) or task ids, plus key=value overrides")
    add_run_options(p)
    add_parallel_options(p)
    p.set_defaults(func=main)


def add_parallel_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--executor", choices=EXECUTORS, default="local", help="local processes (default) or a Ray cluster")
    p.add_argument(
        "--workers",
        type=int,
        default=None,
        help="runs at once; default: one per CPU core (local) or cluster CPUs / --cpus-per-run (ray)",
    )
    p.add_argument("--retry-failed", action="store_true", help="also rerun runs recorded as failed or diverged")
    ray = p.add_argument_group("ray executor")
    ray.add_argument("--address", default=None, help="Ray cluster: auto (default, or $RAY_ADDRESS), HOST:PORT or ray://HOST:10001")
    ray.add_argument("--cpus-per-run", type=float, default=1.0, help="CPUs reserved per run, also its torch threads; default 1")
    ray.add_argument(
        "--gpus-per-run",
        type=float,
        default=None,
        help="GPU (fraction) reserved per run, e.g. 0.25 packs 4 runs on a GPU; default 1 with --device cuda, else 0",
    )
    ray.add_argument(
        "--ray-records",
        choices=["auto", "shared", "ship"],
        default="auto",
        help="auto: workers that see --results write there, others ship records back; ship: always send them to the driver",
    )


def main(args: argparse.Namespace) -> int:
    return run_parallel(args)
