"""The Theta method (Assimakopoulos & Nikolopoulos 2000), the M3 competition's winner, as a forecaster.

    bench run sunspots_theta --wandb disabled
    bench run forecasting --model theta --wandb disabled      (every forecasting problem)

Registered through the public decorator, as a user's plug-in would be (`bench contract forecasting`).
Estimation is statsmodels' `ThetaModel` on the training span, in the method's published form:
1. a seasonality test at the problem's season m (the ACF at lag m, 90 %); when it rejects, the series
   is deseasonalised by classical decomposition (multiplicative, additive when a value is ≤ 0);
2. the theta-0 line is the OLS trend a0 + b0·t, its slope b0; the theta-2 line is extrapolated by simple
   exponential smoothing (SES), whose smoothing parameter α is estimated;
3. the forecast is the equal-weight average of the two lines, reseasonalised. Hyndman & Billah (2003)
   show this equals SES with drift b0/2:
       ŷ[n+h] = (1 - 1/θ)·b0·(h - 1 + 1/α - (1-α)^n / α) + ℓ[n],   θ = 2,
   ℓ[n] the SES level after the n observations, as in statsmodels' `ThetaModelResults.forecast`.

At each forecast origin the estimates (b0, α, the m seasonal indices) stay fixed, and SES runs over
the deseasonalised history up to the origin: the model is updated by data, not re-estimated, like ETS
and ARIMA here (tasks/forecasting/protocol.py). From the end of the training span the forecast equals
statsmodels' own (tests/test_forecasting_contract.py checks it).

Every setting is the method's published form or statsmodels' default; none was chosen on the
validation or the test span (the method has no knob the literature asks one to tune).
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from suite import register_model


@register_model(
    "theta",
    family="forecasting",
    kind="trainer",
    deterministic=True,
    description="baseline: Theta method (statsmodels ThetaModel), SES with drift b0/2, deseasonalised when the ACF test finds the season",
)
class Theta:
    """Theta method (Assimakopoulos & Nikolopoulos 2000, statsmodels ThetaModel): SES with drift, deseasonalised when seasonal."""

    def __init__(
        self,
        season: int,
        # θ = 2: the original method, the average of the theta-0 (trend) and theta-2 (SES) lines; statsmodels' default
        theta: float = 2.0,
        # deseasonalise when the seasonality test rejects, as in the M3 submission; statsmodels' default
        deseasonalize: bool = True,
        # the 90 % test on the ACF at lag m (A&N's rule), statsmodels' default; False: always deseasonalise
        use_test: bool = True,
        # "auto": multiplicative decomposition unless the series has a value ≤ 0 (the classical
        # method's choice); statsmodels' default
        method: Literal["auto", "additive", "multiplicative"] = "auto",
        # False: the two-step estimate (OLS slope, then SES's α), the published form; statsmodels' default
        use_mle: bool = False,
    ) -> None:
        if theta < 1:
            raise ValueError(f"theta must be >= 1 (the weight on the trend line is 1 - 1/theta), got {theta}")
        self.season, self.theta, self.method = season, theta, method
        self.deseasonalize = deseasonalize and season > 1  # a period of 1 has no season to remove
        self.use_test, self.use_mle = use_test, use_mle
        self.fitted: dict = {}

    def fit(self, train: np.ndarray) -> None:
        """Estimate b0, α and (when the test finds a season) the m seasonal indices on `train` (T,)."""
        from statsmodels.tsa.forecasting.theta import ThetaModel

        model = ThetaModel(
            train,
            period=self.season if self.deseasonalize else None,
            deseasonalize=self.deseasonalize,
            use_test=self.use_test,
            method=self.method,
        )
        self.result = model.fit(use_mle=self.use_mle)
        self.b0, self.alpha = (float(v) for v in self.result.params[["b0", "alpha"]])
        # (m,) indices, phase 0 at train[0]; empty when the test found no season (or none was asked for)
        self.seasonal = np.asarray(self.result._seasonal, dtype=np.float64)
        self.multiplicative = model.method.startswith("mul")  # "auto" resolved, possibly to additive
        self.fitted = {"b0": self.b0, "alpha": self.alpha, "multiplicative": float(self.multiplicative), "seasonal": self.seasonal}

    @property
    def n_params(self) -> int:
        return 2 + len(self.seasonal)  # b0, α and the seasonal indices; a0 never reaches the forecast

    def _season(self, steps: np.ndarray) -> np.ndarray:
        """Seasonal index of each time step (phase 0 at the series' start): neutral when there is none."""
        if not len(self.seasonal):
            return np.ones(len(steps)) if self.multiplicative else np.zeros(len(steps))
        return self.seasonal[steps % self.season]

    def predict(self, history: np.ndarray, horizon: int) -> np.ndarray:
        """(horizon,) forecast from `history` (t,) with the estimates fixed: SES over the deseasonalised history."""
        from scipy.signal import lfilter

        n, a = len(history), self.alpha
        past = self._season(np.arange(n))  # (t,)
        x = history / past if self.multiplicative else history - past  # deseasonalised (t,)
        # SES ℓ[t] = α·x[t] + (1-α)·ℓ[t-1], started at x[0] (statsmodels: initial level = the first value)
        level = lfilter([a], [1.0, a - 1.0], x, zi=[(1.0 - a) * x[0]])[0][-1]
        h = np.arange(horizon, dtype=np.float64)
        if a > 0:
            h += 1 / a - (1 - a) ** n / a
        forecast = (1 - 1 / self.theta) * self.b0 * h + level  # (H,)
        future = self._season(n + np.arange(horizon))  # (H,)
        return forecast * future if self.multiplicative else forecast + future
