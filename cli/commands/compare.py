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
    seq = p.add_argument_group("until decided (a group-sequential comparison: reports/sequential.py)")
    seq.add_argument(
        "--until-decided",
        action="store_true",
        help="add seeds in rounds until MODEL is better or worse than each other model, equivalent to it, or futile "
        "(a difference of one margin has become unlikely), or --max-seeds is reached",
    )
    seq.add_argument(
        "--strict-equivalence",
        action="store_true",
        help="no futility stop: plan enough seeds to show equivalence at α with 80%% power too (a longer plan)",
    )
    seq.add_argument(
        "--margin",
        type=float,
        default=None,
        help="equivalence margin in the metric's units; default 2%% of the problem's random-to-reference distance",
    )
    seq.add_argument(
        "--max-seeds",
        type=int,
        default=None,
        help="MODEL's seeds at the last look, a fixed plan; default: the fewest giving 80%% power for 'better' at one margin (at most 100), "
        "at the other model's seed spread, re-sized at any look where MODEL's seeds so far are clearly noisier",
    )
    seq.add_argument(
        "--step", type=int, default=1, help="seeds added per round (at least; ~5%% from 30 seeds on), after a first look at 2; default 1"
    )
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

    if args.until_decided:
        return until_decided(args, reg, tasks, against)
    p = plan(args, [t.id for t in tasks], probe=args.run)  # --no-run trains nothing, so nothing is probed
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
    paired_tables(reg, tasks, results, args, against)
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


def seed_values(task_id: str, preset: str, results, use_baseline: bool, config: str | None = None) -> dict[int, float]:
    """Seed -> primary metric of a task's ok records at `preset`: the shipped ones, then this results
    directory's (which win on a shared seed); `config` keeps only records of that config hash."""
    from reports.records import baseline_dir
    from suite import store

    dirs = ([baseline_dir()] if use_baseline else []) + [results]
    values: dict[int, float] = {}
    for where in dirs:
        for r in store.iter_records(where, task_id):
            if r.get("status") == "ok" and r.get("preset") == preset and (config is None or r.get("config_hash") == config):
                values[r["seed"]] = r["metrics"][r["primary_metric"]]
    return values


