"""An Optuna study whose trials are ordinary suite runs (optuna is imported here only).

Why Optuna's own loop in every worker, not a home-made queue: a trial needs its pruner *while* it
runs (each curve point is `trial.report`ed from inside the Lightning or SB3 loop), so the process
that trains must hold the trial. Every worker (a local process, or a Ray task) therefore opens the
same RDB storage, asks for a trial, runs it through `suite.runner.execute` and tells the result;
the storage is the only shared state, which is also what makes a study resumable:

- a finished trial is in the storage (and its runs are records on disk);
- a trial whose process died (kill -9, OOM) stays RUNNING: the next `bench tune` marks it FAIL at
  once when its process (host + pid, kept as trial attributes) is gone, and Optuna's heartbeat marks
  it FAIL after `GRACE_S` on any other machine sharing the storage. It is not counted in the budget.
"""

from __future__ import annotations

import logging
import os
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import optuna

from suite.context import Pruned, Trial
from suite.errors import UserError
from suite.store import HOST, alive
from suite.tuning.objective import mean_objective
from suite.tuning.space import space_for

HEARTBEAT_S = 10
GRACE_S = 60
SAMPLERS = ("tpe", "random", "cmaes")
PRUNERS = ("median", "hyperband", "none")
FIRST_TUNING_SEED = 100  # seeds 0-99 report, 100 and up tune (docs/getting-started.md, "Seeds")

optuna.logging.set_verbosity(optuna.logging.WARNING)


class RunFailed(Exception):
    """A trial's run failed or diverged: Optuna records the trial as FAIL and the study goes on."""


@dataclass(frozen=True)
class Job:
    """Everything a worker needs to run trials of one study; plain values, so it pickles to a process or a Ray node."""

    study: str
    storage: str
    task: str
    base_preset: str
    overrides: tuple[str, ...]
    space: tuple[str, ...]  # the space.KEY=... words
    seeds: tuple[int, ...]
    trials: int
    results: str
    sampler: str = "tpe"
    pruner: str = "median"
    device: str = "auto"
    wandb_mode: str | None = None
    plugins: tuple[str, ...] = ()
    threads: int = 1


CREATE_RETRIES = 5
# What the later of two processes creating a new database's schema at once fails on; not "database is
# locked", which SQLite's own 60 s timeout waits out already.
CREATE_RACE = ("already exists", "UNIQUE constraint failed: alembic_version")


def default_storage(results: Path) -> str:
    return f"sqlite:///{(Path(results) / 'tuning' / 'studies.db').resolve()}"


def open_storage(url: str) -> optuna.storages.RDBStorage:
    """The study's RDB storage, or one line saying why it cannot be reached."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    kwargs = {"connect_args": {"timeout": 60}} if url.startswith("sqlite") else {"pool_pre_ping": True}
    try:
        for attempt in range(CREATE_RETRIES + 1):
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # heartbeat is "experimental" in Optuna's words
                    return optuna.storages.RDBStorage(url, engine_kwargs=kwargs, heartbeat_interval=HEARTBEAT_S, grace_period=GRACE_S)
            except Exception as exc:
                # Two processes opening a new database at once both create Optuna's tables and stamp its
                # schema version, and the later one fails on "table ... already exists" or the version
                # row's UNIQUE constraint (4 processes on a new SQLite file: every time). The schema is
                # there by then, so opening again succeeds.
                if not any(mark in str(exc) for mark in CREATE_RACE) or attempt == CREATE_RETRIES:
                    raise
                time.sleep(0.05 * (attempt + 1))
    except Exception as exc:  # sqlalchemy's OperationalError, ArgumentError, a missing DB driver, ...
        why = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
        raise UserError(
            f"cannot open --storage {url!r} ({type(exc).__name__}: {why}); give a reachable URL such as "
            "sqlite:////abs/path/studies.db or postgresql://user@host/db"
        ) from None


def sampler(name: str) -> optuna.samplers.BaseSampler:
    if name == "random":
        return optuna.samplers.RandomSampler()
    if name == "cmaes":
        from suite.errors import require

        require("cmaes", "tune", "the CMA-ES sampler (--sampler cmaes)")
        return optuna.samplers.CmaEsSampler(warn_independent_sampling=False)
    return optuna.samplers.TPESampler()


def pruner(name: str, budget: int | None) -> optuna.pruners.BasePruner:
    """As rl-baselines3-zoo: median pruning after 5 trials, once a third of the budget has run."""
    if name == "median":
        return optuna.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=(budget or 0) // 3)
    if name == "hyperband":
        return optuna.pruners.HyperbandPruner(min_resource=1, max_resource=budget or "auto")
    return optuna.pruners.NopPruner()


def load(job: Job, storage=None) -> optuna.Study:
    from suite.config import budget_of, resolve_config
    from suite.registry import get_registry

    task = get_registry(list(job.plugins)).task(job.task)
    budget = budget_of(resolve_config(task, job.base_preset, list(job.overrides), results=job.results))
    return optuna.load_study(
        study_name=job.study,
        storage=storage or open_storage(job.storage),
        sampler=sampler(job.sampler),
        pruner=pruner(job.pruner, budget and budget[1]),
    )


def fail_interrupted(study: optuna.Study, exclude: set[int] = frozenset()) -> list[int]:
    """Mark FAIL every RUNNING trial of this host whose process is gone (a kill -9 of a driver or worker)."""
    failed = []
    for t in study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.RUNNING,)):
        host, pid = t.user_attrs.get("host"), t.user_attrs.get("pid")
        if host == HOST and pid is not None and pid not in exclude and not alive(pid):
            study._storage.set_trial_user_attr(t._trial_id, "interrupted", True)
            study._storage.set_trial_state_values(t._trial_id, optuna.trial.TrialState.FAIL)
            failed.append(t.number)
    return failed


def counted(study: optuna.Study) -> int:
    """Trials that use the budget: finished ones, failed runs, and those running now (not interrupted ones)."""
    S = optuna.trial.TrialState
    n = 0
    for t in study.get_trials(deepcopy=False):
        if t.state in (S.COMPLETE, S.PRUNED, S.RUNNING, S.WAITING) or (t.state == S.FAIL and t.user_attrs.get("ran")):
            n += 1
    return n


def run_one(job: Job) -> bool:
    """Ask for, run and tell one trial; False when the study's budget is already used."""
    study = load(job)
    if counted(study) >= job.trials:
        return False
    study.optimize(lambda t: objective(job, t), n_trials=1, catch=(RunFailed,), gc_after_trial=False)
    return True


