"""Point-forecast errors as pure numpy functions over (origins, H) arrays.

MASE follows Hyndman & Koehler (2006) and the M4 competition: the mean absolute error of the
forecasts divided by the in-sample mean absolute error of the seasonal-naive forecast on the
training span. MASE < 1 beats "repeat last season" as judged in sample; the backtest's own
seasonal_naive MASE is the reference every model should beat (the problem's `random` ref).
"""

from __future__ import annotations

import numpy as np

# the test lives in the engine, where the reports use the same one per board entry; imported here for the family's records
from suite.diebold_mariano import DM_ESTIMATOR, _fixed_b_stat, diebold_mariano, dm_null  # noqa: F401


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


def directional_accuracy(last: np.ndarray, actual: np.ndarray, forecast: np.ndarray) -> tuple[float, int]:
    """Share of origins where the forecast gets the sign of the H-step change right; (share, n).

    last (O,) is the value just before each origin, actual and forecast (O, H); the change judged is
    from `last` to step H. Origins where the actual change is 0 carry no direction and are left out
    (n counts the rest); a forecast of no change calls no direction and scores 1/2, a coin toss, so
    the random walk scores exactly 0.5 and 50 % is chance for every model.
    """
    last, actual, forecast = (np.asarray(a, dtype=np.float64) for a in (last, actual, forecast))
    true, pred = np.sign(actual[:, -1] - last), np.sign(forecast[:, -1] - last)  # (O,) each
    keep = true != 0
    hits = np.where(pred[keep] == 0, 0.5, (pred[keep] == true[keep]).astype(np.float64))
    n = int(keep.sum())
    return (float(hits.mean()) if n else 0.5), n


def wilson_interval(share: float, n: int, z: float = 1.959964) -> tuple[float, float]:
    """Wilson score interval (95 % by default) for a binomial share observed on n trials."""
    if n == 0:
        return 0.0, 1.0
    centre = (share + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(share * (1 - share) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return float(centre - half), float(centre + half)


def vs_random_walk(
    last: np.ndarray, actual: np.ndarray, forecast: np.ndarray, stride: int, scored=np.asarray, prefix: str = "test/"
) -> tuple[dict[str, float], dict]:
    """Metrics against the random walk (naive: y[o+h] = y[o-1]) at the same origins, and details for `info`.

    last (O,), actual and forecast (O, H) in the series' units; `scored` maps them to the units the
    errors are judged in (exp for a log series). The DM loss per origin is the mean absolute error
    over its H steps (the loss MASE averages); origins `stride` apart overlap for ceil(H / stride) - 1
    lags, the h given to the test.
    """
    horizon = actual.shape[1]
    naive = np.repeat(np.asarray(last, dtype=np.float64)[:, None], horizon, axis=1)  # (O, H)
    a = scored(actual)
    loss_model = np.mean(np.abs(a - scored(forecast)), axis=1)  # (O,)
    loss_naive = np.mean(np.abs(a - scored(naive)), axis=1)  # (O,)
    h = -(-horizon // stride)
    stat, p = diebold_mariano(loss_model, loss_naive, h)
    acc, n = directional_accuracy(last, actual, forecast)
    out = {f"{prefix}dm_stat_vs_naive": stat, f"{prefix}dm_p_vs_naive": p, f"{prefix}directional_acc": acc}
    info = {"dm": {"loss": "mean absolute error over H per origin", "h": h, "origins": len(loss_model), "estimator": DM_ESTIMATOR}}
    # per-origin losses, so a paired test between any two entries can be recomputed from the records
    info["raw"] = {"origin_loss": [float(x) for x in loss_model], "origin_loss_naive": [float(x) for x in loss_naive]}
    info["directional"] = {"n": n, "hits": round(2 * acc * n) / 2, "wilson95": list(wilson_interval(acc, n))}  # hits in halves
    return out, info
