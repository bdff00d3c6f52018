"""Report figures (matplotlib, written as PNG for the HTML page and SVG for papers).

Each function takes tables or run rows, writes `<name>.png` and `<name>.svg` into `out` and returns
a `Figure` record, or None when there is nothing to draw. Plots are capped (problems, entries) so a
10,000-run report stays fast and each figure stays readable; the tables carry everything.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from reports import stats
from reports.curves import learning_metric, read_curves

MAX_PROBLEMS = 6  # learning-curve figures: one per problem, the first 6 in name order (each costs ~0.4 s of CPU)
TOP_K = 6  # entries drawn per figure: more lines than this become unreadable
# Curves drawn per entry: its lowest seeds, the legend saying "n=30 of 1000". A mean curve's band is
# already narrow at 30 seeds, and an entry of a thousand seeds would otherwise open a thousand files.
MAX_CURVE_SEEDS = 30
MAX_ARTIFACTS = 24  # images gathered from the families' runs into the page


@dataclass
class Figure:
    name: str
    title: str
    png: Path
    svg: Path | None = None
    caption: str = ""
    section: str = "plots"


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    # SVG text as <text> rather than glyph outlines: 2-3x faster to write, smaller, still searchable.
    matplotlib.rcParams["svg.fonttype"] = "none"
    import matplotlib.pyplot as plt

    return plt


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_")[:80] or "x"


def _save(fig, out: Path, name: str, title: str, caption: str = "", section: str = "plots") -> Figure:
    plt = _plt()
    png, svg = out / f"{name}.png", out / f"{name}.svg"
    # Fixed margins (set per figure) instead of bbox_inches="tight" or constrained layout: both
    # measure every text box again and cost more than drawing the figure.
    fig.savefig(png, dpi=90)
    fig.savefig(svg)
    plt.close(fig)
    return Figure(name, title, png, svg, caption, section)


CURVE_COLUMNS = [
    "problem",
    "family",
    "preset",
    "status",
    "entry",
    "seed",
    "dir",
    "setup_s",
    "curve_metric",
    "curve_axis",
    "primary_metric",
    "ref_threshold",
]


def _curve_runs(runs: pd.DataFrame, key, entries: list[str]) -> tuple[pd.DataFrame, dict[str, int]]:
    """The ok runs of one board's `entries` whose curves are drawn (the lowest MAX_CURVE_SEEDS seeds of
    each), and each entry's number of ok runs."""
    sel = runs[(runs["problem"] == key.problem) & (runs["family"] == key.family) & (runs["preset"] == key.preset)]
    sel = sel[(sel["status"] == "ok") & sel["entry"].isin(entries)]
    counts = sel["entry"].value_counts().to_dict()
    return sel.sort_values("seed", kind="stable").groupby("entry", sort=False).head(MAX_CURVE_SEEDS), counts


def _first_str(sel: pd.DataFrame, col: str) -> str | None:
    vals = [v for v in sel[col] if isinstance(v, str) and v] if col in sel else []
    return vals[0] if vals else None


def _draw_entry(axes, entry: str, per_seed: list[pd.DataFrame], setup: list[float], runs: int) -> None:
    """One entry's mean curve and band against the curve axis and against training seconds (`runs`: its ok runs, drawn or not)."""
    steps = [c["step"].to_numpy() for c in per_seed]
    grid, m, lo, hi = stats.curve_band(steps, [c["value"].to_numpy() for c in per_seed])
    # Seeds differ in speed, so the time axis is the seeds' mean time at each step, set-up taken off.
    secs = [c["wall_s"].to_numpy() - s for c, s in zip(per_seed, setup)]
    _, t, _, _ = stats.curve_band(steps, secs, reps=1)
    shown = f"n={len(per_seed)}" + (f" of {runs}" if runs > len(per_seed) else "")
    (line,) = axes[0].plot(grid, m, label=f"{entry} ({shown})")
    axes[0].fill_between(grid, lo, hi, color=line.get_color(), alpha=0.2, linewidth=0)
    axes[1].plot(t, m, color=line.get_color())
    axes[1].fill_between(t, lo, hi, color=line.get_color(), alpha=0.2, linewidth=0)


