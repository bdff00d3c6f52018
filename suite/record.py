"""The run record: the one function that builds it, and the one that publishes it with its wandb mirror.

Every writer goes through here: the runner for a finished run, the sweep for a run whose process
died, the Ray executor for a run shipped back from another node. Readers use `store.read_record`.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

from suite import envinfo, store
from suite.config import config_dict
from suite.registry import REGISTRY, Task

CURVE_COLUMNS = ["step", "wall_s", "metric", "value"]


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def ranking(task: Task, family_name: str) -> dict[str, Any]:
    """How a record is ranked in one family: primary metric, direction, and reference points.

    A problem's refs for the family may override the family's primary metric and carry `random`,
    `reference` (for normalised scores), `threshold` and `curve_metric` (for time-to-target).
    """
    family = REGISTRY.family(family_name)
    refs = task.refs(family_name)
    out = {
        "primary_metric": refs.pop("primary_metric", family.primary_metric),
        "higher_is_better": refs.pop("higher_is_better", family.higher_is_better),
        "reference": refs,
    }
    if family.board_metrics:
        out["columns"] = [{"agg": "mean", "format": "number", **c} for c in family.board_metrics]
    return out


def build_record(
    task: Task,
    cfg: Any,
    *,
    preset: str,
    seed: int,
    run_id: str,
    config_hash: str,
    status: str,
    error: str | None = None,
    traceback: str | None = None,
    metrics: dict[str, Any] | None = None,
    timing: dict[str, float | None] | None = None,
    resources: dict[str, Any] | None = None,
    artifacts: list[dict[str, str]] | None = None,
    warnings: list[str] | None = None,
    info: dict[str, Any] | None = None,
    device: str | None = None,
    started_at: str | None = None,
    tuning: dict[str, Any] | None = None,
    raw: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The record of one run, in schema `store.SCHEMA_VERSION` (docs/record-schema.md).

    `raw`: the per-unit outcomes the judge scored (per test sample, origin or episode; suite/raw.py).

    `tuning` marks a trial of `bench tune` (study, trial number, objective); None for every other run.
    """
    family = REGISTRY.family(task.family)
    rankings = {fam: ranking(task, fam) for fam in task.families}
    main = rankings[task.family]
    metrics = {k: _num(v) for k, v in (metrics or {}).items()}
    timing = {"setup_s": None, "train_s": None, "eval_s": None, "wall_s": None, **(timing or {})}
    record = {
        "schema_version": store.SCHEMA_VERSION,
        "run_id": run_id,
        "task": task.id,
        "problem": task.problem.name,
        "model": task.model.name,
        "family": task.family,
        "families": list(task.families),
        "seed": seed,
        "deterministic": task.deterministic,
        "preset": preset,
        "config": config_dict(cfg),
        "config_hash": config_hash,
        "status": status,
        "error": error,
        "traceback": traceback,
        "metrics": metrics,
        "primary_metric": main["primary_metric"],
        "higher_is_better": main["higher_is_better"],
        "reference": main["reference"],
        "rankings": rankings,
        "curve": {"axis": family.curve_axis, "metric": main["reference"].get("curve_metric", family.curve_metric)},
        "timing": timing,
        "resources": {"params": None, "throughput": None, "peak_rss_increase_mb": None, **(resources or {}), "device": device},
        "artifacts": artifacts or [],
        "warnings": warnings or [],
        "info": info or {},
        "raw": raw or {},
        "env": envinfo.collect(),
        "model_source": task.model.source,
        "started_at": started_at,
        "finished_at": now(),
        "tuning": tuning,
    }
    return _require_primary(record)


def _require_primary(record: dict[str, Any]) -> dict[str, Any]:
    """An `ok` run that did not report a family's primary metric cannot be ranked: it failed."""
    tuning = record.get("tuning") or {}
    # A trial that stopped before the test phase owes its objective (a validation metric), not the test metric.
    wanted = [tuning["objective"]] if tuning.get("test_skipped") else [r["primary_metric"] for r in record["rankings"].values()]
    missing = [m for m in wanted if m not in record["metrics"]]
    if record["status"] == "ok" and missing:
        record["status"], record["error"] = "failed", f"runner did not report the primary metric(s) {', '.join(missing)}"
    return record


def write_record(run_dir: Path, record: dict[str, Any], curves: list | None = None) -> None:
    """result.json and curves.parquet into a (staging) run directory; every record has a curves file."""
    import pandas as pd

    pd.DataFrame(curves or [], columns=CURVE_COLUMNS).to_parquet(run_dir / store.CURVES_FILE, index=False)
    store.write_json_atomic(run_dir / store.RESULT_FILE, _stored(record))


def mirror(record: dict[str, Any], final: Path, results: Path, wandb_mode: str | None) -> dict[str, Any]:
    """Mirror a published run to wandb and note the mirror in its record (wandb failing only warns)."""
    from suite import tensorboard, tracking

    tensorboard.mirror(record, final)  # only when --tensorboard / $BENCH_TENSORBOARD asks for it
    tracked = tracking.mirror(record, final, results, wandb_mode)
    if tracked:
        record["tracking"] = tracked
        try:
            store.write_json_atomic(final / store.RESULT_FILE, _stored(record))
            store.index_run(final)
        except OSError as exc:  # e.g. the disk filled up: the published record stays as it was
            print(
                f"bench: warning: could not note the wandb mirror in {final / store.RESULT_FILE} ({exc.strerror or exc})", file=sys.stderr
            )
    return record


def _stored(record: dict[str, Any]) -> dict[str, Any]:
    """What goes to disk: not the in-memory keys (`_dir`, `cached`)."""
    return {k: v for k, v in record.items() if not k.startswith("_") and k != "cached"}


def _num(v: Any) -> Any:
    try:
        return float(v)
    except (TypeError, ValueError):
        return v
