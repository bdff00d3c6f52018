"""The group-sequential comparison behind `bench compare --until-decided` (reports/sequential.py)."""

from __future__ import annotations

import numpy as np
import pytest

from reports import sequential as sq


def test_spending_releases_alpha_over_the_looks_and_little_early():
    plan = sq.looks(3, 2, 15)
    assert plan == [3, 5, 7, 9, 11, 13, 15]
    levels = [sq.level(k, plan, 0.05) for k in range(len(plan))]
    assert sum(levels) == pytest.approx(0.05)
    assert levels[0] < 1e-4 and all(x > 0 for x in levels)  # O'Brien-Fleming: the first look spends almost nothing


def test_a_clear_difference_is_decided_in_the_right_direction():
    plan = sq.looks(3, 2, 15)
    better = np.array([0.95, 0.951, 0.949, 0.952, 0.95])
    worse = better - 0.05
    assert sq.look(better, worse, 1, plan, margin=0.01, higher_is_better=True).verdict == "better"
    assert sq.look(better, worse, 1, plan, margin=0.01, higher_is_better=False).verdict == "worse"  # a loss: lower wins


def test_equivalence_needs_the_interval_inside_the_margin():
    rng = np.random.default_rng(0)
    a, b = rng.normal(0.9, 0.002, 15), rng.normal(0.9, 0.002, 15)
    plan = sq.looks(3, 2, 15)
    assert sq.look(a, b, len(plan) - 1, plan, margin=0.01, higher_is_better=True).verdict == "equivalent"
    assert sq.look(a, b, len(plan) - 1, plan, margin=1e-5, higher_is_better=True).verdict == "undecided"


def test_looking_every_round_keeps_the_false_difference_rate_under_alpha():
    """A model against itself, 400 replays of 7 looks: false "better/worse" verdicts ≤ α (+ sampling slack)."""
    rng = np.random.default_rng(1)
    plan = sq.looks(3, 2, 15)
    false = 0
    for _ in range(400):
        a, b = rng.normal(0, 1, 15), rng.normal(0, 1, 15)
        for k in range(len(plan)):
            v = sq.look(a, b, k, plan, margin=0.5, higher_is_better=True).verdict
            if v != "continue":
                false += v in ("better", "worse")
                break
    assert false / 400 <= 0.05 + 0.02


def test_against_an_exact_entry_it_is_a_one_sample_test():
    plan = sq.looks(3, 2, 15)
    v = sq.look(np.array([1.0, 1.1, 0.9, 1.05, 0.95]), np.array([2.0]), 1, plan, margin=0.1, higher_is_better=False)
    assert v.verdict == "better" and v.diff == pytest.approx(-1.0)
