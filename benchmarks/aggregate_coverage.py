"""How often the suite table's aggregate intervals hold the true aggregate, at the suite's shapes.

    python benchmarks/aggregate_coverage.py --sets 300

P problems × n seeds of normalised scores, problem p's seeds normal around 0.3-0.9 with sd 0.1; the
true mean (of per-problem means), IQM (of the mixture) and optimality gap are computed from 200,000
draws a problem. Two intervals from the same stratified bootstrap (reports/stats.py:aggregate_intervals):
rliable's percentile interval, and the t-scaled one the reports use.

    python benchmarks/aggregate_coverage.py --many-seeds --sets 300

The shapes of a report over a million records (4 and 30 problems × 1,000 seeds; 500 × 100), where a
bootstrap draw takes only BOOT_RUNS (2,000) of the runs and scales its spread back (the m-out-of-n
bootstrap, `stats.subsample_sizes`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reports import stats  # noqa: E402

AGGS = ("mean", "iqm", "optimality_gap")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sets", type=int, default=300)
    ap.add_argument("--many-seeds", action="store_true", help="the million-record shapes, where draws take a share of the runs")
    args = ap.parse_args()
    shapes = ((4, 1000), (30, 1000), (5, 500)) if args.many_seeds else ((2, 3), (2, 5), (3, 3), (3, 5), (6, 3), (6, 5))
    rng = np.random.default_rng(0)
    print(f"{args.sets} simulated sets per shape; share whose 95 % interval holds the true value: percentile / t-scaled")
    print("| problems × seeds | " + " | ".join(AGGS) + " |")
    print("|---|" + "---|" * len(AGGS))
    for problems, seeds in shapes:
        mu, sd = np.linspace(0.3, 0.9, problems), 0.1
        big = [rng.normal(m, sd, 200_000) for m in mu]
        truth = {
            "mean": mu.mean(),
            "iqm": stats.iqm(np.concatenate(big)),
            "optimality_gap": np.mean([np.maximum(1 - b, 0).mean() for b in big]),
        }
        held = {(a, m): 0 for a in AGGS for m in ("percentile", "t")}
        for _ in range(args.sets):
            groups = [rng.normal(m, sd, seeds) for m in mu]
            s = int(rng.integers(1 << 30))
            for method in ("percentile", "t"):
                out = stats.aggregate_intervals(groups, reps=1000, seed=s, method=method)
                for a in AGGS:
                    held[a, method] += out[a][1] <= truth[a] <= out[a][2]
        cells = [f"{held[a, 'percentile'] / args.sets:.1%} / {held[a, 't'] / args.sets:.1%}" for a in AGGS]
        print(f"| {problems} × {seeds} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
