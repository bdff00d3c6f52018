"""The forecasting protocol: no model sees a value after its forecast origin; data as documented.

The no-leak check poisons the future with NaN. A model fitted on a series whose test span is NaN
must fit (a leaked NaN would make the loss, the scaler or the ETS estimates non-finite), and its
forecast from an origin o must be finite and identical whether y[o:] is real or NaN.
"""

from __future__ import annotations

import copy
import dataclasses

import numpy as np
import pandas as pd
import pytest

from suite.config import resolve_config
from suite.context import RunContext
from suite.registry import get_registry
from suite.runner import place_threads
from tasks.forecasting import SEASONAL_NAIVE_MASE, baselines, data, metrics, protocol, runner

MODELS = sorted(m.name for m in get_registry().all_models() if "forecasting" in m.families)


def test_backtest_hands_each_model_a_copy_of_the_past_only():
    y = np.arange(50.0)
    seen = []

    def spy(history: np.ndarray, horizon: int) -> np.ndarray:
        assert not np.shares_memory(history, y)  # a view could reach the future through .base
        seen.append(len(history))
        history[:] = -1  # a model that scribbles on its input must not change the data
        return np.zeros(horizon)

    origins = np.array([20, 25, 30])
    forecasts, actuals = protocol.backtest(spy, y, origins, horizon=4)
    assert seen == [20, 25, 30]
    assert np.array_equal(actuals[1], [25, 26, 27, 28])
    assert np.array_equal(y, np.arange(50.0))


def test_splits_and_origins_respect_the_spans():
    s = data.synthetic()
    o = protocol.backtest_origins(s)
    assert o[0] == s.val_end and o[-1] + s.horizon == len(s.y) and np.all(np.diff(o) == s.stride)
    w = s.window
    tr, va = protocol.train_origins(s, w), protocol.val_origins(s, w)
    assert tr.min() - w >= 0 and tr.max() + s.horizon <= s.train_end  # train windows and targets inside training
    assert va.min() >= s.train_end and va.max() + s.horizon <= s.val_end  # validation targets inside validation


def _ctx(model: str, tmp_path) -> RunContext:
    task = get_registry().task(f"synthetic_{model}")
    cfg = resolve_config(task, "smoke")
    return RunContext(task=task, config=cfg, seed=0, preset="smoke", device="cpu", run_dir=tmp_path, progress=False)


@pytest.mark.parametrize("model", MODELS)
def test_no_model_sees_a_value_after_its_forecast_origin(model, tmp_path):
    clean = data.synthetic()
    poisoned = copy.copy(clean)
    poisoned.y = clean.y.copy()
    ctx = _ctx(model, tmp_path)
    # trainers fit on the training span: poison from there; a torch module's trainer validates on the next span
    cut = clean.val_end if ctx.task.model.kind == "module" else clean.train_end
    poisoned.y[cut:] = np.nan
    # the problem itself returns the poisoned series: the deep trainer reads its validation span from it
    ctx.task = dataclasses.replace(ctx.task, problem=dataclasses.replace(ctx.task.problem, target=lambda: poisoned))
    place_threads(1)  # as the runner would, with BENCH_THREADS=1 from conftest
    scale = metrics.mase_scale(clean.y[: clean.train_end], clean.season)
    predictor = runner.fit_predictor(ctx, poisoned, scale)  # raises Diverged if a NaN got in
    if ctx.info["kind"] == "module":
        fitted = protocol.Scaler.fit(clean.y[: clean.train_end])
        assert ctx.info["scaler"] == {"mean": fitted.mean, "std": fitted.std}  # scaler: training span only
    for o in protocol.backtest_origins(clean)[::20]:
        blind = clean.y.copy()
        blind[o:] = np.nan
        f_clean, _ = protocol.backtest(predictor.predict, clean.y, np.array([o]), clean.horizon)
        f_blind, _ = protocol.backtest(predictor.predict, blind, np.array([o]), clean.horizon)
        assert np.isfinite(f_blind).all(), f"{model} forecast from origin {o} used a value at or after {o}"
        np.testing.assert_array_equal(f_clean, f_blind)


