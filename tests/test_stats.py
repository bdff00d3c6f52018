"""Statistics on deterministic arrays whose answers are worked out by hand in the comments."""

from __future__ import annotations

import math

import numpy as np
import pytest

from reports import stats


def test_iqm_keeps_the_middle_half():
    # 8 values: drop 2 from each end → [3, 4, 5, 6] → 4.5; an outlier at the top does not move it.
    assert stats.iqm([1, 2, 3, 4, 5, 6, 7, 8]) == 4.5
    assert stats.iqm([1, 2, 3, 4, 5, 6, 7, 800]) == 4.5


def test_seed_summary_mean_std_and_t_interval():
    s = stats.seed_summary([1.0, 2.0, 3.0])
    assert (s["n"], s["mean"], s["std"], s["iqm"]) == (3, 2.0, 1.0, 2.0)
    # t(0.975, 2) = 4.3027; s / √3 = 0.57735 → 2 ± 2.4841, wider than the seeds' [1, 3]
    assert s["ci_low"] == pytest.approx(2 - 2.48414, abs=1e-4) and s["ci_high"] == pytest.approx(2 + 2.48414, abs=1e-4)
    one = stats.seed_summary([5.0])
    assert one["mean"] == 5.0 and math.isnan(one["std"]) and math.isnan(one["ci_low"])


def test_t_interval_of_three_seeds_is_at_least_t_wide():
    # issue 12: for 0.1, 0.2, 0.9 the interval must be at least mean ± t(0.975, 2)·s/√3 = 0.4 ± 1.083;
    # the percentile bootstrap it replaced gave [0.1, 0.9], the seeds' min and max.
    from scipy.stats import t

    half = t.ppf(0.975, 2) * np.std([0.1, 0.2, 0.9], ddof=1) / np.sqrt(3)
    assert half == pytest.approx(1.083, abs=5e-4)
    lo, hi = stats.t_interval([0.1, 0.2, 0.9])
    assert lo <= 0.4 - half + 1e-12 and hi >= 0.4 + half - 1e-12
    assert stats.seed_summary([0.1, 0.2, 0.9])["ci_low"] == lo
    assert stats.t_interval([2.0, 2.0, 2.0]) == (2.0, 2.0)


def test_exact_entry_is_one_observation_without_interval():
    s = stats.seed_summary([0.6325, 0.6325, 0.6325], exact=True)
    assert s["n"] == 1 and s["mean"] == 0.6325 and math.isnan(s["ci_low"]) and math.isnan(s["std"])


def test_interval_coverage_by_simulation():
    """The 95 % t interval holds a normal mean 93-97 % of the time at n = 3, 5, 10; the table for
    lognormal and two-point (RL-like 20 / 500) seeds is printed, not asserted."""
    from benchmarks.interval_coverage import coverage_table, format_table

    rows = coverage_table(reps=4000, seed=0)  # vectorised: well under a second
    print("\n" + format_table(rows))
    normal = [r for r in rows if r["distribution"].startswith("normal")]
    assert [r["n"] for r in normal] == [3, 5, 10] and all(r["reps"] >= 2000 for r in rows)
    for r in normal:
        assert 0.93 <= r["coverage"] <= 0.97, r
    assert {r["distribution"] for r in rows} == {"normal(0, 1)", "lognormal(0, 1)", "two-point 20/500, p=0.5"}


def test_bounded_interval_stays_in_range_and_widens_seeds_all_at_a_bound():
    x = np.array([[0.98, 1.0, 1.0], [500.0, 500.0, 500.0], [0.0, 0.0, 0.0], [20.0, 20.0, 20.0]])
    lo, hi = stats.bounded_intervals(x[:1], 0.0, 1.0)
    t_lo, t_hi = stats.t_intervals(x[:1])
    assert t_hi[0] > 1 and hi[0] == 1.0 and lo[0] == pytest.approx(t_lo[0])  # cut at the bound, not moved
    r = 1 - 0.05 ** (1 / 3)  # n equal seeds have chance ≥ 5 % only under a mass ≥ 0.05^(1/3) on their value
    lo, hi = stats.bounded_intervals(x[1:], 0.0, 500.0)
    assert (lo[0], hi[0]) == pytest.approx((500 * (1 - r), 500.0)) and lo[0] == pytest.approx(184.2, abs=0.05)
    assert (lo[1], hi[1]) == pytest.approx((0.0, 500 * r))  # all at the floor: mirrored
    assert lo[2] == hi[2] == 20.0  # equal seeds inside the range: nothing bounds their spread
    lo, hi = stats.bounded_intervals(x[1:2], 0.0, np.inf)  # an open range gives no width to seeds at a value
    assert lo[0] == hi[0] == 500.0
    s = stats.seed_summary([500.0] * 5, bounds=(0.0, 500.0))
    assert s["ci_high"] == 500.0 and s["ci_low"] == pytest.approx(500 * 0.05 ** (1 / 5), abs=1e-9)


