"""`bench run`: train and evaluate tasks over seeds, write records, print the leaderboard."""

from __future__ import annotations

import argparse

from cli.commands.common import add_run_options, exit_code, plan, run_inline, run_parallel, show_leaderboard


def add(sub, common) -> None:
    p = sub.add_parser(
        "run",
        parents=[common],
        help="train and evaluate tasks over seeds",
        description="Train and evaluate each TASK (id <problem>_<model>, or a suite name) for each seed. "
        "A run whose config, preset and seed already have a record is skipped as cached.",
        epilog="docs: docs/getting-started.md",
    )
    p.add_argument("tasks", nargs="+", metavar="TASK", help="task ids like cartpole_dqn, or suite names")
    add_run_options(p)
    p.add_argument("--workers", type=int, default=1, help="runs at once in local processes (as `bench sweep`); default 1")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    if args.workers != 1:
        # The same runs as a local `bench sweep`, except that failed runs are redone, as inline.
        args.executor, args.retry_failed, args.address = "local", False, None
        return run_parallel(args, rerun=("failed",))
    p = plan(args)
    records = run_inline(args, p)
    show_leaderboard(p.results, {t.problem.name for t in p.tasks}, args.preset)
    return exit_code(records)
