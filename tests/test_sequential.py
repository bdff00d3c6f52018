"""The group-sequential comparison behind `bench compare --until-decided` (reports/sequential.py)."""

from __future__ import annotations

import numpy as np
import pytest

from reports import sequential as sq


def test_looks_start_at_two_seeds_and_grow_by_a_twentieth_later():
    assert sq.looks(8) == [2, 3, 4, 5, 6, 7, 8]
    assert sq.looks(2) == [2]
    assert sq.looks(40)[-4:] == [34, 36, 38, 40]
    assert len(sq.looks(100)) < 56
    assert sq.looks(33)[:-1] == sq.looks(100)[: len(sq.looks(33)) - 1]  # a longer plan keeps the looks made so far
    assert sq.schedule([3, 4, 6], free_other=5) == ((3, 4, 6), (5, 5, 6), True)


def test_boundaries_are_lower_later_and_spend_exactly_alpha_on_null_paths_they_were_not_calibrated_on():
    """Fresh null paths (another RNG seed than the calibration's): the difference boundary is crossed on
    ≈ α of them (two-sided) and the equivalence boundary by the centred statistic on ≈ α (one-sided, as
    at |Δ| = margin), not the union bound's fraction of α; the whole procedure's false "better/worse"
    stays ≤ α. 6,000 paths: 2 SE ≈ 0.006."""
    plan = sq.schedule(sq.looks(12), free_other=5)
    cd, ce, cf = sq.boundaries(plan.model, plan.other)
    assert all(np.diff(cd) < 0) and all(np.diff(ce) < 0)
    rng = np.random.default_rng(5)
    a, b = rng.normal(0, 1, (6000, 12)), rng.normal(0, 1, (6000, 12))
    diff, se, df = sq.welch(a, b, np.array(plan.model), np.array(plan.other))
    z = sq.score(diff / se, df)
    assert 0.04 <= np.mean((np.abs(z) >= cd).any(1)) <= 0.06
    assert 0.04 <= np.mean((z >= ce).any(1)) <= 0.06
    verdict, _ = sq.decide(a, b, plan, margin=0.3)
    assert 0.03 <= np.mean(np.abs(verdict) == 1) <= 0.056


def test_the_strict_design_has_both_powers_and_the_fixed_design_is_sized_by_the_same_simulation():
    plan = sq.design(margin=1.33, sd=1.0, free_other=5, strict=True)
    assert not plan.futility
    better, equivalent = sq.powers(plan, 1.33, 1.0, seed=3)
    assert better >= 0.77 and equivalent >= 0.77  # 80 % by the design's own paths; fresh ones within 3 SE
    n = sq.fixed_n(1.33, 1.0, free_other=5, strict=True)
    assert min(sq.single_powers(n, max(n, 5), 1.33, 1.0)) >= 0.8 > min(sq.single_powers(n - 1, max(n - 1, 5), 1.33, 1.0))
    n = sq.fixed_n(1.33, 1.0, free_other=5)  # the default's yardstick: power for "better" only
    assert sq.single_powers(n, max(n, 5), 1.33, 1.0)[0] >= 0.8 > sq.single_powers(n - 1, max(n - 1, 5), 1.33, 1.0)[0]
    # seeds of another law (the replays' resampled seeds): the same draws give the same powers, and a
    # steadier law a shorter fixed design
    normal = sq.single_powers(n, max(n, 5), 1.33, 1.0, draw=lambda rng, shape: rng.normal(0, 1.0, shape))
    assert normal == pytest.approx(sq.single_powers(n, max(n, 5), 1.33, 1.0))
    assert sq.fixed_n(1.33, 1.0, free_other=5, draw=lambda rng, shape: rng.normal(0, 0.8, shape)) < n


def test_the_default_design_stops_futile_as_often_as_it_says_and_keeps_its_power_and_its_error():
    """Fresh paths (other RNG seeds than the design's): at one margin, "better" ≥ 80 % and "futile" or
    "equivalent" ≤ 20 %; at none, false "better/worse" ≤ α, and most paths stop futile well before the
    last look. 6,000 paths: 2 SE ≈ 0.01."""
    margin, sd = 0.75, 1.0
    plan = sq.design(margin, sd, free_other=5)
    _, ce, cf = sq.boundaries(plan.model, plan.other)
    assert plan.futility and all(0 < cf) and all(cf <= ce)
    rng = np.random.default_rng(8)
    m, o = plan.model, plan.other
    shifted, _ = sq.decide(rng.normal(margin, sd, (6000, m[-1])), rng.normal(0, sd, (6000, o[-1])), plan, margin)
    assert np.mean(shifted == sq.BETTER) >= 0.79
    assert np.mean((shifted == sq.FUTILE) | (shifted == sq.EQUIVALENT)) <= 0.21
    null, k = sq.decide(rng.normal(0, sd, (6000, m[-1])), rng.normal(0, sd, (6000, o[-1])), plan, margin)
    assert np.mean(np.abs(null) == 1) <= 0.056
    assert np.mean(null == sq.FUTILE) >= 0.8 and np.mean(np.array(m)[k]) < 0.7 * m[-1]