def learning_curves(runs: pd.DataFrame, boards: dict, out: Path, max_problems: int = MAX_PROBLEMS, top_k: int = TOP_K) -> list[Figure]:
    """Per board: the top entries' mean curve with a 95 % bootstrap band over seeds, against the axis
    the records declare (`record["curve"]`: epochs, env steps, ...) and against training seconds."""
    plt = _plt()
    figs = []
    with_preset = len({k.preset for k in boards}) > 1
    drawn = list(boards.items())[:max_problems]
    # The rows of the drawn problems, of the columns read here, taken once (not a million-row filter a board).
    keep = [c for c in CURVE_COLUMNS if c in runs]
    runs = runs.loc[runs["problem"].isin({key.problem for key, _ in drawn}) & (runs["status"] == "ok"), keep]
    for key, table in drawn:
        entries = list(table["model"][:top_k])
        sel, counts = _curve_runs(runs, key, entries)
        if sel.empty:
            continue
        curves = read_curves(list(sel["dir"]))
        names = set().union(*[set(c["metric"].unique()) for c in curves]) if curves else set()
        first = sel.iloc[0]
        declared = _first_str(sel, "curve_metric")
        metric = learning_metric(names, declared, first["primary_metric"])
        if metric is None:
            continue
        setup = pd.to_numeric(sel["setup_s"], errors="coerce").fillna(0.0).to_numpy() if "setup_s" in sel else np.zeros(len(sel))
        fig, axes = plt.subplots(1, 2, figsize=(10, 3.6), squeeze=False)
        axes = axes[0]
        for entry in entries:
            idx = [i for i, e in enumerate(sel["entry"]) if e == entry]
            per_seed = [(curves[i][curves[i]["metric"] == metric].sort_values("step"), setup[i]) for i in idx]
            per_seed = [(c, s) for c, s in per_seed if len(c)]
            if per_seed:
                _draw_entry(axes, entry, [c for c, _ in per_seed], [s for _, s in per_seed], counts.get(entry, 0))
        thr = first.get("ref_threshold")
        timed = "setup_s" in sel and pd.to_numeric(sel["setup_s"], errors="coerce").notna().all()
        clock = "training s" if timed else "s since the run started (older records: set-up included)"
        xlabels = [_first_str(sel, "curve_axis") or "step", f"{clock}, mean over seeds at each step"]
        for ax, xlabel in zip(axes, xlabels):
            if thr is not None and thr == thr and metric == (declared or first["primary_metric"]):
                ax.axhline(float(thr), color="grey", linestyle="--", linewidth=1, label="threshold")
            ax.set_xlabel(xlabel)
            ax.set_ylabel(metric)
            ax.grid(alpha=0.3)
        axes[0].legend(fontsize=7, loc="lower right", framealpha=0.7)  # "best" searches positions: slow
        fig.subplots_adjust(left=0.07, right=0.97, bottom=0.15, top=0.86, wspace=0.22)
        name = key.label(with_preset)
        fig.suptitle(f"{name} · {key.family}: {metric}, mean and 95 % bootstrap band over seeds", fontsize=10)
        fname = f"curves_{slug(key.problem)}_{slug(key.family)}" + (f"_{slug(key.preset)}" if with_preset else "")
        figs.append(_save(fig, out, fname, f"Learning curves: {name} · {key.family}", section="curves"))
    return figs


def _suite_labels(suite: pd.DataFrame) -> list[str]:
    """Suite rows named by model, and by family too where the rows span several (a VAE ranks in two)."""
    if "family" not in suite or suite["family"].nunique() <= 1:
        return [str(m) for m in suite["model"]]
    return [f"{m} · {f}" for m, f in zip(suite["model"], suite["family"])]


