"""One run: seed, time, call the family's runner, catch failure, write the record atomically."""

from __future__ import annotations

import os
import random
import resource
import time
import traceback
from pathlib import Path
from typing import Any

from suite import eta, store
from suite.config import config_hash
from suite.context import Pruned, RunContext, TestSkipped, Trial
from suite.errors import Diverged, UserError
from suite.memory import RunMemory
from suite.record import build_record, mirror, now, ranking, write_record
from suite.registry import REGISTRY, Task, resolve

__all__ = ["execute", "ranking", "now"]


def seed_everything(seed: int) -> None:
    random.seed(seed)
    os.environ["PYTHONHASHSEED"] = str(seed)
    import numpy as np

    np.random.seed(seed)
    try:
        import torch
    except ImportError:
        return
    torch.manual_seed(seed)
    if torch.cuda.is_available():
        torch.cuda.manual_seed_all(seed)


def resolve_device(device: str) -> str:
    if device != "auto":
        if device.startswith("cuda"):
            import torch

            if not torch.cuda.is_available():
                raise UserError("--device cuda requested but no CUDA GPU is visible; valid: auto, cpu")
        return device
    try:
        import torch

        return "cuda" if torch.cuda.is_available() else "cpu"
    except ImportError:
        return "cpu"


THREAD_VARS = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")


def threads_for(task: Task) -> int:
    """The run's intra-op threads, chosen on purpose: --threads (BENCH_THREADS), else the problem's
    traits["threads"], else the family's measured default; never more than a sweep worker's share of the
    cores (BENCH_THREADS_MAX) or the machine's cores."""
    return chosen_threads(int(task.problem.traits.get("threads") or REGISTRY.family(task.family).threads))


def chosen_threads(default: int) -> int:
    """threads_for's rule, for code that must decide before it knows the task (JAX sizes its pool when
    it loads): --threads (BENCH_THREADS), else `default`, within the sweep worker's and machine's cores."""
    asked = os.environ.get("BENCH_THREADS")
    n = int(asked) if asked else default
    cap = int(os.environ.get("BENCH_THREADS_MAX") or os.cpu_count() or 1)  # a sweep's share of the cores
    return max(1, min(n, cap, os.cpu_count() or 1))


def place_threads(n: int) -> None:
    """`n` threads for torch and the BLAS libraries: set now where they are loaded, and in the environment
    for those imported later in this process (OpenMP sizes its pool once, when it loads)."""
    import sys

    for var in THREAD_VARS:
        os.environ[var] = str(n)
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(n)
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return
    threadpool_limits(limits=n)  # numpy's OpenBLAS, already loaded, for the statistical models


def execute(
    task: Task,
    cfg: Any,
    *,
    preset: str,
    seed: int,
    results: Path,
    device: str = "auto",
    wandb_mode: str | None = None,
    force: bool = False,
    rerun: tuple[str, ...] = ("failed",),
    progress: bool = True,
    trial: Trial | None = None,
) -> dict[str, Any]:
    """Run `task` once and return its record; an existing record is returned as cached.

    `rerun` lists the statuses of an existing record that do not count as done. `trial` makes the
    run a trial of `bench tune`: its record says so, and its pruner sees the curves as they grow.
    """
    chash = config_hash(task.id, preset, cfg)
    rid = store.run_id(task.id, preset, chash, seed)
    final = store.run_path(results, task.id, rid)
    old = store.read_record(final)
    if old is not None and not force and old.get("status") not in rerun:
        old["cached"] = True
        return old

    staging = store.stage(results, task.id, rid)
    try:
        record, curves = _run_in(
            staging, task, cfg, preset=preset, seed=seed, rid=rid, chash=chash, device=device, progress=progress, trial=trial
        )
        seal(results, task.id, rid, record, curves, staging=staging)
    except BaseException as exc:
        # Ctrl-C or a crash while writing: nothing half-written may stay behind.
        import shutil

        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(exc, OSError) and exc.errno in store.DISK_FULL:
            raise store.storage_error(results, exc, f"writing the record of {task.id} seed {seed}") from None
        raise
    return mirror(record, final, results, wandb_mode)


