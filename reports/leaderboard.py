"""Leaderboards: one per problem × family × preset ranked in the primary metric's direction, and one for the suite.

Per entry: the mean over seeds with a Student-t 95 % interval. The leader is the best entry with at
least two seeds or an exact (deterministic) value; every other such entry is tested against it
(Welch's t-test, or a one-sample t-test against an exact leader, adjusted for the whole board by
the null distribution of the largest such t) and marked `tied` when the difference is not significant at α = 0.05 family-wise,
because 3-5 seeds rarely separate close models and a bare rank would claim they do. A one-seed entry
has no variance to test with and is marked `?`; two entries that do not vary are not tested at all.
Efficiency columns (training time, throughput, parameters, the run's own peak memory) come with the
hardware they were measured on, since shipped baseline records and the user's own runs may come
from different machines.
"""

from __future__ import annotations

import json
from typing import NamedTuple

import numpy as np
import pandas as pd

from reports import paired, stats
from reports.curves import time_to_target


class BoardKey(NamedTuple):
    """Which runs one leaderboard ranks together: data, turned into a title only when rendered."""

    problem: str
    family: str
    preset: str

    def label(self, with_preset: bool = False) -> str:
        return f"{self.problem} [{self.preset}]" if with_preset else self.problem


def model_label(runs: pd.DataFrame) -> pd.Series:
    """A model name serving disjoint families (the `mlp` classifier, the `mlp` forecaster) is two models:
    `mlp (classification)` and `mlp (forecasting)`. One model ranked in two families (the VAE) stays one."""
    fams = runs["families"] if "families" in runs else runs["family"]
    key = fams.map(lambda f: "/".join(f) if isinstance(f, (list, tuple, np.ndarray)) else str(f))
    kinds = pd.DataFrame({"model": runs["model"], "key": key}).drop_duplicates().groupby("model")["key"].nunique()
    shared = runs["model"].isin(kinds.index[kinds > 1])  # labelled only where needed: a million rows pass through here
    if not shared.any():
        return runs["model"]
    return runs["model"].where(~shared, runs["model"] + " (" + key.str.split("/").str[0] + ")")


def only(runs: pd.DataFrame, keep: pd.Series) -> pd.DataFrame:
    """`runs[keep]`, or `runs` itself when every row stays: a filter copies every column, 800 MB at a million rows."""
    return runs if keep.all() else runs[keep]


def of_preset(runs: pd.DataFrame, preset: str | None) -> pd.DataFrame:
    """The runs of `preset` (all for None)."""
    return runs if preset is None or runs.empty else only(runs, runs["preset"] == preset)


def add_derived(runs: pd.DataFrame) -> pd.DataFrame:
    """Columns computed from the flat run rows: `entry`, normalised score `norm`, training seconds
    `time_s` (and `time_from_wall` where an old record had only wall time), time-to-target `ttt_s`.

    Repeated records of one deterministic config are collapsed to one row first, so every statistic
    downstream counts a deterministic model as the single observation it is.
    """
    if runs.empty or "norm" in runs:
        return runs
    runs = collapse_deterministic(runs.reset_index(drop=True)).reset_index(drop=True)
    runs["score"] = pd.to_numeric(runs["score"], errors="coerce")
    rnd = pd.to_numeric(runs.get("ref_random"), errors="coerce")
    ref = pd.to_numeric(runs.get("ref_reference"), errors="coerce")
    with np.errstate(divide="ignore", invalid="ignore"):
        runs["norm"] = ((runs["score"] - rnd) / (ref - rnd)).where(ref != rnd)
    n_cfg = runs.groupby(["problem", "family", "preset", "model"])["config_hash"].transform("nunique")
    label = model_label(runs)
    runs["entry"] = label.where(n_cfg <= 1, label + "@" + runs["config_hash"].astype(str).str[:6])
    train, wall = _floats(runs, "train_s"), _floats(runs, "wall_s")
    runs["time_s"] = np.where(np.isfinite(train), train, wall)
    runs["time_from_wall"] = ~np.isfinite(train) & np.isfinite(wall)
    runs["ttt_s"] = time_to_target(runs)
    return runs


def deterministic_mask(runs: pd.DataFrame) -> np.ndarray:
    """True for rows of records that declare `deterministic` (a missing field means stochastic)."""
    if "deterministic" not in runs:
        return np.zeros(len(runs), dtype=bool)
    return np.array([v is True or v == 1 for v in runs["deterministic"]], dtype=bool)


