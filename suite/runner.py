"""One run: seed, time, call the family's runner, catch failure, write the record atomically."""

from __future__ import annotations

import datetime as dt
import os
import random
import resource
import time
import traceback
from pathlib import Path
from typing import Any

from suite import envinfo, store
from suite.config import config_dict, config_hash
from suite.context import RunContext
from suite.errors import Diverged, UserError
from suite.registry import REGISTRY, Task, resolve


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


def set_threads() -> None:
    """Workers of a sweep share the machine: BENCH_THREADS caps torch's intra-op threads."""
    n = os.environ.get("BENCH_THREADS")
    if n:
        import torch

        torch.set_num_threads(int(n))


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


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
) -> dict[str, Any]:
    """Run `task` once and return its record; an existing record is returned as cached.

    `rerun` lists the statuses of an existing record that do not count as done.
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
        record = _run_in(staging, task, cfg, preset=preset, seed=seed, rid=rid, chash=chash, device=device, progress=progress)
        store.publish(staging, final)
    except BaseException:
        # Ctrl-C or a crash while writing: nothing half-written may stay behind.
        import shutil

        shutil.rmtree(staging, ignore_errors=True)
        raise
    record["cached"] = False
    record["_dir"] = str(final)

    from suite import tracking

    tracked = tracking.mirror(record, final, results, wandb_mode)
    if tracked:
        record["tracking"] = tracked
        store.write_json_atomic(final / store.RESULT_FILE, {k: v for k, v in record.items() if not k.startswith("_") and k != "cached"})
    return record


def _run_in(staging: Path, task: Task, cfg: Any, *, preset: str, seed: int, rid: str, chash: str, device: str, progress: bool) -> dict:
    family = REGISTRY.family(task.family)
    started_at = now()
    t0 = time.perf_counter()
    dev = resolve_device(device)
    ctx = RunContext(task=task, config=cfg, seed=seed, preset=preset, device=dev, run_dir=staging, progress=progress)
    status, error, tb = "ok", None, None
    try:
        set_threads()
        seed_everything(seed)
        resolve(family.runner)(ctx)
        _check_finite(ctx)
    except Diverged as exc:
        status, error = "diverged", str(exc)
    except (KeyboardInterrupt, SystemExit):
        raise
    except UserError:
        raise
    except Exception as exc:
        status, error, tb = "failed", f"{type(exc).__name__}: {exc}", traceback.format_exc()
    wall = time.perf_counter() - t0

    rankings = {fam: ranking(task, fam) for fam in task.families}
    main = rankings[task.family]
    record = {
        "schema_version": store.SCHEMA_VERSION,
        "run_id": rid,
        "task": task.id,
        "problem": task.problem.name,
        "model": task.model.name,
        "family": task.family,
        "families": list(task.families),
        "seed": seed,
        "preset": preset,
        "config": config_dict(cfg),
        "config_hash": chash,
        "status": status,
        "error": error,
        "traceback": tb,
        "metrics": {k: _num(v) for k, v in ctx.metrics.items()},
        "primary_metric": main["primary_metric"],
        "higher_is_better": main["higher_is_better"],
        "reference": main["reference"],
        "rankings": rankings,
        "timing": {"wall_s": wall, "train_s": ctx.timing.get("train_s"), "eval_s": ctx.timing.get("eval_s"), **ctx.timing},
        "resources": {
            "params": None,
            "throughput": None,
            **ctx.resources,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "device": dev,
        },
        "artifacts": ctx.artifacts,
        "warnings": ctx.warnings,
        "info": ctx.info,
        "env": envinfo.collect(),
        "model_source": task.model.source,
        "started_at": started_at,
        "finished_at": now(),
    }
    missing = [r["primary_metric"] for r in rankings.values() if r["primary_metric"] not in record["metrics"]]
    if status == "ok" and missing:
        record["status"], record["error"] = "failed", f"runner did not report the primary metric(s) {', '.join(missing)}"
    _write_curves(staging, ctx.curves)
    store.write_json_atomic(staging / store.RESULT_FILE, record)
    return record


def ranking(task: Task, family_name: str) -> dict[str, Any]:
    """How a record is ranked in one family: primary metric, direction, and reference points.

    A problem's refs for the family may override the family's primary metric and carry `random`,
    `reference` (for normalised scores), `threshold` and `curve_metric` (for time-to-target).
    """
    family = REGISTRY.family(family_name)
    refs = task.refs(family_name)
    return {
        "primary_metric": refs.pop("primary_metric", family.primary_metric),
        "higher_is_better": refs.pop("higher_is_better", family.higher_is_better),
        "reference": refs,
    }


def _num(v: Any) -> Any:
    try:
        return float(v)
    except (TypeError, ValueError):
        return v


def _check_finite(ctx: RunContext) -> None:
    import math

    bad = [k for k, v in ctx.metrics.items() if isinstance(v, float) and math.isnan(v)]
    if bad:
        raise Diverged(f"non-finite final metrics: {', '.join(bad)}")


def _write_curves(staging: Path, curves: list) -> None:
    import pandas as pd

    df = pd.DataFrame(curves, columns=["step", "wall_s", "metric", "value"])
    df.to_parquet(staging / store.CURVES_FILE, index=False)
