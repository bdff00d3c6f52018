"""Forecasting problems as one univariate series with a fixed train / validation / test split.

Every problem returns a `Series`. The split never depends on the run seed, so differences between
runs are the models'. Indices: train = y[:train_end], validation = y[train_end:val_end], test =
y[val_end:]. Models are fitted on the training span; deep models pick their best epoch on the
validation span; the rolling-origin backtest forecasts the test span (see `protocol.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

DATA_SEED = 0  # the synthetic series is the same for every run and every user


@dataclass
class Series:
    name: str
    y: np.ndarray  # (N,) float64, no NaN
    season: int  # seasonal period m: used by seasonal_naive, ETS and the MASE scale
    horizon: int  # H: steps forecast from every origin
    window: int  # default input window of the deep models
    train_end: int  # y[:train_end] fits the models and the scaler
    val_end: int  # y[train_end:val_end] selects the deep models' best epoch; y[val_end:] is the test span
    stride: int = 1  # steps between consecutive forecast origins in the backtest
    index: pd.Index | None = None  # timestamps or years, for plots only
    truth: np.ndarray | None = None  # (N,) noise-free signal when known (synthetic only)
    notes: dict = field(default_factory=dict)
    mase_season: int = 0  # lag m of the MASE scale; 0 = `season` (msft: 1, the in-sample random walk)
    log: bool = False  # y is the log of the quantity scored: forecasts and actuals are exp'd before metrics and plots

    def __post_init__(self) -> None:
        assert np.isfinite(self.y).all(), f"{self.name}: series has NaN or inf"
        assert self.season < self.train_end and self.window + self.horizon <= self.train_end < self.val_end < len(self.y) - self.horizon + 1

    @property
    def mase_m(self) -> int:
        return self.mase_season or self.season

    def scored(self, v: np.ndarray) -> np.ndarray:
        """Values in the units the metrics judge: exp(v) for a log series (msft prices), else v."""
        return np.exp(v) if self.log else np.asarray(v)


def sunspots() -> Series:
    """Yearly mean sunspot numbers 1700-2008 (309 years).

    Season 11: the Schwabe cycle (~11 years, really 9-14), the structure a seasonal model must use.
    The M4 convention would put m=1 on yearly data; we take 11 because it makes seasonal_naive a real
    competitor and the MASE scale the error of "repeat the last cycle". Test = the last 40 years
    (31 origins at stride 1, about 3.5 cycles); validation = the 30 years before.
    """
    import statsmodels.api as sm

    df = sm.datasets.sunspots.load_pandas().data
    y = df["SUNACTIVITY"].to_numpy(np.float64)
    n = len(y)
    return Series("sunspots", y, season=11, horizon=10, window=33, train_end=n - 70, val_end=n - 40, index=pd.Index(df["YEAR"].astype(int)))


def weekly_to_monthly(weekly: pd.Series, climatology_end: int) -> tuple[pd.Series, list[pd.Timestamp]]:
    """Monthly means of a weekly series whose missing weeks are NaN; months with no data are filled.

    Fill method ("seasonal-linear"): subtract the mean seasonal cycle (mean anomaly per calendar
    month from a centred 12-month moving average), interpolate the deseasonalised series linearly
    in time, add the cycle back. Plain linear interpolation would cut through the annual swing
    (co2 misses Feb-Apr 1964, the rise to the May peak). The cycle is estimated from the first
    `climatology_end` months only, so no later value shapes the filled ones.
    Returns the filled monthly series (month-start index) and the months that were filled.
    """
    monthly = weekly.resample("MS").mean()  # NaN weeks are skipped; a month with no week is NaN
    missing = list(monthly.index[monthly.isna()])
    head = monthly.iloc[:climatology_end]
    trend = head.interpolate("linear").rolling(12, center=True).mean()
    anomaly = (head - trend).groupby(head.index.month).mean()  # (12,) mean departure per calendar month
    cycle = pd.Series(monthly.index.month.map(anomaly).to_numpy(), index=monthly.index)
    filled = (monthly - cycle).interpolate("linear", limit_direction="both") + cycle
    return filled, missing


def co2() -> Series:
    """Mauna Loa CO2 (ppm), weekly 1958-2001 with 59 missing weeks → 526 monthly means.

    Five months have no weekly value at all; they are filled "seasonal-linear" (see
    `weekly_to_monthly`). Season 12, H 12, window 36 (three years). Test = the last 120 months
    (109 origins at stride 1); validation = the 60 months before.
    """
    import statsmodels.api as sm

    weekly = sm.datasets.co2.load_pandas().data["co2"]
    n_months = len(weekly.resample("MS").mean())
    train_end = n_months - 180
    monthly, missing = weekly_to_monthly(weekly, climatology_end=train_end)
    return Series(
        "co2",
        monthly.to_numpy(np.float64),
        season=12,
        horizon=12,
        window=36,
        train_end=train_end,
        val_end=n_months - 120,
        index=monthly.index,
        notes={"filled_months": [str(m.date()) for m in missing], "fill": "seasonal-linear"},
    )


def elnino() -> Series:
    """Monthly sea surface temperature (°C) of the El Niño 1+2 region, 1950-2010 (732 months).

    Season 12, H 12, window 36. Test = the last 120 months (109 origins); validation = the 96 before.
    """
    import statsmodels.api as sm

    df = sm.datasets.elnino.load_pandas().data
    y = df.drop(columns="YEAR").to_numpy(np.float64).ravel()  # rows are years, columns JAN..DEC
    n = len(y)
    index = pd.date_range(f"{int(df['YEAR'].iloc[0])}-01-01", periods=n, freq="MS")
    return Series("elnino", y, season=12, horizon=12, window=36, train_end=n - 216, val_end=n - 120, index=index)


def synthetic_signal(n: int = 600, seed: int = DATA_SEED, noise: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """Linear trend + a 12-step and a 7-step seasonality + Gaussian noise; returns (y, truth).

    Periods 12 and 7 do not nest (their product repeats every 84 steps), so repeating the last 12
    values (seasonal_naive) misses the 7-step part and a model that learns both must beat it.
    """
    t = np.arange(n, dtype=np.float64)
    truth = 10.0 + 0.02 * t + 2.0 * np.sin(2 * np.pi * t / 12) + 1.0 * np.sin(2 * np.pi * t / 7 + 0.5)
    rng = np.random.default_rng(seed)
    return truth + noise * rng.standard_normal(n), truth


def synthetic() -> Series:
    """600 steps of `synthetic_signal`; noise std 0.5 is the error floor any model can reach."""
    y, truth = synthetic_signal()
    n = len(y)
    return Series(
        "synthetic", y, season=12, horizon=12, window=48, train_end=n - 200, val_end=n - 100, truth=truth, notes={"noise_std": 0.5}
    )


# Microsoft's daily prices as shipped inside pmdarima (1986-03-13 .. 2017-11-10, 7,983 trading days).
# The split is by calendar date, fixed before any model was run: train to the end of 2012 (6,757
# days), validation 2013-2014 (504), test 2015-01-02 .. 2017-11-10 (722).
MSFT_VAL_START, MSFT_TEST_START = "2013-01-01", "2015-01-01"


def load_msft() -> pd.DataFrame:
    """pmdarima's MSFT OHLCV frame with a DatetimeIndex; one line saying so when pmdarima is missing."""
    from suite.errors import require

    require("pmdarima", purpose="the msft problems and auto_arima (it ships the MSFT prices)")
    from pmdarima.datasets import load_msft as _load

    df = _load()
    df.index = pd.DatetimeIndex(pd.to_datetime(df.pop("Date")))
    return df


