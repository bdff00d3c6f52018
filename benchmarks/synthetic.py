"""Synthetic run records in the real store format, for tests and the report-scale benchmark.

They go through `suite.store` exactly as the runner writes them (result.json + curves.parquet in
`<results>/<task>/<run_id>/`), so a report over them exercises the same reading code. A test and
benchmark helper, so it lives here and not in the runtime packages: `from benchmarks import synthetic`
with the repository root on sys.path (`python -m pytest` from the root, as `make test` runs it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from suite import store

ENV = {"cpu": "Synthetic CPU", "cpu_count": 2, "gpu": None, "python": "3.11", "suite_version": "0.1.0"}


def record(
    problem: str,
    model: str,
    seed: int,
    score: float | None,
    *,
    family: str = "classification",
    metric: str = "test/acc",
    higher_is_better: bool = True,
    preset: str = "standard",
    refs: dict[str, Any] | None = None,
    status: str = "ok",
    wall_s: float = 10.0,
    params: int = 1000,
    throughput: float = 100.0,
    config_hash: str = "c0ffee0000",
    extra_metrics: dict[str, float] | None = None,
    env: dict | None = None,
    artifacts: list[dict] | None = None,
    deterministic: bool = False,
    setup_s: float | None = None,
    curve: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A record shaped like `suite.record.build_record`'s, with one family ranking.

    Timing splits `wall_s` into set-up (default 10 %), 80 % training and the rest evaluation; memory is
    the run's own peak above its start.
    """
    task = f"{problem}_{model}"
    refs = dict(refs or {})
    metrics = {} if score is None else {metric: float(score)}
    metrics.update(extra_metrics or {})
    setup = 0.1 * wall_s if setup_s is None else setup_s
    timing = {"setup_s": setup, "wall_s": wall_s, "train_s": 0.8 * wall_s, "eval_s": max(0.2 * wall_s - setup, 0.0)}
    rec = {"schema_version": store.SCHEMA_VERSION, "run_id": store.run_id(task, preset, config_hash, seed), "task": task}
    rec |= {"problem": problem, "model": model, "family": family, "families": [family], "seed": seed, "deterministic": deterministic}
    rec |= {"preset": preset, "config": {}, "config_hash": config_hash, "status": status, "traceback": None}
    rec |= {
        "error": None if status == "ok" else "synthetic failure",
        "metrics": metrics,
        "primary_metric": metric,
        "higher_is_better": higher_is_better,
        "reference": refs,
        "rankings": {family: {"primary_metric": metric, "higher_is_better": higher_is_better, "reference": refs}},
        "curve": curve or {"axis": "epoch", "metric": refs.get("curve_metric") or "val/" + metric.split("/", 1)[-1]},
        "timing": timing,
        "resources": {"params": params, "throughput": throughput, "peak_rss_increase_mb": 120.0, "device": "cpu"},
        "artifacts": artifacts or [],
        "warnings": [],
        "info": {},
        "env": env or ENV,
        "model_source": "synthetic",
        "started_at": "2026-01-01T00:00:00+00:00",
        "finished_at": "2026-01-01T00:00:10+00:00",
    }
    return rec


def curve(metric: str, final: float, start: float, points: int, wall_s: float, step_scale: float = 1.0) -> pd.DataFrame:
    """A saturating learning curve from `start` to `final` over `points` evaluations and `wall_s` seconds."""
    t = np.linspace(0, 1, points)
    values = start + (final - start) * (1 - np.exp(-4 * t)) / (1 - np.exp(-4))
    return pd.DataFrame({"step": (np.arange(points) + 1) * step_scale, "wall_s": t * wall_s + 0.1, "metric": metric, "value": values})


def write(results: Path, rec: dict[str, Any], curves: pd.DataFrame | None = None, files: dict[str, bytes] | None = None) -> Path:
    """Write one record (and its curves, and artifact files by relative path) where the runner would."""
    run_dir = store.run_path(Path(results), rec["task"], rec["run_id"])
    run_dir.mkdir(parents=True, exist_ok=True)
    for rel, data in (files or {}).items():
        (run_dir / rel).parent.mkdir(parents=True, exist_ok=True)
        (run_dir / rel).write_bytes(data)
    if curves is None:
        curves = pd.DataFrame(columns=["step", "wall_s", "metric", "value"])
    curves.to_parquet(run_dir / store.CURVES_FILE, index=False)
    store.write_json_atomic(run_dir / store.RESULT_FILE, rec)
    return run_dir
