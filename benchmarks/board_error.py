"""How often a leaderboard of equal entries shows a false "separated", before and after the multiplicity correction.

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/board_error.py [--boards 4000]

Simulates null boards: k entries whose seeds all come from one normal distribution (so no entry is
truly better), n seeds each, ranked as `reports.leaderboard` ranks them (best mean first). A board
shows a false separation when any entry is marked separated from the leader. Rules compared:

- `unadjusted`: each entry's Welch p against the leader at α = 0.05 (the reports before issue 27);
- `Holm vs leader`: Holm's step-down over the k − 1 comparisons with the leader. The leader is the
  maximum of k means, so the leader-vs-last comparison is the studentized range, which k − 1
  comparisons do not cover (and Hsu's MCB counts "not the best" as true under ties, so it does not
  bound this error either);
- `Holm over all pairs`: Holm's step-down over all k(k − 1)/2 pairwise Welch tests, the leader's
  comparisons read from it: what `reports.leaderboard.mark_ties` does now.

`tests/test_stats.py` runs it on fewer boards and asserts that the last rule stays ≤ 6 %.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reports import stats  # noqa: E402

BOARDS = ((13, 3), (10, 5), (6, 5), (4, 3))  # (entries, seeds per entry)


def holm(p, ignore=None) -> np.ndarray:
    """Holm's step-down adjusted p-values along the last axis: p (..., m) → (..., m).

    The i-th smallest of the m' tested p-values becomes max over j ≤ i of min(1, (m' − j + 1) p_(j)),
    so "adjusted p < α" rejects exactly what Holm's procedure rejects at family-wise level α. nan
    entries and those where `ignore` (same shape, or broadcastable) is True are not in the family and
    come back nan; m' counts the rest, row by row.
    """
    p = np.array(p, dtype=float, copy=True)
    out_nan = ~np.isfinite(p)
    if ignore is not None:
        out_nan |= np.broadcast_to(np.asarray(ignore, dtype=bool), p.shape)
    work = np.where(out_nan, np.inf, p)
    order = np.argsort(work, axis=-1, kind="stable")
    srt = np.take_along_axis(work, order, axis=-1)
    m = (~out_nan).sum(axis=-1, keepdims=True)  # (..., 1): size of each family
    factor = m - np.arange(p.shape[-1])  # m' - j + 1 for j = 1..m
    scaled = np.where(np.isinf(srt), np.inf, np.where(np.isinf(srt), 0.0, srt) * factor)
    adj = np.maximum.accumulate(np.minimum(1.0, scaled), axis=-1)
    out = np.empty_like(adj)
    np.put_along_axis(out, order, adj, axis=-1)
    return np.where(out_nan, np.nan, np.minimum(out, 1.0))


RULES = ("unadjusted", "Holm vs leader", "Holm over all pairs", "Games-Howell")


def pairwise_t(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Welch's |t| and degrees of freedom of every pair of entries: x (B, k, n) → two (B, k, k), t = 0 on the diagonal."""

    n = x.shape[2]
    m = x.mean(axis=2)  # (B, k)
    v = x.var(axis=2, ddof=1) / n  # (B, k): squared standard error of each mean
    va, vb = v[:, :, None], v[:, None, :]
    se2 = va + vb
    df = se2**2 / ((va**2 + vb**2) / (n - 1))
    t = np.abs(m[:, :, None] - m[:, None, :]) / np.sqrt(se2)
    return t, df


def false_separation(x: np.ndarray, alpha: float = stats.ALPHA) -> dict[str, float]:
    """Share of null boards x (B, k, n) on which each rule separates some entry from the leader."""
    b, k, _ = x.shape
    from scipy.special import stdtr

    t, df = pairwise_t(x)
    p = 2 * stdtr(df, -t)
    p[:, np.arange(k), np.arange(k)] = 1.0
    lead = x.mean(axis=2).argmax(axis=1)  # (B,): every metric here is higher-is-better
    p_lead = p[np.arange(b), lead]  # (B, k): each entry against the leader, 1 at the leader itself
    out = {"unadjusted": float((p_lead < alpha).any(axis=1).mean())}
    out["Holm vs leader"] = float((holm(p_lead, ignore=np.eye(k, dtype=bool)[lead]) < alpha).any(axis=1).mean())
    iu = np.triu_indices(k, 1)
    adj = holm(p[:, iu[0], iu[1]])  # (B, k(k-1)/2)
    full = np.ones_like(p)
    full[:, iu[0], iu[1]] = adj
    full[:, iu[1], iu[0]] = adj
    out["Holm over all pairs"] = float((full[np.arange(b), lead] < alpha).any(axis=1).mean())
    rows = np.arange(b)
    gh = stats.range_sf(np.sqrt(2) * t[rows, lead], k, np.where(np.arange(k)[None, :] == lead[:, None], np.inf, df[rows, lead]))
    out["Games-Howell"] = float(((gh < alpha) & (np.arange(k)[None, :] != lead[:, None])).any(axis=1).mean())
    return out


def error_table(boards: int = 4000, seed: int = 0) -> list[dict]:
    """One row per board shape: {entries, seeds, boards, rule: share of boards with a false separation}."""
    rng = np.random.default_rng(seed)
    rows = []
    for k, n in BOARDS:
        x = rng.normal(0.0, 1.0, (boards, k, n))
        rows.append({"entries": k, "seeds": n, "boards": boards, **false_separation(x)})
    return rows


def format_table(rows: list[dict]) -> str:
    lines = ["| entries × seeds | " + " | ".join(RULES) + " |", "|---|" + "---|" * len(RULES)]
    for r in rows:
        lines.append(f"| {r['entries']} × {r['seeds']} | " + " | ".join(f"{100 * r[k]:.1f} %" for k in RULES) + " |")
    boards = rows[0]["boards"] if rows else 0
    lines.append(f"\nShare of {boards:,} null boards per row (all entries equal, normal seeds, fixed rng) with some entry")
    lines.append(f"marked separated from the leader at α = {stats.ALPHA:g}.")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--boards", type=int, default=4000)
    a = ap.parse_args()
    print(format_table(error_table(a.boards)))


if __name__ == "__main__":
    main()
