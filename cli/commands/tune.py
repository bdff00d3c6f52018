"""`bench tune TASK`: an Optuna search over the task's declared space, trials as ordinary runs."""

from __future__ import annotations

import argparse
import os
import time

from suite.errors import UserError

DESCRIPTION = """\
Search TASK's hyperparameters with Optuna. The space is the family's (plus the model's keys):
`bench config TASK` prints it; narrow or widen it with space.KEY=loguniform:LOW:HIGH (or uniform,
int, intlog, categorical:A,B; space.KEY=off drops a key; a plain KEY=VALUE pins it).

Never tuned on test: a supervised or forecasting trial optimises the validation metric of the
weights it keeps and stops before the test phase; an RL trial optimises the final evaluation
return. Trials run on tuning seeds 100, 101, ... (--seeds-per-trial); the best config is saved as
preset tuned:STUDY and, at the end, run on fresh reporting seeds beside the base preset.

Every trial is a normal record (`bench show TASK`) marked with its study and trial number. The study
lives in SQLite under RESULTS/tuning/ (or --storage URL): rerun the same command after a crash or
kill -9 and it goes on; finished trials are kept and an interrupted one is marked failed.
"""

EXAMPLES = """\
examples:
  bench tune digits_mlp --trials 30 --workers 2                  TPE + median pruning, 2 local processes
  bench tune sunspots_lstm --trials 20 space.lr=loguniform:1e-4:1e-2 space.loss=off
  bench tune cartpole_dqn --trials 50 --seeds-per-trial 2 --executor ray --address auto
  bench run digits_mlp --preset tuned:digits_mlp --seeds 0-9     the tuned preset, like any preset

docs: docs/tuning.md
"""


