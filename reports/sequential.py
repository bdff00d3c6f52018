"""A verdict with the fewest seeds: a group-sequential comparison of two models, looked at after every round.

    bench compare my_mlp --problems digits --against mlp --until-decided

Look k has m_k seeds of the model (2, 3, 4, ... then ~5 % more a round, up to `max_seeds`) and o_k of
the other, o_k = max(m_k, its seeds already recorded): shipped seeds cost nothing, so every look uses
them all. At look k the comparison stops as
- **better / worse**: Welch's t of the difference, turned into a normal score z_k through its own
  t law (z_k = Φ⁻¹(F_t(t_k; ν_k))), has |z_k| ≥ c·w_k; a false "better/worse" when Δ = 0 is ≤ α;
- **equivalent**: both one-sided Welch statistics of |Δ| ≥ margin (TOST) have z ≥ e·w_k; a false
  "equivalent" when |Δ| = margin is ≤ α;
- **futile** (the default design only): both have z ≥ f·w_k, a lower bar than e·w_k: a difference of
  one margin ends here (or as "equivalent") at most 1 - POWER = 20 % of the time, as often as the fixed
  design of 80 % power misses it. More seeds would be unlikely to show a difference of one margin;
else another round follows; at the last look without a verdict it is "undecided at N seeds".

The boundaries are calibrated exactly for the correlated sequence of looks, not by a union bound: with
normal seeds of one spread the joint law of (z_1, ..., z_K) under Δ = 0 depends on the look sizes only,
so c is the (1 - 0.96 α) quantile of max_k |z_k| / w_k over 50,000 simulated null paths (0.96: the
quantile's own simulation error), and e the (1 - 0.96 α) quantile of max_k z_k / w_k (a one-sided
crossing of the centred statistic bounds a false equivalence at |Δ| = margin, as the TOST's), and f its
(1 - 0.2) quantile, capped at e: the same bound at 20 %, so an "equivalent" counts in those 20 % (the
bound ignores the paths the difference boundary stops first, so the rate is below it). Futility is
non-binding: c ignores it, so running on after a futile look keeps the error of "better/worse". The
shapes w_k = (I_k / I_K)^(ρ - 1/2) with I = 1 / (1/m + 1/o) are Wang & Tsiatis's (O'Brien-Fleming is
ρ = 0, Pocock 0.5).
The last look is the fewest seeds with 80 % power for "better" at a difference of one margin, by the
same simulation, at the other model's spread, or, from the first look where the model's seeds so far are
clearly noisier, at one that pools both (spread_levels): an internal pilot, re-run at every look, in which
the spreads, never the difference, set the plan, before that look's test. A re-sized plan only grows and
keeps the looks made so far; no plan ends at its first look (MIN_LAST), since 2 seeds can show neither.
With `strict=True` there is no futility bar, and the last look also has 80 % power to show "equivalent"
at Δ = 0: the plan for a user who must prove equivalence (many more seeds).
With several opponents at once α is split between them (Bonferroni), so the error holds over the board.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import numpy as np
from scipy import special, stats

ALPHA = 0.05
# The equivalence margin when none is given: 2 % of the distance between the problem's random and
# reference points, the same rule for every family (digits accuracy: 0.0178; CartPole: 9.6 return).
MARGIN_SHARE = 0.02
# Wang-Tsiatis boundary shapes (0: O'Brien-Fleming, 0.5: Pocock), chosen on the replays of
# benchmarks/sequential_compare.py --seed 0 (its tables are written from --seed 1). Strict design: a grid
# of 7 pairs saved 15-19 % of the seeds, this pair 19 %. Default design (with futility): the futility
# shape 0.35 saved 22.0 % of seeds trained, 0.15 21.4 %, and a difference shape of 0.45 21.7 % (10 tasks,
# 2,000 paths per power simulation, looks every ~10 %). Re-checked with looks from 2 seeds: this triple
# saved 30.2 %, the others 28.7-29.9 % (a design with one-look plans, since dropped: MIN_LAST).
RHO = 0.35  # the difference's: it spends a little more α early than O'Brien-Fleming
RHO_EQUIVALENCE = 0.15  # the equivalence's: early looks, with few seeds, rarely show it anyway
RHO_FUTILITY = 0.35
POWER = 0.8
FUTILITY = 1 - POWER  # a difference of one margin stops as "futile" or "equivalent" at most this often
CALIBRATION_REPS = 50_000  # null paths per look schedule: the quantile's α is within ±0.002 (2 SE) ...
CALIBRATION_ALPHA_SHARE = 0.96  # ... so it is calibrated at 0.96 α (0.048 for 0.05): ≤ α despite that error
POWER_REPS = 8_000  # paths per scenario when sizing the last look (with boundaries from 10,000 paths: fast) ...
POWER_SLACK = 0.009  # ... whose power must reach 80 % + 2 SE of that simulation, so that fresh paths see ≥ 80 %
# (2,000 paths and a slack of 0.018 planned last looks 5-10 % longer: 1.1 points of seeds saved)
CAP = 100  # seeds 100 and up are kept for tuning
GROWTH = 0.05  # from 30 seeds on each round adds ~5 %, so 100 seeds take 53 looks, not 98 (10 %: 33 looks,
# and 0.9 points fewer seeds saved in the replays of --seed 0; a look every seed: 0.1 points more than 5 %)
PILOT = 2  # the model's first look; from here on the model's seeds so far size the plan (spread_levels)
MIN_LAST = PILOT + 1  # no plan ends at its first look: 2 seeds can neither show a noisier model nor be re-sized after
RESIZE_LEVEL = 0.05  # the F test's level that calls the model's seeds so far noisier than the other's
GRID = 2**0.25  # design spreads are rounded up to the other's × a power of this

# verdict codes of `decide`, on values oriented so that higher is better
BETTER, WORSE, EQUIVALENT, UNDECIDED, FUTILE, CONTINUE = 1, -1, 0, 2, 3, 4
WORDS = {BETTER: "better", WORSE: "worse", EQUIVALENT: "equivalent", UNDECIDED: "undecided", FUTILE: "futile", CONTINUE: "continue"}


class Plan(NamedTuple):
    """The looks of one comparison: the model's and the other's seeds at each, and whether it may stop
    as futile (not in the strict design)."""

    model: tuple[int, ...]
    other: tuple[int, ...]
    futility: bool = True


def default_margin(random: float | None, reference: float | None) -> float | None:
    if random is None or reference is None or reference == random:
        return None
    return MARGIN_SHARE * abs(reference - random)


def looks(max_seeds: int, step: int = 1, start: int = PILOT, growth: float = GROWTH) -> list[int]:
    """The model's seeds at each look: start, then + max(step, ~growth × n), ending at max_seeds (or at
    start, when that is more). Plans of any length share their looks up to the shorter one's last."""
    if max_seeds <= start:
        return [max(max_seeds, 2)]
    out = [start]
    while out[-1] < max_seeds:
        out.append(min(max_seeds, out[-1] + max(step, round(growth * out[-1]))))
    return out