def collapse_deterministic(runs: pd.DataFrame) -> pd.DataFrame:
    """One row per deterministic (problem, family, preset, model, config): its first ok seed, else its first."""
    det = deterministic_mask(runs)
    if not det.any():
        return runs
    d = runs[det].assign(_failed=(runs["status"] != "ok")[det]).sort_values(["_failed", "seed"], kind="stable")
    keep = d.drop_duplicates(["problem", "family", "preset", "model", "config_hash"]).index
    return runs[~det | runs.index.isin(keep)]


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


TEST_COLUMNS = ("p_value", "p_unadjusted", "diff", "diff_low", "diff_high", "seeds_needed")


def mark_ties(table: pd.DataFrame, samples: dict[str, np.ndarray]) -> pd.DataFrame:
    """Add `tied` and the test of each entry against the leader to a board sorted best first.

    `samples[model]` holds the entry's ok scores (shape (n,)). The leader is the best entry with ≥ 2
    seeds or an exact value; the k such entries are compared with it at once (`stats.board_comparisons`:
    the null distribution of the largest leader-vs-entry t, leader chosen as the maximum included), so
    that on a board of equal entries some entry is falsely separated from the leader on ~5 % of boards,
    not on the 45 % that unadjusted tests against the maximum of 13 means give (`benchmarks/board_error.py`).
    `tied`: 'leader'; 'tied' where the adjusted p ≥ α; 'untested' where neither side varies (two exact
    values, or seeds with no spread): the difference is shown as measured, with no p-value and never
    as separated; '?' for a one-seed entry (no variance, so no test: never leader or tied); '' where
    separated and where every run failed. Columns `diff` (entry − leader) with its simultaneous 95 %
    interval `diff_low`, `diff_high`, `p_value` (adjusted), `p_unadjusted` (the pair's own t-test),
    and `seeds_needed` per side for 80 % power at the level one pair needs on a board of k entries.
    `table.attrs["compared"]` is k.
    """
    table = table.copy()
    eligible = np.flatnonzero((table["mean"].notna() & ((table["seeds"] >= 2) | table["exact"])).to_numpy())
    k = int(eligible.size)
    cols = {c: np.full(len(table), np.nan) for c in TEST_COLUMNS}
    marks = ["" if m != m else "?" for m in table["mean"]]
    if k:
        marks[eligible[0]] = "leader"
        names, exact = table["model"].to_numpy()[eligible], table["exact"].to_numpy(dtype=bool)[eligible]
        tests = stats.board_comparisons([samples[m] for m in names], list(exact), lead=0)
        level = stats.comparison_alpha(k)
        lx = samples[names[0]]
        for j, i in enumerate(eligible[1:], start=1):
            t = tests[j]
            cols["p_value"][i], cols["p_unadjusted"][i] = t["p"], t["p_unadjusted"]
            cols["diff"][i], cols["diff_low"][i], cols["diff_high"][i] = t["diff"], t["low"], t["high"]
            cols["seeds_needed"][i] = stats.seeds_needed(samples[names[j]], lx, bool(exact[j]), bool(exact[0]), alpha=level)
            marks[i] = "untested" if t["p"] != t["p"] else "tied" if t["p"] >= stats.ALPHA else ""
    table["tied"] = marks
    for c, v in cols.items():
        table[c] = v
    table.attrs["compared"] = k
    return table


# Metrics whose range needs no declaration, by the name after the namespace (`test/acc` → `acc`):
# shares in [0, 1], errors and distances ≥ 0. A record's `reference.bounds` (a problem's declared
# range, such as CartPole's return in [0, 500]) comes first.
NATURAL_BOUNDS = {
    **dict.fromkeys(("acc", "accuracy", "top1", "top5", "f1", "auc", "precision", "recall"), (0.0, 1.0)),
    **dict.fromkeys(("mse", "rmse", "mae", "mase", "loss", "fd", "fd_normalized"), (0.0, np.inf)),
}


def metric_bounds(metric: str, low=None, high=None) -> tuple[float, float]:
    """(low, high) of a metric: the declared bounds where a record gives them, else NATURAL_BOUNDS, else open."""
    nat = NATURAL_BOUNDS.get(str(metric).rsplit("/", 1)[-1], (-np.inf, np.inf))
    declared = low is not None and low == low, high is not None and high == high
    if any(declared):
        return (float(low) if declared[0] else -np.inf, float(high) if declared[1] else np.inf)
    return nat


