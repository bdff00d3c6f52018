"""How often the leaderboards' 95 % interval of a mean holds the true mean, at the seed counts benchmarks use.

    .venv/bin/python benchmarks/interval_coverage.py [--reps 10000] [--no-bootstrap]

Simulates seeds from three distributions with known means: normal (where the Student-t interval is
exact), lognormal (skewed, like losses and times) and two-point 20 / 500 with p = 0.5 (an RL agent
that either solves CartPole or does not), at n = 3, 5 and 10 seeds, and prints the fraction of
replications whose interval contains the mean. Beside the t interval the reports use, it prints the
percentile bootstrap they used before, which at n = 3 is the seeds' [min, max].
Then the same at a CartPole-like ceiling (returns in [0, 500] that reach the cap on some seeds), for
the plain t interval and the bounded one the reports show (`stats.bounded_intervals`).
`tests/test_stats.py` asserts the normal rows and the bounded ceiling rows, and prints both tables.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reports import stats  # noqa: E402

SEED_COUNTS = (3, 5, 10)


def _normal(rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    return rng.normal(0.0, 1.0, shape)


def _lognormal(rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    return rng.lognormal(0.0, 1.0, shape)


def _two_point(rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    return np.where(rng.random(shape) < 0.5, 20.0, 500.0)


# name → (sampler, true mean)
DISTRIBUTIONS = {
    "normal(0, 1)": (_normal, 0.0),
    "lognormal(0, 1)": (_lognormal, float(np.exp(0.5))),
    "two-point 20/500, p=0.5": (_two_point, 260.0),
}


def _bootstrap_intervals(x: np.ndarray, rng: np.random.Generator, boots: int = 1000, chunk: int = 250) -> tuple[np.ndarray, np.ndarray]:
    """The old method, percentile bootstrap of the mean, for each row of x (R, n), in chunks of rows."""
    lows, highs = [], []
    alpha = (1 - stats.CONFIDENCE) / 2
    for start in range(0, x.shape[0], chunk):
        rows = x[start : start + chunk]  # (c, n)
        idx = rng.integers(0, rows.shape[1], size=(rows.shape[0], boots, rows.shape[1]))
        means = np.take_along_axis(rows[:, None, :], idx, axis=2).mean(axis=2)  # (c, boots)
        lo, hi = np.quantile(means, [alpha, 1 - alpha], axis=1)
        lows.append(lo)
        highs.append(hi)
    return np.concatenate(lows), np.concatenate(highs)


def coverage_table(reps: int = 10_000, seed: int = 0, bootstrap: bool = False) -> list[dict]:
    """One row per distribution × seed count (× method): {distribution, n, method, coverage, reps}.

    `coverage` is the fraction of `reps` simulated seed sets whose 95 % interval holds the true mean.
    Fixed `seed`, so the table is the same on every machine.
    """
    rng = np.random.default_rng(seed)
    rows = []
    for name, (sample, truth) in DISTRIBUTIONS.items():
        for n in SEED_COUNTS:
            x = sample(rng, (reps, n))  # (reps, n): one row per simulated set of seeds
            methods = {"t": stats.t_intervals(x)}
            if bootstrap:
                methods["percentile bootstrap"] = _bootstrap_intervals(x, rng)
            for method, (lo, hi) in methods.items():
                cover = float(((lo <= truth) & (truth <= hi)).mean())
                rows.append({"distribution": name, "n": n, "method": method, "coverage": cover, "reps": reps})
    return rows


# A CartPole-like ceiling: returns in [0, 500], a seed either reaches the cap or falls short.
# name → (sampler, true mean); the true mean of the clipped normal is computed once, by quadrature.
CAP = (0.0, 500.0)


def _cap_or(p: float, fail):
    return lambda rng, shape: np.where(rng.random(shape) < p, CAP[1], fail(rng, shape))


def _clipped_normal_mean(mu: float, sd: float) -> float:
    from scipy.special import ndtr

    z = (CAP[1] - mu) / sd  # E[min(X, c)] = μ Φ(z) − σ φ(z) + c (1 − Φ(z))
    return float(mu * ndtr(z) - sd * np.exp(-(z**2) / 2) / np.sqrt(2 * np.pi) + CAP[1] * (1 - ndtr(z)))


CEILING = {
    "500 w.p. 0.5, else uniform(20, 500)": (_cap_or(0.5, lambda rng, s: rng.uniform(20.0, 500.0, s)), 380.0),
    "500 w.p. 0.8, else 20": (_cap_or(0.8, lambda rng, s: np.full(s, 20.0)), 404.0),
    "500 w.p. 0.95, else 20": (_cap_or(0.95, lambda rng, s: np.full(s, 20.0)), 476.0),
    "500 w.p. 0.8, else uniform(20, 500)": (_cap_or(0.8, lambda rng, s: rng.uniform(20.0, 500.0, s)), 452.0),
    "min(500, normal(480, 60))": (lambda rng, s: np.minimum(CAP[1], rng.normal(480.0, 60.0, s)), _clipped_normal_mean(480.0, 60.0)),
}


def ceiling_table(reps: int = 10_000, seed: int = 0) -> list[dict]:
    """Coverage at a CartPole-like cap: the plain t interval, and the bounded one the reports show
    (`stats.bounded_intervals` with bounds [0, 500]). Same row layout as `coverage_table`."""
    rng = np.random.default_rng(seed)
    rows = []
    for name, (sample, truth) in CEILING.items():
        for n in SEED_COUNTS:
            x = sample(rng, (reps, n))
            for method, (lo, hi) in {"t": stats.t_intervals(x), "bounded t": stats.bounded_intervals(x, *CAP)}.items():
                cover = float(((lo <= truth) & (truth <= hi)).mean())
                rows.append({"distribution": name, "n": n, "method": method, "coverage": cover, "reps": reps})
    return rows


def format_table(rows: list[dict]) -> str:
    """The rows as a Markdown table: one line per distribution and method, one column per seed count."""
    methods = list(dict.fromkeys(r["method"] for r in rows))
    lines = ["| distribution | interval | " + " | ".join(f"n = {n}" for n in SEED_COUNTS) + " |", "|---|---|" + "---|" * len(SEED_COUNTS)]
    for name in dict.fromkeys(r["distribution"] for r in rows):
        for method in methods:
            cells = {r["n"]: r["coverage"] for r in rows if r["distribution"] == name and r["method"] == method}
            if cells:
                lines.append(f"| {name} | {method} | " + " | ".join(f"{cells[n]:.3f}" for n in SEED_COUNTS) + " |")
    reps = rows[0]["reps"] if rows else 0
    lines.append(f"\nCoverage of the nominal 95 % interval of the mean over {reps:,} replications per cell (fixed rng).")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reps", type=int, default=10_000)
    ap.add_argument("--no-bootstrap", dest="bootstrap", action="store_false", help="only the t interval (the bootstrap takes ~10 s)")
    a = ap.parse_args()
    print(format_table(coverage_table(a.reps, bootstrap=a.bootstrap)))
    print("\nAt a CartPole-like ceiling (returns in [0, 500]):\n")
    print(format_table(ceiling_table(a.reps)))


if __name__ == "__main__":
    main()