def test_refs_are_the_seasonal_naive_backtest_mase():
    for name, want in SEASONAL_NAIVE_MASE.items():
        s = getattr(data, name)()
        scale = metrics.mase_scale(s.y[: s.train_end], s.season)
        f, a = protocol.backtest(baselines.SeasonalNaive(s.season).predict, s.y, protocol.backtest_origins(s), s.horizon)
        assert metrics.mase(a, f, scale) == pytest.approx(want, abs=5e-5), name
        assert get_registry().problem(name).refs["forecasting"]["random"] == want


def test_co2_weekly_gaps_become_complete_monthly_means():
    s = data.co2()
    assert len(s.y) == 526 and np.isfinite(s.y).all()
    assert s.index[0] == pd.Timestamp("1958-03-01") and s.index[-1] == pd.Timestamp("2001-12-01")
    assert s.notes["filled_months"] == ["1958-06-01", "1958-10-01", "1964-02-01", "1964-03-01", "1964-04-01"]
    # a month with data is exactly the mean of its weeks
    import statsmodels.api as sm

    weekly = sm.datasets.co2.load_pandas().data["co2"]
    assert s.y[list(s.index).index(pd.Timestamp("1990-05-01"))] == pytest.approx(weekly["1990-05"].mean())
    # the filled Feb-Apr 1964 rise toward the May peak, as every other year has it
    i = list(s.index).index(pd.Timestamp("1964-02-01"))
    assert s.y[i - 1] < s.y[i] < s.y[i + 1] < s.y[i + 2] < s.y[i + 3]


def test_seasonal_linear_fill_recovers_a_missing_season_better_than_linear():
    weeks = pd.date_range("1980-01-05", periods=52 * 8, freq="W-SAT")
    t = np.arange(len(weeks))
    truth = pd.Series(300 + 0.03 * t + 3 * np.sin(2 * np.pi * (weeks.month - 1) / 12), index=weeks)
    weekly = truth.copy()
    weekly["1984-02":"1984-04"] = np.nan  # three whole months, as co2 in 1964
    weekly.iloc[[10, 100, 200]] = np.nan  # and single weeks
    monthly, missing = data.weekly_to_monthly(weekly, climatology_end=48)
    want = truth.resample("MS").mean()
    assert [str(m.date()) for m in missing] == ["1984-02-01", "1984-03-01", "1984-04-01"]
    err = (monthly - want)["1984-02":"1984-04"].abs().max()
    linear = weekly.resample("MS").mean().interpolate("linear")
    err_linear = (linear - want)["1984-02":"1984-04"].abs().max()
    assert err < 0.2 < err_linear


def test_synthetic_has_its_documented_ground_truth():
    y, truth = data.synthetic_signal()
    y2, _ = data.synthetic_signal()
    assert np.array_equal(y, y2)  # seeded: one series for every run
    noise = y - truth
    assert abs(noise.mean()) < 0.06 and 0.45 < noise.std() < 0.55
    assert np.allclose(truth[84:] - truth[:-84], 0.02 * 84)  # 12- and 7-step seasons repeat every 84 steps
    s = data.synthetic()
    origins = protocol.backtest_origins(s)
    scale = metrics.mase_scale(s.y[: s.train_end], s.season)
    # an oracle that knows the noise-free future is only off by the noise: MAE ≈ 0.5·√(2/π)
    oracle = [s.truth[o : o + s.horizon] for o in origins]
    actual = np.stack([s.y[o : o + s.horizon] for o in origins])
    assert metrics.mae(actual, np.stack(oracle)) == pytest.approx(0.5 * np.sqrt(2 / np.pi), rel=0.15)
    assert metrics.mase(actual, np.stack(oracle), scale) < 0.5 * SEASONAL_NAIVE_MASE["synthetic"]