def records_interval(records: list[dict], metric: str) -> tuple[float, float]:
    """The 95 % interval of `metric`'s mean over these records' seeds, inside the metric's range: what the
    boards show, for the README tables that scripts write from the same records."""
    bounds = (records[0].get("reference") or {}).get("bounds") or (None, None)
    low, high = metric_bounds(metric, *bounds)
    lo, hi = stats.bounded_intervals(np.asarray([[r["metrics"][metric] for r in records]], float), low, high)
    return float(lo[0]), float(hi[0])


def _entry(grp: pd.DataFrame, idx: np.ndarray, good: np.ndarray, cols: dict[str, np.ndarray]) -> dict:
    """One board row from the runs `idx` of one entry (`good`: those that finished ok)."""
    exact = bool(good.size) and bool(cols["deterministic"][good].all())
    bounds = metric_bounds(grp["primary_metric"].iloc[0], _first(cols["bound_low"][idx]), _first(cols["bound_high"][idx]))
    s = stats.seed_summary(cols["score"][good], exact=exact, bounds=bounds)
    hardware = grp["hardware"].to_numpy() if "hardware" in grp else np.full(len(grp), "")
    source = grp["source"].to_numpy() if "source" in grp else np.full(len(grp), "results")
    return {
        "metric": grp["primary_metric"].iloc[0],
        "higher_is_better": bool(grp["higher_is_better"].iloc[0]),
        "seeds": s["n"],
        "exact": exact,
        "mean": s["mean"],
        "ci_low": s["ci_low"],
        "ci_high": s["ci_high"],
        "bound_low": bounds[0],
        "bound_high": bounds[1],
        "std": s["std"],
        "iqm": s["iqm"],
        "norm": _nanmean(cols["norm"][good]),
        "ttt_s": stats.median_time(cols["ttt_s"][good]) if good.size else float("nan"),
        "time_s": _nanmean(cols["time_s"][good]),
        "time_from_wall": bool((cols["time_from_wall"][good] == 1).any()),
        "wall_s": _nanmean(cols["wall_s"][good]),
        "throughput": _nanmean(cols["throughput"][good]),
        "params": _nanmean(cols["params"][good]),
        "peak_rss_increase_mb": _nanmean(cols["peak_rss_increase_mb"][good]),
        "cuda_peak_mb": _nanmean(cols["cuda_peak_mb"][good]),
        "hardware": ", ".join(sorted({h for h in hardware[good] if isinstance(h, str)})),
        "source": ", ".join(sorted({x for x in source[idx] if isinstance(x, str)})),
        "failed": int(idx.size - good.size),
    }


def _first(a: np.ndarray) -> float | None:
    a = a[np.isfinite(a)]
    return float(a[0]) if a.size else None


NUMERIC = (
    "bound_low",
    "bound_high",
    "score",
    "norm",
    "ttt_s",
    "time_s",
    "time_from_wall",
    "wall_s",
    "throughput",
    "params",
    "peak_rss_increase_mb",
    "cuda_peak_mb",
)


def _board(grp: pd.DataFrame) -> pd.DataFrame:
    """One leaderboard from the runs of one (problem, family, preset); numpy per entry, since a
    10,000-run report builds a thousand of these."""
    higher = bool(grp["higher_is_better"].iloc[0])
    ok = (grp["status"] == "ok").to_numpy()
    cols = {c: _floats(grp, c) for c in NUMERIC}
    cols["deterministic"] = deterministic_mask(grp)
    rows, samples = [], {}
    for model, idx in grp.groupby("entry", sort=True).indices.items():
        good = idx[ok[idx]]
        rows.append({"model": model, "name": grp["model"].iloc[idx[0]], **_entry(grp, idx, good, cols)})
        samples[model] = cols["score"][good]
    table = pd.DataFrame(rows).sort_values(["mean", "model"], ascending=[not higher, True], na_position="last").reset_index(drop=True)
    table.insert(0, "rank", range(1, len(table) + 1))
    table = mark_ties(table, samples)
    low, high = stats.rank_intervals([samples[m] for m in table["model"]], list(table["exact"].astype(bool)), higher)
    table["rank_low"], table["rank_high"] = low, high  # 95 % interval of the true rank (all pairs at once)
    table["pareto"] = pareto_mask(table["mean"].to_numpy(), table["time_s"].to_numpy(), higher)
    return add_board_metrics(table, grp, ok)