def test_a_clearly_noisier_model_gets_a_longer_plan_and_an_equally_noisy_one_keeps_the_other_s():
    mlp_sd, res_mlp_first_seeds = 0.0036, [0.9722, 0.9583, 0.9444]  # digits: res_mlp's spread is 4x mlp's
    assert sq.design_spread(mlp_sd, res_mlp_first_seeds, 5) > 2.5 * mlp_sd
    rng = np.random.default_rng(4)
    others = [rng.normal(0, 1, 5).std(ddof=1) for _ in range(2000)]  # the other's 5 shipped seeds' spread
    kept = np.mean([sq.design_spread(sd, rng.normal(0, 1, 3), 5) == sd for sd in others])
    assert 0.93 <= kept <= 0.97  # the F test's 95 %
    seeds = rng.normal(0, 1, (3, 8))
    levels = sq.spread_levels(1.0, seeds, [2, 5, 8], 5)
    assert all(sq.design_spread(1.0, seeds[r, :n], 5) == sq.GRID ** levels[r, k] for r in range(3) for k, n in enumerate([2, 5, 8]))


def test_a_model_that_proves_noisier_at_a_later_look_gets_its_plan_re_sized_as_the_command_does():
    """The command's loop (re-size on the seeds so far, then look) and the vectorised replay agree path
    for path; a model 3× noisier than the other is re-sized on 47 % of the paths, enough to keep 80 %
    power at one margin, where the plan at the other's spread has 48 %."""
    rng = np.random.default_rng(6)
    margin, sd, free = 6.0, 1.0, 5  # short plans: the designs at the levels these paths reach take seconds
    a, b = rng.normal(margin, 3 * sd, (20, sq.CAP)), rng.normal(0, sd, (20, sq.CAP))
    verdict, n_model, n_other, last = sq.decide_resized(a, b, sd, margin, free)
    for r in range(len(a)):
        level, k = sd, 0
        plan = sq.design(margin, sq.design_spread(sd, a[r, : sq.PILOT], free), free)
        while True:
            while (up := sq.design_spread(sd, a[r, : plan.model[k]], free)) > level:
                level, plan = up, sq.design(margin, up, free)
            lk = sq.look(a[r], b[r], k, plan, margin, higher_is_better=True)
            if lk.verdict != "continue":
                break
            k += 1
        assert (lk.verdict, lk.n, lk.n_other, plan.model[-1]) == (sq.WORDS[int(verdict[r])], n_model[r], n_other[r], last[r])
    many_a, many_b = rng.normal(margin, 3 * sd, (2000, sq.CAP)), rng.normal(0, sd, (2000, sq.CAP))
    resized, *_, last = sq.decide_resized(many_a, many_b, sd, margin, free)
    first_only, _ = sq.decide(many_a, many_b, sq.design(margin, sd, free), margin)  # never re-sized
    assert np.mean(last > sq.design(margin, sd, free).model[-1]) > 0.3  # the plan at the other's spread: looks at 2 and 3
    assert np.mean(resized == sq.BETTER) >= 0.8 > np.mean(first_only == sq.BETTER) + 0.2  # 80.6 % against 47.8 %


def test_a_clear_difference_is_decided_in_the_right_direction():
    plan = sq.schedule(sq.looks(15), free_other=5)
    better = np.array([0.95, 0.951, 0.949, 0.952, 0.95])
    worse = better - 0.05
    assert sq.look(better, worse, 1, plan, margin=0.01, higher_is_better=True).verdict == "better"
    assert sq.look(better, worse, 1, plan, margin=0.01, higher_is_better=False).verdict == "worse"  # a loss: lower wins


def test_equivalence_needs_the_interval_inside_the_margin():
    rng = np.random.default_rng(0)
    a, b = rng.normal(0.9, 0.002, 15), rng.normal(0.9, 0.002, 15)
    plan = sq.schedule(sq.looks(15), free_other=0)
    k = len(plan[0]) - 1
    lk = sq.look(a, b, k, plan, margin=0.01, higher_is_better=True)
    assert lk.verdict == "equivalent" and -0.01 < lk.interval[0] < lk.interval[1] < 0.01
    assert sq.look(a, b, k, plan, margin=1e-5, higher_is_better=True).verdict == "undecided"