def until_decided(args: argparse.Namespace, reg, tasks: list, against: list[str] | None) -> int:
    """Rounds of seeds until every comparison of MODEL is decided: reports/sequential.py has the design."""
    import numpy as np

    from reports import sequential as sq
    from suite import api
    from suite.config import config_hash
    from suite.executors.progress import describe

    if (args.max_seeds is not None and not sq.MIN_LAST <= args.max_seeds <= sq.CAP) or args.step < 1:
        raise UserError(
            f"bad --max-seeds {args.max_seeds} or --step {args.step}: the first look is at {sq.PILOT} seeds, a plan has a second, "
            f"and seeds from {sq.CAP} on are kept for tuning, so {sq.MIN_LAST} ≤ --max-seeds ≤ {sq.CAP} and --step ≥ 1"
        )
    plugins = getattr(args, "plugin", [])
    base = api.plan([t.id for t in tasks], seeds=[0], preset=args.preset, overrides=args.overrides, results=args.results, plugins=plugins)
    results = base.results
    pairs = []  # (model's task, the other's task, margin)
    for task in tasks:
        others = against or sorted({m.name for m in reg.all_models() if task.family in m.families} - {task.model.name})
        for name in others:
            other = next((t for t in reg.tasks(problem=task.problem.name, model=name) if task.family in t.families), None)
            if other is None or not seed_values(other.id, args.preset, results, args.baseline):
                continue  # no records and not asked for: not on this board
            refs = task.refs()
            margin = args.margin if args.margin is not None else sq.default_margin(refs.get("random"), refs.get("reference"))
            if margin is None:
                raise UserError(
                    f"{task.id}: the problem states no random and reference points; give --margin in {task.refs().get('primary_metric', 'metric')} units"
                )
            pairs.append([task, other, margin])
    if not pairs:
        raise UserError(f"no other model has {args.preset} records on these problems; name one with --against")
    if any(t.deterministic for t, _, _ in pairs):
        raise UserError(f"{args.model} is deterministic: one exact record per config, and more seeds add nothing")
    alpha = sq.ALPHA / len(pairs)  # Bonferroni over the comparisons: the error holds over the whole board

    def ensure(task, n: int, overrides: list[str], config: str | None) -> dict[int, float]:
        have = seed_values(task.id, args.preset, results, args.baseline, config)
        if len(have) < n:
            seeds = [s for s in range(100) if s not in have][: n - len(have)]
            p = api.plan([task.id], seeds=seeds, preset=args.preset, overrides=overrides, results=results, plugins=plugins)
            api.run(
                p, device=args.device, wandb_mode=args.wandb, progress=args.progress, on_record=lambda r: print(describe(r), flush=True)
            )
            have = seed_values(task.id, args.preset, results, args.baseline, config)
        return dict(sorted(have.items())[:n])

    for pair in pairs:  # each comparison's looks: the other's recorded seeds are free, so every look uses them all
        task, other, margin = pair
        spread = list(seed_values(other.id, args.preset, results, args.baseline).values())
        free = 1 if other.deterministic else len(spread)
        sd = float(np.std(spread, ddof=1)) if len(spread) > 1 else 0.0
        if args.max_seeds or sd == 0:  # a fixed schedule: never re-sized
            pair += [sq.schedule(sq.looks(args.max_seeds or 15, args.step), free, other.deterministic, not args.strict_equivalence), None]
        else:  # sized at the other's spread, or both's when the model's seeds so far are clearly noisier
            pilot = ensure(task, sq.PILOT, args.overrides, config_hash(task.id, args.preset, base.configs[task.id]))
            design_sd = sq.design_spread(sd, list(pilot.values()), free)
            pair += [sq.design(margin, design_sd, free, alpha, args.step, strict=args.strict_equivalence), (sd, free, design_sd)]
    futility = (
        "no futility stop"
        if args.strict_equivalence
        else f"futile when a difference of one margin would stop there ≤ {sq.FUTILITY:.0%} of the time"
    )
    print(
        f"compare {args.model} until decided: looks at {'; '.join(', '.join(f'{m}/{o}' for m, o in zip(p[3].model, p[3].other)) for p in pairs)} seeds "
        f"({args.model}/other), boundaries calibrated for the looks (Wang-Tsiatis ρ = {sq.RHO}, {sq.RHO_EQUIVALENCE} and {sq.RHO_FUTILITY}), "
        f"α = {sq.ALPHA} split over {len(pairs)} comparison(s), {futility}",
        flush=True,
    )
    open_pairs, verdicts = list(pairs), {}
    k = 0
    while open_pairs:
        for pair in list(open_pairs):
            task, other, margin, plan_k, sizing = pair
            mine_config = config_hash(task.id, args.preset, base.configs[task.id])
            mine = ensure(task, plan_k.model[k], args.overrides, mine_config)
            while sizing and (design_sd := sq.design_spread(sizing[0], list(mine.values()), sizing[1])) > sizing[2]:
                pair[3] = plan_k = sq.design(margin, design_sd, sizing[1], alpha, args.step, strict=args.strict_equivalence)
                pair[4] = sizing = (sizing[0], sizing[1], design_sd)
                print(
                    f"  {task.problem.name}: {len(mine)} seeds of {args.model} spread {np.std(list(mine.values()), ddof=1):.3g}, clearly more than "
                    f"{other.model.name}'s {sizing[0]:.3g}: the plan is re-sized for {design_sd:.3g}, looks now at "
                    f"{', '.join(f'{m}/{o}' for m, o in zip(plan_k.model, plan_k.other))} seeds (the looks so far are kept)",
                    flush=True,
                )
                mine = ensure(task, plan_k.model[k], args.overrides, mine_config)
            theirs = ensure(other, plan_k.other[k], [], None)
            hib = task.refs().get("higher_is_better", reg.family(task.family).higher_is_better)
            lk = sq.look(list(mine.values()), list(theirs.values()), k, plan_k, margin, hib, alpha)
            print(
                f"  look {k + 1} at {lk.n}/{lk.n_other} seeds: {task.problem.name}: {args.model} vs {other.model.name}: {lk.verdict} (Δ {lk.diff:+.4g}, p {lk.p_difference:.3g}, nominal α_k {lk.alpha_k:.2g})",
                flush=True,
            )
            if lk.verdict != "continue":
                verdicts[(task.problem.name, other.model.name)] = (lk, len(mine), len(theirs), margin)
                open_pairs.remove(pair)
        k += 1
    print(
        f"\n| problem | {args.model} vs | verdict | Δ {args.model} − other [interval at the deciding look] | margin | seeds used ({args.model} / other) |"
    )
    print("|---|---|---|---|---|---|")
    for (problem, name), (lk, n_mine, n_theirs, margin) in verdicts.items():
        word = f"undecided at {lk.n} seeds" if lk.verdict == "undecided" else lk.verdict
        interval = f"{lk.diff:+.4g} [{lk.interval[0]:+.4g}, {lk.interval[1]:+.4g}]"
        print(f"| {problem} | {name} | {word} | {interval} | {margin:.4g} | {n_mine} / {n_theirs} |")
    print(
        f"better / worse: wrong ≤ {sq.ALPHA:.0%} of the time when the two are equal; equivalent: the interval lies inside ±margin, "
        f"wrong ≤ {sq.ALPHA:.0%} when they differ by one margin; futile: more seeds are unlikely to show a difference of one margin, "
        f"which would stop here ≤ {sq.FUTILITY:.0%} of the time. These rates hold for two models whose seeds spread alike; "
        f"against a noisier {args.model} the replays erred more (docs/reproducibility.md)"
    )
    return 0