def board_metric_specs(grp: pd.DataFrame) -> list[dict]:
    """The secondary columns the records of one board declare (`ranking.columns`), first declaration of each
    metric, except that a declaration as one test per entry ("agg": "test", newer records) wins over an
    older one as a mean or median over seeds, whatever order the records come in."""
    specs: dict[str, dict] = {}
    if "board_metrics" not in grp:
        return []
    for text in grp["board_metrics"].dropna().unique():
        for spec in json.loads(text):
            if spec["metric"] not in specs or (spec.get("agg") == "test" and specs[spec["metric"]].get("agg") != "test"):
                specs[spec["metric"]] = spec
    return list(specs.values())


# A p-value is never averaged over seeds: a median of per-seed p is no test (issue 27). Such a column of older
# records shows no value, and the legend says why.
NOT_A_TEST = "a mean or median of per-seed p-values is no test, and these records keep no raw losses for one: rerun"


def add_board_metrics(table: pd.DataFrame, grp: pd.DataFrame, ok: np.ndarray) -> pd.DataFrame:
    """One column per declared secondary metric (named by its label): its mean or median over each
    entry's ok runs, nan where no run has it (records older than the metric); or, for a column declared
    "agg": "test", one paired test per entry on its raw losses averaged over its seeds (`paired.entry_value`),
    nan where the records keep none. The specs ride along in `table.attrs["board_metrics"]` so that
    renderers know how to format and explain each column; `attrs["board_metric_gaps"]` holds, per label,
    {reason: [entries]} for the entries left without a value for a reason the legend must give."""
    specs = board_metric_specs(grp)
    table.attrs["board_metrics"] = specs
    table.attrs["board_metric_gaps"] = gaps = {}
    if not specs:
        return table
    entries = grp.groupby("entry", sort=True).indices
    for spec in specs:
        per_entry = {}
        for model, idx in entries.items():
            value, why = _entry_metric(grp, idx[ok[idx]], spec)
            per_entry[model] = value
            if why:
                gaps.setdefault(spec["label"], {}).setdefault(why, []).append(model)
        table[spec["label"]] = table["model"].map(per_entry).astype(float)
    return table


def _entry_metric(grp: pd.DataFrame, good: np.ndarray, spec: dict) -> tuple[float, str | None]:
    """(value, why there is none) of one declared column for one entry's ok runs `good`."""
    if spec.get("agg") == "test":
        col = f"test:{spec['metric']}"
        inputs = list(grp[col].iloc[good]) if col in grp else [None] * len(good)
        return paired.entry_value([x if isinstance(x, tuple) else None for x in inputs], spec["test"])  # NaN: a record without the spec
    v = _floats(grp, f"metric:{spec['metric']}")[good]
    v = v[np.isfinite(v)]
    if spec.get("format") == "p":
        return float("nan"), (NOT_A_TEST if v.size else None)
    agg = np.nanmedian if spec.get("agg") == "median" else np.nanmean
    return (float(agg(v)) if v.size else float("nan")), None


def leaderboards(runs: pd.DataFrame, preset: str | None = "standard") -> dict[BoardKey, pd.DataFrame]:
    """{BoardKey(problem, family, preset): one row per entry, ranked best first} with seeds, mean,
    95 % t interval, std, IQM, normalised score, time-to-target, efficiency columns, the test against
    the leader (tie mark, p-value, difference and its interval, seeds needed) and Pareto marks.

    Only runs of one `preset` are ranked together (smoke runs would drag a mean down); None keeps
    every preset, each ranked apart.
    """
    out: dict[BoardKey, pd.DataFrame] = {}
    if runs.empty:
        return out
    runs = of_preset(runs, preset)
    runs = add_derived(runs)
    if runs.empty:
        return out
    for (problem, family, pre), grp in runs.groupby(["problem", "family", "preset"], sort=True):
        out[BoardKey(problem, family, pre)] = _board(grp)
    return out


# What the suite table reads of the (derived) runs: at a million rows, a filter of every column costs a GB.
SUITE_INPUT = [
    "family",
    "primary_metric",
    "entry",
    "preset",
    "problem",
    "status",
    "norm",
    "time_s",
    "time_from_wall",
    "ttt_s",
    "ref_threshold",
]
SUITE_COLUMNS = ["family", "metric", "rank", "model", "entry", "preset", "problems", "normalised", "family_problems", "runs"]
SUITE_COLUMNS += ["iqm", "iqm_low", "iqm_high", "mean", "median", "optimality_gap", "ttt_score", "time_s", "time_from_wall"]
SHORT = {"iqm": "iqm", "mean": "mean", "median": "median", "optimality_gap": "og"}  # column prefix of each interval