def msft_split(index: pd.DatetimeIndex) -> tuple[int, int]:
    """(train_end, val_end): the first trading day of 2013 and of 2015."""
    return int(np.searchsorted(index, pd.Timestamp(MSFT_VAL_START))), int(np.searchsorted(index, pd.Timestamp(MSFT_TEST_START)))


def _msft_series(name: str, y: np.ndarray, index: pd.DatetimeIndex, *, log: bool, notes: dict) -> Series:
    """Both msft problems: H 5 (a trading week), stride 5 (non-overlapping test weeks: ~144 origins),
    window 60 (about three trading months, the classic recipe's), season 5 for seasonal_naive / ETS /
    ARIMA, and MASE scaled by the in-sample random walk (m = 1), the benchmark a price forecaster must beat."""
    train_end, val_end = msft_split(index)
    split = {"train": [str(index[0].date()), str(index[train_end - 1].date())]}
    split |= {
        "val": [str(index[train_end].date()), str(index[val_end - 1].date())],
        "test": [str(index[val_end].date()), str(index[-1].date())],
    }
    return Series(
        name,
        y,
        season=5,
        horizon=5,
        window=60,
        train_end=train_end,
        val_end=val_end,
        stride=5,
        index=index,
        notes={**notes, "dates": split},
        mase_season=1,
        log=log,
    )


def msft() -> Series:
    """Daily log close of MSFT; forecasts are scored as prices, exp(log-price forecast).

    Modelled in logs because the price grows ~1000-fold over the span and its daily moves are
    multiplicative; scored in price terms because that is what a forecaster of prices is asked.
    """
    df = load_msft()
    return _msft_series(
        "msft", np.log(df["Close"].to_numpy(np.float64)), df.index, log=True, notes={"scored": "price = exp(log-price forecast)"}
    )


def msft_volume() -> Series:
    """Daily log volume of MSFT, scored in log volume (volume is heavy-tailed; its errors are ratios).

    One day, 2010-04-26 (in the training span), has volume 0 although the price moved: a data error.
    It is filled by linear interpolation of log volume between its neighbours and listed in the record.
    """
    df = load_msft()
    volume = df["Volume"].astype(np.float64)
    bad = volume <= 0
    log_volume = np.log(volume.where(~bad)).interpolate("linear")
    notes = {"filled_days": [str(d.date()) for d in df.index[bad.to_numpy()]], "fill": "linear in log volume"}
    return _msft_series("msft_volume", log_volume.to_numpy(np.float64), df.index, log=False, notes=notes)
