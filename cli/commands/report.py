"""`bench report`: leaderboards, statistics and plots from every run record, in the terminal and as files."""

from __future__ import annotations

import argparse
from pathlib import Path

from suite.errors import UserError

FORMATS = ("md", "csv", "html")


def add(sub, common) -> None:
    p = sub.add_parser(
        "report",
        parents=[common],
        help="write leaderboards, statistics and plots (md, csv+parquet, html)",
        description="Aggregate every run record into leaderboards: printed, and written to --out. "
        "Shipped baseline records (reports/baseline/) fill in built-in tasks you have not run.",
        epilog="docs: docs/reading-a-report.md",
    )
    p.add_argument("--results", default=None, help="results directory (default $BENCH_RESULTS or ./results)")
    p.add_argument("--out", default=None, help="output directory (default <results>/report)")
    p.add_argument("--preset", default="standard", help="rank runs of this preset (default standard); 'all' keeps each preset apart")
    p.add_argument("--format", default="md,csv,html", help=f"comma-separated, from {', '.join(FORMATS)} (default all)")
    p.add_argument("--no-baseline", dest="baseline", action="store_false", help="leave out the shipped baseline records")
    p.add_argument(
        "--quiet",
        action="store_true",
        help="print no leaderboard, only where the report went and how many it holds (`make bench` runs this "
        "after `bench run`, which printed the boards of what it ran)",
    )
    p.add_argument("--max-plots", type=int, default=6, help="learning-curve figures for at most this many problems (default 6)")
    p.add_argument(
        "--wandb",
        choices=["online", "offline", "disabled"],
        default=None,
        help="when the mode is online, the leaderboard also goes to wandb as a Table (default: as `bench run`)",
    )
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    from reports import build
    from reports.records import load_with_baseline
    from reports.render import print_terminal
    from suite.errors import did_you_mean
    from suite.store import results_dir

    formats = [f.strip() for f in args.format.split(",") if f.strip()]
    for f in formats:
        if f not in FORMATS:
            raise did_you_mean(f, FORMATS, "report format")
    results = results_dir(args.results)
    if not results.is_dir() and not args.baseline:
        raise UserError(
            f"results directory {str(results)!r} does not exist; run something first, e.g. `bench run digits_mlp --preset smoke`"
        )
    out = Path(args.out) if args.out else results / "report"
    runs = load_with_baseline(results, use_baseline=args.baseline)
    rep = build.compute(runs, None if args.preset == "all" else args.preset)
    rep.results = results  # its `bench tune` studies join the report (reports/tuning.py)
    if not args.quiet:
        print_terminal(rep.boards, suite=rep.suite)
    if runs.empty:
        print("no run records found; nothing written")
        return 0
    if not rep.boards and args.preset != "all":
        presets = sorted(set(runs["preset"]))
        print(f"no runs of preset {args.preset!r}; recorded presets: {', '.join(presets)} (try --preset {presets[0]} or --preset all)")
    build.write(rep, out, formats, max_problems=args.max_plots)
    from suite.tracking import choose_mode

    if choose_mode(args.wandb) == "online" and rep.boards:
        try:
            url = build.to_wandb(rep, "online", results if results.is_dir() else None)
            print(f"leaderboard logged to wandb: {url}")
        except Exception as exc:  # the files are the report; wandb is a mirror
            print(f"bench: warning: wandb logging of the leaderboard failed: {type(exc).__name__}: {exc}")
    n = len(rep.boards)
    count = f": {n} leaderboard{'s' if n != 1 else ''}, `bench report` prints them all" if args.quiet and n else ""
    print(f"report written to {out}/ ({', '.join(p.name for p in rep.files)}){count}")
    return 0
