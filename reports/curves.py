"""Curves (`curves.parquet`, columns step, wall_s, metric, value) read only for the runs that need them.

A 10,000-run report must not open 10,000 parquet files: time-to-target comes from the record's
own `*/seconds_to_threshold` metric where the runner reported one, and learning-curve plots read
curves only for the entries they draw.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd

from reports import stats
from suite import store

COLUMNS = ["step", "wall_s", "metric", "value"]


def read_curve(run_dir: str | None, metrics: list[str] | None = None) -> pd.DataFrame:
    """One run's curves, optionally only some metrics; empty when the file is missing or unreadable."""
    if not run_dir:
        return pd.DataFrame(columns=COLUMNS)
    path = os.path.join(run_dir, store.CURVES_FILE)
    try:
        import pyarrow.parquet as pq

        filters = [("metric", "in", metrics)] if metrics else None
        # No arrow thread pool: curves are read from many small files, and in forked plot workers.
        return pq.read_table(path, filters=filters, use_threads=False).to_pandas()
    except (FileNotFoundError, OSError, ValueError):
        return pd.DataFrame(columns=COLUMNS)


def read_curves(run_dirs: list[str], metrics: list[str] | None = None) -> list[pd.DataFrame]:
    """Curves of many runs in parallel (parquet decoding releases the GIL)."""
    if len(run_dirs) < 8:
        return [read_curve(d, metrics) for d in run_dirs]
    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(lambda d: read_curve(d, metrics), run_dirs))


def curve_metric(row: pd.Series | dict) -> str:
    """The curve a problem's threshold is judged on: refs' `curve_metric`, else the primary metric."""
    cm = row.get("ref_curve_metric")
    return cm if isinstance(cm, str) and cm else row["primary_metric"]


def time_to_target(runs: pd.DataFrame) -> pd.Series:
    """Seconds until each ok run first reached its problem's threshold: inf if never, nan if no threshold.

    A runner's own `eval/seconds_to_threshold` wins (the RL backend measures training seconds with
    evaluation excluded); `eval/threshold` without it means the runner watched and never saw it
    reached. Only the remaining runs have their curves read.
    """
    out = pd.Series(np.nan, index=runs.index, dtype=float)
    if runs.empty or "ref_threshold" not in runs:
        return out
    thr = pd.to_numeric(runs["ref_threshold"], errors="coerce")
    todo = thr.notna() & (runs["status"] == "ok")
    secs = pd.to_numeric(runs.get("metric:eval/seconds_to_threshold", pd.Series(np.nan, index=runs.index)), errors="coerce")
    watched = pd.to_numeric(runs.get("metric:eval/threshold", pd.Series(np.nan, index=runs.index)), errors="coerce").notna()
    out[todo & secs.notna()] = secs[todo & secs.notna()]
    out[todo & secs.isna() & watched] = np.inf
    need = runs[todo & secs.isna() & ~watched]
    if len(need):
        frames = read_curves(list(need["dir"]))
        for (idx, row), cur in zip(need.iterrows(), frames):
            c = cur[cur["metric"] == curve_metric(row)].sort_values("wall_s")
            if not c.empty:
                out[idx] = stats.time_to_target(
                    c["wall_s"].to_numpy(), c["value"].to_numpy(), float(row["ref_threshold"]), bool(row["higher_is_better"])
                )
    return out


def learning_metric(metrics: set[str], primary: str, curve_metric_name: str | None) -> str | None:
    """What a learning-curve plot shows: the threshold's curve, the primary metric, or its val/ twin."""
    for m in (curve_metric_name, primary, primary.replace("test/", "val/"), "val/acc", "val/loss"):
        if m and m in metrics:
            return m
    val = sorted(m for m in metrics if m.startswith("val/"))
    return val[0] if val else None
