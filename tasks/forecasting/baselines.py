"""Statistical baselines, run by the plain backend: `fit(train)` once, `predict(history, H)` per origin.

A benchmark without these lies by omission: a deep forecaster is only worth its cost where it beats
"repeat the last value" (naive), "repeat the last season" (seasonal_naive), "extend the line from the
first to the last point" (drift), exponential smoothing (ets) and ARIMA (arima, and auto_arima, whose
orders are chosen per problem by pmdarima). Factories take the problem's
`season` (and `horizon` when they need it); keyword arguments with defaults are config keys.
"""

from __future__ import annotations

from typing import Literal

import numpy as np


class Naive:
    """y[o+h] = y[o-1] for every h."""

    n_params = 0

    def fit(self, train: np.ndarray) -> None:
        pass

    def predict(self, history: np.ndarray, horizon: int) -> np.ndarray:
        return np.full(horizon, history[-1])


class SeasonalNaive:
    """y[o+h] = y[o+h-m·k], the value one season (of m steps) before, k the smallest whole number of seasons."""

    n_params = 0

    def __init__(self, season: int) -> None:
        self.season = season

    def fit(self, train: np.ndarray) -> None:
        pass

    def predict(self, history: np.ndarray, horizon: int) -> np.ndarray:
        last = history[-self.season :]  # (m,) the last full season
        return last[np.arange(horizon) % self.season]


class Drift:
    """Naive plus the average step over the whole history: y[o-1] + h (y[o-1] - y[0]) / (o - 1)."""

    n_params = 0

    def fit(self, train: np.ndarray) -> None:
        pass

    def predict(self, history: np.ndarray, horizon: int) -> np.ndarray:
        slope = (history[-1] - history[0]) / max(len(history) - 1, 1)
        return history[-1] + slope * np.arange(1, horizon + 1)


class ETS:
    """Holt-Winters exponential smoothing (statsmodels), estimated on the training span.

    At each origin the estimated smoothing parameters and initial states are kept fixed and the
    filter runs over the history up to the origin: updated by data, not re-estimated, like the
    deep models. Additive damped trend + additive season by default: the usual safe choice
    (damping keeps 12-step-ahead trends from overshooting).
    """

    def __init__(self, season: int, trend: str = "add", damped: bool = True, seasonal: str = "add") -> None:
        self.season = season
        self.kw = dict(
            trend=None if trend == "none" else trend,
            damped_trend=damped and trend != "none",
            seasonal=None if seasonal == "none" else seasonal,
            seasonal_periods=season if seasonal != "none" else None,
        )
        self.fitted: dict = {}

    def fit(self, train: np.ndarray) -> None:
        from statsmodels.tsa.holtwinters import ExponentialSmoothing

        res = ExponentialSmoothing(train, initialization_method="estimated", **self.kw).fit()
        smoothing = ["smoothing_level", "smoothing_trend", "smoothing_seasonal", "damping_trend"]
        keep = smoothing + ["initial_level", "initial_trend", "initial_seasons"]
        self.fitted = {k: res.params[k] for k in keep if res.params.get(k) is not None and np.all(np.isfinite(res.params[k]))}

    @property
    def n_params(self) -> int:
        return int(sum(np.size(v) for v in self.fitted.values()))

    def predict(self, history: np.ndarray, horizon: int) -> np.ndarray:
        from statsmodels.tsa.holtwinters import ExponentialSmoothing

        p = self.fitted
        model = ExponentialSmoothing(
            history,
            initialization_method="known",
            initial_level=p["initial_level"],
            initial_trend=p.get("initial_trend"),
            initial_seasonal=p.get("initial_seasons"),
            **self.kw,
        )
        smoothing = {k: v for k, v in p.items() if not k.startswith("initial_")}
        return np.asarray(model.fit(optimized=False, **smoothing).forecast(horizon))


class ARIMA:
    """Seasonal ARIMA (statsmodels SARIMAX) with fixed orders, estimated on the training span.

    At each origin the estimated parameters stay fixed and the Kalman filter conditions on the
    history. Consecutive origins share their past, so the filter only runs over the new steps
    (`extend`); a history that does not continue the last one is filtered from scratch (`apply`).
    """

    def __init__(self, season: int, order: tuple[int, ...], seasonal_order: tuple[int, ...], trend: str, maxiter: int) -> None:
        self.order = tuple(order)
        self.seasonal_order = (*seasonal_order, season) if any(seasonal_order) else (0, 0, 0, 0)
        self.trend, self.maxiter = trend, maxiter
        self.fitted: dict = {}

    def fit(self, train: np.ndarray) -> None:
        from statsmodels.tsa.statespace.sarimax import SARIMAX

        model = SARIMAX(train, order=self.order, seasonal_order=self.seasonal_order, trend=None if self.trend == "n" else self.trend)
        self.result = model.fit(disp=False, maxiter=self.maxiter)
        self.fitted = dict(zip(model.param_names, np.asarray(self.result.params)))
        self._last = (self.result, np.array(train, copy=True))  # filter state after the history seen last

    @property
    def n_params(self) -> int:
        return len(self.fitted)

    def predict(self, history: np.ndarray, horizon: int) -> np.ndarray:
        result, seen = self._last
        n = len(seen)
        if len(history) >= n and np.array_equal(history[:n], seen):
            result = result.extend(history[n:]) if len(history) > n else result
        else:
            result = self.result.apply(history)
        self._last = (result, np.array(history, copy=True))
        return np.asarray(result.forecast(horizon))