def test_bounded_interval_coverage_at_a_cartpole_like_ceiling():
    """With 3 and 5 seeds at a cap of 500 the plain t interval holds the mean as rarely as 48 % (seeds
    at 500 w.p. 0.8, else 20) and 15 % (w.p. 0.95); the bounded interval ≥ 90 % in every row."""
    from benchmarks.interval_coverage import ceiling_table, format_table

    reps = 20_000
    rows = ceiling_table(reps=reps, seed=0)
    print("\n" + format_table(rows))
    cover = {(r["distribution"], r["n"], r["method"]): r["coverage"] for r in rows}
    assert cover[("500 w.p. 0.8, else 20", 3, "t")] < 0.55
    slack = 3 * np.sqrt(0.9 * 0.1 / reps)  # three Monte Carlo standard errors: the clipped normal at n = 5 sits at 0.901
    for (name, n, method), c in cover.items():
        if method == "bounded t" and n in (3, 5):
            assert c >= 0.90 - slack, (name, n, c)


def test_difference_test_is_welch_or_one_sample_t():
    from scipy.stats import ttest_1samp, ttest_ind

    a, b = np.array([1.0, 1.1, 1.2]), np.array([1.25, 1.35, 1.45, 1.3])
    t = stats.difference_test(a, b)
    assert t["p"] == pytest.approx(ttest_ind(a, b, equal_var=False).pvalue)
    assert t["diff"] == pytest.approx(a.mean() - b.mean()) and t["low"] < t["diff"] < t["high"] < 0
    # against an exact value: one-sample t-test of the other side's seeds, either way round
    one = stats.difference_test(a, [1.3], exact_b=True)
    assert one["p"] == pytest.approx(ttest_1samp(a, 1.3).pvalue)
    assert stats.difference_test([1.3], a, exact_a=True)["p"] == pytest.approx(one["p"])
    # a single seed that is not exact has no variance to test with
    assert math.isnan(stats.difference_test([1.0], a)["p"]) and math.isnan(stats.difference_test(a, [1.3])["p"])
    # no spread on either side: the difference is what was measured, and there is nothing to test it with
    flat = stats.difference_test([2.0, 2.0], [1.0], exact_b=True)
    assert (flat["diff"], flat["low"], flat["high"]) == (1.0, 1.0, 1.0) and math.isnan(flat["p"]) and math.isnan(flat["p_unadjusted"])
    assert math.isnan(stats.difference_test([1.0], [1.5], exact_a=True, exact_b=True)["p"])


def test_studentized_range_matches_scipy_and_the_t_test():
    from scipy.stats import studentized_range

    for q, k, df in [(6.0, 13, 2.0), (60.0, 13, 2.0), (4.7, 13, 1e4), (3.5, 6, 4.3), (8.0, 10, 8.0), (12.0, 3, 2.5)]:
        assert stats.range_sf(q, k, df) == pytest.approx(studentized_range.sf(q, k, df), rel=1e-4, abs=1e-7)
    for alpha, k, df in [(0.05, 13, 2.0), (0.05, 6, 4.4), (0.01, 10, 1.1), (0.05, 40, 2.5)]:
        assert stats.range_isf(alpha, k, df) == pytest.approx(studentized_range.isf(alpha, k, df), rel=1e-4)
    # two entries: the range is √2 |t|, so the range test is Welch's own
    a, b = np.array([1.0, 1.1, 1.2]), np.array([1.25, 1.35, 1.45, 1.3])
    plain = stats.difference_test(a, b)
    assert stats.range_sf(np.sqrt(2) * abs(plain["t"]), 2, plain["df"]) == pytest.approx(plain["p"], rel=1e-4)
    assert stats.comparison_alpha(2) == 0.05 and 0.004 < stats.comparison_alpha(6) < 0.005 and stats.comparison_alpha(13) < 0.001


