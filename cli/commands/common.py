"""What `bench run`, `bench sweep` and `bench compare` share: the run options, planning, running the
runs (inline, or in parallel on an executor) and the leaderboard printed at the end.

Not a command (it has no `add`): the command modules import it, and none imports another.
"""

from __future__ import annotations

import argparse
import os
import sys

from suite.errors import UserError

SEEDS_HELP = (
    "a count: 3 means seeds 0,1,2, so 0 is refused; a list: 0,5,7 exactly those, and 0, (trailing comma) "
    "seed 0 alone; a range: 2-4, or 0-0 for seed 0 alone. Seeds 100 and up are kept for tuning"
)


def parse_seeds(text: str) -> list[int]:
    """'3' means seeds 0,1,2; '0,5,7' means exactly those; '2-4' means 2,3,4; '5,' or '5-5' seed 5 alone.

    A bare number stays a count even for 0, rather than meaning "seed 0": otherwise `--seeds 1`
    (seed 0) and `--seeds 0` (also seed 0) would agree while `--seeds 5` meant five seeds.
    """
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
        raise UserError(
            f"bad --seeds {text!r}: a bare number is a count of seeds (3 means 0,1,2), so it must be at least 1; "
            "for seed 0 alone write --seeds 0, (or 0-0)"
        )
    return list(range(n))


def add_run_options(p: argparse.ArgumentParser) -> None:
    """Options shared by `bench run`, `bench sweep` and `bench compare`."""
    p.add_argument("--seeds", default="1", metavar="N|LIST|RANGE", help=f"{SEEDS_HELP}; default %(default)s")
    p.add_argument(
        "--preset",
        default="standard",
        help="smoke (seconds, for tests), standard (reference quality), or tuned:STUDY (the best config of `bench tune`); default standard",
    )
    p.add_argument("--results", default=None, help="results directory (default $BENCH_RESULTS or ./results)")
    p.add_argument(
        "--wandb",
        choices=["online", "offline", "disabled"],
        default=None,
        help="default: $WANDB_MODE, else online if logged in, else offline",
    )
    p.add_argument("--device", default="auto", help="auto (GPU when present), cpu or cuda")
    p.add_argument(
        "--threads",
        type=int,
        default=None,
        help="intra-op threads per run; default: the family's measured default (1 for the small networks), at most cores ÷ workers",
    )
    p.add_argument("--force", action="store_true", help="rerun even when a record with this config and seed exists")
    p.add_argument("--no-progress", dest="progress", action="store_false", help="hide progress bars")
    p.add_argument(
        "--tensorboard",
        default=None,
        metavar="DIR",
        help="also write every run's curves and metrics as TensorBoard scalars (or $BENCH_TENSORBOARD)",
    )
    # `bench` moves every key=value word here, wherever it stands on the line (cli/main.py).
    p.add_argument("overrides", nargs="*", default=[], metavar="key=value", help="config overrides; `bench config TASK` lists the keys")


def plan(args: argparse.Namespace, tasks: list[str] | None = None, probe: bool = True):
    """The typed plan (suite/api.py) of the command line's words: tasks, configs and contracts resolved
    before any training, so bad input fails in a second."""
    from suite import api

    if isinstance(args.seeds, str):
        args.seeds = parse_seeds(args.seeds)
    if args.threads is not None:
        if args.threads < 1:
            raise UserError(f"bad --threads {args.threads}: give at least 1")
        os.environ["BENCH_THREADS"] = str(args.threads)  # read by the runner (suite/runner.py:threads_for)
    return api.plan(
        args.tasks if tasks is None else tasks,
        seeds=args.seeds,
        preset=args.preset,
        overrides=args.overrides,
        results=args.results,
        plugins=getattr(args, "plugin", []),
        tensorboard=getattr(args, "tensorboard", None),
        probe=probe,
    )


def run_inline(args: argparse.Namespace, plan) -> list[dict]:
    """Every task × seed of `plan` one after the other in this process, a line per run as it finishes."""
    from suite import api
    from suite.executors.progress import describe

    return api.run(
        plan,
        device=args.device,
        wandb_mode=args.wandb,
        force=args.force,
        progress=args.progress,
        on_record=lambda rec: print(describe(rec), flush=True),
    )


