"""The evaluation protocol: where forecasts start, what a model may see, how the training data is cut.

Rolling-origin backtest: from every origin o in the test span (o = val_end, val_end + stride, ...,
up to N - H) a model forecasts y[o : o + H] from the history y[:o] alone. `backtest` hands each
model a *copy* of y[:o], so no model can reach a later value even through the array's base.
Every model is fitted once, on the training span (deep models also watch the validation span for
their best epoch); at each origin it conditions on the history up to that origin, the way a
forecaster in production is updated with new observations without being re-estimated.
The scaler of the deep models is fitted on the training span only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from tasks.forecasting.data import Series


def backtest_origins(s: Series, stride: int | None = None) -> np.ndarray:
    """Forecast origins of the backtest: every `stride` steps from the test start while o + H <= N."""
    return np.arange(s.val_end, len(s.y) - s.horizon + 1, stride or s.stride)


def val_origins(s: Series, window: int) -> np.ndarray:
    """Origins whose whole target lies in the validation span (inputs may reach back into training)."""
    return np.arange(max(s.train_end, window), s.val_end - s.horizon + 1)


def train_origins(s: Series, window: int) -> np.ndarray:
    """Origins whose window and target both lie inside the training span."""
    return np.arange(window, s.train_end - s.horizon + 1)


def windows(y: np.ndarray, origins: np.ndarray, window: int, horizon: int) -> tuple[np.ndarray, np.ndarray]:
    """Supervised pairs: x = y[o-window:o] (B, window), target = y[o:o+H] (B, H)."""
    x = np.stack([y[o - window : o] for o in origins])
    t = np.stack([y[o : o + horizon] for o in origins])
    return x, t


@dataclass
class Scaler:
    """Standardisation with the mean and std of the training span only."""

    mean: float
    std: float

    @classmethod
    def fit(cls, train: np.ndarray) -> Scaler:
        std = float(np.std(train))
        return cls(float(np.mean(train)), std if std > 0 else 1.0)

    def transform(self, y: np.ndarray) -> np.ndarray:
        return (np.asarray(y) - self.mean) / self.std

    def inverse(self, z: np.ndarray) -> np.ndarray:
        return np.asarray(z) * self.std + self.mean


Predict = Callable[[np.ndarray, int], np.ndarray]  # (history y[:o], H) -> (H,) forecast


def backtest(predict: Predict, y: np.ndarray, origins: np.ndarray, horizon: int) -> tuple[np.ndarray, np.ndarray]:
    """Forecasts and actuals, both (len(origins), H); `predict` sees only a copy of y[:o]."""
    forecasts = np.empty((len(origins), horizon))
    actuals = np.empty((len(origins), horizon))
    for i, o in enumerate(origins):
        f = np.asarray(predict(np.array(y[:o], copy=True), horizon), dtype=np.float64)
        if f.shape != (horizon,):
            raise ValueError(f"a forecast must have shape ({horizon},), got {f.shape}")
        forecasts[i], actuals[i] = f, y[o : o + horizon]
    return forecasts, actuals
