"""Forecasting metrics on arrays small enough to check by hand."""

from __future__ import annotations

import numpy as np
import pytest

from tasks.forecasting import metrics

ACTUAL = np.array([[10.0, 12.0], [8.0, 0.0]])  # 2 origins × H 2
FORECAST = np.array([[11.0, 10.0], [8.0, 0.0]])  # errors 1, 2, 0, 0


def test_mae_and_rmse_by_hand():
    assert metrics.mae(ACTUAL, FORECAST) == pytest.approx(3 / 4)
    assert metrics.rmse(ACTUAL, FORECAST) == pytest.approx(np.sqrt(5 / 4))


def test_smape_by_hand_counts_both_zero_as_no_error():
    # 200·|a-f|/(|a|+|f|): 2/21, 4/22, 0, and 0/0 → 0; mean × 100
    want = 100 * (2 / 21 + 4 / 22 + 0 + 0) / 4
    assert metrics.smape(ACTUAL, FORECAST) == pytest.approx(want)
    assert metrics.smape([0.0], [5.0]) == pytest.approx(200.0)  # the sMAPE ceiling


def test_mase_scale_is_the_in_sample_seasonal_naive_error():
    train = np.array([1.0, 5.0, 2.0, 7.0, 4.0])  # season 2: |2-1|, |7-5|, |4-2| → mean 5/3
    assert metrics.mase_scale(train, 2) == pytest.approx(5 / 3)
    assert metrics.mase_scale(train, 1) == pytest.approx((4 + 3 + 5 + 3) / 4)
    assert metrics.mase(ACTUAL, FORECAST, 5 / 3) == pytest.approx(0.75 / (5 / 3))


def test_mase_scale_rejects_what_cannot_scale():
    with pytest.raises(ValueError, match="too short"):
        metrics.mase_scale(np.arange(3.0), 3)
    with pytest.raises(ValueError, match="constant"):
        metrics.mase_scale(np.array([1.0, 2.0, 1.0, 2.0]), 2)


def test_all_metrics_are_namespaced_and_a_perfect_forecast_scores_zero():
    m = metrics.all_metrics(ACTUAL, ACTUAL, scale=2.0)
    assert set(m) == {"test/mase", "test/smape", "test/mae", "test/rmse"}
    assert all(v == 0 for v in m.values())
