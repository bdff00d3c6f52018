"""The `bench tune` driver: create or resume the study, run its trials on K workers, save the best.

Local workers are separate processes (spawned, one torch thread each by default) that share the
study through its storage, each running Optuna's own loop (`study.run_one`); with one worker the
trials run in this process. `--executor ray`: every trial is one Ray task running the same
`run_one`, so pruning, resuming and records are the same on a cluster (the storage and the results
directory must be reachable from the nodes: a shared disk, or `--storage postgresql://...`).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import time
from dataclasses import replace
from typing import Any

import optuna

from suite.errors import UserError
from suite.tuning import study as st


def create(job: st.Job, direction: str, objective: str, budget: int | None) -> optuna.Study:
    """Create the study, or resume it when it exists for the same task (anything else is one line)."""
    storage = st.open_storage(job.storage)
    try:
        study = optuna.create_study(
            study_name=job.study,
            storage=storage,
            direction=direction,
            sampler=st.sampler(job.sampler),
            pruner=st.pruner(job.pruner, budget),
            load_if_exists=True,
        )
    except Exception as exc:
        raise UserError(f"cannot create study {job.study!r} in {job.storage} ({type(exc).__name__}: {exc})") from None
    attrs = study.user_attrs
    if not attrs:
        for k, v in {"task": job.task, "base_preset": job.base_preset, "objective": objective, "seeds": list(job.seeds)}.items():
            study.set_user_attr(k, v)
    elif attrs.get("task") != job.task or attrs.get("base_preset") != job.base_preset:
        raise UserError(
            f"study {job.study!r} in {job.storage} tunes {attrs.get('task')} (preset {attrs.get('base_preset')}), "
            f"not {job.task} (preset {job.base_preset}); give another --study NAME"
        )
    elif list(job.seeds) != attrs.get("seeds"):
        raise UserError(f"study {job.study!r} ran on tuning seeds {attrs.get('seeds')}: resume it with the same --seeds-per-trial")
    return study


def _worker(job: st.Job, parent: int) -> None:
    from suite.executors.local import THREAD_VARS, _die_with_parent

    _die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the driver's to handle
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    for var in THREAD_VARS:
        os.environ[var] = str(job.threads)
    st.quiet_workers()
    while st.run_one(job):
        pass


def run_local(job: st.Job, workers: int) -> None:
    if workers == 1:
        os.environ["BENCH_THREADS"] = str(job.threads)
        while st.run_one(job):
            pass
        return
    ctx = mp.get_context("spawn")
    procs: list[Any] = []

    def spawn() -> None:
        p = ctx.Process(target=_worker, args=(job, os.getpid()), daemon=True, name="bench-tune-worker")
        p.start()
        procs.append(p)

    for _ in range(workers):
        spawn()
    study = st.load(job)
    try:
        while procs:
            for p in list(procs):
                p.join(timeout=0.5)
                if p.exitcode is None:
                    continue
                procs.remove(p)
                if p.exitcode != 0:  # killed mid-trial: its trial is marked FAIL now, and a fresh worker goes on
                    st.fail_interrupted(study)
                    if st.counted(study) < job.trials:
                        spawn()
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.join(timeout=10)
            if p.is_alive():
                p.kill()


def run_ray(job: st.Job, workers: int | None, address: str | None, cpus_per_run: float) -> None:
    from suite.executors.ray_cluster import RayExecutor

    ex = RayExecutor(address, __import__("pathlib").Path(job.results), cpus_per_run=cpus_per_run, max_in_flight=workers, records="shared")
    ray = ex.ray
    remote = ray.remote(num_cpus=cpus_per_run)(st.run_one)
    job = replace(job, threads=max(1, int(cpus_per_run)))
    study = st.load(job)
    inflight: list[Any] = []
    try:
        while True:
            while len(inflight) < ex.slots and st.counted(study) + len(inflight) - _running(study) < job.trials:
                inflight.append(remote.remote(job))
                time.sleep(0.5)  # let the task ask for its trial before the next count
            if not inflight:
                break
            done, inflight = ray.wait(inflight, num_returns=1)
            for ref in done:
                try:
                    ray.get(ref)
                except Exception as exc:  # the task died (node lost, OOM): its trial fails when its heartbeat stops
                    print(f"bench: warning: a tuning task failed: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
            if not inflight and st.counted(study) >= job.trials:
                break
    finally:
        for ref in inflight:
            ray.cancel(ref, force=True)
        ex.close()


def _running(study: optuna.Study) -> int:
    return len(study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.RUNNING,)))


def summary(study: optuna.Study, job: st.Job) -> dict[str, Any]:
    """What the tuned preset keeps: the best parameters and the budget the study spent (AlgoPerf-style)."""
    S = optuna.trial.TrialState
    trials = study.get_trials(deepcopy=False)
    states = {s.name.lower(): sum(1 for t in trials if t.state == s) for s in (S.COMPLETE, S.PRUNED, S.FAIL, S.RUNNING)}
    states["interrupted"] = sum(1 for t in trials if t.user_attrs.get("interrupted"))
    complete = [t for t in trials if t.state == S.COMPLETE]
    if not complete:
        raise UserError(f"study {job.study!r} has no completed trial ({states}); see `bench show {job.task}` for the runs' errors")
    best = study.best_trial
    wall = [t.user_attrs.get("wall_s") or 0.0 for t in trials]
    cpu_s = sum((t.user_attrs.get("wall_s") or 0.0) * (t.user_attrs.get("threads") or 1) for t in trials)
    return {
        "study": job.study,
        "task": job.task,
        "base_preset": job.base_preset,
        "overrides": list(job.overrides),
        "space": list(job.space),
        "params": dict(best.params),
        "objective": study.user_attrs.get("objective"),
        "direction": study.direction.name.lower(),
        "best_value": best.value,
        "best_trial": best.number,
        "trials": states,
        "trial_wall_s": sum(wall),
        "cpu_hours": cpu_s / 3600,
        "tuning_seeds": list(job.seeds),
        "sampler": job.sampler,
        "pruner": job.pruner,
        "storage": job.storage,
    }