class AutoARIMA(ARIMA):
    """`pmdarima.auto_arima` chooses the orders on the training span; then the chosen model acts as `ARIMA`.

    The search is Hyndman & Khandakar's (2008) stepwise one, as R's forecast::auto.arima: d by the
    KPSS test, D by the OCSB test, then p, q, P, Q by AIC. The winner's parameters stay fixed and the
    Kalman filter conditions on each history, exactly as for `ARIMA`.
    Budget: the search fits 10-40 candidates, each O(n); on msft's 6,757 training days that is minutes,
    so search and estimation see the last `fit_last` training points (1,000 ≈ four trading years; the
    other problems are shorter) and at every origin the filter starts there too.
    """

    def __init__(self, season: int, seasonal: bool, max_p: int, max_q: int, max_P: int, max_Q: int, maxiter: int, fit_last: int) -> None:
        super().__init__(season, (0, 0, 0), (0, 0, 0), "n", maxiter)
        self.season, self.seasonal, self.fit_last = season, seasonal, fit_last
        self.caps = dict(max_p=max_p, max_q=max_q, max_P=max_P, max_Q=max_Q)
        # the stepwise search starts at pmdarima's (2, 2)(1, 1), or at the caps when they are lower
        self.caps |= dict(start_p=min(2, max_p), start_q=min(2, max_q), start_P=min(1, max_P), start_Q=min(1, max_Q))
        self.start = 0

    def fit(self, train: np.ndarray) -> None:
        from suite.errors import require

        pm = require("pmdarima", purpose="auto_arima")
        self.start = max(0, len(train) - self.fit_last) if self.fit_last else 0
        tail = np.array(train[self.start :], copy=True)
        m = self.season if self.seasonal else 1
        chosen = pm.auto_arima(
            tail,
            seasonal=self.seasonal,
            m=m,
            stepwise=True,
            maxiter=self.maxiter,
            suppress_warnings=True,
            error_action="ignore",
            **self.caps,
        )
        self.order, self.seasonal_order = tuple(chosen.order), tuple(chosen.seasonal_order)
        self.result = chosen.arima_res_  # a statsmodels SARIMAXResults: `extend` / `apply` as in ARIMA
        self.fitted = dict(zip(self.result.model.param_names, np.asarray(self.result.params)))
        self.fitted |= {"order": np.array(self.order), "seasonal_order": np.array(self.seasonal_order)}
        self._last = (self.result, tail)

    @property
    def n_params(self) -> int:
        return len(self.fitted) - 2  # the orders are choices, not estimates

    def predict(self, history: np.ndarray, horizon: int) -> np.ndarray:
        return super().predict(history[self.start :], horizon)


def naive() -> Naive:
    """Repeat the last observed value."""
    return Naive()


def seasonal_naive(season: int) -> SeasonalNaive:
    """Repeat the last observed season (m = the problem's season)."""
    return SeasonalNaive(season)


def drift() -> Drift:
    """Random walk with drift: the line through the first and the last observation."""
    return Drift()


def ets(season: int, trend: Literal["add", "none"] = "add", damped: bool = True, seasonal: Literal["add", "none"] = "add") -> ETS:
    """Holt-Winters ETS; trend and seasonal are "add" or "none"."""
    return ETS(season, trend=trend, damped=damped, seasonal=seasonal)


def arima(
    season: int,
    order: tuple[int, ...] = (1, 0, 0),
    seasonal_order: tuple[int, ...] = (0, 1, 1),
    trend: Literal["n", "c", "t", "ct"] = "c",
    maxiter: int = 50,
) -> ARIMA:
    """SARIMA(p,d,q)(P,D,Q)m; the default (1,0,0)(0,1,1)m + constant suits trending seasonal monthly data.

    `order` is p,d,q; `seasonal_order` is P,D,Q at the problem's season (all 0: no seasonal part);
    `maxiter` caps the likelihood optimiser (statsmodels' default 50).
    """
    return ARIMA(season, order, seasonal_order, trend, maxiter)


def auto_arima(
    season: int,
    seasonal: bool = True,
    max_p: int = 3,
    max_q: int = 3,
    max_P: int = 1,
    max_Q: int = 1,
    maxiter: int = 50,
    fit_last: int = 1000,
) -> AutoARIMA:
    """pmdarima's automatic (S)ARIMA at the problem's season; orders capped to keep the search to seconds.

    Caps: pmdarima's defaults (p, q ≤ 5, P, Q ≤ 2) make the seasonal search take 1-3 minutes on
    co2 / synthetic on this CPU; p, q ≤ 3 and P, Q ≤ 1 take seconds (times per problem in the
    README). `fit_last`: the training points the search and the fit see (0 = all).
    """
    return AutoARIMA(season, seasonal, max_p, max_q, max_P, max_Q, maxiter, fit_last)
