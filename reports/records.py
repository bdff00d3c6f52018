"""Run records → one tidy DataFrame row per run (metrics flattened as `metric:<name>` columns)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from suite import store

RUN_COLUMNS = [
    "run_id",
    "task",
    "problem",
    "model",
    "family",
    "families",
    "seed",
    "preset",
    "status",
    "error",
    "config_hash",
    "primary_metric",
    "higher_is_better",
    "started_at",
    "finished_at",
]


def rankings(rec: dict) -> dict[str, dict]:
    """Per family the record is ranked in: primary metric, direction, reference points."""
    if rec.get("rankings"):
        return rec["rankings"]
    return {
        rec["family"]: {
            "primary_metric": rec["primary_metric"],
            "higher_is_better": rec["higher_is_better"],
            "reference": rec.get("reference") or {},
        }
    }


def records_frame(records: list[dict]) -> pd.DataFrame:
    """One row per run and family it is ranked in (a VAE's run is a row in autoencoding and in generation)."""
    rows = []
    for rec in records:
        for family, rank in rankings(rec).items():
            rows.append(_row(rec, family, rank))
    df = pd.DataFrame(rows)
    if df.empty:
        return pd.DataFrame(columns=[*RUN_COLUMNS, "score"])
    return df


def _row(rec: dict, family: str, rank: dict) -> dict:
    row = {k: rec.get(k) for k in RUN_COLUMNS}
    row.update(family=family, primary_metric=rank["primary_metric"], higher_is_better=rank["higher_is_better"])
    metrics = rec.get("metrics") or {}
    primary = rank["primary_metric"]
    row["score"] = metrics.get(primary) if rec.get("status") == "ok" else None
    timing = rec.get("timing") or {}
    res = rec.get("resources") or {}
    ref = rank.get("reference") or {}
    row.update(
        wall_s=timing.get("wall_s"),
        train_s=timing.get("train_s"),
        eval_s=timing.get("eval_s"),
        params=res.get("params"),
        throughput=res.get("throughput"),
        peak_rss_mb=res.get("peak_rss_mb"),
        device=res.get("device"),
        ref_random=ref.get("random"),
        ref_reference=ref.get("reference"),
        ref_threshold=ref.get("threshold"),
        cpu=(rec.get("env") or {}).get("cpu"),
        dir=rec.get("_dir"),
    )
    for name, value in metrics.items():
        row[f"metric:{name}"] = value
    return row


def load(results: Path | str, task_id: str | None = None) -> pd.DataFrame:
    return records_frame(list(store.iter_records(Path(results), task_id)))
