"""Head-to-head tables for `bench compare`: one model against others, per problem and across problems."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from reports import stats
from reports.leaderboard import add_derived, leaderboards


@dataclass
class HeadToHead:
    model: str
    per_problem: dict[tuple[str, str], pd.DataFrame]  # (problem, family) → rows: the model, then the others
    overall: pd.DataFrame  # one row per other model: problems shared, P(model > other) with interval


# Per problem, for each other entry: (model's scores, other's scores, higher is better, model's
# normalised scores, other's normalised scores); the overall table pools these over problems.
Shared = dict[str, list[tuple[np.ndarray, np.ndarray, bool, np.ndarray, np.ndarray]]]


def _problem_rows(board: pd.DataFrame, g: pd.DataFrame, model: str, others: list[str], shared: Shared) -> pd.DataFrame:
    """One problem's head-to-head rows (the model first) from its board and its ok runs `g`;
    appends each other entry's scores to `shared` for the overall table."""
    hib = bool(g["higher_is_better"].iloc[0]) if len(g) else True
    mine = g[g["entry"] == model]
    rows = []
    for name in [model, *others]:
        b = board[board["model"] == name].iloc[0]
        theirs = g[g["entry"] == name]
        p = (float("nan"),) * 3
        if name != model:
            x, y = mine["score"].to_numpy(float), theirs["score"].to_numpy(float)
            p = stats.probability_of_improvement([x], [y], hib)
            shared.setdefault(name, []).append((x, y, hib, mine["norm"].to_numpy(float), theirs["norm"].to_numpy(float)))
        rows.append(
            {
                "model": name,
                "name": b["name"],
                "seeds": int(b["seeds"]),
                "exact": bool(b["exact"]),
                "mean": b["mean"],
                "ci_low": b["ci_low"],
                "ci_high": b["ci_high"],
                "rank": f"{int(b['rank'])}/{len(board)}",
                "tied": b["tied"],
                "p_improve": p[0],
                "p_low": p[1],
                "p_high": p[2],
                "time_s": b["time_s"],
                "time_from_wall": b["time_from_wall"],
                "hardware": b["hardware"],
                "source": b["source"],
            }
        )
    return pd.DataFrame(rows)


def _overall(shared: Shared) -> pd.DataFrame:
    """P(model > other) pooled over the problems both ran, and both sides' normalised IQM there."""
    rows = []
    for name, items in shared.items():
        xs, ys, hibs, nx, ny = zip(*items)
        p, lo, hi = stats.probability_of_improvement(list(xs), list(ys), list(hibs))
        iqm_model, iqm_other = stats.iqm(np.concatenate(nx)), stats.iqm(np.concatenate(ny))
        rows.append(
            {
                "model": name,
                "problems": len(items),
                "p_improve": p,
                "p_low": lo,
                "p_high": hi,
                "iqm_model": iqm_model,
                "iqm_other": iqm_other,
            }
        )
    cols = ["model", "problems", "p_improve", "p_low", "p_high", "iqm_model", "iqm_other"]
    return pd.DataFrame(rows, columns=cols).sort_values("p_improve").reset_index(drop=True)


def head_to_head(runs: pd.DataFrame, model: str, against: list[str] | None = None, preset: str = "standard") -> HeadToHead:
    """Compare entry `model` with `against` (default: every other entry on the same problems).

    Per problem: each entry's mean with its 95 % interval, its rank among *all* entries on that
    problem, and P(model > entry) from the per-seed scores. Overall: P(model > entry) averaged over
    the problems both ran (stratified bootstrap), and both sides' normalised IQM on those problems.
    """
    runs = add_derived(runs[runs["preset"] == preset]) if not runs.empty else runs
    boards = leaderboards(runs, preset)
    ok = runs[runs["status"] == "ok"] if not runs.empty else runs
    per_problem: dict[tuple[str, str], pd.DataFrame] = {}
    shared: Shared = {}
    for key, board in boards.items():
        if model not in set(board["model"]):
            continue
        names = dict(zip(board["model"], board["name"]))
        others = [m for m in board["model"] if m != model and (against is None or m in against or names[m] in against)]
        g = ok[(ok["problem"] == key.problem) & (ok["family"] == key.family)]
        per_problem[(key.problem, key.family)] = _problem_rows(board, g, model, others, shared)
    return HeadToHead(model, per_problem, _overall(shared))


def print_head_to_head(h: HeadToHead, console=None) -> None:
    from rich.console import Console
    from rich.table import Table

    from reports.render import TIE_MARKS, fmt, interval, mean_cell, train_seconds

    console = console or Console()
    if not h.per_problem:
        console.print(f"no records of {h.model} to compare")
        return
    for (problem, family), t in h.per_problem.items():
        tab = Table(title=f"{problem} · {family}: {h.model} against the others", title_justify="left")
        for col in ["model", "seeds", "mean [95% CI]", "rank", "tie", f"P({h.model} > model) [95% CI]", "train s", "measured on", "source"]:
            tab.add_column(col, justify="left" if col in ("model", "measured on", "source") else "right")
        for r in t.to_dict("records"):
            p = "–" if r["p_improve"] != r["p_improve"] else interval(r, "p_improve", "p_low", "p_high")
            tie = TIE_MARKS.get(r["tied"], "")
            style = "bold" if r["model"] == h.model else None
            tab.add_row(
                r["model"], str(r["seeds"]), mean_cell(r), r["rank"], tie, p, train_seconds(r), r["hardware"], r["source"], style=style
            )
        console.print(tab)
    if not h.overall.empty:
        tab = Table(title=f"{h.model} across problems: probability of improvement (stratified bootstrap)", title_justify="left")
        for col in ["against", "problems", f"P({h.model} > against) [95% CI]", f"IQM normalised {h.model}", "IQM normalised against"]:
            tab.add_column(col, justify="left" if col == "against" else "right")
        for r in h.overall.to_dict("records"):
            tab.add_row(
                r["model"], str(r["problems"]), interval(r, "p_improve", "p_low", "p_high"), fmt(r["iqm_model"], 3), fmt(r["iqm_other"], 3)
            )
        console.print(tab)
    console.print("P > 0.5: better than the other model on a random seed; an interval that contains 0.5 is not a clear win.", style="dim")
