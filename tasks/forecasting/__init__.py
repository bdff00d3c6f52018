"""Forecasting: the catalog. Names only; the code lives in the modules named by each target.

Protocol (tasks/forecasting/protocol.py): fixed train / validation / test split per problem; every
model is fitted on the training span; a rolling-origin backtest forecasts H steps from every test
origin, seeing only the history before it. Primary metric test/mase, scaled by the seasonal-naive
in-sample error on the training span (lower is better).

Refs: `random` is the MASE that seasonal_naive scores on the same backtest (the floor a forecaster
must beat; `tests/test_forecasting_protocol.py` recomputes it), `reference` is 0 (a perfect
forecast), so the normalised score 1 - MASE/MASE(seasonal_naive) is > 0 exactly when a model beats
repeating the last season.
"""

from suite.registry import REGISTRY, Family, ModelSpec, ProblemSpec

FAMILY = "forecasting"
_HERE = "tasks.forecasting"

REGISTRY.add_family(
    Family(
        name=FAMILY,
        runner=f"{_HERE}.runner:run",
        config=f"{_HERE}.config:ForecastConfig",
        primary_metric="test/mase",
        higher_is_better=False,
        # smoke: seconds per task; stride 12 keeps ~10 origins so ETS filters 10 histories, not 100
        presets={"smoke": {"max_epochs": 2, "early_stopping_patience": 0, "stride": 12}},
        description="univariate forecasters, rolling-origin backtest over a fixed test span; primary metric test MASE",
        curve_metric="val/mase",
    )
)

# MASE of seasonal_naive on each problem's backtest: the `random` ref (recomputed by a test).
SEASONAL_NAIVE_MASE = {"sunspots": 1.2132, "co2": 1.3700, "elnino": 0.7678, "synthetic": 0.9370}

_PROBLEMS = {
    "sunspots": "yearly sunspot numbers 1700-2008; season 11 (solar cycle), H 10, window 33; test = last 40 years",
    "co2": "Mauna Loa CO2, weekly → monthly means, 5 empty months filled seasonal-linear; season 12, H 12; test = last 120 months",
    "elnino": "El Niño 1+2 monthly sea temperature 1950-2010; season 12, H 12, window 36; test = last 120 months",
    "synthetic": "seeded trend + 12- and 7-step seasonalities + N(0, 0.5²) noise, known truth; season 12, H 12; test = last 100",
}
for _name, _desc in _PROBLEMS.items():
    REGISTRY.add_problem(
        ProblemSpec(
            name=_name,
            families=(FAMILY,),
            target=f"{_HERE}.data:{_name}",
            description=_desc,
            traits={"input": "series", "group": "synthetic" if _name == "synthetic" else "statsmodels"},
            refs={FAMILY: {"random": SEASONAL_NAIVE_MASE[_name], "reference": 0.0}},
        )
    )

# smoke: tiny networks so the 16 deep smoke tasks cost a Trainer start-up each, not real training
_TINY = {"lstm": {"hidden": 16, "layers": 1}, "gru": {"hidden": 16, "layers": 1}, "mlp": {"hidden": 32}}
_TINY["nbeats"] = {"width": 32, "blocks": 2, "layers": 2}
_MODELS = {
    "naive": ("baselines", "baseline: repeat the last value"),
    "seasonal_naive": ("baselines", "baseline: repeat the last season"),
    "drift": ("baselines", "baseline: random walk with drift (line through first and last value)"),
    "ets": ("baselines", "baseline: Holt-Winters ETS (statsmodels), additive damped trend + additive season"),
    "arima": ("baselines", "baseline: seasonal ARIMA (statsmodels SARIMAX), (1,0,0)(0,1,1)m + constant"),
    "lstm": ("models", "2-layer LSTM (64), last hidden state → H outputs at once"),
    "gru": ("models", "2-layer GRU (64), last hidden state → H outputs at once"),
    "mlp": ("models", "MLP on the input window, 2 hidden layers of 128 → H outputs"),
    "nbeats": ("models", "N-BEATS generic: 3 residual blocks of 4 FC layers (128) with backcast/forecast heads"),
}
# ARIMA: the default orders on every problem. On sunspots they were compared on the val span (fit on the
# training span, 21 val origins) with AR(3) + constant, the classic low-order AR: val MASE 1.913 vs 2.066.
# Smoke caps the optimiser at 2 iterations.
_PRESETS = {name: {"smoke": tiny} for name, tiny in _TINY.items()}
_PRESETS["arima"] = {"smoke": {"maxiter": 2}}
for _name, (_module, _desc) in _MODELS.items():
    _presets = _PRESETS.get(_name, {})
    REGISTRY.add_model(
        ModelSpec(
            name=_name,
            families=(FAMILY,),
            target=f"{_HERE}.{_module}:{_name}",
            description=_desc,
            presets=_presets,
            deterministic=_module == "baselines",  # closed-form or maximum-likelihood fits: the seed is never read
        )
    )

DEEP = tuple(_TINY)  # the models trained by Lightning; the rest are fitted by the plain backend
