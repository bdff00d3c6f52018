"""`bench report`: leaderboards from every run record, in the terminal and as files."""

from __future__ import annotations

import argparse
from pathlib import Path

from suite.errors import UserError

FORMATS = ("md", "csv", "html")


def add(sub, common) -> None:
    p = sub.add_parser(
        "report",
        parents=[common],
        help="write leaderboards (md, csv, html) from the run records",
        description="Aggregate every run record into leaderboards: printed, and written to --out.",
    )
    p.add_argument("--results", default=None, help="results directory (default $BENCH_RESULTS or ./results)")
    p.add_argument("--out", default=None, help="output directory (default <results>/report)")
    p.add_argument("--preset", default="standard", help="rank runs of this preset (default standard); 'all' keeps each preset apart")
    p.add_argument("--format", default="md,csv", help=f"comma-separated, from {', '.join(FORMATS)}")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    from reports.leaderboard import leaderboards
    from reports.records import load
    from reports.render import print_terminal, to_csv, to_markdown
    from suite.errors import did_you_mean
    from suite.store import results_dir

    formats = [f.strip() for f in args.format.split(",") if f.strip()]
    for f in formats:
        if f not in FORMATS:
            raise did_you_mean(f, FORMATS, "report format")
    results = results_dir(args.results)
    if not results.is_dir():
        raise UserError(
            f"results directory {str(results)!r} does not exist; run something first, e.g. `bench run digits_mlp --preset smoke`"
        )
    out = Path(args.out) if args.out else results / "report"
    out.mkdir(parents=True, exist_ok=True)
    boards = leaderboards(load(results), None if args.preset == "all" else args.preset)
    print_terminal(boards)
    if "md" in formats:
        (out / "leaderboard.md").write_text(to_markdown(boards))
    if "csv" in formats:
        to_csv(boards, out / "leaderboard.csv")
    if "html" in formats:
        raise UserError("html output is not available yet; use --format md,csv")
    print(f"report written to {out}/")
    return 0