def _top_family(suite: pd.DataFrame, top_k: int) -> pd.DataFrame:
    """The first family's rows of the suite table, best first: entries are compared only within a family."""
    if "family" not in suite or suite.empty:
        return suite.head(top_k)
    first = suite[["family", "metric"]].iloc[0]
    return suite[(suite["family"] == first["family"]) & (suite["metric"] == first["metric"])].head(top_k)


def interval_estimates(suite: pd.DataFrame, out: Path, top_k: int = 15) -> Figure | None:
    """rliable's interval-estimate plot: IQM, median, mean and optimality gap of normalised scores."""
    if suite is None or suite.empty or not np.isfinite(suite["iqm"]).any():
        return None
    plt = _plt()
    s = suite.head(top_k).iloc[::-1]
    panels = [
        ("IQM", "iqm", "iqm_low", "iqm_high"),
        ("Median", "median", "median_low", "median_high"),
        ("Mean", "mean", "mean_low", "mean_high"),
        ("Optimality gap", "optimality_gap", "og_low", "og_high"),
    ]
    fig, axes = plt.subplots(1, 4, figsize=(12, 0.45 * len(s) + 1.4), sharey=True)
    y = np.arange(len(s))
    for ax, (label, k, lo, hi) in zip(axes, panels):
        ax.barh(y, (s[hi] - s[lo]).to_numpy(), left=s[lo].to_numpy(), height=0.6, alpha=0.6)
        ax.plot(s[k], y, "k|", markersize=14)
        ax.set_title(label, fontsize=10)
        ax.set_xlabel("normalised score")
        ax.grid(axis="x", alpha=0.3)
    axes[0].set_yticks(y, _suite_labels(s))
    fig.subplots_adjust(left=0.14, right=0.98, bottom=0.8 / fig.get_figheight(), top=1 - 0.6 / fig.get_figheight(), wspace=0.12)
    fig.suptitle("Aggregate normalised scores with 95 % stratified-bootstrap intervals", fontsize=10)
    return _save(fig, out, "interval_estimates", "Interval estimates (suite)")


def score_profiles(runs: pd.DataFrame, suite: pd.DataFrame, out: Path, top_k: int = 8) -> Figure | None:
    """Performance profile of normalised scores: fraction of runs scoring above τ, problems weighted equally."""
    # the five columns it reads, taken once: filtering a million rows of every column costs seconds
    cols = ["entry", "preset", "family", "problem", "norm"]
    ok = runs.loc[(runs["status"] == "ok") & np.isfinite(runs["norm"].astype(float)), cols] if "norm" in runs else runs.iloc[:0]
    if ok.empty or suite is None or suite.empty:
        return None
    plt = _plt()
    lo, hi = float(ok["norm"].min()), float(ok["norm"].max())
    taus = np.linspace(min(lo, 0.0), max(hi, 1.0), 101)
    fig, ax = plt.subplots(figsize=(6, 4))
    top = _top_family(suite, top_k)
    family = top["family"].iloc[0] if "family" in top and len(top) else None
    for r in top.itertuples():
        m = ok[(ok["entry"] == r.entry) & (ok["preset"] == r.preset) & ((ok["family"] == family) if family else True)]
        groups = [g["norm"].to_numpy(float) for _, g in m.groupby(["problem", "family"])]
        if groups:
            ax.plot(taus, stats.score_profile(groups, taus), label=r.model)
    ax.set_xlabel("normalised score τ")
    ax.set_ylabel("fraction of runs with score > τ")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="lower left")
    ax.set_title(f"Performance profile (score distribution){f' · {family}' if family else ''}", fontsize=10)
    fig.subplots_adjust(left=0.12, right=0.97, bottom=0.12, top=0.92)
    return _save(fig, out, "score_profile", "Performance profile of normalised scores")