def test_the_command_s_look_agrees_with_the_vectorised_replay():
    rng = np.random.default_rng(2)
    plan = sq.schedule(sq.looks(10), free_other=5)
    words = set()
    for _ in range(60):
        a, b = rng.normal(0.3, 1, 10), rng.normal(0, 1, 10)
        verdict, k = sq.decide(a[None], b[None], plan, margin=0.8)
        word = next(lk.verdict for j in range(len(plan.model)) if (lk := sq.look(a, b, j, plan, 0.8, True)).verdict != "continue")
        assert word == sq.WORDS[int(verdict[0])]
        words.add(word)
    assert {"better", "futile"} <= words


def test_against_an_exact_entry_it_is_a_one_sample_test():
    plan = sq.schedule(sq.looks(15), free_other=1, exact_other=True)
    v = sq.look(np.array([1.0, 1.1, 0.9, 1.05, 0.95]), np.array([2.0]), 3, plan, margin=0.1, higher_is_better=False)
    assert v.verdict == "better" and v.diff == pytest.approx(-1.0)


def test_a_side_that_does_not_vary_continues():
    plan = sq.schedule(sq.looks(6), free_other=0)
    assert sq.look(np.full(6, 500.0), np.full(6, 500.0), 0, plan, margin=9.6, higher_is_better=True).verdict == "continue"


def test_a_side_whose_seeds_tie_borrows_the_other_sides_spread_and_degrees_of_freedom():
    """Three equal accuracies say nothing of their spread: the standard error takes the other side's
    per-seed variance for them (not zero), with the other side's degrees of freedom; ties are found
    exactly, though the cumulative sums leave rounding where the values are equal."""
    a = np.array([[0.6918, 0.6918, 0.6918, 0.70]])
    b = np.array([[0.69, 0.70, 0.71, 0.69, 0.70]])
    diff, se, df = sq.welch(a, b, np.array([3, 4]), np.array([5, 5]))
    s2 = np.var(b, ddof=1)
    assert se[0, 0] == pytest.approx(np.sqrt(s2 / 3 + s2 / 5)) and df[0, 0] == 4
    assert se[0, 1] == pytest.approx(np.sqrt(np.var(a, ddof=1) / 4 + s2 / 5))  # varies at 4: plain Welch
    _, se, _ = sq.welch(np.full((1, 3), 500.0), np.full((1, 5), 500.0), np.array([3]), np.array([5]))
    assert se[0, 0] == 0  # both at the cap: no test
    _, se, df = sq.welch(np.full((1, 3), 0.7), np.array([[0.69]]), np.array([3]), np.array([1]))
    assert se[0, 0] == 0  # tied against an exact value: no test either


def test_two_seeds_of_a_noisier_model_take_hsu_s_one_degree_of_freedom():
    """From 2 seeds the Welch-Satterthwaite degrees of freedom run high whenever the two lie close: 2 seeds
    of a model 3× noisier than its opponent's 5 would be called different ~10 % of the time at α = 5 %.
    Hsu's min(m, o) - 1 = 1 keeps it under α; from 3 seeds on, Welch's estimate stands."""
    rng = np.random.default_rng(4)
    a, b = rng.normal(0, 3, (20_000, 3)), rng.normal(0, 1, (20_000, 5))
    diff, se, df = sq.welch(a, b, np.array([2, 3]), np.array([5, 5]))
    assert (df[:, 0] == 1).all() and (df[:, 1] > 1).all()
    false = np.mean(2 * sq.stats.t.sf(np.abs(diff[:, 0]) / se[:, 0], df[:, 0]) < 0.05)
    assert false <= 0.05, false


def test_resampled_seeds_with_ties_keep_the_false_verdict_rate():
    """A model against itself, seeds resampled from 5 accuracies that take 4 values (mnist1d_mlp's
    shape): ties are frequent at the first looks, and false "better/worse" stay ≤ α (2 SE of 4,000
    replays ≈ 0.007)."""
    values = np.array([0.6880, 0.6918, 0.6918, 0.6962, 0.6930])
    plan = sq.schedule(sq.looks(6), free_other=5)
    rng = np.random.default_rng(3)
    a, b = rng.choice(values, (4000, plan.model[-1])), rng.choice(values, (4000, plan.other[-1]))
    verdict, _ = sq.decide(a, b, plan, margin=0.0172)
    assert np.mean(np.abs(verdict) == 1) <= 0.057
