"""Run records → one tidy DataFrame row per run (metrics flattened as `metric:<name>` columns)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from suite import store

RUN_COLUMNS = [
    "run_id", "task", "problem", "model", "family", "families", "seed", "preset", "status", "error",
    "config_hash", "primary_metric", "higher_is_better", "started_at", "finished_at",
]


def records_frame(records: list[dict]) -> pd.DataFrame:
    rows = []
    for rec in records:
        row = {k: rec.get(k) for k in RUN_COLUMNS}
        metrics = rec.get("metrics") or {}
        primary = rec.get("primary_metric")
        row["score"] = metrics.get(primary) if rec.get("status") == "ok" else None
        timing = rec.get("timing") or {}
        res = rec.get("resources") or {}
        ref = rec.get("reference") or {}
        row.update(
            wall_s=timing.get("wall_s"), train_s=timing.get("train_s"), eval_s=timing.get("eval_s"),
            params=res.get("params"), throughput=res.get("throughput"), peak_rss_mb=res.get("peak_rss_mb"),
            device=res.get("device"), ref_random=ref.get("random"), ref_reference=ref.get("reference"),
            ref_threshold=ref.get("threshold"), cpu=(rec.get("env") or {}).get("cpu"), dir=rec.get("_dir"),
        )
        for name, value in metrics.items():
            row[f"metric:{name}"] = value
        rows.append(row)
    df = pd.DataFrame(rows)
    if df.empty:
        return pd.DataFrame(columns=[*RUN_COLUMNS, "score"])
    return df


def load(results: Path | str, task_id: str | None = None) -> pd.DataFrame:
    return records_frame(list(store.iter_records(Path(results), task_id)))
