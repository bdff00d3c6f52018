"""Point-forecast errors as pure numpy functions over (origins, H) arrays.

MASE follows Hyndman & Koehler (2006) and the M4 competition: the mean absolute error of the
forecasts divided by the in-sample mean absolute error of the seasonal-naive forecast on the
training span. MASE < 1 beats "repeat last season" as judged in sample; the backtest's own
seasonal_naive MASE is the reference every model should beat (the problem's `random` ref).
"""

from __future__ import annotations

import numpy as np


def mase_scale(train: np.ndarray, season: int) -> float:
    """Mean |y[t] - y[t-m]| over the training span: the seasonal-naive one-step in-sample error."""
    train = np.asarray(train, dtype=np.float64)
    if len(train) <= season:
        raise ValueError(f"training span of {len(train)} points is too short for season {season}")
    scale = float(np.mean(np.abs(train[season:] - train[:-season])))
    if not scale > 0:
        raise ValueError("training span is constant at the seasonal lag: MASE is undefined")
    return scale


def mae(actual: np.ndarray, forecast: np.ndarray) -> float:
    return float(np.mean(np.abs(np.asarray(actual) - np.asarray(forecast))))


def rmse(actual: np.ndarray, forecast: np.ndarray) -> float:
    return float(np.sqrt(np.mean((np.asarray(actual) - np.asarray(forecast)) ** 2)))


def mase(actual: np.ndarray, forecast: np.ndarray, scale: float) -> float:
    return mae(actual, forecast) / scale


def smape(actual: np.ndarray, forecast: np.ndarray) -> float:
    """Symmetric MAPE in percent (0-200), M4 definition; a point where both are 0 counts as 0 error."""
    a, f = np.asarray(actual, dtype=np.float64), np.asarray(forecast, dtype=np.float64)
    denom = np.abs(a) + np.abs(f)
    ratio = np.divide(2.0 * np.abs(a - f), denom, out=np.zeros_like(denom), where=denom > 0)
    return float(100.0 * np.mean(ratio))


def all_metrics(actual: np.ndarray, forecast: np.ndarray, scale: float, prefix: str = "test/") -> dict[str, float]:
    """The family's four numbers, namespaced: test/mase (primary), test/smape, test/mae, test/rmse."""
    return {
        f"{prefix}mase": mase(actual, forecast, scale),
        f"{prefix}smape": smape(actual, forecast),
        f"{prefix}mae": mae(actual, forecast),
        f"{prefix}rmse": rmse(actual, forecast),
    }