def time_profiles(runs: pd.DataFrame, out: Path, top_k: int = 8) -> Figure | None:
    """AlgoPerf performance profiles of time-to-target, one panel per preset × family with a threshold."""
    from reports.leaderboard import time_matrix

    panels = []
    for (pre, fam), sub in runs.groupby(["preset", "family"]):
        entries, problems, times = time_matrix(sub)
        if entries:
            panels.append((pre, fam, entries, problems, times))
    if not panels:
        return None
    plt = _plt()
    fig, axes = plt.subplots(1, len(panels), figsize=(5.5 * len(panels), 3.8), squeeze=False)
    taus = np.linspace(1.0, stats.TAU_MAX, 200)
    for ax, (pre, fam, entries, problems, times) in zip(axes[0], panels):
        ratios = stats.performance_ratios(times)
        rho = stats.time_profile(ratios, taus)  # (entries, T)
        score = stats.profile_score(ratios)
        for i in np.argsort(-score)[:top_k]:
            ax.step(taus, rho[i], where="post", label=f"{entries[i]} ({score[i]:.2f})")
        ax.set_ylim(-0.02, 1.02)
        ax.set_xlabel("τ (time ÷ fastest time to target)")
        ax.set_ylabel("fraction of problems")
        ax.set_title(f"{fam} [{pre}] · {len(problems)} problem(s)", fontsize=10)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, title="model (score)", title_fontsize=7, loc="lower right")
    fig.suptitle("Time-to-target performance profiles (AlgoPerf)", fontsize=10)
    fig.subplots_adjust(left=0.1 / len(panels) + 0.02, right=0.98, bottom=0.14, top=0.8, wspace=0.25)
    return _save(fig, out, "time_profile", "Time-to-target performance profiles")


def poi_pairs(runs: pd.DataFrame, suite: pd.DataFrame, top_k: int = 8) -> pd.DataFrame:
    """P(leader > other) with intervals, over the problems both ran; leader = suite rank 1."""
    rows = []
    if suite is None or suite.empty or runs.empty:
        return pd.DataFrame(rows)
    top = _top_family(suite, top_k)  # leader = rank 1 of the first family; its rivals from the same family
    models = list(zip(top["entry"], top["preset"]))  # suite rows are (entry, preset) pairs within a family
    labels = dict(zip(models, top["model"]))
    ok = runs[(runs["status"] == "ok") & runs["entry"].isin({e for e, _ in models})]
    if "family" in top and len(top):
        ok = ok[ok["family"] == top["family"].iloc[0]]
    # {(problem, family): {(entry, preset): scores (n,)}} built in one pass
    cells: dict[tuple, dict[tuple, np.ndarray]] = {}
    hib: dict[tuple, bool] = {}
    score = ok["score"].to_numpy(float)
    for (problem, family, pre, entry), idx in ok.groupby(["problem", "family", "preset", "entry"]).indices.items():
        cells.setdefault((problem, family), {})[(entry, pre)] = score[idx]
        hib[(problem, family)] = bool(ok["higher_is_better"].iloc[idx[0]])
    x = models[0]
    for y in models[1:]:
        both = [k for k, c in cells.items() if x in c and y in c]
        if both:
            p, lo, hi = stats.probability_of_improvement([cells[k][x] for k in both], [cells[k][y] for k in both], [hib[k] for k in both])
            rows.append({"x": labels[x], "y": labels[y], "problems": len(both), "p": p, "low": lo, "high": hi})
    return pd.DataFrame(rows)


def poi_plot(pairs: pd.DataFrame, out: Path) -> Figure | None:
    if pairs.empty:
        return None
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6, 0.45 * len(pairs) + 1.2))
    y = np.arange(len(pairs))
    ax.barh(y, (pairs["high"] - pairs["low"]).to_numpy(), left=pairs["low"].to_numpy(), height=0.6, alpha=0.6)
    ax.plot(pairs["p"], y, "k|", markersize=14)
    ax.axvline(0.5, color="grey", linestyle="--", linewidth=1)
    ax.set_yticks(y, [f"{r.x} vs {r.y} ({r.problems} pb)" for r in pairs.itertuples()])
    ax.set_xlim(0, 1)
    ax.set_xlabel("P(X > Y)")
    ax.set_title("P(X > Y), 95 % stratified-bootstrap intervals", fontsize=10)
    fig.subplots_adjust(left=0.3, right=0.97, bottom=0.7 / fig.get_figheight(), top=1 - 0.4 / fig.get_figheight())
    return _save(fig, out, "probability_of_improvement", "Probability of improvement")


