"""A verdict with the fewest seeds: a group-sequential comparison of two models, looked at after every round.

    bench compare my_mlp --problems digits --against mlp --until-decided

After each round both sides have n_k seeds (n_1 = `start`, then `step` more, up to `max_seeds`). At
look k the comparison is decided when
- **better / worse**: Welch's two-sided test of a difference rejects at level α_k, or
- **equivalent**: both one-sided Welch tests of |Δ| ≥ margin reject at level α_k (TOST),
else another round follows; at `max_seeds` without a verdict it is "undecided at N seeds".

α_k is what a Lan-DeMets O'Brien-Fleming spending function releases between the looks k-1 and k:
α(t) = 2 - 2 Φ(z_{1-α/2} / √t), t = n_k / max_seeds. The looks' levels add up to α, so by the union
bound neither error (a false difference, a false equivalence) exceeds α however often one looks, and
early looks spend little, which keeps the last look close to a fixed design's power. With several
opponents at once α is split between them (Bonferroni), so the error holds over the whole board.
`benchmarks/sequential_compare.py` checks the error, the power and the seeds saved by simulation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

ALPHA = 0.05
# The equivalence margin when none is given: 2 % of the distance between the problem's random and
# reference points, the same rule for every family (digits accuracy: 0.0178; CartPole: 9.6 return).
MARGIN_SHARE = 0.02


def spent(t: float, alpha: float = ALPHA) -> float:
    """O'Brien-Fleming-type cumulative α at information fraction t in (0, 1] (Lan & DeMets 1983). A Pocock
    type, α ln(1 + (e - 1) t), was tried: it stops a little earlier and needs larger last looks; it saved
    no more seeds in benchmarks/sequential_compare.py (+6 % against +7 %)."""
    if t <= 0:
        return 0.0
    return float(2 - 2 * stats.norm.cdf(stats.norm.ppf(1 - alpha / 2) / np.sqrt(min(t, 1.0))))


def looks(start: int, step: int, max_seeds: int) -> list[int]:
    """Seeds per side at each look: start, start + step, ..., max_seeds."""
    out = list(range(start, max_seeds, step))
    return [*out, max_seeds]


def level(k: int, plan: list[int], alpha: float) -> float:
    """α released at look k (0-based) of `plan`."""
    n = plan[-1]
    return spent(plan[k] / n, alpha) - (spent(plan[k - 1] / n, alpha) if k else 0.0)


def default_margin(random: float | None, reference: float | None) -> float | None:
    if random is None or reference is None or reference == random:
        return None
    return MARGIN_SHARE * abs(reference - random)


@dataclass
class Look:
    n: int
    verdict: str  # "better" | "worse" | "equivalent" | "continue" | "undecided"
    diff: float  # mean(model) - mean(other), in the metric's units
    interval: tuple[float, float]  # (1 - 2 α_k) interval of diff at this look (the TOST's)
    p_difference: float
    p_equivalence: float
    alpha_k: float


def _welch(a: np.ndarray, b: np.ndarray) -> tuple[float, float, float]:
    """(difference of means, its standard error, Welch-Satterthwaite degrees of freedom)."""
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    se = float(np.sqrt(va + vb))
    df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1)) if se > 0 else float("inf")
    return float(a.mean() - b.mean()), se, float(df)


def look(
    model: np.ndarray, other: np.ndarray, k: int, plan: list[int], margin: float, higher_is_better: bool, alpha: float = ALPHA
) -> Look:
    """The decision at look k with the first plan[k] seeds of each side."""
    n = plan[k]
    a, b = np.asarray(model[:n], float), np.asarray(other[:n], float)
    a_k = level(k, plan, alpha)
    if len(b) == 1:  # an exact entry (deterministic model): one-sample test of the seeds against its value
        diff, se, df = float(a.mean() - b[0]), float(a.std(ddof=1) / np.sqrt(len(a))), float(len(a) - 1)
    else:
        diff, se, df = _welch(a, b)
    last = k == len(plan) - 1
    if se == 0:  # neither side varies (a return at its cap): no test can be made; more seeds may vary
        return Look(n, "undecided" if last else "continue", diff, (diff, diff), float("nan"), float("nan"), a_k)
    p_diff = float(2 * stats.t.sf(abs(diff) / se, df))
    p_equiv = float(max(stats.t.sf((diff + margin) / se, df), stats.t.sf((margin - diff) / se, df)))
    half = float(stats.t.ppf(1 - a_k, df) * se) if a_k > 0 else float("inf")
    if p_diff < a_k:
        verdict = "better" if (diff > 0) == higher_is_better else "worse"
    elif p_equiv < a_k:
        verdict = "equivalent"
    else:
        verdict = "undecided" if last else "continue"
    return Look(n, verdict, diff, (diff - half, diff + half), p_diff, p_equiv, a_k)


def fixed_n(effect: float, sd: float, power: float = 0.8, alpha: float = ALPHA, cap: int = 200) -> int:
    """Seeds a side a single Welch test at `alpha` needs for `power` at a true difference `effect` (normal
    approximation refined by the noncentral t, as stats.seeds_needed)."""
    if sd <= 0:
        return 2
    for n in range(2, cap + 1):
        df = 2 * n - 2
        nc = effect / (sd * np.sqrt(2 / n))
        crit = stats.t.ppf(1 - alpha / 2, df)
        if stats.nct.sf(crit, df, nc) + stats.nct.cdf(-crit, df, nc) >= power:
            return n
    return cap


def fixed_n_equivalence(margin: float, sd: float, power: float = 0.8, alpha: float = ALPHA, cap: int = 200) -> int:
    """Seeds a side a single TOST at `alpha` needs to show equivalence within `margin` with `power` when
    the true difference is zero (noncentral t, both one-sided tests at alpha)."""
    if sd <= 0:
        return 2
    for n in range(2, cap + 1):
        df = 2 * n - 2
        nc = margin / (sd * np.sqrt(2 / n))
        if 1 - 2 * stats.nct.cdf(stats.t.ppf(1 - alpha, df), df, nc) >= power:
            return n
    return cap


def max_seeds_for(margin: float, sd: float, power: float = 0.8, alpha: float = ALPHA, step: int = 2, cap: int = 30) -> int:
    """The last look's seeds a side: the fewest whose last look alone (at the α it is left, 0.03-0.04 of
    0.05) has `power` at a difference of one margin, at least 5, at most `cap`."""
    for n in range(5, cap + 1):
        plan = looks(3, step, n)
        if fixed_n(margin, sd, power, level(len(plan) - 1, plan, alpha)) <= n:
            return n
    return cap


def fixed_n_power(n: int, effect: float, sd: float, alpha: float = ALPHA, reps: int = 4000, seed: int = 0) -> float:
    """Monte Carlo power of one Welch test at n seeds a side for a true difference `effect`."""
    rng = np.random.default_rng(seed)
    a = rng.normal(effect, sd, (reps, n))
    b = rng.normal(0.0, sd, (reps, n))
    p = stats.ttest_ind(a, b, axis=1, equal_var=False).pvalue
    return float(np.mean(p < alpha))