def test_board_family_wise_error_by_simulation():
    """On null boards (equal entries) of 13 × 3, 10 × 5 and 6 × 5 seeds, unadjusted tests against the
    leader separate some entry on 30-50 % of boards; the max-t comparisons that `mark_ties` makes
    (`stats.board_comparisons`) on 3-6 %. Printed; benchmarks/board_error.py prints more rules and boards."""
    from benchmarks.board_error import error_table, format_table

    rows = error_table(boards=2000, seed=0, reps=400, shapes=((13, 3, "equal"), (10, 5, "equal"), (6, 5, "equal")))
    print("\n" + format_table(rows))
    for r in rows:
        assert r["unadjusted"] > 0.25 and 0.03 <= r["max-t (reports)"] <= 0.06, r


def test_board_comparisons_adjust_for_the_leader_being_the_maximum():
    # 6 entries, 3 seeds each: b's Welch p against the leader is 0.029, but the best of 6 equal entries
    # is often that far from another one: on the board b is tied (p = 0.073)
    x = [np.array([1.0, 1.2, 1.4]), np.array([0.55, 0.6, 0.65]), *(np.array([0.2, 0.5, 0.8]) + d for d in (0.1, 0.2, 0.3, 0.4))]
    exact = [False] * 6
    tests = stats.board_comparisons(x, exact, lead=0)
    two = stats.difference_test(x[1], x[0])
    assert tests[1]["p_unadjusted"] == pytest.approx(two["p"]) and two["p"] < 0.05 < tests[1]["p"]
    assert tests[1]["low"] < two["low"] and tests[1]["high"] > two["high"] and math.isnan(tests[0]["p"])
    # the same pair on a board of two is the t-test itself
    assert stats.board_comparisons(x[:2], exact[:2], lead=0)[1] == two
    # an exact leader: one-sample tests, adjusted the same way; two exact entries are not tested
    ex = stats.board_comparisons([np.array([1.3]), np.array([1.0]), x[1], x[2]], [True, True, False, False], lead=0)
    assert math.isnan(ex[1]["p"]) and ex[1]["diff"] == pytest.approx(-0.3) and ex[2]["p"] >= ex[2]["p_unadjusted"]


def test_seeds_needed_matches_statsmodels_power():
    from statsmodels.stats.power import TTestIndPower, TTestPower

    a, b = np.array([0.97, 0.98, 0.99]), np.array([0.96, 0.975, 0.985])
    d = abs(a.mean() - b.mean()) / np.sqrt((a.var(ddof=1) + b.var(ddof=1)) / 2)
    want = math.ceil(TTestIndPower().solve_power(d, alpha=0.05, power=0.8))
    assert stats.seeds_needed(a, b) == want and want > 10
    d1 = abs(a.mean() - 0.95) / a.std(ddof=1)
    assert stats.seeds_needed(a, [0.95], exact_b=True) == math.ceil(TTestPower().solve_power(d1, alpha=0.05, power=0.8))
    assert stats.seeds_needed(a, a) == math.inf  # equal means: no number of seeds separates them
    assert math.isnan(stats.seeds_needed([1.0], a)) and stats.seeds_needed([1.0], [2.0], True, True) == 0


def test_normalised_score_has_direction_from_reference_points():
    assert stats.normalized_score(0.55, random=0.1, reference=1.0) == pytest.approx(0.5)
    # lower is better: random loss 2.0, reference 0.0 → loss 0.5 is 75 % of the way.
    assert stats.normalized_score(0.5, random=2.0, reference=0.0) == pytest.approx(0.75)
    assert np.isnan(stats.normalized_score(1.0, random=None, reference=1.0))
    assert np.isnan(stats.normalized_score(1.0, random=1.0, reference=1.0))