def pareto_plot(suite: pd.DataFrame, out: Path, top_k: int = 20) -> Figure | None:
    """Suite-level quality against time: normalised IQM (95 % interval) against mean training seconds
    per run, the Pareto front (no entry both better and faster) joined. Per problem, the leaderboards'
    Pareto column marks the same."""
    from reports.leaderboard import pareto_mask

    if suite is None or suite.empty:
        return None
    s = suite.head(top_k).assign(model=lambda d: _suite_labels(d))
    s = s[np.isfinite(s["iqm"].astype(float)) & np.isfinite(s["time_s"].astype(float))]
    if s.empty:
        return None
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6.5, 4.2))
    err = np.abs(np.vstack([s["iqm"] - s["iqm_low"], s["iqm_high"] - s["iqm"]]).astype(float))
    ax.errorbar(s["time_s"], s["iqm"], yerr=np.nan_to_num(err), fmt="o", alpha=0.7)
    front = s[pareto_mask(s["iqm"].to_numpy(float), s["time_s"].to_numpy(float))].sort_values("time_s")
    ax.plot(front["time_s"], front["iqm"], "r-", linewidth=1, label="Pareto front")
    for r in s.head(10).itertuples():
        ax.annotate(str(r.model), (r.time_s, r.iqm), fontsize=7)
    ax.set_xscale("log")
    ax.minorticks_off()  # minor log ticks cost more to lay out than the rest of the figure
    ax.set_xlabel("mean training s per run (log)")
    ax.set_ylabel("IQM normalised score")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="lower right")
    ax.set_title("Quality against time (suite)", fontsize=10)
    fig.subplots_adjust(left=0.12, right=0.97, bottom=0.12, top=0.92)
    return _save(fig, out, "pareto", "Quality against time")


def gather_artifacts(runs: pd.DataFrame, boards: dict, out: Path, limit: int = MAX_ARTIFACTS) -> list[Figure]:
    """Copy each family's own images (confusion matrices, sample grids, forecasts) of the top entries:
    the first ok seed of each, at most `limit` in all."""
    figs: list[Figure] = []
    if runs.empty or "artifacts" not in runs:
        return figs
    ok = runs[(runs["status"] == "ok") & (runs["artifacts"] != "[]")].sort_values("seed")
    first = ok.groupby(["problem", "family", "preset", "entry"], sort=False).head(1).set_index(["problem", "family", "preset", "entry"])
    dest = out / "artifacts"
    with_preset = len({k.preset for k in boards}) > 1
    for board, table in boards.items():
        for entry in table["model"][:3]:
            key = (board.problem, board.family, board.preset, entry)
            if key not in first.index or len(figs) >= limit:
                continue
            row = first.loc[key]
            for art in json.loads(row["artifacts"] or "[]"):
                src = Path(row["dir"]) / art["path"]
                if art.get("kind") != "image" or len(figs) >= limit or not src.is_file():
                    continue
                if src.suffix.lower() not in (".png", ".jpg", ".jpeg", ".svg", ".gif"):
                    continue
                dest.mkdir(exist_ok=True)
                name = f"{slug(row['task'])}_s{row['seed']}_{slug(Path(art['path']).stem)}"
                target = dest / f"{name}{src.suffix.lower()}"
                shutil.copyfile(src, target)
                cap = f"{art.get('caption') or ''} ({row['source']} record, seed {row['seed']})"
                figs.append(Figure(name, f"{board.label(with_preset)} · {board.family} · {entry}", target, None, cap, "artifacts"))
    return figs
