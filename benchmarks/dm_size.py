"""Does the Diebold-Mariano test hold its size at the suite's own shapes? Rejections of true nulls at 5 %.

    python benchmarks/dm_size.py --reps 4000

For every forecasting problem's (T origins, h overlapping) as the backtest makes them, two forecasters of
equal accuracy: per-origin loss = mean absolute error over h steps of their own errors, so consecutive
origins share h - 1 steps, as in the backtest. Errors are iid normal, AR(1) with ρ = 0.6, or iid with a
variance growing e² across the span. Three tests: the Harvey-Leybourne-Newbold DM the suite used before
(Student t, T - 1 df), the Bartlett kernel at bandwidth T with fixed-b critical values for iid data, and
the same statistic against a null simulated with the backtest's overlap (tasks/forecasting/metrics.py,
what records carry now). A test holds its size when it rejects 3-7 % of these.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tasks.forecasting.metrics import _fixed_b_stat, dm_null  # noqa: E402

SHAPES = {"sunspots": (31, 10), "co2": (109, 12), "elnino": (109, 12), "synthetic": (89, 12), "msft": (144, 1)}


def hln_p(d: np.ndarray, h: int) -> np.ndarray:
    """The previous test: truncated autocovariances (γ0 alone when negative), HLN factor, t with T - 1 df."""
    from scipy import stats

    t_len = d.shape[1]
    c = d - d.mean(1, keepdims=True)
    gamma = [np.sum(c[:, k:] * c[:, : t_len - k], 1) / t_len for k in range(h)]
    var = gamma[0] + 2 * sum(gamma[1:])
    var = np.where(var > 0, var, gamma[0])
    dm = d.mean(1) / np.sqrt(var / t_len) * np.sqrt((t_len + 1 - 2 * h + h * (h - 1) / t_len) / t_len)
    return 2 * stats.t.sf(np.abs(dm), t_len - 1)


def losses(rng: np.random.Generator, kind: str, reps: int, t_len: int, h: int) -> np.ndarray:
    """(reps, T) loss differentials of two equally accurate forecasters."""
    e = rng.standard_normal((2, reps, t_len + h))
    if kind == "AR(1) errors":
        for t in range(1, t_len + h):
            e[:, :, t] += 0.6 * e[:, :, t - 1]
    if kind == "growing variance":
        e *= np.exp(np.linspace(-1, 1, t_len + h))
    c = np.concatenate([np.zeros((2, reps, 1)), np.cumsum(np.abs(e), axis=2)], axis=2)
    window = (c[:, :, h : h + t_len] - c[:, :, :t_len]) / h  # (2, reps, T): MAE over each origin's h steps
    return window[0] - window[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reps", type=int, default=4000)
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    print(f"{args.reps} true nulls per cell; share rejected at 5 %")
    print("| problem (T, h) | errors | HLN, t(T-1) (before) | Bartlett b=1, iid null | Bartlett b=1, overlap null (now) |")
    print("|---|---|---|---|---|")
    for name, (t_len, h) in SHAPES.items():
        iid = dm_null(t_len, 1)
        overlap = dm_null(t_len, h)
        for kind in ("iid", "AR(1) errors", "growing variance"):
            d = losses(rng, kind, args.reps, t_len, h)
            stat = np.abs(_fixed_b_stat(d))
            p_iid = 1 - np.searchsorted(iid, stat) / len(iid)
            p_now = 1 - np.searchsorted(overlap, stat) / len(overlap)
            cells = [np.mean(hln_p(d, h) < 0.05), np.mean(p_iid < 0.05), np.mean(p_now < 0.05)]
            print(f"| {name} ({t_len}, {h}) | {kind} | " + " | ".join(f"{c:.1%}" for c in cells) + " |", flush=True)


if __name__ == "__main__":
    main()