def seal(results: Path, task_id: str, run_id: str, record: dict, curves=(), staging: Path | None = None) -> dict:
    """The one sequence that writes a run record, for a finished run and a crashed one alike: into a
    staging directory (the run's own, or a new one), then renamed into place, so no half record is seen."""
    staging = staging or store.stage(results, task_id, run_id)
    write_record(staging, record, curves)
    final = store.run_path(results, task_id, run_id)
    store.publish(staging, final)
    record["cached"] = False
    record["_dir"] = str(final)
    return record


def _run_in(
    staging: Path,
    task: Task,
    cfg: Any,
    *,
    preset: str,
    seed: int,
    rid: str,
    chash: str,
    device: str,
    progress: bool,
    trial: Trial | None = None,
) -> tuple[dict, list]:
    family = REGISTRY.family(task.family)
    started_at = now()
    load_start = _load()
    t0 = time.perf_counter()
    dev = resolve_device(device)
    ctx = RunContext(
        task=task, config=cfg, seed=seed, preset=preset, device=dev, run_dir=staging, progress=progress, started=t0, trial=trial
    )
    ctx.on_first_step = eta.announcer(ctx)
    status, error, tb = "ok", None, None
    threads = None
    with RunMemory(dev) as mem:
        try:
            threads = threads_for(task)
            place_threads(threads)
            seed_everything(seed)
            try:
                resolve(family.runner)(ctx)
            except TestSkipped:  # a trial ends where the test phase would begin: a finished run
                pass
            _check_finite(ctx)
        except Pruned as exc:
            status, error = "pruned", str(exc)
        except Diverged as exc:
            status, error = "diverged", str(exc)
        except (KeyboardInterrupt, SystemExit):
            raise
        except UserError:
            raise
        except OSError as exc:
            if exc.errno in store.DISK_FULL:  # the disk's fault, not the run's: no record, one line (execute)
                raise
            status, error, tb = "failed", f"{type(exc).__name__}: {exc}", traceback.format_exc()
        except Exception as exc:
            status, error, tb = "failed", f"{type(exc).__name__}: {exc}", traceback.format_exc()
    record = build_record(
        task,
        cfg,
        preset=preset,
        seed=seed,
        run_id=rid,
        config_hash=chash,
        status=status,
        error=error,
        traceback=tb,
        metrics=ctx.metrics,
        timing=_timing(ctx, time.perf_counter() - t0),
        resources={
            **ctx.resources,
            **mem.resources(),
            "threads": threads,
            "process_peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        },
        artifacts=ctx.artifacts,
        warnings=ctx.warnings,
        info=ctx.info,
        device=dev,
        started_at=started_at,
        tuning=_tuning(ctx),
        raw=ctx.raw,
    )
    # Times mean little without the machine's load: several runs sharing 2 cores each train slower.
    record["env"] = {**record["env"], "load_1m": [load_start, _load()]}
    return record, ctx.curves


def _tuning(ctx: RunContext) -> dict[str, Any] | None:
    """A trial's mark in its record, with its objective's value (suite/tuning/objective.py) among the metrics."""
    if ctx.trial is None:
        return None
    from suite.tuning.objective import kept_value

    value = ctx.metrics.get(ctx.trial.objective)
    if value is None:
        value = kept_value(ctx.curves, ctx.trial.objective, ctx.info.get("kept_epoch"))
        if value is not None:
            ctx.metrics[ctx.trial.objective] = value
    return ctx.trial.as_record()


def _load() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def _timing(ctx: RunContext, wall: float) -> dict[str, float | None]:
    """Set-up (imports, data, model build: everything before training starts), train, eval and wall seconds.

    A run that failed before training charges everything but evaluation to set-up.
    """
    timing: dict[str, float | None] = {"train_s": None, "eval_s": None, **ctx.timing, "wall_s": wall}
    if timing.get("setup_s") is None:
        timing["setup_s"] = wall - (timing.get("eval_s") or 0.0) - (timing.get("train_s") or 0.0)
    return timing


def _check_finite(ctx: RunContext) -> None:
    import math

    bad = [k for k, v in ctx.metrics.items() if isinstance(v, float) and math.isnan(v)]
    if bad:
        raise Diverged(f"non-finite final metrics: {', '.join(bad)}")
