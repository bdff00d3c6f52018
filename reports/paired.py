"""Paired comparisons from the records' raw outcomes: two classifiers judged on the same test samples.

Seeds are few (3-5) but test samples are many (360 to 10,000), and both models saw the same ones: a
paired test uses that. Two of them, on `raw.correct` (suite/raw.py, one bit per test sample):
- **McNemar's exact test per seed pair** (seed k of A against seed k of B): the samples exactly one of
  the two gets right; under equal accuracy each such sample is a fair coin.
- **a paired bootstrap over test samples** of the difference in accuracy averaged over each side's seeds:
  test samples are resampled with replacement (B = 5,000), the same for both models.
The bootstrap interval speaks of this test set and these seeds, not of new seeds: a model's
seed-to-seed spread is on the board, and a small Δ here can still be a seed draw. Records made before
the schema kept raw outcomes have none: no paired test for them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from suite.raw import unpack

REPS = 5_000


@dataclass
class Paired:
    other: str
    seeds: int  # seed pairs compared
    diff: float  # accuracy of the model minus the other's, seed-averaged per test sample
    low: float
    high: float
    p_bootstrap: float
    mcnemar_p: list[float]  # per seed pair


def mcnemar(a: np.ndarray, b: np.ndarray) -> float:
    """Exact two-sided McNemar p of two correctness vectors over the same samples."""
    from scipy import stats

    only_a, only_b = int(np.sum(a & ~b)), int(np.sum(~a & b))
    if only_a + only_b == 0:
        return 1.0
    return float(stats.binomtest(only_a, only_a + only_b, 0.5).pvalue)


def correctness(records: list[dict]) -> dict[int, np.ndarray]:
    """Seed -> per-test-sample correctness (bool, (N,)) of the records that kept it."""
    return {r["seed"]: unpack(r["raw"]["correct"]) for r in records if (r.get("raw") or {}).get("correct")}


def compare(mine: dict[int, np.ndarray], theirs: dict[int, np.ndarray], other: str, seed: int = 0) -> Paired | None:
    """The model (`mine`) against `other` on the same test samples; None without raw outcomes on both sides."""
    if not mine or not theirs:
        return None
    a = np.mean([v for _, v in sorted(mine.items())], axis=0)  # (N,) share of the model's seeds right
    b = np.mean([v for _, v in sorted(theirs.items())], axis=0)
    if a.shape != b.shape:
        return None  # another test set (a subset run): not paired
    d = a - b  # (N,)
    rng = np.random.default_rng(seed)
    boot = d[rng.integers(0, d.size, size=(REPS, d.size))].mean(axis=1)  # (REPS,)
    p = min(1.0, 2 * min(np.mean(boot <= 0), np.mean(boot >= 0)))
    pairs = sorted(set(mine) & set(theirs))
    return Paired(
        other,
        len(pairs),
        float(d.mean()),
        float(np.quantile(boot, 0.025)),
        float(np.quantile(boot, 0.975)),
        float(p),
        [mcnemar(mine[s], theirs[s]) for s in pairs],
    )


def lines(problem: str, model: str, results: list[Paired]) -> list[str]:
    """A markdown block for `bench compare`: one row per other classifier."""
    if not results:
        return []
    out = [
        f"\n{problem}: {model} paired with each classifier on the same {problem} test samples (raw outcomes in the records)",
        "| other | seed pairs | Δ accuracy [95 % paired bootstrap] | bootstrap p | McNemar p per seed pair |",
        "|---|---|---|---|---|",
    ]
    for r in results:
        mc = ", ".join(f"{p:.3g}" for p in r.mcnemar_p) or "– (no common seeds)"
        out.append(f"| {r.other} | {r.seeds} | {r.diff:+.4f} [{r.low:+.4f}, {r.high:+.4f}] | {r.p_bootstrap:.3g} | {mc} |")
    return out


# A board column declared with "agg": "test" (suite/registry.py): one paired test per entry over its seeds,
# run on the raw losses its records keep (forecasting's DM against the random walk), never a median of
# per-seed p-values. A record without them gets no value, and the legend says why.
NO_RAW = "no raw per-origin losses in its records (made before schema 3): rerun"
MIXED = "its seeds were judged at different origins"


def paired_inputs(rec: dict, test: dict) -> tuple[np.ndarray, np.ndarray, int] | None:
    """(losses (T,), reference losses (T,), overlap h) that a test column reads from one record; None when
    the record keeps no raw losses (older schema) or no overlap."""
    raw = rec.get("raw") or {}
    if not raw.get(test["loss"]) or not raw.get(test["reference"]):
        return None
    overlap = rec.get("info") or {}
    for part in str(test.get("overlap", "")).split("."):
        overlap = overlap.get(part) if isinstance(overlap, dict) else None
    if not isinstance(overlap, (int, float)):
        return None
    return unpack(raw[test["loss"]]), unpack(raw[test["reference"]]), int(overlap)


def entry_value(inputs: list, test: dict) -> tuple[float, str | None]:
    """(the test's p or statistic, None) over one entry's ok runs (`paired_inputs` of each), or (nan, why not).

    Each side's per-origin losses are averaged over the entry's seeds origin by origin, then tested once
    (`suite.diebold_mariano.over_seeds`, the estimator the spec names); a deterministic entry's seeds are one series.
    """
    from suite.diebold_mariano import over_seeds

    if not inputs:
        return float("nan"), None
    if any(x is None for x in inputs):
        return float("nan"), NO_RAW
    if len({h for _, _, h in inputs}) > 1 or len({a.shape for a, b, _ in inputs} | {b.shape for a, b, _ in inputs}) > 1:
        return float("nan"), MIXED
    if test.get("name") != "diebold_mariano":
        return float("nan"), f"a test this version does not know ({test.get('name')!r})"
    stat, p = over_seeds([a for a, _, _ in inputs], [b for _, b, _ in inputs], inputs[0][2])
    return (p if test.get("value") == "p" else stat), None
