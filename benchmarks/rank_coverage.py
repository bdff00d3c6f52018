"""Do the boards' rank intervals hold their 95 %? Coverage of every entry's true rank at once, by simulation.

    python benchmarks/rank_coverage.py --boards 1000

Boards of k entries × n normal seeds (sd 1) at the suite's shapes, with true means equal, spread evenly
over 0-2 or 0-10 sd, or in two clusters. A board is covered when every entry's interval (reports/stats.py:
rank_intervals) holds its true rank; entries with equal true means may take any rank of their group.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reports.stats import rank_intervals  # noqa: E402


def true_ranks(mu: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The best and worst rank each entry can hold given ties in the true means (higher is better)."""
    best = 1 + (mu[None, :] > mu[:, None]).sum(axis=1)
    worst = len(mu) - (mu[None, :] < mu[:, None]).sum(axis=1)
    return best, worst


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--boards", type=int, default=1000)
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    print(f"{args.boards} boards per cell; share of boards where every entry's interval holds its true rank; mean interval width")
    print("| k × n | equal means | even spread 0-2 sd | two clusters 1.5 sd apart | even spread 0-10 sd |")
    print("|---|---|---|---|---|")
    for k, n in ((6, 5), (10, 5), (13, 3), (6, 3)):
        cells = []
        for shape in ("equal", "spread", "clusters", "wide"):
            mu = {
                "equal": np.zeros(k),
                "spread": np.linspace(0, 2, k),
                "clusters": np.repeat([0.0, 1.5], [k // 2, k - k // 2]),
                "wide": np.linspace(0, 10, k),
            }[shape]
            best, worst = true_ranks(mu)
            covered, width = 0, 0.0
            for _ in range(args.boards):
                samples = [rng.normal(m, 1.0, n) for m in mu]
                low, high = rank_intervals(samples, [False] * k)
                covered += bool(np.all((low <= worst) & (high >= best)))
                width += float(np.mean(high - low + 1))
            cells.append(f"{covered / args.boards:.1%} (width {width / args.boards:.1f})")
        print(f"| {k} × {n} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