def test_optimality_gap():
    # shortfalls below 1: 0.5, 0, 0.2 → mean 0.2333
    assert stats.optimality_gap([0.5, 1.2, 0.8]) == pytest.approx(0.7 / 3)


def test_aggregate_points_by_hand():
    agg = stats.aggregate_intervals([np.array([0.0, 1.0]), np.array([2.0, 3.0])])
    # pooled [0, 1, 2, 3]: IQM drops one from each end → 1.5; problem means 0.5, 2.5 → mean, median 1.5;
    # gap (1 + 0 + 0 + 0)/4
    assert agg["iqm"][0] == 1.5 and agg["median"][0] == 1.5 and agg["mean"][0] == 1.5
    assert agg["optimality_gap"][0] == pytest.approx(0.25)
    for point, lo, hi in agg.values():
        assert lo <= point <= hi


def test_bootstrap_is_stratified_by_problem():
    # Each problem's seeds agree, so resampling within problems can never change the mean: a
    # stratified bootstrap gives a zero-width interval where a pooled bootstrap would not.
    agg = stats.aggregate_intervals([np.zeros(3), np.ones(3)])
    assert agg["mean"] == (0.5, 0.5, 0.5)


def test_probability_of_improvement_by_hand():
    assert stats.probability_of_improvement([np.array([3.0, 4.0])], [np.array([1.0, 2.0])]) == (1.0, 1.0, 1.0)
    # pairs (1,1) tie ½, (1,2) loss, (2,1) win, (2,2) tie ½ → (1 + ½ + ½)/4 = 0.5
    p, lo, hi = stats.probability_of_improvement([np.array([1.0, 2.0])], [np.array([1.0, 2.0])])
    assert p == 0.5 and lo <= 0.5 <= hi
    # lower is better flips the comparison; problems average with equal weight
    assert stats.probability_of_improvement([np.array([1.0])], [np.array([2.0])], higher_is_better=False)[0] == 1.0
    p2 = stats.probability_of_improvement([np.array([3.0]), np.array([0.0])], [np.array([1.0]), np.array([5.0])])[0]
    assert p2 == 0.5


def test_score_profile_weights_problems_equally():
    groups = [np.array([0.2, 0.8]), np.array([0.5, 0.5, 0.5, 0.9])]
    # τ = 0.6: problem 1 → 1/2 above, problem 2 → 1/4 above; mean 0.375
    np.testing.assert_allclose(stats.score_profile(groups, np.array([0.0, 0.6, 1.0])), [1.0, 0.375, 0.0])


def test_time_to_target_from_a_curve():
    assert stats.time_to_target([1, 2, 3], [0.5, 0.9, 0.95], 0.9) == 2.0
    assert stats.time_to_target([1, 2, 3], [3.0, 1.0, 0.5], 1.0, higher_is_better=False) == 2.0
    assert stats.time_to_target([1, 2], [0.1, 0.2], 0.9) == math.inf
    # median over seeds, a missed seed counting as inf
    assert stats.median_time([1.0, math.inf, 3.0]) == 3.0
    assert stats.median_time([math.inf, math.inf, 1.0]) == math.inf


def test_performance_profile_and_algoperf_score():
    times = np.array([[10.0, 5.0, np.inf], [20.0, np.inf, np.inf], [np.nan, 5.0, np.inf]])  # (models, problems)
    r = stats.performance_ratios(times)
    np.testing.assert_array_equal(r[0], [1.0, 1.0, np.inf])  # problem 3: nobody reached it
    np.testing.assert_array_equal(r[1], [2.0, np.inf, np.inf])
    assert np.isnan(r[2, 0])
    rho = stats.time_profile(r, np.array([1.0, 2.0, 4.0]))
    np.testing.assert_allclose(rho[1], [0.0, 1 / 3, 1 / 3])
    # area under ρ over τ ∈ [1, 4] / 3: model 0 gets (3 + 3 + 0)/3/3 = 2/3; model 1: (2/3 + 0 + 0)/3;
    # model 2: not run on problem 1 counts as a miss → (0 + 1 + 0)/3
    np.testing.assert_allclose(stats.profile_score(r), [2 / 3, 2 / 9, 1 / 3])
    # the closed form equals the numerical area under the step function
    taus = np.linspace(1, 4, 30001)
    numeric = np.trapezoid(stats.time_profile(r, taus), taus, axis=1) / 3
    np.testing.assert_allclose(numeric, stats.profile_score(r), atol=1e-3)


