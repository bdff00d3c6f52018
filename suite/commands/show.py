"""`bench show TASK`: the recorded runs of a task."""

from __future__ import annotations

import argparse
import json


def add(sub, common) -> None:
    p = sub.add_parser("show", parents=[common], help="print the recorded runs of a task")
    p.add_argument("task", metavar="TASK")
    p.add_argument("--results", default=None, help="results directory (default $BENCH_RESULTS or ./results)")
    p.add_argument("--json", action="store_true", help="print the full records as JSON")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    from suite import store
    from suite.registry import get_registry

    results = store.results_dir(args.results)
    records = list(store.iter_records(results, args.task))
    if not records:
        get_registry(getattr(args, "plugin", [])).task(args.task)  # unknown ids get a did-you-mean
        print(f"no records for {args.task} in {results}/; run `bench run {args.task}`")
        return 0
    if args.json:
        print(json.dumps(records, indent=2))
        return 0
    from rich.console import Console
    from rich.table import Table

    t = Table(title=f"{args.task}: {len(records)} run(s) in {results}/", title_justify="left")
    for col in ["seed", "preset", "status", "primary metric", "wall s", "finished", "run_id"]:
        t.add_column(col)
    for r in sorted(records, key=lambda r: (r["preset"], r["seed"])):
        score = r["metrics"].get(r["primary_metric"])
        value = f"{r['primary_metric']}={score:.4g}" if isinstance(score, float) else (r.get("error") or "")[:60]
        t.add_row(str(r["seed"]), r["preset"], r["status"], value, f"{r['timing']['wall_s']:.1f}", r["finished_at"], r["run_id"])
    Console().print(t)
    return 0