def run_parallel(args: argparse.Namespace, rerun: tuple[str, ...] | None = None) -> int:
    """Plan, then run every task × seed on the executor that `args` names, longest first; resumable."""
    from suite import store
    from suite.executors.progress import Display
    from suite.sweep import drive, expand, longest_first, past_durations

    check_parallel_options(args)
    p = plan(args)
    tasks, configs, results = p.tasks, p.configs, p.results
    store.clean_stale(results)
    specs = expand(
        tasks,
        configs,
        args.seeds,
        preset=args.preset,
        results=results,
        overrides=args.overrides,
        device=args.device,
        wandb_mode=args.wandb,
        force=args.force,
        retry_failed=args.retry_failed,
        rerun=rerun,
        plugins=getattr(args, "plugin", []),
    )
    durations = past_durations(timing_sources(results), {s.task for s in specs}, args.preset)
    specs = longest_first(specs, durations)
    title = f"sweep {' '.join(args.tasks)}"
    display = Display(len(specs), title=title, live=None if args.progress else False, expected=durations, pending=specs)
    outcome = drive(specs, lambda todo: make_executor(args, results, todo), display)
    show_leaderboard(results, {t.problem.name for t in tasks}, args.preset)
    return summarize(outcome, len(specs), display)


def check_parallel_options(args: argparse.Namespace) -> None:
    """Refuse impossible worker counts, and a missing Ray, before planning: in one line each."""
    if args.workers is not None and args.workers < 1:
        raise UserError(f"bad --workers {args.workers}: give at least 1")
    if getattr(args, "threads", None) is not None and args.threads < 1:
        raise UserError(f"bad --threads {args.threads}: give at least 1")
    if args.executor == "ray":
        from suite.errors import require

        require("ray", "ray", "the Ray executor (--executor ray)")


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
    return LocalExecutor(workers=workers, threads=getattr(args, "threads", None))


def timing_sources(results) -> list:
    """Where earlier run times are read to order a sweep: this results dir, then the shipped baselines."""
    from reports.records import baseline_dir

    return [results, baseline_dir()]


def summarize(outcome, planned: int, display=None) -> int:
    """The closing counts of a parallel run (and the display's first ETA against the time it took),
    and its exit code: 130 interrupted, 1 if a run failed."""
    recs = outcome.records
    ran = [r for r in recs if not r.get("cached")]
    failed = [r for r in recs if r.get("status") == "failed"]
    diverged = [r for r in recs if r.get("status") == "diverged"]
    eta = display.closing() if display is not None and not outcome.interrupted else ""
    print(
        f"sweep: {planned} runs · {len(ran)} ran · {len(recs) - len(ran)} cached · "
        f"{len(failed)} failed · {len(diverged)} diverged · {outcome.wall_s:.1f} s" + (f" · {eta}" if eta else ""),
        flush=True,
    )
    if outcome.interrupted:
        print(f"bench: interrupted; {len(recs)} finished records kept, {outcome.not_started} runs not done", file=sys.stderr)
        return 130
    return exit_code(recs)


def exit_code(records: list[dict]) -> int:
    """1 (and where to look) when a run failed, else 0; diverged runs are results, not failures."""
    failed = [r for r in records if r.get("status") == "failed"]
    if failed:
        print(f"bench: {len(failed)} run(s) failed; see `bench show {failed[0]['task']}`", file=sys.stderr)
    return 1 if failed else 0


def show_leaderboard(results, problems: set[str], preset: str) -> None:
    """The boards of the problems just run: the user's entries beside the shipped baselines on those
    problems. Only the task directories named `<problem>_...` of those problems are read, so the board
    appears at once over a results directory of any size; the other tasks are counted from their
    directory names in one line that points to `bench report`, so the boards asked for are not scrolled away."""
    from reports.leaderboard import leaderboards
    from reports.records import baseline_dir, load_with_baseline, task_names
    from reports.render import print_terminal

    names = task_names(results) | task_names(baseline_dir())
    maybe = {n for n in names if any(n.startswith(f"{p}_") for p in problems)}  # msft_volume_* starts with msft_: filtered below
    runs = load_with_baseline(results, tasks=maybe)
    runs = runs[runs["problem"].isin(problems)] if not runs.empty else runs
    if runs.empty:
        print_terminal({})
        return
    n = len(names - set(runs["task"]))
    more = f"records of {n:,} more task{'s' if n != 1 else ''}: `bench report` prints their leaderboards" if n else ""
    print_terminal(leaderboards(runs, preset), more=more)
