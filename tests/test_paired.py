"""Paired tests between classifiers on the same test samples, from the records' raw outcomes (reports/paired.py)."""

from __future__ import annotations

import numpy as np
import pytest

from reports import paired
from suite.raw import pack_bits, unpack


def test_raw_bits_round_trip_compactly():
    x = np.random.default_rng(0).random(10_000) < 0.9
    packed = pack_bits(x)
    assert (unpack(packed) == x).all() and len(packed["b64"]) < 1_700  # 10,000 samples in 1.7 kB


def test_mcnemar_matches_statsmodels_exact():
    from statsmodels.stats.contingency_tables import mcnemar

    rng = np.random.default_rng(1)
    a, b = rng.random(500) < 0.9, rng.random(500) < 0.85
    table = [[np.sum(a & b), np.sum(a & ~b)], [np.sum(~a & b), np.sum(~a & ~b)]]
    assert paired.mcnemar(a, b) == pytest.approx(mcnemar(table, exact=True).pvalue)


def test_paired_bootstrap_finds_a_real_gap_and_not_a_null_one():
    rng = np.random.default_rng(2)
    truth = rng.random(2_000) < 0.9  # samples the better model gets right
    better = {s: truth | (rng.random(2_000) < 0.3) for s in range(3)}
    worse = {s: truth & (rng.random(2_000) < 0.95) for s in range(3)}
    same = {s: truth.copy() for s in range(3)}
    r = paired.compare(better, worse, "worse")
    assert r.diff > 0 and r.low > 0 and r.p_bootstrap < 0.01 and all(p < 0.05 for p in r.mcnemar_p)
    r0 = paired.compare(same, {s: truth.copy() for s in range(3)}, "same")
    assert r0.diff == 0 and r0.p_bootstrap == 1.0 and r0.mcnemar_p == [1.0, 1.0, 1.0]
    assert paired.compare(better, {0: truth[:100]}, "subset") is None  # another test set: not paired
    assert paired.compare({}, worse, "none") is None  # a record without raw outcomes


def test_bench_compare_runs_one_dm_test_between_two_forecasters(bench, results):
    assert bench("run", "sunspots_naive", "sunspots_drift", "--preset", "smoke", "--results", str(results), "--no-progress")[0] == 0
    code, out, _ = bench(
        "compare", "drift", "--problems", "sunspots", "--against", "naive", "--preset", "smoke", "--results", str(results), "--no-run"
    )
    assert code == 0
    row = next(line for line in out.splitlines() if line.startswith("| naive | 1 / 1 |"))
    stat, p = (float(x) for x in row.strip("| ").split(" | ")[3:5])
    assert 0 < p <= 1 and stat != 0  # drift and naive differ at every origin of the smoke backtest