def objective(job: Job, trial: optuna.Trial) -> float:
    """One trial: suggest, run every tuning seed through the runner, tell the mean validation objective."""
    from suite import tensorboard
    from suite.config import parse_overrides, resolve_config
    from suite.registry import get_registry
    from suite.runner import execute

    trial.set_user_attr("host", HOST)
    trial.set_user_attr("pid", os.getpid())
    task = get_registry(list(job.plugins)).task(job.task)
    base = resolve_config(task, job.base_preset, list(job.overrides), results=job.results)
    pinned = set(parse_overrides(list(job.overrides)))
    space, dists = space_for(task, base, list(job.space), pinned)
    params = {k: d.suggest(trial, k) for k, d in dists.items()}
    records: list[dict] = []
    t0 = time.perf_counter()

    def report(metric: str, value: float, step: float) -> None:
        if metric != space.objective:
            return
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a step reported twice (a final evaluation) is ignored by Optuna
            trial.report(value, int(step))
        if trial.should_prune():
            raise Pruned(f"pruned by the {job.pruner} pruner at step {step:g}: {metric} = {value:.4g}")

    def finish(state: str, value: float | None = None, error: str | None = None) -> None:
        trial.set_user_attr("ran", True)
        trial.set_user_attr("run_ids", [r.get("run_id") for r in records])
        trial.set_user_attr("wall_s", time.perf_counter() - t0)
        trial.set_user_attr("threads", job.threads)
        if error:
            trial.set_user_attr("error", error[:500])
        tensorboard.study_session(job.study, trial.number, params, space.objective, value, state)

    try:
        cfg = resolve_config(task, job.base_preset, {**parse_overrides(list(job.overrides)), **params}, results=job.results)
    except UserError as exc:  # a combination the config refuses: this trial fails, the study goes on
        finish("fail", error=str(exc))
        raise RunFailed(str(exc)) from None
    for i, seed in enumerate(job.seeds):
        hooks = Trial(job.study, trial.number, space.objective, space.skip_test, params, report=report if i == 0 else None)
        rec = execute(
            task,
            cfg,
            preset=f"tune:{job.study}:{trial.number}",
            seed=seed,
            results=Path(job.results),
            device=job.device,
            wandb_mode=job.wandb_mode,
            rerun=("failed", "diverged", "pruned"),
            progress=False,
            trial=hooks,
        )
        records.append(rec)
        if rec["status"] == "pruned":
            finish("pruned", error=rec.get("error"))
            raise optuna.TrialPruned(rec.get("error"))
        if rec["status"] != "ok":
            finish(rec["status"], error=rec.get("error"))
            raise RunFailed(f"seed {seed}: {rec['status']}: {rec.get('error')}")
    value = mean_objective(records, space.objective)
    if value is None:
        finish("fail", error=f"no {space.objective} in the records")
        raise RunFailed(f"the runs reported no {space.objective}")
    finish("complete", value)
    return value


def quiet_workers() -> None:
    for name in ("optuna", "sqlalchemy"):
        logging.getLogger(name).setLevel(logging.WARNING)
