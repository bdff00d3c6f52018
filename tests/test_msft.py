"""The msft problems (pmdarima's MSFT prices and volumes) and the random-walk statistics every forecaster gets.

Hand-computed cases for the Diebold-Mariano test (Bartlett kernel at bandwidth T, null simulated with the
backtest's overlap), its size under overlapping origins, and
directional accuracy; the fixed calendar split; price-term scoring; auto_arima's budget; and the
one-line error when pmdarima cannot be imported.
"""

from __future__ import annotations

import math
import sys

import numpy as np
import pandas as pd
import pytest

from suite.config import resolve_config
from suite.context import RunContext
from suite.errors import UserError
from suite.registry import get_registry
from suite.runner import place_threads
from tasks.forecasting import NAIVE_MASE, baselines, data, metrics, protocol, runner
from tests.conftest import run_smoke

LOSS_A, LOSS_B = np.array([1.0, 2.0, 3.0, 4.0]), np.array([2.0, 2.0, 2.0, 2.0])  # d = -1, 0, 1, 2; mean 0.5


def test_diebold_mariano_by_hand_with_the_bartlett_kernel_at_bandwidth_t():
    # centred d: -1.5, -0.5, 0.5, 1.5; partial sums S: -1.5, -2, -1.5, 0; V = 2 (2.25 + 4 + 2.25) / 16 = 1.0625
    stat, p = metrics.diebold_mariano(LOSS_A, LOSS_B, h=1)
    assert stat == pytest.approx(0.5 / math.sqrt(1.0625 / 4))
    # the same statistic at h = 2 is judged against a null with more overlap: wider, so a larger p
    stat2, p2 = metrics.diebold_mariano(LOSS_A, LOSS_B, h=2)
    assert stat2 == stat and p2 > p and 0 < p < 1
    # swapping the forecasters flips the sign only; identical losses are no evidence
    assert metrics.diebold_mariano(LOSS_B, LOSS_A, h=2) == pytest.approx((-stat2, p2))
    assert metrics.diebold_mariano(LOSS_A, LOSS_A, h=1) == (0.0, 1.0)


def test_diebold_mariano_keeps_its_size_with_overlapping_origins():
    """Sunspots' shape (31 origins, 10 overlapping): equal-accuracy forecasters whose per-origin loss is the
    mean absolute error over overlapping windows; the old HLN test rejected 19 % of these at 5 %."""
    rng = np.random.default_rng(3)
    t_len, h, reps = 31, 10, 600
    rejected = 0
    for _ in range(reps):
        e1, e2 = rng.standard_normal((2, t_len + h))
        loss1 = np.array([np.abs(e1[t : t + h]).mean() for t in range(t_len)])
        loss2 = np.array([np.abs(e2[t : t + h]).mean() for t in range(t_len)])
        rejected += metrics.diebold_mariano(loss1, loss2, h)[1] < 0.05
    assert 0.02 <= rejected / reps <= 0.08  # 5 % ± sampling error at 600 draws


def test_directional_accuracy_on_a_tiny_case():
    last = np.full(5, 10.0)
    actual = np.array([[0, 12], [0, 8], [0, 11], [0, 10], [0, 9]], dtype=float)  # H-step changes: + - + 0 -
    forecast = np.array([[0, 11], [0, 9], [0, 9], [0, 15], [0, 10]], dtype=float)  # called:        + - - + (none)
    # the flat actual (4th) is dropped; hits 1, 1, 0 and a no-change call scores 1/2: 2.5 / 4
    assert metrics.directional_accuracy(last, actual, forecast) == (0.625, 4)
    assert metrics.directional_accuracy(last, actual, np.repeat(last[:, None], 2, axis=1)) == (0.5, 4)  # the random walk
    lo, hi = metrics.wilson_interval(0.0, 10)
    assert lo == pytest.approx(0.0, abs=1e-12) and hi == pytest.approx(1.959964**2 / (10 + 1.959964**2))


def test_the_split_is_by_calendar_date_and_the_backtest_steps_a_week():
    for s in (data.msft(), data.msft_volume()):
        dates = s.index
        assert len(s.y) == 7983 and dates[0] == pd.Timestamp("1986-03-13") and dates[-1] == pd.Timestamp("2017-11-10")
        assert dates[s.train_end - 1] == pd.Timestamp("2012-12-31") and dates[s.train_end] == pd.Timestamp("2013-01-02")
        assert dates[s.val_end - 1] == pd.Timestamp("2014-12-31") and dates[s.val_end] == pd.Timestamp("2015-01-02")
        assert (s.horizon, s.stride, s.mase_m) == (5, 5, 1)
        origins = protocol.backtest_origins(s)
        assert len(origins) == 144 and origins[0] == s.val_end and np.all(np.diff(origins) == 5)
    vol = data.msft_volume()
    assert vol.notes["filled_days"] == ["2010-04-26"] and np.isfinite(vol.y).all()


def test_refs_are_the_random_walk_backtest_mase_in_price_terms():
    close = data.load_msft()["Close"].to_numpy(np.float64)
    for name, want in NAIVE_MASE.items():
        s = getattr(data, name)()
        origins = protocol.backtest_origins(s)
        if name == "msft":  # by hand on the prices themselves: the naive forecast is yesterday's close
            scale = np.mean(np.abs(np.diff(close[: s.train_end])))
            err = np.mean([np.abs(close[o : o + 5] - close[o - 1]).mean() for o in origins])
            assert err / scale == pytest.approx(want, abs=5e-5)
        scale = metrics.mase_scale(s.scored(s.y[: s.train_end]), s.mase_m)
        f, a = protocol.backtest(baselines.Naive().predict, s.y, origins, s.horizon)
        assert metrics.mase(s.scored(a), s.scored(f), scale) == pytest.approx(want, abs=5e-5), name
        assert get_registry().problem(name).refs["forecasting"]["random"] == want


