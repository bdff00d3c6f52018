"""The forecasting contract: what a model brings to be judged by the rolling-origin backtest.

The family owns everything judged (tasks/forecasting/protocol.py): the series and its split, the
origins, the metrics and the record. A model brings `fit` and `predict`; `bench contract forecasting`
prints this file's Protocol and a working plug-in.

    bench run sunspots_ar --plugin tasks/forecasting/plugin_example.py --wandb disabled

How a model comes in (`register_model(..., kind=...)`):
- kind "trainer": the registered class (or factory) builds an object meeting `Forecaster` itself. Its
  keyword arguments named `window`, `horizon` or `season` receive the problem's values; its other
  keyword arguments with defaults are config keys. The statistical baselines and Theta come in so.
- kind "module": the short form, a torch module mapping windows `(B, window)` to forecasts
  `(B, horizon)`; the family's built-in trainer (`deep.adapt`) scales the series, trains it on the
  training windows, keeps the epoch with the best validation MASE and wraps it as a `Forecaster`.

Before any run, a plug-in is probed (`probe` below): a trainer is built, fitted on the training span
and asked for one forecast, which must have shape `(horizon,)` and be finite; a module must map a
probe batch `(2, window)` to `(2, horizon)`. A breach is refused in one line, exit 2, no record.
"""

from __future__ import annotations

import warnings
from typing import Any, Protocol

import numpy as np

from suite.errors import UserError


class Forecaster(Protocol):
    """A univariate forecaster, fitted once and then asked for forecasts from many origins."""

    def fit(self, train: np.ndarray) -> None:
        """Estimate the model on `train`, shape (T,) float64: the series up to the end of the training
        span, y[:train_end]. A model that wants validation data holds out its own tail of `train`.
        Called once per run, timed as the run's training; warnings raised here land in the record."""
        ...

    def predict(self, history: np.ndarray, horizon: int) -> np.ndarray:
        """The forecast of the next `horizon` values, shape (horizon,), from `history`, shape (t,)
        float64: every observation before the forecast origin (a copy; t grows from origin to origin).
        Condition on the history; re-estimating here is allowed but is charged to evaluation time."""
        ...


def _series(task: Any):
    return task.problem.load()()


def probe(task: Any, cfg: Any) -> None:
    """Refuse, in one line, a plug-in whose model cannot forecast the task's problem in the stated shape."""
    from suite import contract

    s = _series(task)
    window = cfg.window or s.window
    shape = {"window": window, "horizon": s.horizon, "season": s.season}
    where = f"{task.id}: model {task.model.name!r} ({task.model.source})"
    try:
        built = task.model.load()(**contract.model_kwargs(task, cfg, **shape))
    except Exception as exc:
        raise _refusal(f"{where}: building it with {shape} raised {_one_line(exc)}") from exc
    if task.model.kind == "module":
        return _probe_module(built, where, window, s.horizon)
    contract.require(built, task)  # a factory's object: the class check in suite.contract sees only classes
    train = np.array(s.y[: s.train_end], dtype=np.float64)  # (T,)
    # the whole training span: a forecaster needs its data to forecast, and a prefix a plug-in finds too
    # short would refuse a model that works; the fit is untimed and its result thrown away
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            built.fit(train.copy())
            out = built.predict(train.copy(), s.horizon)
        except Exception as exc:
            raise _refusal(f"{where}: fit(train) then predict(history, {s.horizon}) on the training span raised {_one_line(exc)}") from exc
    f = np.asarray(out, dtype=np.float64) if _numeric(out) else None
    if f is None or f.shape != (s.horizon,):
        got = f.shape if f is not None else type(out).__name__
        raise _refusal(f"{where}: predict(history, {s.horizon}) returned {got}; expected an array of shape ({s.horizon},)")
    if not np.isfinite(f).all():
        raise _refusal(f"{where}: predict(history, {s.horizon}) returned non-finite values {f.tolist()}; expected ({s.horizon},) finite")


def _probe_module(net: Any, where: str, window: int, horizon: int) -> None:
    import torch

    x = torch.linspace(-1.0, 1.0, 2 * window).reshape(2, window)  # (2, window): scaled values, as training sees them
    try:
        was = net.training
        net.eval()
        with torch.no_grad():
            out = net(x)
        net.train(was)
    except Exception as exc:
        raise _refusal(f"{where}: forward of a probe batch (2, {window}) raised {_one_line(exc)}") from exc
    got = tuple(getattr(out, "shape", ())) or type(out).__name__
    if got != (2, horizon):
        raise _refusal(f"{where}: maps a probe batch (2, {window}) to {got}; expected (2, {horizon})")


def _refusal(text: str) -> UserError:
    return UserError(f"{text} (see `bench contract forecasting`)")


def _numeric(out: Any) -> bool:
    try:
        np.asarray(out, dtype=np.float64)
        return True
    except (TypeError, ValueError):
        return False


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:200]}" if text else type(exc).__name__
