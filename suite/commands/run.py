"""`bench run`: train and evaluate tasks over seeds, write records, print the leaderboard."""

from __future__ import annotations

import argparse
import sys

from suite.errors import UserError


def parse_seeds(text: str) -> list[int]:
    """'3' means seeds 0,1,2; '0,5,7' means exactly those; '2-4' means 2,3,4."""
    try:
        if "," in text:
            return [int(s) for s in text.split(",") if s.strip()]
        if "-" in text.strip("-"):
            lo, hi = text.split("-")
            return list(range(int(lo), int(hi) + 1))
        n = int(text)
    except ValueError:
        raise UserError(f"bad --seeds {text!r}: give a count (3), a list (0,1,2) or a range (0-4)") from None
    if n < 1:
        raise UserError(f"bad --seeds {text!r}: a count must be at least 1 (for seed 0 alone write --seeds 0,)")
    return list(range(n))


def add_run_options(p: argparse.ArgumentParser) -> None:
    """Options shared by `bench run`, `bench sweep` and `bench compare`."""
    p.add_argument("--seeds", default="1", help="a count (3 → seeds 0,1,2), a list (0,1,2) or a range (0-4); default 1")
    p.add_argument("--preset", default="standard", help="smoke (seconds, for tests) or standard (reference quality); default standard")
    p.add_argument("--results", default=None, help="results directory (default $BENCH_RESULTS or ./results)")
    p.add_argument(
        "--wandb",
        choices=["online", "offline", "disabled"],
        default=None,
        help="default: $WANDB_MODE, else online if logged in, else offline",
    )
    p.add_argument("--device", default="auto", help="auto (GPU when present), cpu or cuda")
    p.add_argument("--force", action="store_true", help="rerun even when a record with this config and seed exists")
    p.add_argument("--no-progress", dest="progress", action="store_false", help="hide progress bars")
    p.add_argument("overrides", nargs="*", default=[], metavar="key=value", help="config overrides; `bench config TASK` lists the keys")


def add(sub, common) -> None:
    p = sub.add_parser(
        "run",
        parents=[common],
        help="train and evaluate tasks over seeds",
        description="Train and evaluate each TASK (id <problem>_<model>, or a suite name) for each seed. "
        "A run whose config, preset and seed already have a record is skipped as cached.",
    )
    p.add_argument("tasks", nargs="+", metavar="TASK", help="task ids like cartpole_dqn, or suite names")
    add_run_options(p)
    p.add_argument("--workers", type=int, default=1, help="runs at once in local processes (as `bench sweep`); default 1")
    p.set_defaults(func=main)


def split_args(args: argparse.Namespace) -> tuple[list[str], list[str]]:
    """argparse cannot tell `TASK` from `key=value` positionals: anything with '=' is an override."""
    names = [t for t in args.tasks if "=" not in t]
    overrides = [t for t in args.tasks if "=" in t] + list(args.overrides)
    if not names:
        raise UserError("no task given; try `bench list`")
    return names, overrides


def plan(args: argparse.Namespace):
    """Resolve tasks and configs before any training, so bad input fails in a second."""
    from suite.config import resolve_config
    from suite.registry import get_registry
    from suite.store import check_writable, results_dir

    reg = get_registry(getattr(args, "plugin", []))
    if isinstance(args.seeds, str):
        args.seeds = parse_seeds(args.seeds)
    names, overrides = split_args(args)
    tasks = reg.expand(names)
    configs = {t.id: resolve_config(t, args.preset, overrides) for t in tasks}
    results = results_dir(args.results)
    check_writable(results)
    return tasks, configs, results


def describe(rec: dict) -> str:
    score = rec["metrics"].get(rec["primary_metric"])
    value = f"{rec['primary_metric']} = {score:.4g}" if isinstance(score, float) else ""
    state = "cached" if rec.get("cached") else rec["status"]
    tail = f" ({rec['error']})" if rec["status"] != "ok" and rec.get("error") else ""
    return f"{rec['task']} seed {rec['seed']}: {state} {value} in {rec['timing']['wall_s']:.1f} s{tail}"


def main(args: argparse.Namespace) -> int:

    if getattr(args, "workers", 1) != 1:  # parallel runs go through the sweep's local executor
        from suite.commands.sweep import run_parallel

        return run_parallel(args)
    tasks, configs, results = plan(args)
    records = run_inline(args, tasks, configs, results)
    show_leaderboard(results, {t.problem.name for t in tasks}, args.preset)
    failed = [r for r in records if r["status"] == "failed"]
    if failed:
        print(f"bench: {len(failed)} run(s) failed; see `bench show {failed[0]['task']}`", file=sys.stderr)
    return 1 if failed else 0


def run_inline(args: argparse.Namespace, tasks, configs, results) -> list[dict]:
    """Every task × seed one after the other in this process, a line per run as it finishes."""
    from suite import store
    from suite.runner import execute

    store.clean_stale(results)
    records = []
    for task in tasks:
        for seed in task.run_seeds(args.seeds):
            rec = execute(
                task,
                configs[task.id],
                preset=args.preset,
                seed=seed,
                results=results,
                device=args.device,
                wandb_mode=args.wandb,
                force=args.force,
                progress=args.progress,
            )
            print(describe(rec), flush=True)
            records.append(rec)
    return records


def show_leaderboard(results, problems: set[str], preset: str) -> None:
    from reports.leaderboard import leaderboards
    from reports.records import load
    from reports.render import print_terminal

    runs = load(results)
    if not runs.empty:
        runs = runs[runs["problem"].isin(problems)]
    print_terminal(leaderboards(runs, preset))
