"""Small pure statistics over arrays of per-seed scores (rliable's methods, Agarwal et al. 2021).

Every function takes plain numpy arrays whose shapes are stated in the docstring and returns floats
or arrays; nothing here knows about run records. Ragged data (a different number of seeds per
problem) is passed as a list of 1-D arrays, one per problem, because real result directories are
ragged: rliable's `get_interval_estimates` wants a rectangular (runs, tasks) matrix and resamples in
a Python loop (via `arch`), which is too slow for a 10,000-record report. So the stratified bootstrap
is done here, vectorised, and `tests/test_stats.py` checks it against rliable's own estimators when
rliable (the `rliable` extra) is installed. rliable therefore stays optional.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

# 2000 resamples: the Monte-Carlo error of a 95 % percentile bound is then ~1 % of the interval width,
# well below what 3-10 seeds can resolve, and it keeps a 1000-group report under a second.
REPS = 2000
# Runs resampled per bootstrap draw, at most. Past it (a report over a million records has a thousand
# seeds a problem, where 2000 draws of every run take minutes) each problem's draw takes the same share
# f of its runs and the draws' spread is scaled back by √f: the m-out-of-n bootstrap (Bickel, Götze &
# van Zwet 1997), exact in the variance for a mean and right to first order for IQM, medians and P(X > Y).
# `benchmarks/aggregate_coverage.py --many-seeds` checks the coverage. The suite's 3-10 seeds never reach it.
BOOT_RUNS = 2000
CONFIDENCE = 0.95
TAU_MAX = 4.0  # AlgoPerf: a submission 4x slower than the fastest on a workload scores nothing for it


def _finite(x) -> np.ndarray:
    x = np.asarray(x, dtype=float).ravel()
    return x[np.isfinite(x)]


# --------------------------------------------------------------------------------------------------
# Per problem, across seeds


def iqm(x) -> float:
    """Interquartile mean of `x` (shape (n,)): the mean of the middle 50 %, rliable's robust default.

    int(0.25 n) values are cut from each end, exactly as scipy's trim_mean and rliable's `aggregate_iqm`.
    """
    x = _finite(x)
    return float(trimmed_mean(x[None, :])[0]) if x.size else float("nan")


def trimmed_mean(x: np.ndarray, cut: float = 0.25) -> np.ndarray:
    """Row-wise mean after dropping int(cut·n) values from each end: (R, n) → (R,).

    Same cut rule as scipy.stats.trim_mean (and so rliable's IQM), without scipy's per-call overhead,
    which dominated a 1,000-leaderboard report.
    """
    n = x.shape[1]
    k = int(cut * n)
    if k == 0:
        return x.mean(axis=1)
    # A partial sort around the two cut points: what lies between them is the sorted middle, in O(n).
    return np.partition(x, (k, n - k - 1), axis=1)[:, k : n - k].mean(axis=1)


def subsample_sizes(sizes: Sequence[int], cap: int | None = None) -> tuple[list[int], float]:
    """Per group, how many runs a bootstrap draw takes, and the factor its spread is scaled by (1: all of them).

    Past `cap` runs in all, every group gives the same m = cap / groups runs (at least 2; all of a smaller
    group): equal counts keep the IQM unweighted, a partial sort rather than a weighted full one. The
    scale √(Σ 1/n_p / Σ 1/m_p) turns the spread of a mean over problems of m_p runs into its spread at n_p.
    """
    cap = BOOT_RUNS if cap is None else cap
    total = int(sum(sizes))
    if total <= cap:
        return list(sizes), 1.0
    m = max(2, cap // max(len(sizes), 1))
    small = [min(n, m) for n in sizes]
    return small, float(np.sqrt(sum(1 / n for n in sizes if n) / sum(1 / k for k in small if k)))


def rescale(boot: np.ndarray, scale: float) -> np.ndarray:
    """An m-out-of-n bootstrap's draws, their spread around their mean scaled to n (`subsample_sizes`)."""
    return boot if scale == 1.0 else boot.mean() + scale * (boot - boot.mean())


INTERVAL_METHOD = "Student-t interval of the mean"
ALPHA = 0.05  # tie test: "tied with the leader" when the difference is not significant at this level
POWER = 0.8  # seeds needed: per side, to detect the measured difference this often at ALPHA (two-sided)
MAX_SEEDS = 10_000  # a power calculation past this reports "more than" rather than a number


def _t_quantile(q: float, df):
    """Student-t quantile; scipy.special rather than scipy.stats, whose import alone took ~1.5 s of a report."""
    from scipy.special import stdtrit

    return stdtrit(df, q)


def t_intervals(x: np.ndarray, confidence: float = CONFIDENCE) -> tuple[np.ndarray, np.ndarray]:
    """Student-t interval of the mean of each row: x (R, n) → (low (R,), high (R,)); nan for n < 2.

    mean ± t(1 - α/2, n - 1) · s / √n. Chosen over a percentile bootstrap because with 3 seeds the
    bootstrap interval is the seeds' [min, max], which holds a normal mean only ~75 % of the time;
    the t interval's coverage is exact for normal seeds at any n (`benchmarks/interval_coverage.py`
    prints it for skewed and two-point data too).
    """
    x = np.asarray(x, dtype=float)
    n = x.shape[1]
    if n < 2:
        nan = np.full(x.shape[0], np.nan)
        return nan, nan.copy()
    m = x.mean(axis=1)
    half = _t_quantile(0.5 + confidence / 2, n - 1) * x.std(axis=1, ddof=1) / np.sqrt(n)
    return m - half, m + half


def bounded_intervals(
    x: np.ndarray, low: float = -np.inf, high: float = np.inf, confidence: float = CONFIDENCE
) -> tuple[np.ndarray, np.ndarray]:
    """Student-t interval of each row's mean kept inside the metric's range [low, high]: x (R, n) → (R,), (R,).

    The mean of values in [low, high] lies there too, so the t interval is cut at the bounds (no
    accuracy of 1.046, no CartPole return of −350). A row whose seeds all sit at one bound (every
    seed at CartPole's cap of 500) has a t interval of zero width, which held a CartPole-like mean in
    48 % of 3-seed sets; with both bounds finite it gets [high − (high − low) r, high] (mirrored at
    `low`), r = 1 − α^(1/n), α = 1 − confidence. Scaled to [0, 1] a value Y has P(Y = 1) ≤ E[Y]
    (Markov), so n seeds all at the cap have chance ≤ mean^n, below α for every mean under α^(1/n),
    whatever the seeds' distribution: 500 [184.2, 500] for 3 seeds at 500, [274.6, 500] for 5.
    Equal seeds inside the range keep their zero-width interval (nothing bounds their spread), and
    with an open bound there is no width to give. `benchmarks/interval_coverage.py` prints the
    coverage at a CartPole-like ceiling.
    """
    lo, hi = t_intervals(x, confidence)
    lo, hi = np.clip(lo, low, high), np.clip(hi, low, high)
    if x.shape[1] < 2 or not (np.isfinite(low) and np.isfinite(high)):
        return lo, hi
    reach = (high - low) * (1 - (1 - confidence) ** (1 / x.shape[1]))
    at_high, at_low = (x == high).all(axis=1), (x == low).all(axis=1)
    lo, hi = np.where(at_high, high - reach, lo), np.where(at_high, high, hi)
    return np.where(at_low, low, lo), np.where(at_low, low + reach, hi)


def t_interval(x, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Student-t interval of the mean of `x` (shape (n,)); (nan, nan) for fewer than 2 values."""
    x = _finite(x)
    lo, hi = t_intervals(x[None, :], confidence)
    return (float(lo[0]), float(hi[0]))


def seed_summary(x, exact: bool = False, bounds: tuple[float, float] = (-np.inf, np.inf)) -> dict[str, float]:
    """mean, std (ddof 1), IQM, 95 % t interval of the mean and n over the seeds in `x` (shape (n,)).

    `exact`: the values come from a deterministic model, so they are one observation, not a sample:
    n = 1, no std and no interval (repeats of it are collapsed by the caller). `bounds`: the metric's
    range (low, high), which the interval respects (`bounded_intervals`).
    """
    x = _finite(x)
    if exact:
        x = x[:1]
    lo, hi = (float(v[0]) for v in bounded_intervals(x[None, :], *bounds)) if x.size > 1 else (float("nan"),) * 2
    return {
        "n": int(x.size),
        "mean": float(x.mean()) if x.size else float("nan"),
        "std": float(x.std(ddof=1)) if x.size > 1 else float("nan"),
        "iqm": iqm(x),
        "ci_low": lo,
        "ci_high": hi,
    }


def _sides(a, b, exact_a: bool, exact_b: bool) -> tuple[np.ndarray, np.ndarray] | None:
    """Finite values of both sides, an exact side cut to its one value; None unless each side is
    exact or has the ≥ 2 values a variance needs."""
    a, b = _finite(a), _finite(b)
    a, b = (a[:1] if exact_a else a), (b[:1] if exact_b else b)
    if not a.size or not b.size or (a.size < 2 and not exact_a) or (b.size < 2 and not exact_b):
        return None
    return a, b


def difference_test(a, b, exact_a: bool = False, exact_b: bool = False, confidence: float = CONFIDENCE) -> dict[str, float]:
    """Is mean(a) different from mean(b)? {diff, low, high, p, p_unadjusted, t, df, se}: diff = mean(a) - mean(b).

    `a` (n,) and `b` (m,) are two entries' seeds. Welch's t-test (unequal variances, Welch-Satterthwaite
    degrees of freedom) when both are samples; when one side is a single exact value (a deterministic
    model), a one-sample t-test of the other side's seeds against it. `p` = `p_unadjusted` is that
    test's two-sided p-value, [low, high] its interval (`board_comparisons` adjusts both for a board).
    A side that is neither exact nor ≥ 2 values gives all nan: one seed has no variance to test with.
    When neither side varies (two exact values, or seeds with no spread) the difference is what it is
    as measured and there is nothing to test it with: diff is given, with low = high = diff, and p,
    t, df are nan.
    """
    from scipy.special import stdtr

    nan = float("nan")
    sides = _sides(a, b, exact_a, exact_b)
    if sides is None:
        return {"diff": nan, "low": nan, "high": nan, "p": nan, "p_unadjusted": nan, "t": nan, "df": nan, "se": nan}
    a, b = sides
    diff = float(a.mean() - b.mean())
    va = a.var(ddof=1) / a.size if a.size > 1 else 0.0
    vb = b.var(ddof=1) / b.size if b.size > 1 else 0.0
    se = float(np.sqrt(va + vb))
    if se == 0:
        return {"diff": diff, "low": diff, "high": diff, "p": nan, "p_unadjusted": nan, "t": nan, "df": nan, "se": 0.0}
    # Welch-Satterthwaite; with b exact (vb = 0) this is a.size - 1, the one-sample test's df.
    df = (va + vb) ** 2 / ((va**2 / (a.size - 1) if a.size > 1 else 0.0) + (vb**2 / (b.size - 1) if b.size > 1 else 0.0))
    half = float(_t_quantile(0.5 + confidence / 2, df)) * se
    p = float(2 * stdtr(df, -abs(diff) / se))
    return {"diff": diff, "low": diff - half, "high": diff + half, "p": p, "p_unadjusted": p, "t": diff / se, "df": float(df), "se": se}


# Resamples of a board's null max-t: the Monte Carlo error of a p-value near 0.05 is then 0.0034 and
# of the critical value well under 1 %; a 25-entry board costs ~20 ms.
MAXT_REPS = 4000


def leader_t(m: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Welch t of the best entry against each entry: means m (..., k), squared standard errors v (..., k) → (..., k).

    The best is the largest mean; t ≥ 0 everywhere; −inf at the best itself and where neither side
    varies (v_best + v_i = 0), which have no test.
    """
    lead = m.argmax(axis=-1)[..., None]
    se2 = np.take_along_axis(v, lead, axis=-1) + v
    with np.errstate(divide="ignore", invalid="ignore"):
        t = (np.take_along_axis(m, lead, axis=-1) - m) / np.sqrt(se2)
    t = np.where(se2 > 0, t, -np.inf)
    np.put_along_axis(t, lead, -np.inf, axis=-1)
    return t


def max_t_null(sd: np.ndarray, n: np.ndarray, reps: int = MAXT_REPS, seed: int = 0) -> np.ndarray:
    """The largest t of the leader against any other entry on a board of equal means: (reps,) draws.

    Entry i has n[i] normal seeds of standard deviation sd[i] (an exact entry: n = 1, sd = 0, one fixed
    value); each draw ranks them, takes the best as leader and keeps max_i leader_t. This is the null
    distribution of what a board's verdicts rest on, leader chosen as the maximum included, with the
    board's own variances and seed counts: a parametric single-step max-t (Westfall & Young 1993).
    sd (k,), n (k,) → (reps,).
    """
    sd, n = np.asarray(sd, dtype=float), np.asarray(n, dtype=float)
    rng = np.random.default_rng(seed)
    # For normal seeds the mean and the sample variance are independent, N(0, sd²/n) and sd² χ²(n−1)/(n−1):
    # drawn directly, a draw costs k numbers rather than k·n seeds.
    m = rng.standard_normal((reps, len(sd))) * sd / np.sqrt(n)  # (reps, k)
    chi2 = rng.chisquare(np.maximum(n - 1, 1), (reps, len(sd)))
    v = np.where(n > 1, sd**2 * chi2 / np.maximum(n - 1, 1) / n, 0.0)  # squared standard error of each mean
    return leader_t(m, v).max(axis=1)


def board_comparisons(samples: Sequence[np.ndarray], exact: Sequence[bool], lead: int, confidence: float = CONFIDENCE) -> list[dict]:
    """Every entry of a board against its leader, adjusted for the whole board: one `difference_test` dict per entry.

    `samples[i]` (n_i,) are entry i's seeds (one value when `exact[i]`), every entry with ≥ 2 seeds or
    exact; `lead` is the best. With k > 2 entries the pair's p and interval come from the null
    distribution of the largest leader-vs-entry Welch t (`max_t_null`, with the board's variances):
    p = share of draws ≥ this pair's |t|, interval diff ± its 95 % point × se. Because the leader is the
    maximum of k means, its comparison with the last is a studentized range: unadjusted tests
    separate some entry on 45 % of 13-entry null boards, Holm over the k − 1 comparisons on up to 9 %,
    Games-Howell on 6 %; this on 4.6-5.4 % (`benchmarks/board_error.py`). `p_unadjusted` keeps the
    pair's own test. The leader's own entry is all nan; with k = 2 the t-test is already the board's.
    """
    nan = float("nan")
    vals = [_finite(x)[:1] if e else _finite(x) for x, e in zip(samples, exact)]
    tests = [
        dict.fromkeys(("diff", "low", "high", "p", "p_unadjusted", "t", "df", "se"), nan) if i == lead else {} for i in range(len(vals))
    ]
    for i, x in enumerate(vals):
        if i != lead:
            tests[i] = difference_test(x, vals[lead], exact[i], exact[lead], confidence)
    if len(vals) <= 2:
        return tests
    sd = np.array([x.std(ddof=1) if x.size > 1 else 0.0 for x in vals])
    null = np.sort(max_t_null(sd, np.array([x.size for x in vals])))
    null = null[np.isfinite(null)]
    crit = float(np.quantile(null, confidence)) if null.size else nan
    for i, t in enumerate(tests):
        if i != lead and t["t"] == t["t"]:
            above = null.size - np.searchsorted(null, abs(t["t"]), side="left")  # draws ≥ |t|
            t["p"] = float((above + 1) / (null.size + 1))  # +1: a p-value from draws is never 0
            t["low"], t["high"] = t["diff"] - crit * t["se"], t["diff"] + crit * t["se"]
    return tests


def rank_intervals(samples: Sequence[np.ndarray], exact: Sequence[bool], higher_is_better: bool = True, confidence: float = CONFIDENCE):
    """A 95 % interval of each entry's true rank on its board: (low, high) int arrays, 1 = best.

    From simultaneous intervals of every pairwise difference: entry i ranks no better than 1 + the entries
    surely better than it, no worse than k − the entries surely worse. "Surely" is a pair's Welch |t|
    above the 95 % point of the largest |t| over all pairs of a board of equal means with the board's
    own variances and seed counts (simulated as `max_t_null`), so all pairs hold at once with 95 %
    probability and with them every rank. Two exact entries are ordered as measured (one evaluation each,
    no noise); a one-seed entry has no variance and spans every rank. samples[i] (n_i,) → (k,), (k,).
    `benchmarks/board_error.py --ranks` checks the coverage by simulation.
    """
    k = len(samples)
    vals = [_finite(x)[:1] if e else _finite(x) for x, e in zip(samples, exact)]
    sign = 1.0 if higher_is_better else -1.0
    m = np.array([sign * x.mean() if x.size else np.nan for x in vals])
    n = np.array([x.size for x in vals], dtype=float)
    sd = np.array([x.std(ddof=1) if x.size > 1 else 0.0 for x in vals])
    unknown = np.array([not e and x.size < 2 for x, e in zip(vals, exact)])  # one seed: no variance to judge by
    v = np.where(n > 0, sd**2 / np.maximum(n, 1), 0.0)
    crit = float(np.quantile(_all_pairs_null(sd, n), confidence)) if k > 1 else np.inf
    with np.errstate(divide="ignore", invalid="ignore"):
        t = (m[None, :] - m[:, None]) / np.sqrt(v[None, :] + v[:, None])  # t[i, j] > 0: j better than i
    exact_pair = (v[None, :] + v[:, None]) == 0
    better = np.where(exact_pair, m[None, :] > m[:, None], t > crit)  # j surely better than i
    better &= ~unknown[None, :] & ~unknown[:, None] & np.isfinite(m)[None, :] & np.isfinite(m)[:, None]
    np.fill_diagonal(better, False)
    low = 1 + better.sum(axis=1)
    high = k - better.sum(axis=0)
    return low.astype(int), high.astype(int)


def _all_pairs_null(sd: np.ndarray, n: np.ndarray, reps: int = MAXT_REPS, seed: int = 1) -> np.ndarray:
    """The largest Welch |t| over all pairs of a board of equal means (`max_t_null`, every pair): (reps,)."""
    rng = np.random.default_rng(seed)
    m = rng.standard_normal((reps, len(sd))) * sd / np.sqrt(np.maximum(n, 1))
    chi2 = rng.chisquare(np.maximum(n - 1, 1), (reps, len(sd)))
    v = np.where(n > 1, sd**2 * chi2 / np.maximum(n - 1, 1) / np.maximum(n, 1), 0.0)
    # In slices of draws: (reps, k, k) at once is 320 MB per array on a 100-entry board, and allocating
    # it took longer than the arithmetic (2.8 s against 0.6 s); a slice stays within ~2M values.
    step = max(1, 2_000_000 // max(len(sd) ** 2, 1))
    out = np.empty(reps)
    for i in range(0, reps, step):
        mi, vi = m[i : i + step], v[i : i + step]
        se2 = vi[:, None, :] + vi[:, :, None]  # (step, k, k)
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.abs(mi[:, None, :] - mi[:, :, None]) / np.sqrt(se2)
        out[i : i + step] = np.where(se2 > 0, t, 0.0).max(axis=(1, 2))
    return out


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


def comparison_alpha(entries: int, alpha: float = ALPHA) -> float:
    """The level one pair's two-sided t-test must reach for `alpha` over all pairs of `entries` means.

    2 Φ(−q/√2) with q the studentized range's upper-`alpha` point at infinite degrees of freedom: the
    level a power calculation for one pair uses on a board of `entries` (alpha itself for two entries;
    0.0044 for 6, 0.00092 for 13): the leader-vs-last comparison is a studentized range, and at many
    seeds the board's max-t critical value approaches this one.
    """
    from scipy.special import ndtr

    if entries <= 2:
        return alpha
    return float(2 * ndtr(-range_isf(alpha, entries, np.inf) / np.sqrt(2)))


# Quadrature of the studentized range distribution (below): Gauss-Legendre nodes over the quantiles of
# the standard deviation's χ law, a grid over z for the range of k normals, and a grid of ranges w on
# which that inner integral is tabulated once per k. Agrees with scipy.stats.studentized_range to ~1e-7
# (tests/test_stats.py) at a thousandth of its time, without importing scipy.stats.
_RANGE_U, _RANGE_UW = (a / 2 for a in np.polynomial.legendre.leggauss(128))
_RANGE_U = _RANGE_U + 0.5
_RANGE_Z = np.linspace(-8.0, 8.0, 641)
_RANGE_W = np.linspace(0.0, 24.0, 4801)
_RANGE_CDF: dict[int, np.ndarray] = {}


def _range_cdf(k: int, w: np.ndarray) -> np.ndarray:
    """P(range of k standard normals ≤ w), for w of any shape (tabulated per k, then interpolated)."""
    from scipy.special import ndtr

    if k not in _RANGE_CDF:
        z, dz = _RANGE_Z, _RANGE_Z[1] - _RANGE_Z[0]
        inner = np.clip(ndtr(z[None, :]) - ndtr(z[None, :] - _RANGE_W[:, None]), 0, None) ** (k - 1)  # (W, Z)
        phi = np.exp(-(z**2) / 2) / np.sqrt(2 * np.pi)
        _RANGE_CDF[k] = np.minimum(k * (inner * phi[None, :]).sum(axis=1) * dz, 1.0)
    return np.interp(w, _RANGE_W, _RANGE_CDF[k], right=1.0)


def range_sf(q, k: int, df) -> np.ndarray:
    """P(Q > q) for the studentized range Q of k means with `df` degrees of freedom; q, df broadcast (...,) → (...,).

    Q = range of k standard normals / (χ_df / √df). For k = 2 it is √2 |t|, so range_sf(√2 |t|, 2, df)
    is the two-sided t-test's p-value.
    """
    from scipy.special import chdtri

    q, df = np.asarray(q, dtype=float), np.asarray(df, dtype=float)
    s = np.sqrt(chdtri(df[..., None], 1 - _RANGE_U) / df[..., None])  # df's shape + (J,): the u-quantiles of χ_df/√df
    s = np.where(np.isinf(df)[..., None], 1.0, s)  # before broadcasting against q: chdtri is the costly part
    return 1 - (_range_cdf(int(k), q[..., None] * s) * _RANGE_UW).sum(axis=-1)


_RANGE_Q = np.geomspace(0.05, 1e5, 300)  # where range_isf looks: ratio 1.05 between neighbours


def range_isf(alpha: float, k: int, df) -> np.ndarray:
    """The q with range_sf(q, k, df) = alpha, vectorised over df (...,) → (...,).

    range_sf on a geometric grid of q, the crossing interpolated on log q against log sf (both smooth
    there), then one secant step: relative error below 1e-4 (tests/test_stats.py), in one vectorised call.
    """
    df = np.asarray(df, dtype=float)
    sf = range_sf(_RANGE_Q, k, df[..., None])  # (..., Q), decreasing in q
    i = np.clip((sf > alpha).sum(axis=-1) - 1, 0, _RANGE_Q.size - 2)[..., None]
    lq, ls = np.log(_RANGE_Q), np.log(np.maximum(sf, 1e-300))
    q0, q1 = lq[i], lq[i + 1]
    s0, s1 = np.take_along_axis(ls, i, -1), np.take_along_axis(ls, i + 1, -1)
    x = q0 + (np.log(alpha) - s0) * (q1 - q0) / np.where(s1 == s0, -1.0, s1 - s0)
    fx = np.log(np.maximum(range_sf(np.exp(x), k, df[..., None]), 1e-300))  # one secant step on the nearer side
    near_q, near_s = np.where(fx > np.log(alpha), q1, q0), np.where(fx > np.log(alpha), s1, s0)
    x = x + (np.log(alpha) - fx) * (near_q - x) / np.where(near_s == fx, 1.0, near_s - fx)
    return np.exp(x)[..., 0]


def _power(n: np.ndarray, effect: float, one_sample: bool, alpha: float) -> np.ndarray:
    """Power of the two-sided t-test with n seeds per side (or n seeds against an exact value).

    P(T > crit) + P(T < −crit) for T noncentral t. scipy's nctdtr returns nan for the far lower tail
    at small df and a large noncentrality (df 8, nc 8.8: nan), and a nan power made the search stop
    at 2 seeds; that tail lies in [0, P(T < 0)] = [0, Φ(−nc)], so nan is read as 0, within Φ(−nc) < 1e-8
    wherever it happens. The upper tail also comes back nan, at nc ≳ 37, where the power is 1 to double
    precision: there Φ(nc − crit), a normal stand-in, gives that 1.
    """
    from scipy.special import nctdtr, ndtr

    n = np.asarray(n, dtype=float)
    df = n - 1 if one_sample else 2 * n - 2
    nc = effect * np.sqrt(n if one_sample else n / 2)
    crit = _t_quantile(1 - alpha / 2, df)
    low = np.clip(np.nan_to_num(nctdtr(df, nc, -crit), nan=0.0), 0.0, ndtr(-nc))
    below = nctdtr(df, nc, crit)
    high = np.where(np.isnan(below), ndtr(nc - crit), 1 - below)  # a normal stand-in only where scipy gives up
    return high + low


def seeds_needed(a, b, exact_a: bool = False, exact_b: bool = False, power: float = POWER, alpha: float = ALPHA) -> float:
    """About how many seeds per side a t-test needs to tell mean(a) from mean(b) at the measured variance.

    Two-sample (equal seeds per side, standardised by the root mean of the two variances, which is
    the Welch variance at equal n) or, when one side is exact, seeds of the other against it
    (one-sample). The smallest n ≥ 2 with power ≥ `power` at two-sided level `alpha`; inf when the
    means are equal or it would take more than MAX_SEEDS; nan when a side is neither exact nor ≥ 2
    values; 0 when both are exact (nothing to sample); nan when seeds on neither side vary (no
    variance to size a sample with).
    """
    sides = _sides(a, b, exact_a, exact_b)
    if sides is None:
        return float("nan")
    a, b = sides
    if exact_a and exact_b:
        return 0.0
    one_sample = exact_a or exact_b
    diff = abs(a.mean() - b.mean())
    var = sum(v.var(ddof=1) for v in (a, b) if v.size > 1) / (1 if one_sample else 2)
    if diff == 0:
        return float("inf")
    if var == 0:
        return float("nan")
    return seeds_for_effect(diff / np.sqrt(var), one_sample, power, alpha)


def seeds_for_effect(effect: float, one_sample: bool = False, power: float = POWER, alpha: float = ALPHA) -> float:
    """Smallest n ≥ 2 seeds per side (or against an exact value) whose t-test has `power` at two-sided
    `alpha` for a standardised difference `effect`; inf past MAX_SEEDS."""
    hi = 2
    while _power(np.array([hi]), effect, one_sample, alpha)[0] < power:
        if hi >= MAX_SEEDS:
            return float("inf")
        hi = min(hi * 2, MAX_SEEDS)
    grid = np.arange(max(2, hi // 2), hi + 1)
    return float(grid[np.argmax(_power(grid, effect, one_sample, alpha) >= power)])


# --------------------------------------------------------------------------------------------------
# Across problems: normalised scores and their aggregates


def normalized_score(x, random: float | None, reference: float | None) -> np.ndarray:
    """(x - random) / (reference - random) for `x` of any shape; 0 = random play, 1 = reference.

    Direction is carried by the reference points: for a lower-is-better metric the reference lies
    below random (loss 0.1 vs 2.3) and the formula still grows as the model improves. Without both
    points (or with reference == random) the result is nan, and the problem drops out of aggregates.
    """
    x = np.asarray(x, dtype=float)
    if random is None or reference is None or reference == random:
        return np.full_like(x, np.nan)
    return (x - random) / (reference - random)


def mean(groups: Sequence[np.ndarray]) -> float:
    """Mean over problems of each problem's mean score (rliable's `aggregate_mean`): problems weigh equally."""
    m = [g.mean() for g in map(_finite, groups) if g.size]
    return float(np.mean(m)) if m else float("nan")


def median(groups: Sequence[np.ndarray]) -> float:
    """Median over problems of each problem's mean score (rliable's `aggregate_median`)."""
    m = [g.mean() for g in map(_finite, groups) if g.size]
    return float(np.median(m)) if m else float("nan")


def optimality_gap(x: np.ndarray, gamma: float = 1.0) -> float:
    """How far runs fall short of `gamma` on average: mean(max(gamma - x, 0)) over all runs; lower is better."""
    x = _finite(x)
    return float(np.maximum(gamma - x, 0).mean()) if x.size else float("nan")


AGGREGATES = ("iqm", "mean", "median", "optimality_gap")


def _pool(groups: Sequence[np.ndarray]) -> np.ndarray:
    return np.concatenate([_finite(g) for g in groups]) if groups else np.array([])


def _problem_weights(counts: Sequence[int]) -> np.ndarray:
    """1/n_p for each of problem p's n_p runs, concatenated: every problem's runs share a weight of 1."""
    return np.concatenate([np.full(c, 1.0 / c) for c in counts])


def stratified_resamples(
    groups: Sequence[np.ndarray], reps: int, rng: np.random.Generator, sizes: Sequence[int] | None = None
) -> list[np.ndarray]:
    """For each problem's runs (shape (n_p,)), `reps` resamples with replacement *within* that problem.

    Returns one array of shape (reps, n_p) per problem (or (reps, sizes[p]): `subsample_sizes`): the
    stratified bootstrap, which keeps every problem's weight fixed while the seeds vary.
    """
    out = []
    for i, g in enumerate(groups):
        g = _finite(g)
        m = g.size if sizes is None else sizes[i]
        out.append(g[rng.integers(0, g.size, size=(reps, m))] if g.size else np.empty((reps, 0)))
    return out


def weighted_trimmed_mean(x: np.ndarray, w: np.ndarray, cut: float = 0.25) -> np.ndarray:
    """Row-wise mean of the middle 1 − 2·cut of the weight: x (R, N), weights w (N,) → (R,).

    Each row is sorted with its weights; a value straddling a cut point counts with the part of its
    weight inside. With weight 1/n_p on each of problem p's n_p runs, every problem weighs the same
    in the IQM however many seeds it has.
    """
    order = np.argsort(x, axis=1, kind="stable")
    xs, ws = np.take_along_axis(x, order, axis=1), np.asarray(w, dtype=float)[order]
    ws = ws / ws.sum(axis=1, keepdims=True)
    upper = np.cumsum(ws, axis=1)
    kept = np.clip(np.minimum(upper, 1 - cut) - np.maximum(upper - ws, cut), 0, None)  # (R, N)
    return (kept * xs).sum(axis=1) / kept.sum(axis=1)


def aggregate_intervals(
    groups: Sequence[np.ndarray],
    confidence: float = CONFIDENCE,
    reps: int = REPS,
    seed: int = 0,
    method: str = "t",
    over_problems: bool = False,
) -> dict[str, tuple[float, float, float]]:
    """{aggregate: (point, low, high)} of IQM, mean, median and optimality gap over normalised scores.

    Every problem weighs the same in each aggregate. Mean and median are taken over the per-problem
    mean scores (rliable). IQM and optimality gap pool every run as in rliable, which weighs problems
    equally when each has as many runs; when seed counts differ, each run weighs 1/n_p of its
    problem's share (`weighted_trimmed_mean`), so a problem with 10 seeds does not outweigh one with 3.

    `groups` holds one array of runs per problem (shape (n_p,), ragged). `method="percentile"`: percentile
    intervals of the stratified bootstrap (rliable's `get_interval_estimates` with StratifiedBootstrap),
    which held the true value in only 76-92 % of simulated sets at the suite's shapes (2-6 problems ×
    3-5 seeds): with 3 seeds a resample varies less than new seeds would. `method="t"` (the reports'):
    point ± t_{df} × the bootstrap's standard deviation inflated by sqrt(n / (n − 1)), df by
    Welch-Satterthwaite over the problems: 94-97 % (`benchmarks/aggregate_coverage.py`).
    `over_problems` also resamples the problems (rliable's `task_bootstrap`): an interval for new
    problems of the same kind, not only new seeds on these (df = problems − 1).
    """
    groups = [_finite(g) for g in groups]
    groups = [g for g in groups if g.size]
    if not groups:
        return {k: (float("nan"),) * 3 for k in AGGREGATES}
    pooled = _pool(groups)
    rng = np.random.default_rng(seed)
    scale = 1.0
    if over_problems and len(groups) > 1:  # rliable's task bootstrap: which problems, then which seeds
        picks = rng.integers(0, len(groups), size=(reps, len(groups)))  # (reps, P)
        res = [np.stack([groups[j][rng.integers(0, groups[j].size, groups[j].size)] for j in picks[:, p]]) for p in range(len(groups))]
        if len({g.size for g in groups}) > 1:
            raise ValueError("over_problems needs the same seed count on every problem")
    else:
        sizes, scale = subsample_sizes([g.size for g in groups])  # all runs, or an equal share past BOOT_RUNS
        res = stratified_resamples(groups, reps, rng, sizes)  # P arrays of (reps, m_p)
    flat = np.concatenate(res, axis=1)  # (reps, M)
    means = np.stack([r.mean(axis=1) for r in res], axis=1)  # (reps, P): per-problem means
    w, w_boot = _problem_weights([g.size for g in groups]), _problem_weights([r.shape[1] for r in res])
    if len({g.size for g in groups}) == 1:  # equal seed counts: rliable's own IQM (int(n/4) cut), already equal-weight
        iqm_point = iqm(pooled)
    else:
        iqm_point = float(weighted_trimmed_mean(pooled[None, :], w)[0])
    iqm_boot = trimmed_mean(flat) if len({r.shape[1] for r in res}) == 1 else weighted_trimmed_mean(flat, w_boot)
    boots = {
        "iqm": iqm_boot,
        "mean": means.mean(axis=1),
        "median": np.median(means, axis=1),
        "optimality_gap": (np.maximum(1.0 - flat, 0) * w_boot).sum(axis=1) / w_boot.sum(),
    }
    boots = {k: rescale(b, scale) for k, b in boots.items()}
    gap = float((np.maximum(1.0 - pooled, 0) * w).sum() / w.sum())
    points = {"iqm": iqm_point, "mean": mean(groups), "median": median(groups), "optimality_gap": gap}
    alpha = (1 - confidence) / 2
    if method == "percentile":
        return {k: (points[k], float(np.quantile(boots[k], alpha)), float(np.quantile(boots[k], 1 - alpha))) for k in AGGREGATES}
    n = np.array([g.size for g in groups], dtype=float)
    inflate = float(np.sqrt(np.mean(n) / (np.mean(n) - 1))) if np.mean(n) > 1 else 1.0
    q = float(_t_quantile(1 - alpha, _aggregate_df(groups, over_problems)))
    out = {}
    for k in AGGREGATES:
        half = q * inflate * float(np.std(boots[k], ddof=1))
        low, high = points[k] - half, points[k] + half
        if k == "optimality_gap":
            low, high = max(low, 0.0), min(high, 1.0)  # a mean shortfall below 1: inside [0, 1]
        out[k] = (points[k], float(low), float(high))
    return out


def _aggregate_df(groups: Sequence[np.ndarray], over_problems: bool) -> float:
    """Welch-Satterthwaite degrees of freedom of a mean over problems of per-problem means (P − 1 across problems)."""
    if over_problems:
        return max(len(groups) - 1, 1)
    a = np.array([g.var(ddof=1) / g.size if g.size > 1 else 0.0 for g in groups])
    d = np.array([max(g.size - 1, 1) for g in groups])
    return float(a.sum() ** 2 / np.sum(a**2 / d)) if a.sum() > 0 else np.inf


# --------------------------------------------------------------------------------------------------
# Between models


def _prob_greater(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """P(X > Y) + ½ P(X = Y) along the last axis pair: x (..., n), y (..., m) → (...,).

    Every pair compared when n·m is small; else by binary search in sorted y (left + right insertion
    points count y < x twice and y = x once), O((n+m) log m) where the pairs take n·m.
    """
    n, m = x.shape[-1], y.shape[-1]
    if n * m <= 4096:
        gt = (x[..., :, None] > y[..., None, :]).mean(axis=(-2, -1))
        eq = (x[..., :, None] == y[..., None, :]).mean(axis=(-2, -1))
        return gt + 0.5 * eq
    xs, ys = x.reshape(-1, n), np.sort(y, axis=-1).reshape(-1, m)  # x and y of the same leading shape
    counts = [(np.searchsorted(b, a, "left") + np.searchsorted(b, a, "right")).sum() for a, b in zip(xs, ys)]
    return (np.array(counts, dtype=float) / (2 * n * m)).reshape(x.shape[:-1])


def probability_of_improvement(
    xs: Sequence[np.ndarray],
    ys: Sequence[np.ndarray],
    higher_is_better: bool | Sequence[bool] = True,
    confidence: float = CONFIDENCE,
    reps: int = REPS,
    seed: int = 0,
) -> tuple[float, float, float]:
    """P(X > Y) averaged over problems, with a stratified-bootstrap interval: (point, low, high).

    `xs[p]` (shape (n_p,)) and `ys[p]` (shape (m_p,)) are model X's and Y's seeds on problem p; a
    problem where either has no run is skipped. Per problem this is the Mann-Whitney U statistic
    divided by n·m (ties count one half), as in rliable's `probability_of_improvement`. Raw scores
    work as well as normalised ones because only comparisons within a problem are made;
    `higher_is_better` (one flag, or one per problem) flips the comparison for lower-is-better metrics.
    """
    flags = [higher_is_better] * len(xs) if isinstance(higher_is_better, (bool, np.bool_)) else list(higher_is_better)
    pairs = []
    for x, y, hib in zip(xs, ys, flags):
        x, y = _finite(x), _finite(y)
        if x.size and y.size:
            pairs.append((x, y) if hib else (-x, -y))
    if not pairs:
        return (float("nan"),) * 3
    point = float(np.mean([_prob_greater(x, y) for x, y in pairs]))
    sizes, scale = subsample_sizes([a.size for pair in pairs for a in pair])
    rng = np.random.default_rng(seed)
    boots = []
    for (x, y), nx, ny in zip(pairs, sizes[0::2], sizes[1::2]):
        bx = x[rng.integers(0, x.size, size=(reps, nx))]  # (reps, n), or fewer past BOOT_RUNS
        by = y[rng.integers(0, y.size, size=(reps, ny))]  # (reps, m)
        boots.append(_prob_greater(bx, by))  # (reps,)
    boot = rescale(np.mean(boots, axis=0), scale)
    alpha = (1 - confidence) / 2
    return (point, float(np.quantile(boot, alpha)), float(np.quantile(boot, 1 - alpha)))


# --------------------------------------------------------------------------------------------------
# Performance profiles


def score_profile(groups: Sequence[np.ndarray], taus: np.ndarray) -> np.ndarray:
    """rliable's score distribution: ρ(τ) = mean over problems of the fraction of runs scoring > τ.

    `groups`: one array of normalised scores per problem (shape (n_p,)); `taus` shape (T,) → (T,).
    Averaging within each problem first keeps a problem with 10 seeds from outweighing one with 3.
    """
    taus = np.asarray(taus, dtype=float)
    rows = [(_finite(g)[:, None] > taus[None, :]).mean(axis=0) for g in groups if _finite(g).size]
    return np.mean(rows, axis=0) if rows else np.full(taus.shape, np.nan)


def time_to_target(wall_s, values, threshold: float, higher_is_better: bool = True) -> float:
    """First time at which a curve reaches `threshold`; inf when it never does.

    `wall_s`, `values`: shape (k,), one curve in time order (AlgoPerf's time-to-result).
    """
    wall_s, values = np.asarray(wall_s, dtype=float), np.asarray(values, dtype=float)
    hit = values >= threshold if higher_is_better else values <= threshold
    idx = np.flatnonzero(hit)
    return float(wall_s[idx[0]]) if idx.size else float("inf")


def median_time(times) -> float:
    """Median over seeds of time-to-target (shape (n,)), where a seed that missed counts as inf.

    So a model that misses on more than half its seeds has no time on that problem (AlgoPerf takes
    the median over its independent trials too).
    """
    t = np.asarray(times, dtype=float)
    t = t[~np.isnan(t)]
    return float(np.median(t)) if t.size else float("nan")


def performance_ratios(times: np.ndarray) -> np.ndarray:
    """r[s, p] = t[s, p] / min_s t[s, p] for times of shape (models, problems); inf where missed.

    A problem no model solved gives inf for all; nan (not run) stays nan.
    """
    times = np.asarray(times, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        best = np.nanmin(np.where(np.isnan(times), np.inf, times), axis=0)  # (problems,)
        r = times / best[None, :]
    r[np.isinf(best)[None, :] & ~np.isnan(times)] = np.inf
    return r


def time_profile(ratios: np.ndarray, taus: np.ndarray) -> np.ndarray:
    """AlgoPerf performance profile ρ_s(τ): fraction of problems with r ≤ τ; (models, problems) → (models, T).

    A problem a model was not run on (nan) counts as a miss, as AlgoPerf scores a missing workload.
    """
    r = np.where(np.isnan(ratios), np.inf, np.asarray(ratios, dtype=float))
    return (r[:, :, None] <= np.asarray(taus)[None, None, :]).mean(axis=1)


def profile_score(ratios: np.ndarray, tau_max: float = TAU_MAX) -> np.ndarray:
    """Area under ρ_s(τ) for τ in [1, tau_max], divided by (tau_max - 1): 1 = fastest everywhere.

    ρ is a step function, so the area is exact: a problem with ratio r adds (tau_max - r)⁺ / (tau_max - 1).
    `ratios` (models, problems) → (models,).
    """
    r = np.where(np.isnan(ratios), np.inf, np.asarray(ratios, dtype=float))
    part = np.clip(tau_max - np.maximum(r, 1.0), 0, None) / (tau_max - 1.0)  # (models, problems)
    return part.mean(axis=1)


# --------------------------------------------------------------------------------------------------
# Curves


def curve_band(
    xs: Sequence[np.ndarray], ys: Sequence[np.ndarray], points: int = 100, confidence: float = CONFIDENCE, reps: int = 500, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Mean curve over seeds with a bootstrap band: (grid (G,), mean (G,), low (G,), high (G,)).

    Seed s's curve is (xs[s] (k_s,), ys[s] (k_s,)), x increasing. Curves are linearly interpolated on
    a common grid that ends where the shortest seed ends, so the band never mixes in missing seeds.
    500 resamples: a band is drawn, not reported, so its edges need less precision than a table's CI.
    """
    pairs = [(np.asarray(x, float), np.asarray(y, float)) for x, y in zip(xs, ys) if len(x)]
    if not pairs:
        empty = np.array([])
        return empty, empty, empty, empty
    lo_x = max(x.min() for x, _ in pairs)
    hi_x = min(x.max() for x, _ in pairs)
    grid = np.unique(np.concatenate([x for x, _ in pairs])) if hi_x <= lo_x else np.linspace(lo_x, hi_x, points)
    grid = grid[(grid >= lo_x) & (grid <= hi_x)] if hi_x > lo_x else grid[:1]
    Y = np.stack([np.interp(grid, x, y) for x, y in pairs])  # (S, G)
    m = Y.mean(axis=0)
    if len(pairs) < 2:
        return grid, m, m.copy(), m.copy()
    rng = np.random.default_rng(seed)
    boot = Y[rng.integers(0, len(pairs), size=(reps, len(pairs)))].mean(axis=1)  # (reps, G)
    alpha = (1 - confidence) / 2
    return grid, m, np.quantile(boot, alpha, axis=0), np.quantile(boot, 1 - alpha, axis=0)