def test_curve_band_interpolates_on_a_common_grid():
    x = np.linspace(0, 10, 11)
    grid, m, lo, hi = stats.curve_band([x, x[:6]], [x, x[:6] + 2])
    assert grid.max() == 5.0  # ends where the shortest seed ends
    np.testing.assert_allclose(m, grid + 1)
    assert np.all(lo >= grid - 1e-9) and np.all(hi <= grid + 2 + 1e-9)


def _estimators():
    """IQM, median, mean, optimality gap of a (runs, problems) matrix: rliable's own when installed,
    else the same definitions written out with scipy."""
    try:
        from rliable import metrics

        return {
            "iqm": metrics.aggregate_iqm,
            "median": metrics.aggregate_median,
            "mean": metrics.aggregate_mean,
            "optimality_gap": metrics.aggregate_optimality_gap,
        }
    except ImportError:
        from scipy.stats import trim_mean

        return {
            "iqm": lambda m: trim_mean(m.ravel(), 0.25),
            "median": lambda m: np.median(m.mean(axis=0)),
            "mean": lambda m: m.mean(axis=0).mean(),
            "optimality_gap": lambda m: np.maximum(1 - m, 0).mean(),
        }


def reference_stratified_bootstrap(scores: np.ndarray, reps: int, seed: int) -> dict[str, tuple[float, float, float]]:
    """rliable's `get_interval_estimates` with a StratifiedBootstrap, one resample at a time: each
    problem's column resampled with replacement on its own, the estimator applied to the whole
    resampled (runs, problems) matrix, and the 2.5 / 97.5 percentiles taken. rliable's library
    module cannot be imported here (its `arch` dependency breaks on pandas 3), so the bootstrap is
    rewritten; it takes the same index draws as `stats.aggregate_intervals` from the same rng, so
    the two must agree exactly."""
    rng = np.random.default_rng(seed)
    runs, problems = scores.shape
    draws = [rng.integers(0, runs, size=(reps, runs)) for _ in range(problems)]  # per problem: (reps, runs)
    out = {}
    for name, fn in _estimators().items():
        boot = [fn(np.stack([scores[draws[p][r], p] for p in range(problems)], axis=1)) for r in range(reps)]
        out[name] = (float(fn(scores)), float(np.percentile(boot, 2.5)), float(np.percentile(boot, 97.5)))
    return out


def test_aggregate_intervals_match_a_stratified_bootstrap_done_by_hand():
    rng = np.random.default_rng(1)
    scores = rng.normal(0.5, 0.3, size=(5, 4))  # (runs, problems)
    ours = stats.aggregate_intervals([scores[:, p] for p in range(4)], reps=500, seed=3, method="percentile")
    ref = reference_stratified_bootstrap(scores, reps=500, seed=3)
    for k in stats.AGGREGATES:
        assert ours[k] == pytest.approx(ref[k], abs=1e-12), k
        assert ours[k][2] - ours[k][1] > 0.05, k  # a real interval, not a point
    # a different rng draws different resamples but estimates the same interval
    other = stats.aggregate_intervals([scores[:, p] for p in range(4)], reps=4000, seed=11, method="percentile")
    for k in stats.AGGREGATES:
        width = ref[k][2] - ref[k][1]
        assert other[k][1] == pytest.approx(ref[k][1], abs=0.15 * width), k
        assert other[k][2] == pytest.approx(ref[k][2], abs=0.15 * width), k


def test_matches_rliable_point_estimates_and_probability_of_improvement():
    metrics = pytest.importorskip("rliable.metrics", reason="rliable extra not installed; own estimators stand alone")
    rng = np.random.default_rng(1)
    scores = rng.normal(0.5, 0.3, size=(5, 4))  # (runs, tasks)
    groups = [scores[:, t] for t in range(4)]
    agg = stats.aggregate_intervals(groups)
    assert agg["iqm"][0] == pytest.approx(metrics.aggregate_iqm(scores))
    assert agg["median"][0] == pytest.approx(metrics.aggregate_median(scores))
    assert agg["optimality_gap"][0] == pytest.approx(metrics.aggregate_optimality_gap(scores))
    other = rng.normal(0.4, 0.3, size=(5, 4))
    ours = stats.probability_of_improvement(groups, [other[:, t] for t in range(4)])[0]
    assert ours == pytest.approx(metrics.probability_of_improvement(scores, other))


