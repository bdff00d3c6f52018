"""Forecasting runner: fit a model, backtest it over the test span by rolling origin, score, plot.

One runner for every forecaster. `suite.contract.build` hands it an object of the family's contract
(`tasks/forecasting/contract.py`: `fit(train)`, `predict(history, horizon)`): a trainer as registered,
or a torch module wrapped by the family's built-in trainer (`deep.adapt`), as the model's registration
declares. The runner fits it on the training span and judges every model by the same
`protocol.backtest` and metrics; it never asks what the model is.

    bench run sunspots_lstm --seeds 3 --wandb disabled
"""

from __future__ import annotations

import time

import numpy as np

from suite import contract
from suite.backends import plain
from suite.context import RunContext
from suite.errors import UserError
from tasks.forecasting import metrics, protocol
from tasks.forecasting.data import Series


def fit_predictor(ctx: RunContext, s: Series, scale: float):
    """The model fitted on the training span y[:train_end], as an object with `predict(history, H)`.

    `scale` (the MASE scale) is unused here: it is part of the `fit` signature `run` takes, for
    callers that hand in a predictor built another way (tasks/compression/forecast.py)."""
    window = ctx.config.window or s.window
    if not 0 < window <= s.train_end - s.horizon:
        raise UserError(f"window={window} does not fit {s.name}'s training span of {s.train_end} steps with horizon {s.horizon}")
    model = contract.build(ctx, window=window, horizon=s.horizon, season=s.season)
    ctx.info["kind"] = ctx.task.model.kind  # "trainer" or "module", as registered
    # the plain backend's harness for every model: fit timed as `train`, warnings kept, estimates checked
    return plain.fit(ctx, model, np.array(s.y[: s.train_end], copy=True))


def run(ctx: RunContext, fit=fit_predictor) -> None:
    """Fit (`fit(ctx, series, mase_scale)` → predictor: tasks/compression passes an already trained one), backtest, score."""
    s: Series = ctx.task.problem.load()()
    scale = metrics.mase_scale(s.scored(s.y[: s.train_end]), s.mase_m)  # in the units scored (prices for msft)
    predictor = fit(ctx, s, scale)
    stride = ctx.config.stride or s.stride
    origins = protocol.backtest_origins(s, stride)
    with ctx.phase("eval"), plain.guarded(ctx):
        t0 = time.perf_counter()
        forecasts, actuals = protocol.backtest(predictor.predict, s.y, origins, s.horizon)  # (O, H) each
        ctx.resources["eval_throughput"] = len(origins) / (time.perf_counter() - t0)  # forecasts/s
    plain.check_finite(forecasts, f"forecasts of {ctx.task.id}")
    a, f = s.scored(actuals), s.scored(forecasts)
    ctx.metrics.update(metrics.all_metrics(a, f, scale))
    vs_rw, vs_rw_info = metrics.vs_random_walk(s.y[origins - 1], actuals, forecasts, stride, s.scored)
    ctx.raw.update(vs_rw_info.pop("raw"))  # per-origin losses of the model and the random walk
    ctx.metrics.update(vs_rw)  # DM test and directional accuracy against the random walk, every problem
    by_h = np.mean(np.abs(a - f), axis=0) / scale  # (H,)
    ctx.info.update(
        season=s.season,
        horizon=s.horizon,
        window=ctx.config.window or s.window,
        split={"train_end": s.train_end, "val_end": s.val_end, "n": len(s.y)},
        origins=len(origins),
        mase_scale=scale,
        mase_m=s.mase_m,
        mase_by_horizon=[float(v) for v in by_h],
        **vs_rw_info,
        **s.notes,
    )
    from tasks.forecasting.plot import forecast_plot

    forecast_plot(ctx, s, origins, forecasts, by_h)
