"""`bench check`: the regression gate. Rerun a suite on the current code and compare each task with its shipped records."""

from __future__ import annotations

import argparse
import sys
from collections import Counter

from cli.commands.common import add_run_options

DOCS = "docs: docs/reproducibility.md"


def add(sub, common) -> None:
    p = sub.add_parser(
        "check",
        parents=[common],
        help="rerun a suite on the current code against the shipped records; exit 1 on a significant regression",
        description=(
            "Rerun every task of SUITE (or the task ids given) with the seeds and preset of its shipped records "
            "(reports/baseline/), then compare. On the machine kind that made the records, with the same config, "
            "every seed must match exactly. Elsewhere, or after a config change, Welch's t-test per task, Holm-adjusted "
            "over the suite. Exit 1 when a task regressed (or an exact rerun changed), 0 otherwise. "
            "`bench check check` is the fast suite (a few minutes on 2 cores)."
        ),
        epilog=DOCS,
    )
    p.add_argument("tasks", nargs="+", metavar="SUITE|TASK", help="a suite name (check, default, ...) or task ids")
    add_run_options(p)
    p.set_defaults(seeds=None, preset=None)  # both come from each task's shipped records
    p.add_argument("--max-seeds", type=int, default=5, help="rerun at most this many of the shipped seeds per task; default 5")
    p.add_argument("--alpha", type=float, default=0.05, help="family-wise error rate over the suite; default 0.05")
    p.add_argument("--workers", type=int, default=2, help="runs at once in local processes; default 2")
    p.set_defaults(func=main)


def shipped_plan(task, records: list[dict], max_seeds: int) -> tuple[str, list[int], list[dict]]:
    """The preset most of a task's shipped records used, their seeds (at most `max_seeds`), and those records."""
    preset = Counter(r["preset"] for r in records).most_common(1)[0][0]
    chosen = sorted((r for r in records if r["preset"] == preset), key=lambda r: r["seed"])[:max_seeds]
    return preset, [r["seed"] for r in chosen], chosen


def main(args: argparse.Namespace) -> int:
    import tempfile
    from pathlib import Path

    from reports import check
    from reports.records import baseline_dir
    from suite import api, envinfo, store
    from suite.errors import UserError
    from suite.executors.local import LocalExecutor
    from suite.executors.progress import Display
    from suite.registry import get_registry
    from suite.sweep import drive, expand

    if args.seeds is not None or args.preset is not None:
        raise UserError("bench check takes each task's seeds and preset from its shipped records; limit the seeds with --max-seeds")
    if args.max_seeds < 2 or args.workers < 1 or not 0 < args.alpha < 1:
        raise UserError("bad option: --max-seeds at least 2 (a t-test needs two seeds a side), --workers at least 1, 0 < --alpha < 1")
    plugins = getattr(args, "plugin", [])
    reg = get_registry(plugins)
    results = Path(args.results) if args.results else Path(tempfile.mkdtemp(prefix="bench-check-"))
    plans, shipped, missing = [], {}, []
    for task in reg.expand(args.tasks):
        recs = [r for r in store.iter_records(baseline_dir(), task.id) if r.get("status") == "ok"]
        if not recs:
            missing.append(task.id)
            continue
        preset, seeds, shipped[task.id] = shipped_plan(task, recs, args.max_seeds)
        plans.append(api.plan([task.id], seeds=seeds, preset=preset, overrides=args.overrides, results=results, plugins=plugins))
    if not plans:
        raise UserError(f"nothing to check: no shipped records for {', '.join(missing)}; `bench check check` is the fast suite")
    specs = [
        s
        for p in plans
        for s in expand(p.tasks, p.configs, p.seeds, preset=p.preset, results=results, overrides=p.overrides, device=args.device,
                        wandb_mode=args.wandb or "disabled", rerun=("failed",), plugins=plugins)
    ]  # fmt: skip
    print(f"check: {len(plans)} tasks, {len(specs)} runs against reports/baseline/, records in {results}", flush=True)
    display = Display(len(specs), title="check", live=None if args.progress else False, pending=specs)
    outcome = drive(specs, lambda todo: LocalExecutor(workers=min(args.workers, len(todo)), threads=args.threads), display)
    if outcome.interrupted:
        print("bench: interrupted; no verdict", file=sys.stderr)
        return 130
    here = envinfo.collect()
    verdicts = []
    for p in plans:
        task = p.tasks[0]
        old = shipped[task.id]
        new = sorted(
            (r for r in store.iter_records(results, task.id) if r.get("status") == "ok" and r["seed"] in p.seeds), key=lambda r: r["seed"]
        )
        if not new:
            print(f"check: {task.id}: every rerun failed; see `bench show {task.id} --results {results}`", file=sys.stderr)
            return 1
        metric = old[0]["primary_metric"]
        same, kind = envinfo.same_kind(new[0]["env"] if "machine_kind" in new[0]["env"] else here, old[0]["env"])
        same_config = {r["config_hash"] for r in old} == {r["config_hash"] for r in new}
        why = ("same machine kind" if same else f"another machine kind: {kind}") + ("" if same_config else "; config changed since shipped")
        verdicts.append(
            check.compare(task.id, metric, old[0]["higher_is_better"], [r["metrics"][metric] for r in old],
                          [r["metrics"][metric] for r in new], exact=same and same_config, why=why, deterministic=task.deterministic)
        )  # fmt: skip
    check.decide(verdicts, args.alpha)
    for line in check.table(verdicts):
        print(line)
    counts = Counter(v.outcome for v in verdicts)
    print(
        f"check: {counts['regressed']} regressed · {counts['improved']} improved · {counts['unchanged']} unchanged"
        + (f" · {counts['changed']} changed" if counts["changed"] else "")
        + f" · Holm over {sum(v.method == 'statistical' for v in verdicts)} tested at α = {args.alpha}"
        + (f" · no shipped records: {', '.join(missing)}" if missing else ""),
        flush=True,
    )
    return 1 if check.failed(verdicts) else 0
