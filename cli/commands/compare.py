"""`bench compare MODEL`: run what is missing for MODEL, then rank it head-to-head against the others.

The other models' numbers come from your results, or, for built-in tasks you have not run, from
the shipped baseline records (reports/baseline/), so a plug-in is compared without re-running
every baseline. Time columns say on which hardware each figure was measured.
"""

from __future__ import annotations

import argparse
import sys

from cli.commands.common import add_run_options, parse_seeds, plan, run_inline
from suite.errors import UserError


def add(sub, common) -> None:
    p = sub.add_parser(
        "compare",
        parents=[common],
        help="run MODEL where it has no records, then compare it head-to-head with other models",
        description="Run MODEL on every problem it can solve (or --problems) for --seeds seeds unless records exist, "
        "then print per problem each model's mean with a 95 %% interval, its rank, and the probability that MODEL "
        "beats it, and the same probability across problems.",
        epilog="docs: docs/reading-a-report.md",
    )
    p.add_argument("model", metavar="MODEL", help="a registered model name (built-in or from a plug-in)")
    p.add_argument("--against", default=None, help="comma-separated model names (default: every model with records on the same problems)")
    p.add_argument("--problems", default=None, help="comma-separated problem names (default: every non-optional problem MODEL can solve)")
    p.add_argument("--no-baseline", dest="baseline", action="store_false", help="ignore the shipped baseline records")
    p.add_argument("--no-run", dest="run", action="store_false", help="compare existing records only; train nothing")
    add_run_options(p)
    p.set_defaults(func=main, seeds="3")  # 3 seeds: the fewest that give an interval worth reading


def _csv(text: str | None) -> list[str]:
    return [x.strip() for x in (text or "").split(",") if x.strip()]


def select_tasks(reg, model: str, problems: list[str]) -> list:
    """MODEL's tasks: on the named problems, or on every problem of the suites (not optional, or its data found)."""
    from suite.errors import did_you_mean

    reg.model(model)  # unknown names get a did-you-mean
    for p in problems:
        reg.problem(p)
    tasks = reg.tasks(model=model)
    if problems:
        chosen = [t for t in tasks if t.problem.name in problems]
        missing = sorted(set(problems) - {t.problem.name for t in chosen})
        if missing:
            why = reg.model(model).supports(reg.problem(missing[0]))
            raise UserError(f"{model} cannot run on {', '.join(missing)}: {why}")
        return chosen
    chosen = [t for t in tasks if t.problem.in_suites()]
    if not chosen:
        raise did_you_mean(model, [m for m in reg.models if reg.tasks(model=m)], "model with a runnable task")
    return chosen


def main(args: argparse.Namespace) -> int:
    from reports.compare import head_to_head, print_head_to_head
    from reports.records import load_with_baseline
    from suite.config import config_hash
    from suite.errors import did_you_mean
    from suite.registry import get_registry

    reg = get_registry(getattr(args, "plugin", []))
    if isinstance(args.seeds, str):
        args.seeds = parse_seeds(args.seeds)
    model = args.model
    tasks = select_tasks(reg, model, _csv(args.problems))
    against = _csv(args.against) or None
    for name in against or []:
        if name not in reg.models:
            raise did_you_mean(name, reg.models, "model")

    p = plan(args, [t.id for t in tasks])
    tasks, results = p.tasks, p.results
    hashes = {t.id: config_hash(t.id, args.preset, p.configs[t.id]) for t in tasks}
    failed = 0
    if args.run:
        failed = sum(rec["status"] == "failed" for rec in run_inline(args, p))

    runs = load_with_baseline(results, use_baseline=args.baseline)
    if runs.empty:
        raise UserError(f"no records to compare in {results}/; drop --no-run to train {model}")
    problems = {t.problem.name for t in tasks}
    runs = runs[runs["problem"].isin(problems)]
    # MODEL is compared in the config of this command (its preset and overrides), not older variants,
    # unless only other variants exist (e.g. --no-run on shipped baseline records from older code).
    mine = runs["model"] == model
    current = runs["config_hash"].isin(set(hashes.values()))
    has_current = set(runs.loc[mine & current, "task"])
    runs = runs[~mine | current | ~runs["task"].isin(has_current)]
    h = head_to_head(runs, model, against, args.preset)
    print_head_to_head(h)
    seen = {m.split("@")[0] for t in h.per_problem.values() for m in t["model"]}
    for name in sorted(set(against or []) - seen):
        print(
            f"bench: no {args.preset} records of {name} on {', '.join(sorted(problems))}; run e.g. `bench run {sorted(problems)[0]}_{name}`"
        )
    if h.per_problem and h.overall.empty:
        print(f"no other model has {args.preset} records on these problems; run some, or use the shipped baselines (preset standard)")
    if failed:
        print(f"bench: {failed} run(s) of {model} failed; see `bench show {tasks[0].id}`", file=sys.stderr)
    return 1 if failed else 0