def test_mean_and_median_weigh_problems_equally():
    # problem means 0 (ten seeds) and 1 (one seed): mean over problems 0.5, not 1/11
    groups = [np.zeros(10), np.ones(1)]
    assert stats.mean(groups) == 0.5 and stats.median(groups) == 0.5


def test_mark_ties_adjusts_for_the_whole_board():
    """`mark_ties` takes its p-values and verdicts from `stats.board_comparisons`, and pairs that an
    unadjusted test calls separated (Welch p < 0.05) are tied on boards of 6 entries."""
    import pandas as pd

    from reports.leaderboard import mark_ties

    rng = np.random.default_rng(3)
    xs = rng.normal(0.0, 1.0, (30, 6, 3))
    xs[:, 0] += np.linspace(0, 4, 30)[:, None]  # from null boards to one clear leader
    moved = 0
    for x in xs:
        order = np.argsort(-x.mean(axis=1), kind="stable")
        table = pd.DataFrame({"model": [f"m{i}" for i in order], "mean": x.mean(axis=1)[order], "seeds": 3, "exact": False})
        got = mark_ties(table, {f"m{i}": x[i] for i in range(6)})
        want = stats.board_comparisons([x[i] for i in order], [False] * 6, lead=0)
        for j in range(1, 6):
            assert got.loc[j, "p_value"] == pytest.approx(want[j]["p"]) and got.loc[j, "diff_low"] == pytest.approx(want[j]["low"])
            assert (got.loc[j, "tied"] == "") == (want[j]["p"] < stats.ALPHA)
            moved += got.loc[j, "p_unadjusted"] < stats.ALPHA <= got.loc[j, "p_value"]
    assert moved >= 5 and got.attrs["compared"] == 6


def test_seeds_needed_agrees_with_monte_carlo_power_where_nctdtr_gives_nan():
    """Across standardised effects 0.5-30 (two-sample and one-sample), the answer n has simulated power
    ≥ 80 % and n − 1 seeds do not; at effects such as 5.5-6.3 (two-sample) scipy's nctdtr returns nan
    for the lower tail and the search used to stop at 2 seeds where 3 are needed."""
    from scipy.special import stdtr

    rng = np.random.default_rng(0)
    reps = 20_000
    se = 3 * np.sqrt(0.8 * 0.2 / reps)  # three Monte Carlo standard errors of a power near 80 %

    def mc_power(n: int, effect: float, one: bool) -> float:
        a = rng.normal(effect, 1.0, (reps, n))
        if one:
            t, df = a.mean(1) / (a.std(1, ddof=1) / np.sqrt(n)), n - 1
        else:
            b = rng.normal(0.0, 1.0, (reps, n))
            sp = np.sqrt((a.var(1, ddof=1) + b.var(1, ddof=1)) / 2)
            t, df = (a.mean(1) - b.mean(1)) / (sp * np.sqrt(2 / n)), 2 * n - 2
        return float((2 * stdtr(df, -np.abs(t)) < stats.ALPHA).mean())

    assert stats.seeds_for_effect(5.55) == 3  # nctdtr(8, 8.8, −2.31) is nan here: the old search answered 2
    for one in (False, True):
        for effect in [0.5, 0.9, 1.6, 2.5, 4.0, 5.55, 5.9, 6.2, 8.0, 12.0, 30.0]:
            n = int(stats.seeds_for_effect(effect, one))
            assert mc_power(n, effect, one) >= stats.POWER - se, (effect, one, n)
            if n > 2:
                assert mc_power(n - 1, effect, one) < stats.POWER + se, (effect, one, n)