def add(sub, common) -> None:
    from cli.commands.common import SEEDS_HELP
    from suite.executors import EXECUTORS

    p = sub.add_parser(
        "tune",
        parents=[common],
        help="search a task's hyperparameters with Optuna (resumable, parallel, never on test)",
        description=DESCRIPTION,
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("task", metavar="TASK", help="one task id, e.g. digits_mlp")
    p.add_argument("--trials", type=int, required=True, help="trials in the study in all (a resumed study runs only the rest)")
    p.add_argument("--sampler", choices=["tpe", "random", "cmaes"], default="tpe", help="Optuna sampler; default tpe")
    p.add_argument("--pruner", choices=["median", "hyperband", "none"], default="median", help="stop poor trials early; default median")
    p.add_argument("--workers", type=int, default=1, help="trials at once (local processes or Ray tasks); default 1")
    p.add_argument("--executor", choices=EXECUTORS, default="local", help="local processes (default) or a Ray cluster")
    p.add_argument("--seeds-per-trial", type=int, default=1, help="tuning seeds per trial (100, 101, ...); the objective is their mean")
    p.add_argument("--study", default=None, help="study name (default: the task id); names the tuned preset tuned:STUDY")
    p.add_argument("--storage", default=None, help="Optuna RDB URL; default sqlite in RESULTS/tuning/studies.db")
    p.add_argument(
        "--final-seeds", default="5", metavar="N|LIST|RANGE", help=f"reporting seeds of the closing runs ({SEEDS_HELP}); 0 skips them"
    )
    p.add_argument("--preset", default="standard", help="base preset the search starts from and is compared with; default standard")
    p.add_argument("--results", default=None, help="results directory (default $BENCH_RESULTS or ./results)")
    p.add_argument(
        "--wandb", choices=["online", "offline", "disabled"], default=None, help="as `bench run`; a study's trials form one wandb group"
    )
    p.add_argument(
        "--tensorboard", default=None, metavar="DIR", help="also write TensorBoard scalars and HParams here (or $BENCH_TENSORBOARD)"
    )
    p.add_argument("--device", default="auto", help="auto, cpu or cuda")
    p.add_argument(
        "--threads",
        type=int,
        default=None,
        help="intra-op threads per trial; default the family's (1 for small networks), at most cores ÷ workers",
    )
    p.add_argument("--no-progress", dest="progress", action="store_false", help="hide progress bars of the closing runs")
    ray = p.add_argument_group("ray executor")
    ray.add_argument("--address", default=None, help="Ray cluster: auto, HOST:PORT or ray://HOST:10001")
    ray.add_argument("--cpus-per-run", type=float, default=1.0, help="CPUs per trial, also its torch threads; default 1")
    p.add_argument(
        "overrides", nargs="*", default=[], metavar="key=value|space.key=DIST", help="overrides pin keys; space.* words shape the space"
    )
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    from cli.commands.common import parse_seeds
    from suite import store, tensorboard
    from suite.config import budget_of, parse_overrides, resolve_config
    from suite.errors import require
    from suite.registry import check_name, get_registry
    from suite.sweep import cores
    from suite.tuning.space import describe, space_for

    for name, value in (("--trials", args.trials), ("--workers", args.workers), ("--seeds-per-trial", args.seeds_per_trial)):
        if value < 1:
            raise UserError(f"bad {name} {value}: give at least 1")
    if args.threads is not None and args.threads < 1:
        raise UserError(f"bad --threads {args.threads}: give at least 1")
    reg = get_registry(getattr(args, "plugin", []))
    task = reg.task(args.task)
    results = store.results_dir(args.results)
    store.check_writable(results)
    space_words = [w for w in args.overrides if w.startswith("space.")]
    overrides = [w for w in args.overrides if not w.startswith("space.")]
    base = resolve_config(task, args.preset, overrides, results=results)
    space, dists = space_for(task, base, space_words, set(parse_overrides(overrides)))
    study_name = check_name("study", args.study or task.id)
    final = [] if args.final_seeds.strip() == "0" else parse_seeds(args.final_seeds)
    if any(s >= 100 for s in final):
        raise UserError(f"bad --final-seeds {args.final_seeds}: reporting seeds are 0-99 (100 and up are the tuning seeds)")
    tensorboard.check(args.tensorboard or os.environ.get(tensorboard.ENV))
    if args.executor == "ray":
        require("ray", "ray", "the Ray executor (--executor ray)")
    require("optuna", "tune", "bench tune")
    from suite.tuning import drive
    from suite.tuning import study as st

    job = st.Job(
        study=study_name,
        storage=args.storage or st.default_storage(results),
        task=task.id,
        base_preset=args.preset,
        overrides=tuple(overrides),
        space=tuple(space_words),
        seeds=tuple(range(st.FIRST_TUNING_SEED, st.FIRST_TUNING_SEED + args.seeds_per_trial)),
        trials=args.trials,
        results=str(results.resolve()),
        sampler=args.sampler,
        pruner=args.pruner,
        device=args.device,
        wandb_mode=args.wandb,
        plugins=tuple(getattr(args, "plugin", [])),
        # the family's measured default, at most this worker's share of the cores (suite/runner.py:threads_for)
        threads=args.threads or max(1, min(reg.family(task.family).threads, cores() // args.workers)),
    )
    budget = budget_of(base)
    study = drive.create(job, space.direction, space.objective, budget and budget[1])
    interrupted = st.fail_interrupted(study)
    store.clean_stale(results)
    if interrupted:
        print(f"tune: trial(s) {', '.join(map(str, interrupted))} had been interrupted: marked failed, not counted", flush=True)
    done = st.counted(study)
    print(f"tune {task.id}: study {study_name} in {job.storage}: {done} of {args.trials} trials done; {args.workers} worker(s)", flush=True)
    for line in describe(space, dists):
        print(f"  {line}", flush=True)
    t0 = time.perf_counter()
    if done < args.trials:
        if args.executor == "ray":
            drive.run_ray(job, args.workers, args.address, args.cpus_per_run)
        else:
            drive.run_local(job, args.workers)
    wall = time.perf_counter() - t0
    study.set_user_attr("wall_s", (study.user_attrs.get("wall_s") or 0.0) + wall)
    st.fail_interrupted(study)
    summary = drive.summary(study, job)
    summary["study_wall_s"] = study.user_attrs["wall_s"]
    summary["base_value"] = base_validation(job, task, base, space)
    summary["final_seeds"] = final
    from suite.config import config_hash
    from suite.tuning import preset

    where = preset.save(results, summary)  # first, so that tuned:STUDY resolves for its config hash
    tuned_cfg = resolve_config(task, f"tuned:{study_name}", results=results)
    summary["config_hash"] = {
        "base": config_hash(task.id, args.preset, base),
        "tuned": config_hash(task.id, f"tuned:{study_name}", tuned_cfg),
    }
    preset.save(results, summary)
    t = summary["trials"]
    print(
        f"tune {task.id}: {t['complete']} complete · {t['pruned']} pruned · {t['fail']} failed ({t['interrupted']} interrupted) · "
        f"{wall:.0f} s now, {summary['study_wall_s']:.0f} s in all · {summary['cpu_hours']:.3f} CPU h",
        flush=True,
    )
    base_txt = f"{summary['base_value']:.4g}" if summary["base_value"] is not None else "?"
    print(
        f"best trial {summary['best_trial']}: {space.objective} = {summary['best_value']:.4g} (preset {args.preset}: {base_txt}) "
        f"with {', '.join(f'{k}={v}' for k, v in summary['params'].items())}; saved as preset tuned:{study_name} ({where})",
        flush=True,
    )
    code = 0
    if final:
        code = closing_runs(args, task, final, overrides, study_name, results)
        from reports.tuning import comparison_lines

        for line in comparison_lines(results, summary):
            print(line, flush=True)
    return code


def base_validation(job, task, base, space) -> float | None:
    """The base preset's objective on the same tuning seeds, measured as the trials are: what tuning must beat."""
    from pathlib import Path

    from suite.context import Trial
    from suite.runner import execute
    from suite.tuning.objective import mean_objective

    recs = []
    for seed in job.seeds:
        hooks = Trial(job.study, -1, space.objective, space.skip_test, {})
        recs.append(
            execute(task, base, preset=f"tune:{job.study}:base", seed=seed, results=Path(job.results), device=job.device,
                    wandb_mode=job.wandb_mode, progress=False, trial=hooks)
        )  # fmt: skip
    return (
        mean_objective([r for r in recs if r.get("status") == "ok"], space.objective)
        if all(r.get("status") == "ok" for r in recs)
        else None
    )


def closing_runs(args, task, final: list[int], overrides: list[str], study: str, results) -> int:
    """The tuned preset and the base preset on fresh reporting seeds, as `bench sweep` runs them (cached when done)."""
    from cli.commands.common import run_parallel

    common = dict(
        tasks=[task.id],
        seeds=final,
        results=str(results),
        wandb=args.wandb,
        device=args.device,
        force=False,
        progress=args.progress,
        workers=args.workers,
        executor=args.executor,
        threads=args.threads,
        retry_failed=False,
        address=args.address,
        cpus_per_run=args.cpus_per_run,
        gpus_per_run=None,
        ray_records="auto",
        plugin=getattr(args, "plugin", []),
    )
    codes = [
        run_parallel(argparse.Namespace(**common, preset=f"tuned:{study}", overrides=[])),
        run_parallel(argparse.Namespace(**common, preset=args.preset, overrides=list(overrides))),
    ]
    return max(codes)
