"""A fit/predict forecaster plug-in: least-squares AR(p). `bench run sunspots_ar --plugin THIS_FILE`"""

import numpy as np

from suite import register_model


@register_model("ar", family="forecasting", kind="trainer", deterministic=True)
class AR:
    """AR(p) with a constant, least squares on the training span; forecasts fed back step by step."""

    def __init__(self, p: int = 3) -> None:  # a keyword default is a config key: `bench run sunspots_ar p=9`
        self.p = p

    def fit(self, train: np.ndarray) -> None:  # train (T,): y[:train_end]
        lags = np.stack([train[self.p - k - 1 : len(train) - k - 1] for k in range(self.p)], axis=1)  # (T-p, p)
        design = np.column_stack([np.ones(len(lags)), lags])  # (T-p, 1+p): constant, lag 1, ..., lag p
        self.coef = np.linalg.lstsq(design, train[self.p :], rcond=None)[0]  # (1+p,)

    def predict(self, history: np.ndarray, horizon: int) -> np.ndarray:  # history (t,) -> (horizon,)
        y = list(history[-self.p :])
        for _ in range(horizon):
            y.append(self.coef[0] + self.coef[1:] @ np.array(y[: -self.p - 1 : -1]))  # lag 1 first
        return np.array(y[self.p :])
