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
from reports.records import val_twin
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
    """The curve a problem's threshold is judged on: the record's curve metric, else the primary metric."""
    cm = row.get("curve_metric")
    return cm if isinstance(cm, str) and cm else row["primary_metric"]


def time_to_target(runs: pd.DataFrame) -> pd.Series:
    """Training seconds until each ok run first reached its problem's threshold: inf if never, nan if no threshold.

    A runner's own `eval/seconds_to_threshold` wins (the RL backend measures training seconds with
    evaluation excluded); `eval/threshold` without it means the runner watched and never saw it
    reached. Only the remaining runs have their curves read. A curve's `wall_s` counts from the start
    of the run, set-up included, so the record's `timing.setup_s` is taken off where it is recorded
    (older records lack it and keep their set-up time in).
    """
    out = pd.Series(np.nan, index=runs.index, dtype=float)
    if runs.empty or "ref_threshold" not in runs:
        return out
    thr = pd.to_numeric(runs["ref_threshold"], errors="coerce")
    todo = thr.notna() & (runs["status"] == "ok")
    secs = _column(runs, "metric:eval/seconds_to_threshold")
    watched = _column(runs, "metric:eval/threshold").notna()
    setup = _column(runs, "setup_s").fillna(0.0)
    out[todo & secs.notna()] = secs[todo & secs.notna()]
    out[todo & secs.isna() & watched] = np.inf
    need = runs[todo & secs.isna() & ~watched]
    if len(need):
        frames = read_curves(list(need["dir"]))
        for (idx, row), cur in zip(need.iterrows(), frames):
            c = cur[cur["metric"] == curve_metric(row)].sort_values("wall_s")
            if not c.empty:
                t = stats.time_to_target(
                    c["wall_s"].to_numpy(), c["value"].to_numpy(), float(row["ref_threshold"]), bool(row["higher_is_better"])
                )
                out[idx] = max(t - setup[idx], 0.0)
    return out


def _column(runs: pd.DataFrame, name: str) -> pd.Series:
    return pd.to_numeric(runs[name], errors="coerce") if name in runs else pd.Series(np.nan, index=runs.index, dtype=float)


def learning_metric(metrics: set[str], declared: str | None, primary: str) -> str | None:
    """What a learning-curve plot shows, of the metrics a run's curves hold: the curve metric its
    record declares, else the primary metric, else the primary metric's `val/` twin, else the first
    `val/` metric (the validation namespace every family logs under)."""
    for m in (declared, primary, val_twin(primary)):
        if m and m in metrics:
            return m
    val = sorted(m for m in metrics if m.startswith("val/"))
    return val[0] if val else None
