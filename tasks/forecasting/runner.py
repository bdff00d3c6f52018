"""Forecasting runner: fit a model, backtest it over the test span by rolling origin, score, plot.

One runner for every forecaster. The model factory decides the kind: an `nn.Module` is a deep model
(trained by Lightning in `deep.py`), an object with `fit`/`predict` is a baseline (fitted by the
plain backend). Both are then judged by the very same `protocol.backtest` and metrics.

    bench run sunspots_lstm --seeds 3 --wandb disabled
"""

from __future__ import annotations

import inspect
import time

import numpy as np

from suite.backends import plain
from suite.config import model_field_names
from suite.context import RunContext
from suite.errors import UserError
from tasks.forecasting import metrics, protocol
from tasks.forecasting.data import Series


def build(ctx: RunContext, s: Series, window: int):
    """Call the model factory with the problem's shape (only what it asks for) and its config keys."""
    factory = ctx.task.model.load()
    shape = {"window": window, "horizon": s.horizon, "season": s.season}
    params = inspect.signature(factory).parameters
    kwargs = {k: v for k, v in shape.items() if k in params}
    kwargs.update({k: getattr(ctx.config, k) for k in model_field_names(ctx.task)})
    return factory(**kwargs)


def is_baseline(model) -> bool:
    return callable(getattr(model, "fit", None)) and callable(getattr(model, "predict", None)) and not _is_module(model)


def _is_module(model) -> bool:
    import sys

    torch = sys.modules.get("torch")  # a baseline run never imports torch just to ask
    return torch is not None and isinstance(model, torch.nn.Module)


def fit_predictor(ctx: RunContext, s: Series, scale: float):
    """The fitted model as an object with `predict(history, H)`; sees y[:val_end] at most."""
    window = ctx.config.window or s.window
    if not 0 < window <= s.train_end - s.horizon:
        raise UserError(f"window={window} does not fit {s.name}'s training span of {s.train_end} steps with horizon {s.horizon}")
    model = build(ctx, s, window)
    if is_baseline(model):
        ctx.info["kind"] = "baseline"
        return plain.fit(ctx, model, np.array(s.y[: s.train_end], copy=True))
    from tasks.forecasting import deep  # torch only for deep models

    ctx.info["kind"] = "deep"
    return deep.train(ctx, model, s, window, scale)


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