def schedule(model_seeds: list[int], free_other: int, exact_other: bool = False, futility: bool = True) -> Plan:
    """(model's seeds, other's seeds) at each look: the other uses all its free seeds from the first look
    (one value when it is exact: a deterministic model)."""
    other = [1 if exact_other else max(n, free_other) for n in model_seeds]
    return Plan(tuple(model_seeds), tuple(other), futility)


def welch(a: np.ndarray, b: np.ndarray, m: np.ndarray, o: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Difference of means, standard error and Welch-Satterthwaite degrees of freedom at every look.

    a: (R, m_K) model seeds, b: (R, o_K) other seeds, m, o: (K,) seeds used at each look -> three (R, K).
    One seed of the other (an exact value) gives the one-sample test against it.

    A side whose seeds so far are all equal (a return at its cap, an accuracy on a finite test set) says
    nothing of its spread, yet its zero variance would leave the standard error to the other side alone:
    seeds of mnist1d_mlp resampled from its 5 shipped accuracies gave 5.8 % false "better/worse" that way.
    Such a side borrows the other side's spread per seed, and the degrees of freedom are the other side's
    alone (4.8 % with it; 5.4 % at 100,000 replays, from seeds that tie in part). Ties are found from
    running minima and maxima, exactly: a cumulative sum of squares leaves ~1e-17 of rounding where the
    seeds are equal. Both sides tied: se 0, no test.

    A look at 2 seeds of the model takes 1 degree of freedom (Hsu's min(m, o) - 1), not the
    Welch-Satterthwaite estimate: from 2 seeds that estimate runs high whenever the two happen to lie
    close. Welch's test of 2 seeds against 5 errs 6.4 % of the time at α = 5 % with equal spreads and 10 %
    with the model 2-5× noisier; calibrated at equal spreads, the whole procedure still gave 6.7 % false
    verdicts for a model 2× noisier and 10.2 % for one 3× (a plan to 4 seeds). With Hsu's: 3.3 % and 6.0 %
    (docs/reproducibility.md)."""
    m, o = np.asarray(m), np.asarray(o)
    ca, ca2 = np.cumsum(a, 1), np.cumsum(a * a, 1)
    cb, cb2 = np.cumsum(b, 1), np.cumsum(b * b, 1)
    mean_a, mean_b = ca[:, m - 1] / m, cb[:, o - 1] / o
    s2_a = np.maximum(ca2[:, m - 1] - m * mean_a**2, 0) / (m - 1)
    tied_a = _tied(a, m)
    s2_a[tied_a] = 0.0
    exact_b = (o == 1).all()
    if exact_b:
        s2_b, df_b = np.zeros_like(s2_a), np.ones_like(o)
        tied_b = np.zeros_like(tied_a)
    else:
        s2_b, df_b = np.maximum(cb2[:, o - 1] - o * mean_b**2, 0) / (o - 1), o - 1
        tied_b = _tied(b, o)
        s2_b[tied_b] = 0.0
    df_a = np.broadcast_to(m - 1, s2_a.shape).astype(float)
    df_b = np.broadcast_to(df_b, s2_b.shape).astype(float)
    borrow_a, borrow_b = tied_a & ~tied_b & ~exact_b, tied_b & ~tied_a
    s2_a, s2_b = np.where(borrow_a, s2_b, s2_a), np.where(borrow_b, s2_a, s2_b)
    var_a, var_b = s2_a / m, s2_b / o
    se = np.sqrt(var_a + var_b)
    with np.errstate(invalid="ignore", divide="ignore"):
        df = (var_a + var_b) ** 2 / (var_a**2 / df_a + var_b**2 / df_b)
    df = np.where(borrow_a, df_b, np.where(borrow_b, df_a, df))
    # Hsu's at 2 seeds (see above); min(m, o) - 1 is 1 only there: every schedule has o_k = max(m_k, free) ≥ m_k
    # (an exact other, o = 1, is a value, not a sample)
    df = np.where(m == 2, np.minimum(df, 1.0), df)
    return mean_a - mean_b, se, np.nan_to_num(df, nan=1.0)


def _tied(x: np.ndarray, n: np.ndarray) -> np.ndarray:
    """(R, K): whether the first n[k] values of each row are all equal."""
    return np.minimum.accumulate(x, 1)[:, n - 1] == np.maximum.accumulate(x, 1)[:, n - 1]


def score(t: np.ndarray, df: np.ndarray) -> np.ndarray:
    """The normal score of a t statistic with df degrees of freedom (same tail probability)."""
    return -np.sign(t) * special.ndtri(special.stdtr(df, -np.abs(t)))  # scipy.special: 4x stats.t's speed


def _information(m: tuple[int, ...], o: tuple[int, ...]) -> np.ndarray:
    m_, o_ = np.asarray(m, float), np.asarray(o, float)
    info = 1 / (1 / m_ + np.where(o_ == 1, 0.0, 1 / o_))
    return info / info[-1]


@lru_cache(maxsize=256)
def boundaries(
    m: tuple[int, ...],
    o: tuple[int, ...],
    alpha: float = ALPHA,
    rho: float = RHO,
    rho_eq: float = RHO_EQUIVALENCE,
    reps: int = CALIBRATION_REPS,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(difference, equivalence, futility) critical normal scores at each look, calibrated on simulated
    null paths (a fixed RNG seed, so the command and the replays agree)."""
    rng = np.random.default_rng(29)
    a = rng.standard_normal((reps, m[-1]))
    b = rng.standard_normal((reps, o[-1])) if o[-1] > 1 else np.zeros((reps, 1))  # an exact value
    diff, se, df = welch(a, b, np.array(m), np.array(o))
    z = score(diff / se, df)
    w, w_eq = _information(m, o) ** (rho - 0.5), _information(m, o) ** (rho_eq - 0.5)
    level = CALIBRATION_ALPHA_SHARE * alpha
    c = float(np.quantile(np.max(np.abs(z) / w, 1), 1 - level))
    e = float(np.quantile(np.max(z / w_eq, 1), 1 - level))
    w_f = _information(m, o) ** (RHO_FUTILITY - 0.5)
    f = float(np.quantile(np.max(z / w_f, 1), 1 - FUTILITY))
    return c * w, e * w_eq, np.minimum(f * w_f, e * w_eq)


def _scores(a: np.ndarray, b: np.ndarray, m, o, margin: float):
    """Per path and look: the difference, its normal score, and the TOST's smaller normal score."""
    diff, se, df = welch(np.atleast_2d(a), np.atleast_2d(b), np.array(m), np.array(o))
    with np.errstate(invalid="ignore", divide="ignore"):
        z = score(diff / se, df)
        z_eq = np.minimum(score((diff + margin) / se, df), score((margin - diff) / se, df))
    return diff, z, z_eq, se > 0


def verdicts(a: np.ndarray, b: np.ndarray, plan: Plan, margin: float, alpha: float = ALPHA, calibration: int = CALIBRATION_REPS):
    """What each look would say on pre-drawn seeds oriented so that higher is better: a (R, m_K),
    b (R, o_K) -> verdict codes (R, K), CONTINUE where a look stops nothing, UNDECIDED at the last.
    Looks where no side varies continue."""
    m, o = plan.model, plan.other
    cd, ce, cf = boundaries(m, o, alpha, RHO, RHO_EQUIVALENCE, calibration)
    diff, z, z_eq, varies = _scores(a, b, m, o, margin)
    out = np.select(
        [varies & (np.abs(z) >= cd), varies & (z_eq >= ce), varies & (z_eq >= cf) & plan.futility],
        [np.where(diff > 0, BETTER, WORSE), EQUIVALENT, FUTILE],
        CONTINUE,
    )
    out[:, -1] = np.where(out[:, -1] == CONTINUE, UNDECIDED, out[:, -1])
    return out


def decide(a: np.ndarray, b: np.ndarray, plan: Plan, margin: float, alpha: float = ALPHA, calibration: int = CALIBRATION_REPS):
    """The procedure with one plan throughout: (verdict codes (R,), the look index it stopped at (R,))."""
    v = verdicts(np.atleast_2d(a), np.atleast_2d(b), plan, margin, alpha, calibration)
    k = (v != CONTINUE).argmax(1)
    return v[np.arange(len(k)), k], k


def decide_resized(
    a: np.ndarray,
    b: np.ndarray,
    sd_other: float,
    margin: float,
    free_other: int,
    alpha: float = ALPHA,
    step: int = 1,
    strict: bool = False,
    calibration: int = CALIBRATION_REPS,
):
    """The command's procedure, plan sizing included, on pre-drawn seeds oriented so that higher is better
    (a: (R, CAP) the model's, b: (R, ≥ CAP) the other's): at every look, before its test, the plan is
    sized at spread_levels of the model's seeds so far, never shorter than before (a longer plan keeps the
    looks made so far, and its boundaries hold from this look on); where the look then needs more seeds
    (the shorter plan's last look was capped), these are drawn and the level checked again.
    -> (verdict codes, the model's seeds, the other's seeds at the deciding look, the final plan's last look), each (R,)."""
    plans = {}

    def at(j: int):
        if j not in plans:
            plan = design(margin, sd_other * GRID**j, free_other, alpha, step, strict=strict)
            v = verdicts(a[:, : plan.model[-1]], b[:, : plan.other[-1]], plan, margin, alpha, calibration)
            plans[j] = (plan, v, spread_levels(sd_other, a, plan.model, free_other))
        return plans[j]

    rows = len(a)
    level, verdict = np.zeros(rows, int), np.full(rows, CONTINUE)
    n_model, n_other, last = (np.zeros(rows, int) for _ in range(3))
    k = 0
    while (todo := verdict == CONTINUE).any():
        moved = True
        while moved:  # the level at this look, up to its fixed point (a level's plan reads its own seeds)
            moved = False
            for j in np.unique(level[todo]):
                here = todo & (level == j)
                up = np.maximum(j, at(j)[2][here, k])
                moved |= bool((up > j).any())
                level[here] = up
        for j in np.unique(level[todo]):
            here = todo & (level == j)
            plan, v, _ = at(j)
            verdict[here] = v[here, k]
            n_model[here], n_other[here], last[here] = plan.model[k], plan.other[k], plan.model[-1]
        k += 1
    return verdict, n_model, n_other, last


def powers(
    plan: Plan, margin: float, sd: float, alpha: float = ALPHA, reps: int = POWER_REPS, seed: int = 0, calibration: int = CALIBRATION_REPS
):
    """Simulated (P(better | Δ = margin), P(equivalent | Δ = 0)) of the design with normal seeds of `sd`."""
    rng = np.random.default_rng(seed)
    m, o = plan.model, plan.other
    shifted, _ = decide(rng.normal(margin, sd, (reps, m[-1])), rng.normal(0, sd, (reps, o[-1])), plan, margin, alpha, calibration)
    null, _ = decide(rng.normal(0, sd, (reps, m[-1])), rng.normal(0, sd, (reps, o[-1])), plan, margin, alpha, calibration)
    return float(np.mean(shifted == BETTER)), float(np.mean(null == EQUIVALENT))


def fixed_n(
    margin: float,
    sd: float,
    free_other: int = 0,
    alpha: float = ALPHA,
    power: float = POWER,
    cap: int = 300,
    strict: bool = False,
    draw=None,
) -> int:
    """The fixed design of the same power, by the same simulation: the fewest model seeds n whose single
    look (the other with max(n, free_other) seeds; Welch at α two-sided) has `power` for "better" at a
    difference of one margin; `strict`: and (TOST at α) for "equivalent" at none. Seeds are normal of
    spread `sd`, or come from `draw(rng, shape)` (single_powers)."""
    # start at the normal-theory n (the TOST's for a strict design, the larger of the two), then walk to
    # the fewest n that passes: down while n - 1 passes, else up until n passes
    z = stats.norm.isf(alpha if strict else alpha / 2) + stats.norm.isf((1 - power) / 2 if strict else 1 - power)
    n = int(min(cap, max(2, round(2 * (z * sd / margin) ** 2))))

    def ok(k: int) -> bool:
        both = single_powers(k, max(k, free_other), margin, sd, alpha, draw=draw)
        return (min(both) if strict else both[0]) >= power

    if ok(n):
        while n > 2 and ok(n - 1):
            n -= 1
        return n
    while n < cap and not ok(n):
        n += 1
    return n


def single_powers(
    m: int, o: int, margin: float, sd: float, alpha: float = ALPHA, reps: int = 4000, seed: int = 1, draw=None
) -> tuple[float, float]:
    """One look at m and o seeds, no sequential adjustment: (P(better | Δ = margin), P(equivalent | Δ = 0)).
    Seeds are normal of spread `sd`, or `draw(rng, shape)` of both sides (the model's shifted by Δ):
    the replays' seeds resampled from a task's shipped ones have a fixed design of their own."""
    rng = np.random.default_rng(seed)
    draw = draw or (lambda rng, shape: rng.normal(0, sd, shape))
    out = []
    for effect in (margin, 0.0):
        a, b = effect + draw(rng, (reps, m)), draw(rng, (reps, o))
        diff, se, df = (x[:, 0] for x in welch(a, b, np.array([m]), np.array([o])))
        with np.errstate(divide="ignore", invalid="ignore"):  # resampled seeds may tie on both sides: no test
            different = 2 * stats.t.sf(np.abs(diff) / se, df) < alpha
        equivalent = ~different & (np.abs(diff) + stats.t.isf(alpha, df) * se < margin)
        out.append(float(np.mean(different & (diff > 0) if effect else equivalent)))
    return out[0], out[1]


def spread_levels(sd_other: float, a: np.ndarray, n, free_other: int) -> np.ndarray:
    """The spread a plan is sized for, as j in sd_other × GRID^j, after the first n[k] seeds of each row of
    `a` (R, ≥ n_K) -> (R, K): 0 (the other's spread) unless these seeds are clearly noisier (their
    variance ratio exceeds the F test's 95 % point), then √((s_model² + s_other²) / 2), the one spread of
    both sides that gives Welch's standard error, rounded up onto the grid. A model noisier than its
    opponent (res_mlp's seeds on digits spread 4× mlp's) would otherwise meet a plan too short to decide;
    the test keeps the other's plan for an equally noisy model 95 % of the time at one look (always
    sizing by the pooled seeds cost 5 of the 14 points of seeds saved in the replays)."""
    a, n = np.atleast_2d(np.asarray(a, float)), np.atleast_1d(np.asarray(n))
    out = np.zeros((len(a), len(n)), int)
    if free_other < 2 or sd_other <= 0:
        return out
    ok = n >= 2
    centred = a[:, : n.max()] - a[:, :1]  # shifted by a constant, for cumulative sums without cancellation
    s1, s2 = np.cumsum(centred, 1)[:, n[ok] - 1], np.cumsum(centred**2, 1)[:, n[ok] - 1]
    var = np.maximum(s2 - s1**2 / n[ok], 0) / (n[ok] - 1)
    noisier = var / sd_other**2 > stats.f.isf(RESIZE_LEVEL, n[ok] - 1, free_other - 1)
    with np.errstate(divide="ignore"):
        j = np.ceil(np.log(np.sqrt((var + sd_other**2) / 2) / sd_other) / np.log(GRID) - 1e-9)
    out[:, ok] = np.where(noisier, np.maximum(j, 0), 0)
    return out


def design_spread(sd_other: float, seeds, free_other: int) -> float:
    """The spread to size the plan for after the model's `seeds` so far (spread_levels)."""
    seeds = np.asarray(seeds, float)
    return sd_other * GRID ** int(spread_levels(sd_other, seeds[None], [len(seeds)], free_other)[0, 0])


@lru_cache(maxsize=64)
def design(
    margin: float, sd: float, free_other: int = 0, alpha: float = ALPHA, step: int = 1, cap: int = CAP, strict: bool = False
) -> Plan:
    """The plan whose last look is the fewest model seeds giving 80 % power for "better" at a difference
    of one margin (`strict`: and for "equivalent" at none, with no futility stop) at a spread `sd` of both
    sides (normal seeds), at most `cap`. The search starts near the fixed design's n (the sequential
    design's last look is 0-40 % above it): up to 1.6 s for 17 seeds, 9-11 s for 70-90."""
    n = min(max(MIN_LAST, round((1.05 if strict else 0.95) * fixed_n(margin, sd, free_other, alpha, cap=cap, strict=strict)) - 1), cap)
    while True:  # up in ~3 % steps: bigger strides, then back, took half the time but 1 point of the seeds saved
        plan = schedule(looks(n, step), free_other, futility=not strict)
        better, equivalent = powers(plan, margin, sd, alpha, calibration=CALIBRATION_REPS // 5)
        if n >= cap or min(better, equivalent if strict else 1.0) >= POWER + POWER_SLACK:
            return plan
        n = min(cap, n + max(1, round(0.03 * n)))


@dataclass
class Look:
    n: int  # the model's seeds
    n_other: int
    verdict: str  # "better" | "worse" | "equivalent" | "futile" | "continue" | "undecided"
    diff: float  # mean(model) - mean(other), in the metric's units
    interval: tuple[float, float]  # diff ± the equivalence boundary: equivalent when inside ±margin
    p_difference: float  # nominal two-sided Welch p at this look
    alpha_k: float  # the nominal level the boundary of this look amounts to


def look(model, other, k: int, plan: Plan, margin: float, higher_is_better: bool, alpha: float = ALPHA) -> Look:
    """The decision at look k with the first plan.model[k] seeds of the model and plan.other[k] of the other."""
    m, o = plan.model, plan.other
    sign = 1.0 if higher_is_better else -1.0
    a = sign * np.asarray(model, float)[None, : m[-1]]
    b = sign * np.asarray(other, float)[None, : o[-1]]
    sub = (m[: k + 1], o[: k + 1])
    cd, ce, cf = boundaries(m, o, alpha, RHO, RHO_EQUIVALENCE)
    diff, se, df = (float(x[0, k]) for x in welch(a[:, : m[k]], b[:, : o[k]], np.array(sub[0]), np.array(sub[1])))
    last = k == len(m) - 1
    alpha_k = float(2 * stats.norm.sf(cd[k]))
    if not se > 0:  # neither side varies (a return at its cap): no test can be made; more seeds may vary
        return Look(m[k], o[k], "undecided" if last else "continue", sign * diff, (sign * diff,) * 2, float("nan"), alpha_k)
    p = float(2 * stats.t.sf(abs(diff) / se, df))
    z = float(score(np.array(diff / se), np.array(df)))
    z_eq = float(min(score(np.array((diff + margin) / se), np.array(df)), score(np.array((margin - diff) / se), np.array(df))))
    half = float(stats.t.isf(stats.norm.sf(ce[k]), df) * se)
    if abs(z) >= cd[k]:
        verdict = "better" if diff > 0 else "worse"
    elif z_eq >= ce[k]:
        verdict = "equivalent"
    elif plan.futility and z_eq >= cf[k]:
        verdict = "futile"
    else:
        verdict = "undecided" if last else "continue"
    lo, hi = sorted((sign * (diff - half), sign * (diff + half)))
    return Look(m[k], o[k], verdict, sign * diff, (lo, hi), p, alpha_k)
