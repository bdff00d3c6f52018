"""Per problem × family leaderboards ranked by the primary metric in its direction."""

from __future__ import annotations

import pandas as pd

from reports.stats import bootstrap_ci


def entry_label(runs: pd.DataFrame) -> pd.Series:
    """A model run under several configs (overrides) is one entry per config: `mlp`, `mlp@1a2b3c`."""
    n_cfg = runs.groupby("model")["config_hash"].transform("nunique")
    return runs["model"].where(n_cfg <= 1, runs["model"] + "@" + runs["config_hash"].str[:6])


def leaderboards(runs: pd.DataFrame, preset: str | None = "standard") -> dict[tuple[str, str], pd.DataFrame]:
    """{(problem, family): table of model, seeds, mean, ci_low, ci_high, std, wall_s, failed} ranked best first.

    Only runs of one `preset` are ranked together (smoke runs would drag a mean down); None keeps
    every preset and puts it in the title key as `problem [preset]`.
    """
    out: dict[tuple[str, str], pd.DataFrame] = {}
    if runs.empty:
        return out
    if preset is not None:
        runs = runs[runs["preset"] == preset]
    for (problem, family, pre), grp in runs.groupby(["problem", "family", "preset"], sort=True):
        grp = grp.assign(entry=entry_label(grp))
        higher = bool(grp["higher_is_better"].iloc[0])
        rows = []
        for model, m in grp.groupby("entry"):
            ok = m[m["status"] == "ok"]
            scores = pd.to_numeric(ok["score"], errors="coerce").dropna().to_numpy()
            lo, hi = bootstrap_ci(scores)
            rows.append(
                {
                    "model": model,
                    "metric": grp["primary_metric"].iloc[0],
                    "seeds": len(scores),
                    "mean": scores.mean() if len(scores) else float("nan"),
                    "ci_low": lo,
                    "ci_high": hi,
                    "std": scores.std(ddof=1) if len(scores) > 1 else float("nan"),
                    "wall_s": pd.to_numeric(ok["wall_s"], errors="coerce").mean(),
                    "failed": int((m["status"] != "ok").sum()),
                }
            )
        table = pd.DataFrame(rows).sort_values("mean", ascending=not higher, na_position="last").reset_index(drop=True)
        table.insert(0, "rank", range(1, len(table) + 1))
        out[(problem if preset is not None else f"{problem} [{pre}]", family)] = table
    return out
