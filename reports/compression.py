"""Compression figures: per problem, the primary metric against size and against CPU latency
(batch 1 and 256), mean over seeds per entry, the Pareto front joined, each parent marked.

Reads only record fields (the `metric:compress/...` columns of the runs frame): a compression
record carries its parent's metric, size and latency as measured in the same run, so the parent's
point needs no lookup of its own record, and nothing here knows a task.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from reports.leaderboard import pareto_mask
from reports.plots import Figure, _plt, _save, slug

FAMILY = "compression"
AXES = (
    ("size_bytes", "serialised bytes (log)"),
    ("latency_b1_us", "µs per sample, batch 1 (log)"),
    ("latency_b256_us", "µs per sample, batch 256 (log)"),
)


def figures(runs: pd.DataFrame, out: Path) -> list[Figure]:
    if runs.empty or "family" not in runs or not (runs["family"] == FAMILY).any():
        return []
    ok = runs[(runs["family"] == FAMILY) & (runs["status"] == "ok")]
    return [f for problem, rows in ok.groupby("problem") if (f := problem_figure(str(problem), rows, out)) is not None]


def points(rows: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(entries, parents): one row per model with the seed means of score and costs; parents deduplicated."""
    col = lambda name: f"metric:compress/{name}"  # noqa: E731
    need = [col(a) for a, _ in AXES] + [col(f"parent_{a}") for a, _ in AXES] + [col("parent_metric")]
    rows = rows.dropna(subset=[c for c in need if c in rows])
    if rows.empty or any(c not in rows for c in need):
        return pd.DataFrame(), pd.DataFrame()
    entries = rows.groupby("model").agg(score=("score", "mean"), seeds=("seed", "nunique"), **{a: (col(a), "mean") for a, _ in AXES})
    parent_cols = {"score": col("parent_metric"), **{a: col(f"parent_{a}") for a, _ in AXES}}
    # A parent's point: its values as measured in the runs made from it (KD's is its teacher), mean over seeds.
    # Every compression record names its parent (info.parent, the `parent_task` column).
    per_seed = rows.groupby(["parent_task", "seed"]).agg(**{k: (c, "mean") for k, c in parent_cols.items()}).reset_index()
    frame = per_seed.groupby("parent_task").agg(**{k: (k, "mean") for k in parent_cols}).reset_index()
    problem = str(rows["problem"].iloc[0])
    frame["label"] = frame["parent_task"].map(lambda t: str(t).removeprefix(f"{problem}_"))
    return entries.reset_index(), frame


def problem_figure(problem: str, rows: pd.DataFrame, out: Path) -> Figure | None:
    entries, parents = points(rows)
    if entries.empty:
        return None
    higher = bool(rows["higher_is_better"].iloc[0])
    metric = str(rows["primary_metric"].iloc[0])
    plt = _plt()
    fig, axes = plt.subplots(1, len(AXES), figsize=(13, 4.2), sharey=True)
    for ax, (key, label) in zip(axes, AXES):
        both = pd.concat([entries.assign(kind="entry"), parents.assign(kind="parent", model=parents["label"] + " (parent)")])
        front = both[pareto_mask(both["score"].to_numpy(float), both[key].to_numpy(float), higher)].sort_values(key)
        ax.scatter(entries[key], entries["score"], s=22, alpha=0.8, label="compressed (mean over seeds)")
        ax.scatter(parents[key], parents["score"], marker="*", s=140, color="black", label="parent")
        ax.plot(front[key], front["score"], "r-", linewidth=1, label="Pareto front")
        ax.set_xscale("log")
        # a label runs away from the nearer side edge, so the rightmost points' names are not cut off
        xs = np.log(both[key].to_numpy(float))
        middle = (np.nanmin(xs) + np.nanmax(xs)) / 2 if len(xs) else 0.0
        for r, x in zip(both.itertuples(), xs):
            right = x > middle
            ax.annotate(
                str(r.model),
                (getattr(r, key), r.score),
                fontsize=6,
                xytext=(-3 if right else 3, 2),
                textcoords="offset points",
                ha="right" if right else "left",
            )
        ax.margins(x=0.08, y=0.08)
        ax.minorticks_off()
        ax.set_xlabel(label)
        ax.grid(alpha=0.3)
    axes[0].set_ylabel(f"{metric} ({'higher' if higher else 'lower'} is better)")
    axes[0].legend(fontsize=7, loc="best")
    fig.suptitle(f"{problem}: compression, {metric} against size and CPU latency", fontsize=10)
    fig.subplots_adjust(left=0.06, right=0.99, bottom=0.13, top=0.9, wspace=0.05)
    caption = "each point: an entry's mean over its seeds; ★ its parent, measured in the same runs; red: no point both better and cheaper"
    return _save(fig, out, f"compression_{slug(problem)}", f"Compression on {problem}", caption, section="compression")
