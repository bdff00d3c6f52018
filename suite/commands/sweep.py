"""`bench sweep`: suites or tasks × seeds in parallel, on local processes or a Ray cluster; resumable."""

from __future__ import annotations

import argparse
import sys

from suite.commands.run import add_run_options, plan, show_leaderboard
from suite.errors import UserError
from suite.executors import EXECUTORS

DESCRIPTION = """\
Run every task of each SUITE (or each TASK) for each seed, several at once. A run whose record exists is
skipped, so rerunning an interrupted sweep does only what is missing; failed and diverged runs are
kept as they are unless --retry-failed. Suites: default, smoke (use with --preset smoke),
classic-control, and one per family (classification, generation, autoencoding, forecasting, rl).
"""

EXAMPLES = """\
examples:
  bench sweep smoke --preset smoke --workers 2        every task on the seconds-long budget, 2 processes
  bench sweep default --seeds 5                       the leaderboard suite, 5 seeds, one process per core
  bench sweep rl --executor ray --address auto        the RL tasks as tasks on a running Ray cluster
  bench sweep default --seeds 5 --retry-failed        finish an interrupted sweep and redo failures
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
    p.add_argument(
        "--threads",
        type=int,
        default=None,
        help="torch threads per run (local executor); default cores ÷ workers, which assumes nothing else is running",
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


def make_executor(args: argparse.Namespace, results, todo: list):
    if args.executor == "ray":
        from suite.executors.ray_cluster import RayExecutor

        gpus = args.gpus_per_run if args.gpus_per_run is not None else (1.0 if str(args.device).startswith("cuda") else 0.0)
        return RayExecutor(
            args.address,
            results,
            cpus_per_run=args.cpus_per_run,
            gpus_per_run=gpus,
            max_in_flight=args.workers,
            records=args.ray_records,
        )
    from suite.executors.local import LocalExecutor
    from suite.sweep import cores

    workers = min(args.workers or cores(), len(todo))  # never start idle processes
    threads = getattr(args, "threads", None) or max(1, cores() // (args.workers or cores()))
    return LocalExecutor(workers=workers, threads=threads)


def timing_sources(results) -> list:
    """Where earlier run times are read to order a sweep: this results dir, then the shipped baselines."""
    from reports.records import baseline_dir

    return [results, baseline_dir()]


def run_parallel(args: argparse.Namespace) -> int:
    """`bench run --workers K`: the same runs as `bench run`, on the local executor; failed runs are redone."""
    args.executor, args.retry_failed, args.address = "local", False, None
    return main(args, rerun=("failed",))


def main(args: argparse.Namespace, rerun: tuple[str, ...] | None = None) -> int:
    from suite import store
    from suite.executors.progress import Display
    from suite.sweep import drive, expand, longest_first, past_durations

    if args.workers is not None and args.workers < 1:
        raise UserError(f"bad --workers {args.workers}: give at least 1")
    if getattr(args, "threads", None) is not None and args.threads < 1:
        raise UserError(f"bad --threads {args.threads}: give at least 1")
    if args.executor == "ray":
        from suite.errors import require

        require("ray", "ray", "the Ray executor (--executor ray)")  # fail before planning, in one line
    tasks, configs, results = plan(args)
    store.clean_stale(results)
    from suite.commands.run import split_args

    _, overrides = split_args(args)
    specs = expand(
        tasks,
        configs,
        args.seeds,
        preset=args.preset,
        results=results,
        overrides=overrides,
        device=args.device,
        wandb_mode=args.wandb,
        force=args.force,
        retry_failed=args.retry_failed,
        rerun=rerun,
        plugins=getattr(args, "plugin", []),
    )
    durations = past_durations(timing_sources(results), {s.task for s in specs}, args.preset)
    specs = longest_first(specs, durations)
    title = f"sweep {' '.join(n for n in args.tasks if '=' not in n)}"
    display = Display(len(specs), title=title, live=None if args.progress else False, expected=durations, pending=specs)
    outcome = drive(specs, lambda todo: make_executor(args, results, todo), display)

    show_leaderboard(results, {t.problem.name for t in tasks}, args.preset)
    recs = outcome.records
    ran = [r for r in recs if not r.get("cached")]
    failed = [r for r in recs if r.get("status") == "failed"]
    diverged = [r for r in recs if r.get("status") == "diverged"]
    print(
        f"sweep: {len(specs)} runs · {len(ran)} ran · {len(recs) - len(ran)} cached · "
        f"{len(failed)} failed · {len(diverged)} diverged · {outcome.wall_s:.1f} s",
        flush=True,
    )
    if outcome.interrupted:
        print(f"bench: interrupted; {len(recs)} finished records kept, {outcome.not_started} runs not done", file=sys.stderr)
        return 130
    if failed:
        print(f"bench: {len(failed)} run(s) failed; see `bench show {failed[0]['task']}`", file=sys.stderr)
    return 1 if failed else 0
