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


def test_seed_summary_mean_std_and_interval():
    s = stats.seed_summary([1.0, 2.0, 3.0])
    assert (s["n"], s["mean"], s["std"], s["iqm"]) == (3, 2.0, 1.0, 2.0)
    assert 1.0 <= s["ci_low"] < 2.0 < s["ci_high"] <= 3.0
    one = stats.seed_summary([5.0])
    assert one["mean"] == 5.0 and math.isnan(one["std"]) and math.isnan(one["ci_low"])


def test_bootstrap_ci_of_constant_collapses_and_is_deterministic():
    assert stats.bootstrap_ci([2.0, 2.0, 2.0]) == (2.0, 2.0)
    assert stats.bootstrap_ci([0.0, 10.0, 3.0]) == stats.bootstrap_ci([0.0, 10.0, 3.0])
    lo, hi = stats.bootstrap_ci([0.0, 10.0])
    # Resampled means of two values can only be 0, 5 or 10: the 95 % interval spans them.
    assert (lo, hi) == (0.0, 10.0)


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


def test_matches_rliable_estimators():
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