def paired_tables(reg, tasks: list, results, args: argparse.Namespace, against: list[str] | None) -> None:
    """Classifiers on the same test set: McNemar per seed pair and a paired bootstrap (reports/paired.py);
    forecasters on the same origins: one Diebold-Mariano test per pair of entries over their seeds."""
    from reports import paired
    from reports.records import baseline_dir
    from suite import store

    def records(task_id: str) -> list[dict]:
        dirs = [results] + ([baseline_dir()] if args.baseline else [])
        recs = [r for d in dirs for r in store.iter_records(d, task_id) if r.get("status") == "ok" and r.get("preset") == args.preset]
        return recs

    for task in tasks:
        if task.family == "forecasting":
            forecast_dm(reg, task, records, args, against)
        if task.family != "classification":
            continue
        mine = paired.correctness(records(task.id))
        others = against or sorted({m.name for m in reg.all_models() if "classification" in m.families} - {task.model.name})
        found = []
        for name in others:
            other = next((t for t in reg.tasks(problem=task.problem.name, model=name) if t.family == "classification"), None)
            result = other and paired.compare(mine, paired.correctness(records(other.id)), name)
            if result:
                found.append(result)
        for line in paired.lines(task.problem.name, args.model, found):
            print(line)


def forecast_dm(reg, task, records, args: argparse.Namespace, against: list[str] | None) -> None:
    """MODEL against each other forecaster on the same origins: the per-origin losses averaged over each
    entry's seeds, then one Diebold-Mariano test (suite/diebold_mariano.py's over_seeds, the board's test: size-correct with overlap)."""
    import numpy as np

    from suite.diebold_mariano import over_seeds
    from suite.raw import unpack

    def losses(task_id: str) -> tuple[list[np.ndarray], int] | None:
        recs = [r for r in records(task_id) if (r.get("raw") or {}).get("origin_loss")]
        if not recs:
            return None
        return [unpack(r["raw"]["origin_loss"]) for r in recs], recs[0]["info"]["dm"]["h"]

    mine = losses(task.id)
    if mine is None:
        return
    origins = len(mine[0][0])
    others = against or sorted({m.name for m in reg.all_models() if "forecasting" in m.families} - {task.model.name})
    rows = []
    for name in others:
        other = next((t for t in reg.tasks(problem=task.problem.name, model=name) if t.family == "forecasting"), None)
        theirs = other and losses(other.id)
        if theirs and len(theirs[0][0]) == origins:
            stat, p = over_seeds(mine[0], theirs[0], mine[1])
            diff = float(np.mean(np.mean(mine[0], axis=0) - np.mean(theirs[0], axis=0)))
            rows.append(f"| {name} | {len(mine[0])} / {len(theirs[0])} | {diff:+.4g} | {stat:+.3f} | {p:.3g} |")
    if rows:
        print(f"\n{task.problem.name}: {args.model} against each forecaster on the same {origins} origins (seed-averaged losses)")
        print("| other | seeds (model / other) | mean loss difference | DM stat (< 0: model better) | DM p |")
        print("|---|---|---|---|---|")
        print("\n".join(rows))
