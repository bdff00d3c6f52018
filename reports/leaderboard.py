"""Leaderboards: one per problem × family ranked in the primary metric's direction, and one for the suite.

Ties: an entry whose 95 % interval overlaps the leader's is marked `tied`, because 3-5 seeds
rarely separate close models and a bare rank would claim they do. Efficiency columns (wall time,
throughput, parameters, peak memory) come with the hardware they were measured on, since shipped
baseline records and the user's own runs may come from different machines.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from reports import stats
from reports.curves import time_to_target


def model_label(runs: pd.DataFrame) -> pd.Series:
    """A model name serving disjoint families (the `mlp` classifier, the `mlp` forecaster) is two models:
    `mlp (classification)` and `mlp (forecasting)`. One model ranked in two families (the VAE) stays one."""
    fams = runs["families"] if "families" in runs else runs["family"]
    key = fams.map(lambda f: "/".join(f) if isinstance(f, (list, tuple, np.ndarray)) else str(f))
    n = key.groupby(runs["model"]).transform("nunique")
    return runs["model"].where(n <= 1, runs["model"] + " (" + key.str.split("/").str[0] + ")")


def add_derived(runs: pd.DataFrame) -> pd.DataFrame:
    """Columns computed from the flat run rows: `entry`, normalised score `norm`, time-to-target `ttt_s`."""
    if runs.empty or "norm" in runs:
        return runs
    runs = runs.reset_index(drop=True)
    runs["score"] = pd.to_numeric(runs["score"], errors="coerce")
    rnd = pd.to_numeric(runs.get("ref_random"), errors="coerce")
    ref = pd.to_numeric(runs.get("ref_reference"), errors="coerce")
    with np.errstate(divide="ignore", invalid="ignore"):
        runs["norm"] = ((runs["score"] - rnd) / (ref - rnd)).where(ref != rnd)
    n_cfg = runs.groupby(["problem", "family", "preset", "model"])["config_hash"].transform("nunique")
    runs["entry"] = model_label(runs).where(n_cfg <= 1, model_label(runs) + "@" + runs["config_hash"].astype(str).str[:6])
    runs["ttt_s"] = time_to_target(runs)
    return runs


def _num(s: pd.Series) -> float:
    v = pd.to_numeric(s, errors="coerce")
    return float(v.mean()) if v.notna().any() else float("nan")


def _nanmean(a: np.ndarray) -> float:
    a = a[np.isfinite(a)]
    return float(a.mean()) if a.size else float("nan")


def _floats(df: pd.DataFrame, col: str) -> np.ndarray:
    if col not in df:
        return np.full(len(df), np.nan)
    return pd.to_numeric(df[col], errors="coerce").to_numpy(dtype=float)


def pareto_mask(quality: np.ndarray, cost: np.ndarray, higher_is_better: bool = True) -> np.ndarray:
    """True where no other entry is at least as good in quality and as cheap, and strictly better in one.

    `quality`, `cost` shape (n,); nan entries are never on the front.
    """
    q = np.asarray(quality, float) * (1 if higher_is_better else -1)
    c = np.asarray(cost, float)
    ok = np.isfinite(q) & np.isfinite(c)
    front = ok.copy()
    for i in np.flatnonzero(ok):
        dominated = ok & (q >= q[i]) & (c <= c[i]) & ((q > q[i]) | (c < c[i]))
        front[i] = not dominated.any()
    return front


def tied_with_leader(table: pd.DataFrame) -> list[str]:
    """'leader' for rank 1, 'tied' when an interval overlaps the leader's, '?' without an interval,
    '' otherwise (and for entries whose every run failed)."""
    if table.empty:
        return []
    lead = table.iloc[0]
    out = []
    for i, r in enumerate(table.itertuples()):
        if np.isnan(r.mean):
            out.append("")  # every seed failed: nothing to be tied with
        elif i == 0:
            out.append("leader")
        elif np.isnan(r.ci_low) or np.isnan(lead.ci_low):
            out.append("?")
        else:
            out.append("tied" if r.ci_low <= lead.ci_high and r.ci_high >= lead.ci_low else "")
    return out


def _board(grp: pd.DataFrame) -> pd.DataFrame:
    """One leaderboard from the runs of one (problem, family, preset); numpy per entry, since a
    10,000-run report builds a thousand of these."""
    higher = bool(grp["higher_is_better"].iloc[0])
    ok = (grp["status"] == "ok").to_numpy()
    cols = {c: _floats(grp, c) for c in ("score", "norm", "ttt_s", "wall_s", "throughput", "params", "peak_rss_mb")}
    hardware = grp["hardware"].to_numpy() if "hardware" in grp else np.full(len(grp), "")
    source = grp["source"].to_numpy() if "source" in grp else np.full(len(grp), "results")
    rows = []
    for model, idx in grp.groupby("entry", sort=True).indices.items():
        good = idx[ok[idx]]
        s = stats.seed_summary(cols["score"][good])
        rows.append(
            {
                "model": model,
                "metric": grp["primary_metric"].iloc[0],
                "higher_is_better": higher,
                "seeds": s["n"],
                "mean": s["mean"],
                "ci_low": s["ci_low"],
                "ci_high": s["ci_high"],
                "std": s["std"],
                "iqm": s["iqm"],
                "norm": _nanmean(cols["norm"][good]),
                "ttt_s": stats.median_time(cols["ttt_s"][good]) if good.size else float("nan"),
                "wall_s": _nanmean(cols["wall_s"][good]),
                "throughput": _nanmean(cols["throughput"][good]),
                "params": _nanmean(cols["params"][good]),
                "peak_rss_mb": _nanmean(cols["peak_rss_mb"][good]),
                "hardware": ", ".join(sorted({h for h in hardware[good] if isinstance(h, str)})),
                "source": ", ".join(sorted({x for x in source[idx] if isinstance(x, str)})),
                "failed": int(idx.size - good.size),
            }
        )
    table = pd.DataFrame(rows).sort_values(["mean", "model"], ascending=[not higher, True], na_position="last").reset_index(drop=True)
    table.insert(0, "rank", range(1, len(table) + 1))
    table["tied"] = tied_with_leader(table)
    table["pareto"] = pareto_mask(table["mean"].to_numpy(), table["wall_s"].to_numpy(), higher)
    return table


def leaderboards(runs: pd.DataFrame, preset: str | None = "standard") -> dict[tuple[str, str], pd.DataFrame]:
    """{(problem, family): one row per entry, ranked best first} with seeds, mean, 95 % CI, std, IQM,
    normalised score, time-to-target, efficiency columns, tie and Pareto marks.

    Only runs of one `preset` are ranked together (smoke runs would drag a mean down); None keeps
    every preset and puts it in the title key as `problem [preset]`.
    """
    out: dict[tuple[str, str], pd.DataFrame] = {}
    if runs.empty:
        return out
    if preset is not None:
        runs = runs[runs["preset"] == preset]
    runs = add_derived(runs)
    if runs.empty:
        return out
    for (problem, family, pre), grp in runs.groupby(["problem", "family", "preset"], sort=True):
        out[(problem if preset is not None else f"{problem} [{pre}]", family)] = _board(grp)
    return out


def suite_leaderboard(runs: pd.DataFrame, preset: str | None = "standard") -> pd.DataFrame:
    """One row per entry across every problem it ran, from normalised scores, ranked by coverage then IQM.

    Columns: aggregates (IQM, mean, median, optimality gap) with stratified-bootstrap intervals, the
    AlgoPerf time-to-target score over problems with a threshold, problems covered, mean wall time.
    Problems without reference points have no normalised score and are left out (counted apart).
    """
    cols = ["rank", "model", "problems", "runs", "iqm", "iqm_low", "iqm_high", "mean", "median", "optimality_gap", "ttt_score", "wall_s"]
    if runs.empty:
        return pd.DataFrame(columns=cols)
    if preset is not None:
        runs = runs[runs["preset"] == preset]
    runs = add_derived(runs)
    if runs.empty:
        return pd.DataFrame(columns=cols)
    ok = runs[runs["status"] == "ok"]
    ttt = time_profile_scores(runs)
    rows = []
    norm = _floats(ok, "norm")
    for (entry, pre), m in ok.groupby(["entry", "preset"], sort=True):
        pos = ok.index.get_indexer(m.index)
        groups = [norm[pos[i]] for i in m.groupby(["problem", "family"]).indices.values()]
        agg = stats.aggregate_intervals(groups)
        label = entry if preset is not None else f"{entry} [{pre}]"
        rows.append(
            {
                "model": label,
                "problems": int(m[["problem", "family"]].drop_duplicates().shape[0]),
                "normalised": int(sum(np.isfinite(g).any() for g in groups)),
                "runs": len(m),
                "iqm": agg["iqm"][0],
                "iqm_low": agg["iqm"][1],
                "iqm_high": agg["iqm"][2],
                "mean": agg["mean"][0],
                "mean_low": agg["mean"][1],
                "mean_high": agg["mean"][2],
                "median": agg["median"][0],
                "median_low": agg["median"][1],
                "median_high": agg["median"][2],
                "optimality_gap": agg["optimality_gap"][0],
                "og_low": agg["optimality_gap"][1],
                "og_high": agg["optimality_gap"][2],
                "ttt_score": ttt.get((entry, pre), float("nan")),
                "wall_s": _nanmean(_floats(m, "wall_s")),
            }
        )
    if not rows:
        return pd.DataFrame(columns=cols)
    # An IQM over 2 problems is not comparable with one over 5, so entries that ran more of the
    # normalised problems rank first and IQM orders entries of equal coverage.
    table = (
        pd.DataFrame(rows)
        .sort_values(["normalised", "iqm", "model"], ascending=[False, False, True], na_position="last")
        .reset_index(drop=True)
    )
    table.insert(0, "rank", range(1, len(table) + 1))
    return table


def time_matrix(runs: pd.DataFrame) -> tuple[list[str], list[str], np.ndarray]:
    """(entries, problems, median time-to-target of shape (entries, problems)) for runs of one preset and family.

    Only problems with a threshold count; nan where an entry did not run a problem.
    """
    runs = add_derived(runs)
    if runs.empty:
        return [], [], np.zeros((0, 0))
    ok = runs[(runs["status"] == "ok") & pd.to_numeric(runs["ref_threshold"], errors="coerce").notna()]
    if ok.empty:
        return [], [], np.zeros((0, 0))
    med = ok.groupby(["entry", "problem"])["ttt_s"].apply(lambda s: stats.median_time(s.to_numpy(dtype=float)))
    wide = med.unstack("problem")
    return list(wide.index), list(wide.columns), wide.to_numpy(dtype=float)


def time_profile_scores(runs: pd.DataFrame) -> dict[tuple[str, str], float]:
    """AlgoPerf score per (entry, preset): area under ρ(τ), τ in [1, 4], over problems with a threshold.

    Entries are compared within one preset and family (a DQN is not timed on digits); there a
    problem an entry did not run counts as a miss, as AlgoPerf scores a missing workload. An entry in
    several families gets the mean of its family scores.
    """
    runs = add_derived(runs)
    scores: dict[tuple[str, str], list[float]] = {}
    if runs.empty:
        return {}
    for (pre, _fam), sub in runs.groupby(["preset", "family"]):
        entries, _, times = time_matrix(sub)
        if not entries:
            continue
        for e, s in zip(entries, stats.profile_score(stats.performance_ratios(times))):
            scores.setdefault((e, pre), []).append(float(s))
    return {k: float(np.mean(v)) for k, v in scores.items()}