def _suite_row(m: pd.DataFrame, norm: np.ndarray, ttt: float) -> dict:
    """Aggregates of one entry's ok runs `m` over problems; `norm` holds their normalised scores (len(m),)."""
    groups = [norm[i] for i in m.groupby(["problem", "family"]).indices.values()]
    agg = stats.aggregate_intervals(groups)
    row = {
        "problems": int(m[["problem", "family"]].drop_duplicates().shape[0]),
        "normalised": int(sum(np.isfinite(g).any() for g in groups)),
        "runs": len(m),
    }
    for k, short in SHORT.items():
        row[k], row[f"{short}_low"], row[f"{short}_high"] = agg[k]
    row.update(ttt_score=ttt, time_s=_nanmean(_floats(m, "time_s")), time_from_wall=bool((_floats(m, "time_from_wall") == 1).any()))
    return row


def suite_leaderboard(runs: pd.DataFrame, preset: str | None = "standard") -> pd.DataFrame:
    """One row per entry within each family and primary metric, from normalised scores, ranked by IQM there.

    A family's problems share one metric and one kind of model, so entries are ranked only against
    the others of their (family, metric): a classifier's accuracy and a forecaster's MASE are never
    pooled, and a VAE has a row in generation and one in autoencoding. Every problem weighs the same
    in each aggregate, whatever its seed count (`stats.aggregate_intervals`). `normalised` of
    `family_problems`: of the family's problems with reference points (that any entry ran), how many
    this entry ran; an entry that ran fewer is ranked on those, which the column says.

    Columns: `family`, `metric`, `rank` (within them), `entry` and `preset` (the data), `model` (their
    label), aggregates (IQM, mean, median, optimality gap) with stratified-bootstrap intervals, the
    AlgoPerf time-to-target score over the family's problems with a threshold, mean training
    seconds per run (`time_s`). Problems without reference points have no normalised score and are
    left out of the aggregates (counted in `problems`).
    """
    if runs.empty:
        return pd.DataFrame(columns=SUITE_COLUMNS)
    runs = add_derived(of_preset(runs, preset))
    if runs.empty:
        return pd.DataFrame(columns=SUITE_COLUMNS)
    runs = runs[[c for c in SUITE_INPUT if c in runs]]  # the filters below copy only these columns, not ~60
    ok = runs[runs["status"] == "ok"]
    ttt = time_profile_scores(runs)
    norm = _floats(ok, "norm")
    scored = ok[np.isfinite(norm)]
    family_problems = scored.groupby(["family", "primary_metric", "preset"])["problem"].nunique().to_dict()
    rows = []
    for (family, metric, entry, pre), m in ok.groupby(["family", "primary_metric", "entry", "preset"], sort=True):
        label = entry if preset is not None else f"{entry} [{pre}]"
        row = _suite_row(m, norm[ok.index.get_indexer(m.index)], ttt.get((entry, pre, family), float("nan")))
        row["family_problems"] = int(family_problems.get((family, metric, pre), 0))
        rows.append({"family": family, "metric": metric, "model": label, "entry": entry, "preset": pre, **row})
    if not rows:
        return pd.DataFrame(columns=SUITE_COLUMNS)
    table = (
        pd.DataFrame(rows)
        .sort_values(["family", "metric", "iqm", "model"], ascending=[True, True, False, True], na_position="last")
        .reset_index(drop=True)
    )
    table.insert(2, "rank", table.groupby(["family", "metric"]).cumcount() + 1)
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


def time_profile_scores(runs: pd.DataFrame) -> dict[tuple[str, str, str], float]:
    """AlgoPerf score per (entry, preset, family): area under ρ(τ), τ in [1, 4], over problems with a threshold.

    Entries are compared within one preset and family (a DQN is not timed on digits); there a
    problem an entry did not run counts as a miss, as AlgoPerf scores a missing workload.
    """
    runs = add_derived(runs)
    scores: dict[tuple[str, str, str], float] = {}
    if runs.empty:
        return {}
    for (pre, fam), sub in runs.groupby(["preset", "family"]):
        entries, _, times = time_matrix(sub)
        if not entries:
            continue
        for e, s in zip(entries, stats.profile_score(stats.performance_ratios(times))):
            scores[(e, pre, fam)] = float(s)
    return scores