def test_smoke_baseline_scores_prices_and_is_its_own_random_walk(results):
    task = get_registry().task("msft_naive")
    rec = run_smoke(task.id, results)
    assert rec["status"] == "ok", rec["error"]
    m = rec["metrics"]
    assert (m["test/dm_stat_vs_naive"], m["test/dm_p_vs_naive"], m["test/directional_acc"]) == (0.0, 1.0, 0.5)
    close = data.load_msft()["Close"].to_numpy(np.float64)
    s = data.msft()
    origins = protocol.backtest_origins(s, rec["config"]["stride"])
    assert m["test/mae"] == pytest.approx(np.mean([np.abs(close[o : o + 5] - close[o - 1]) for o in origins]))  # dollars
    assert rec["info"]["dates"]["test"] == ["2015-01-02", "2017-11-10"] and rec["info"]["mase_m"] == 1


def test_smoke_deep_model_picks_its_epoch_by_val_mase_in_price_terms(tmp_path):
    task = get_registry().task("msft_lstm")
    ctx = RunContext(
        task=task, config=resolve_config(task, "smoke"), seed=0, preset="smoke", device="cpu", run_dir=tmp_path, progress=False
    )
    place_threads(1)
    s = data.msft()
    scale = metrics.mase_scale(s.scored(s.y[: s.train_end]), s.mase_m)
    predictor = runner.fit_predictor(ctx, s, scale)
    val = protocol.val_origins(s, s.window)
    f, a = protocol.backtest(predictor.predict, s.y, val, s.horizon)
    logged = min(v for _, _, key, v in ctx.curves if key == "val/mase")  # the restored best epoch
    assert logged == pytest.approx(metrics.mase(s.scored(a), s.scored(f), scale), rel=1e-3)


def test_auto_arima_searches_and_filters_only_the_last_fit_last_points():
    s = data.synthetic()
    model = baselines.auto_arima(s.season, seasonal=False, max_p=1, max_q=1, maxiter=5, fit_last=150)
    model.fit(s.y[: s.train_end])
    assert model.start == s.train_end - 150 and model.result.nobs == 150  # the search and the fit saw the tail only
    o = s.val_end
    f = model.predict(s.y[:o].copy(), s.horizon)
    result, seen = model._last
    assert np.isfinite(f).all() and len(seen) == o - model.start  # the filter, too, starts there,
    assert result.nobs == o - s.train_end  # and runs over the new steps only (extended, not re-filtered)


def test_the_classic_recipe_is_a_preset_of_msft_lstm_only():
    reg = get_registry()
    cfg = resolve_config(reg.task("msft_lstm"), "classic")
    assert (cfg.window, cfg.window_norm, cfg.hidden, cfg.layers, cfg.dropout, cfg.loss, cfg.lr) == (60, "none", 50, 2, 0.2, "mse", 1e-3)
    assert cfg.early_stopping_patience == 0 and cfg.max_epochs > 0
    with pytest.raises(UserError, match="unknown preset"):
        resolve_config(reg.task("sunspots_lstm"), "classic")


def test_without_pmdarima_the_msft_tasks_fail_in_one_line_and_the_rest_runs(monkeypatch, bench):
    monkeypatch.setitem(sys.modules, "pmdarima", None)  # as if the compiled package could not be imported
    with pytest.raises(UserError, match="missing optional dependency 'pmdarima'"):
        data.msft()
    code, out, err = bench("run", "msft_naive", "--preset", "smoke", "--wandb", "disabled")
    assert code == 2 and err.count("\n") == 1 and "pmdarima" in err and "pip install pmdarima" in err
    code, out, err = bench("run", "synthetic_naive", "--preset", "smoke", "--wandb", "disabled")
    assert code == 0, err


def test_forecasting_boards_show_the_dm_test_and_direction_beside_mase(results, tmp_path):
    """The family declares its secondary metrics in each record; every board format shows them, with a legend."""
    from reports import build, records

    for name in ("msft_naive", "msft_drift"):
        task = get_registry().task(name)
        rec = run_smoke(task.id, results)
        assert rec["status"] == "ok", rec["error"]
        assert [c["label"] for c in rec["rankings"]["forecasting"]["columns"]] == ["DM p vs RW", "DM stat", "direction"]
    rep = build.compute(records.load(results), preset="smoke")
    ((_key, board),) = rep.boards.items()
    naive = board.set_index("model").loc["naive"]
    drift = rec["metrics"]
    assert (naive["DM p vs RW"], naive["DM stat"], naive["direction"]) == (1.0, 0.0, 0.5)  # the random walk itself
    assert board.set_index("model").loc["drift", "DM p vs RW"] == pytest.approx(drift["test/dm_p_vs_naive"])
    build.write(rep, tmp_path / "out", ["md", "csv", "html"])
    md = (tmp_path / "out" / "leaderboard.md").read_text()
    header = next(line for line in md.splitlines() if line.startswith("| rank | model | seeds"))
    assert "| tie | DM p vs RW | DM stat | direction |" in header
    assert "50.0%" in md and "DM p vs RW: Diebold-Mariano test" in md
    assert "DM p vs RW" in pd.read_csv(tmp_path / "out" / "leaderboard.csv").columns
    assert "data-v" in (tmp_path / "out" / "report.html").read_text().split("DM p vs RW")[1][:2000]
