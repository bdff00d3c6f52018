"""`bench show TASK`: the recorded runs of a task."""

from __future__ import annotations

import argparse
import json
import sys


def add(sub, common) -> None:
    p = sub.add_parser("show", parents=[common], help="print the recorded runs of a task", epilog="docs: docs/record-schema.md")
    p.add_argument("task", metavar="TASK")
    p.add_argument("--results", default=None, help="results directory (default $BENCH_RESULTS or ./results)")
    p.add_argument("--json", action="store_true", help="print the full records as JSON")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    from suite import store
    from suite.errors import UserError
    from suite.registry import get_registry

    results = store.results_dir(args.results)
    problems: list[str] = []
    try:
        records = list(store.iter_records(results, args.task, problems, check=True))
    except UserError:  # not even a plain name: the registry's did-you-mean says more than the path check
        get_registry(getattr(args, "plugin", [])).task(args.task)
        raise
    for line in problems:  # a bad file is named, the others are shown
        print(f"bench: warning: {line}", file=sys.stderr)
    try:
        get_registry(getattr(args, "plugin", [])).task(args.task)
    except UserError:
        if not records:
            raise  # unknown ids get a did-you-mean
        print(
            f"bench: note: task {args.task!r} is not registered now (a plug-in not loaded?); its records are shown as written",
            file=sys.stderr,
        )
    if not records:
        print(f"no records for {args.task} in {results}/; run `bench run {args.task}`")
        return 0
    if args.json:
        print(json.dumps(records, indent=2))
        return 0
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    t = Table(title=escape(f"{args.task}: {len(records)} run(s) in {results}/"), title_justify="left")
    for col in ["seed", "preset", "status", "primary metric", "wall s", "finished", "run_id"]:
        t.add_column(col)
    for r in sorted(records, key=lambda r: (r["preset"], r["seed"])):
        primary = r.get("primary_metric") or ""
        score = r["metrics"].get(primary)
        value = (
            f"{primary}={score:.4g}" if isinstance(score, (int, float)) and not isinstance(score, bool) else str(r.get("error") or "")[:60]
        )
        wall = (r.get("timing") or {}).get("wall_s")
        row = [
            r["seed"],
            r["preset"],
            r["status"],
            value,
            f"{wall:.1f}" if isinstance(wall, (int, float)) else "–",
            r.get("finished_at"),
            r["run_id"],
        ]
        t.add_row(*(escape(str(c if c is not None else "")) for c in row))  # record text is data, not rich markup
    Console().print(t)
    return 0