def test_rank_intervals_narrow_with_separation_and_hold_exact_and_one_seed_entries():
    rng = np.random.default_rng(0)
    far = [rng.normal(mu, 0.01, 5) for mu in (3.0, 2.0, 1.0)]
    low, high = stats.rank_intervals(far, [False] * 3)
    assert low.tolist() == [1, 2, 3] and high.tolist() == [1, 2, 3]
    low, high = stats.rank_intervals(far, [False] * 3, higher_is_better=False)  # a loss: the smallest ranks first
    assert low.tolist() == [3, 2, 1] and high.tolist() == [3, 2, 1]
    same = [rng.normal(0, 1, 5) for _ in range(4)]
    low, high = stats.rank_intervals(same, [False] * 4)
    assert (low == 1).all() and (high == 4).all()  # nothing told apart: every rank possible
    low, high = stats.rank_intervals([np.array([2.0]), np.array([1.0]), np.array([5.0])], [True, True, False])
    # the exact entries are ordered as measured; the one-seed entry may stand anywhere, so it widens both
    assert (low[0], high[0], low[1], high[1], low[2], high[2]) == (1, 2, 2, 3, 1, 3)


def test_aggregate_t_interval_keeps_its_coverage_at_the_suites_shapes():
    """3 problems × 3 seeds: the t-scaled interval holds the mean of per-problem means in ≥ 90 % of 200 sets
    (simulated 95-97 %, benchmarks/aggregate_coverage.py), where the percentile bootstrap held it in ~83 %."""
    rng = np.random.default_rng(5)
    mu = np.array([0.3, 0.6, 0.9])
    held = 0
    for _ in range(200):
        _, low, high = stats.aggregate_intervals([rng.normal(m, 0.1, 3) for m in mu], reps=500, seed=int(rng.integers(1 << 30)))["mean"]
        held += low <= mu.mean() <= high
    assert held / 200 >= 0.9
    wide = stats.aggregate_intervals([rng.normal(m, 0.1, 3) for m in mu], reps=500, over_problems=True)["mean"]
    narrow = stats.aggregate_intervals([rng.normal(m, 0.1, 3) for m in mu], reps=500)["mean"]
    assert wide[2] - wide[1] > narrow[2] - narrow[1]  # new problems vary more than new seeds


def test_prob_greater_from_ranks_equals_every_pair_with_ties():
    """Past 4096 pairs P(X > Y) comes from ranks (reports at a million records); it must equal the pairwise count."""
    rng = np.random.default_rng(3)
    x, y = rng.integers(0, 12, (3, 90)).astype(float), rng.integers(0, 12, (3, 70)).astype(float)  # many ties
    pairwise = (x[:, :, None] > y[:, None, :]).mean(axis=(1, 2)) + 0.5 * (x[:, :, None] == y[:, None, :]).mean(axis=(1, 2))
    np.testing.assert_allclose(stats._prob_greater(x, y), pairwise, atol=1e-12)


def test_trimmed_mean_by_partition_equals_scipy_trim_mean():
    from scipy.stats import trim_mean

    rng = np.random.default_rng(4)
    for n in (1, 2, 3, 4, 5, 8, 37, 1000):
        x = rng.normal(size=(6, n))
        np.testing.assert_allclose(stats.trimmed_mean(x), trim_mean(x, 0.25, axis=1), atol=1e-12)


def test_many_seeds_bootstrap_a_share_of_the_runs_with_the_full_width(monkeypatch):
    """Past BOOT_RUNS runs a draw takes an equal share of each problem's runs, its spread scaled back by √f."""
    assert stats.subsample_sizes([5, 5, 5]) == ([5, 5, 5], 1.0)  # the suite's usual shapes: every run
    sizes, scale = stats.subsample_sizes([4000, 1000], cap=2000)
    assert sizes == [1000, 1000] and scale == pytest.approx(((1 / 4000 + 1 / 1000) / (2 / 1000)) ** 0.5)
    rng = np.random.default_rng(5)
    groups = [rng.normal(i, 1 + i, 1500) for i in range(3)]
    sub = stats.aggregate_intervals(groups)
    monkeypatch.setattr(stats, "BOOT_RUNS", 10**9)
    full = stats.aggregate_intervals(groups)
    for k in ("iqm", "mean", "median"):
        assert sub[k][0] == full[k][0], k
        assert sub[k][2] - sub[k][1] == pytest.approx(full[k][2] - full[k][1], rel=0.1), k
