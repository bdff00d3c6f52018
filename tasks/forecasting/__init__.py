"""Forecasting: the catalog. Names only; the code lives in the modules named by each target.

Protocol (tasks/forecasting/protocol.py): fixed train / validation / test split per problem; every
model is fitted on the training span; a rolling-origin backtest forecasts H steps from every test
origin, seeing only the history before it. Primary metric test/mase, scaled by the seasonal-naive
in-sample error on the training span (lower is better).

Refs: `random` is the MASE that seasonal_naive scores on the same backtest (the floor a forecaster
must beat; `tests/test_forecasting_protocol.py` recomputes it), `reference` is 0 (a perfect
forecast), so the normalised score 1 - MASE/MASE(seasonal_naive) is > 0 exactly when a model beats
repeating the last season. On msft and msft_volume the floor is the random walk (naive) instead:
whether anything beats it is the question those problems ask (`tests/test_msft.py` recomputes it).
Every record also carries `test/dm_p_vs_naive`, `test/dm_stat_vs_naive` and `test/directional_acc`.
"""

from suite.diebold_mariano import DM_ESTIMATOR
from suite.registry import REGISTRY, Family, ModelSpec, ProblemSpec
from suite.tuning.space import register_space

FAMILY = "forecasting"
_HERE = "tasks.forecasting"
# The board's DM columns: which raw losses the reports test, with what overlap (info.dm.h), by which estimator
_DM_VS_RW = {
    "name": "diebold_mariano",
    "loss": "origin_loss",
    "reference": "origin_loss_naive",
    "overlap": "dm.h",
    "estimator": DM_ESTIMATOR,
}

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
        # the plug-in door: fit(train) / predict(history, horizon), or a torch module trained by deep.adapt
        contract=f"{_HERE}.contract:Forecaster",
        adapter=f"{_HERE}.deep:adapt",
        example=f"{_HERE}:plugin_example.py",
        probe=f"{_HERE}.contract:probe",
        curve_metric="val/mase",
        # DM p and stat: one test per entry against the random walk, on the per-origin losses the records keep
        # (raw.origin_loss, raw.origin_loss_naive) averaged over the entry's seeds; never a median of per-seed p
        board_metrics=(
            {
                "metric": "test/dm_p_vs_naive",
                "label": "DM p vs RW",
                "agg": "test",
                "test": _DM_VS_RW | {"value": "p"},
                "format": "p",
                "help": "Diebold-Mariano test of the per-origin MAE against the random walk's at the same origins, two-sided, "
                "one test per entry on its per-origin losses averaged over its seeds",
            },
            {
                "metric": "test/dm_stat_vs_naive",
                "label": "DM stat",
                "agg": "test",
                "test": _DM_VS_RW | {"value": "stat"},
                "format": "number",
                "help": "the statistic of that test: below 0 the entry's errors are smaller than the random walk's",
            },
            {
                "metric": "test/directional_acc",
                "label": "direction",
                "agg": "mean",
                "format": "share",
                "help": "share of origins where the sign of the h-step change is right; 50 % is chance",
            },
        ),
    )
)

# MASE of seasonal_naive on each problem's backtest: the `random` ref (recomputed by a test).
SEASONAL_NAIVE_MASE = {"sunspots": 1.2132, "co2": 1.3700, "elnino": 0.7678, "synthetic": 0.9370}
# MASE of naive, the random walk, on the msft backtests: their `random` ref (recomputed by a test).
NAIVE_MASE = {"msft": 4.2841, "msft_volume": 0.9581}
RANDOM_MASE = SEASONAL_NAIVE_MASE | NAIVE_MASE

_PROBLEMS = {
    "sunspots": "yearly sunspot numbers 1700-2008; season 11 (solar cycle), H 10, window 33; test = last 40 years",
    "co2": "Mauna Loa CO2, weekly → monthly means, 5 empty months filled seasonal-linear; season 12, H 12; test = last 120 months",
    "elnino": "El Niño 1+2 monthly sea temperature 1950-2010; season 12, H 12, window 36; test = last 120 months",
    "synthetic": "seeded trend + 12- and 7-step seasonalities + N(0, 0.5²) noise, known truth; season 12, H 12; test = last 100",
    "msft": "MSFT daily close 1986-2017 (pmdarima), log price scored as price; H 5, stride 5; test 2015-2017; MASE m=1 (random walk)",
    "msft_volume": "MSFT daily log volume 1986-2017 (pmdarima); season 5, H 5, stride 5; test 2015-2017; MASE m=1 (random walk)",
}
_GROUP = {"synthetic": "synthetic", "msft": "pmdarima", "msft_volume": "pmdarima"}
# msft standard budget: 6,693 training windows (20 × the other problems'), batch 128 (53 steps an
# epoch); an LSTM epoch takes 3.4 s on one CPU thread at load 4.5 and 5 s at load 6, so 30 epochs
# keep a deep task under 3 minutes on a loaded machine. Chosen on val/mase (msft_lstm and
# msft_volume_lstm, seed 0, 50 epochs): msft is flat within ±2 % of the random walk's 2.776 from
# epoch 1 (best of 30: 2.721, best of 50: 2.721); volume's best of 30 is 0.8314, of 50 0.8254
# (0.7 % for 20 more epochs); the gaps between improvements were ≤ 13 epochs: patience 15.
_MSFT_STANDARD = {"max_epochs": 30, "early_stopping_patience": 15, "batch_size": 128}
_PROBLEM_PRESETS = {"msft": {"standard": _MSFT_STANDARD}, "msft_volume": {"standard": _MSFT_STANDARD}}
for _name, _desc in _PROBLEMS.items():
    REGISTRY.add_problem(
        ProblemSpec(
            name=_name,
            families=(FAMILY,),
            target=f"{_HERE}.data:{_name}",
            description=_desc,
            traits={"input": "series", "group": _GROUP.get(_name, "statsmodels")},
            refs={FAMILY: {"random": RANDOM_MASE[_name], "reference": 0.0}},
            presets=_PROBLEM_PRESETS.get(_name, {}),
        )
    )

# smoke: tiny networks so the 16 deep smoke tasks cost a loop start-up each, not real training
_TINY = {"lstm": {"hidden": 16, "layers": 1}, "gru": {"hidden": 16, "layers": 1}, "mlp": {"hidden": 32}}
_TINY["nbeats"] = {"width": 32, "blocks": 2, "layers": 2}
_MODELS = {
    "naive": ("baselines", "baseline: repeat the last value"),
    "seasonal_naive": ("baselines", "baseline: repeat the last season"),
    "drift": ("baselines", "baseline: random walk with drift (line through first and last value)"),
    "ets": ("baselines", "baseline: Holt-Winters ETS (statsmodels), additive damped trend + additive season"),
    "arima": ("baselines", "baseline: seasonal ARIMA (statsmodels SARIMAX), (1,0,0)(0,1,1)m + constant"),
    "auto_arima": ("baselines", "baseline: pmdarima.auto_arima, stepwise (S)ARIMA order search (p,q ≤ 3; P,Q ≤ 1) on the training span"),
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
# auto_arima: smoke searches non-seasonal p, q ≤ 1 with 5 optimiser iterations (seconds on every problem).
_PRESETS["auto_arima"] = {"smoke": {"seasonal": False, "max_p": 1, "max_q": 1, "maxiter": 5}}
# "The classic LSTM stock forecaster", the recipe of countless tutorials: a window of 60 past closes
# scaled as a whole (no per-window level shift), 2 stacked LSTM layers of 50 with dropout 0.2, MSE,
# Adam at its default 1e-3, batch 32, no gradient clipping, a fixed number of epochs (no early stopping;
# the suite still keeps the epoch with the best val/mase, as for every deep model).
#     bench run msft_lstm --preset classic --seeds 5 --wandb disabled
_CLASSIC = {
    "window": 60,
    "window_norm": "none",
    "hidden": 50,
    "layers": 2,
    "dropout": 0.2,
    "loss": "mse",
    "lr": 1e-3,
    "batch_size": 32,
    "gradient_clip": 0.0,
}
# 25 epochs: on val/mase (seed 0) the best of 25 epochs scored 4.229, of 30 3.658, of 40 3.517, every
# budget far worse than the random walk's 2.776 (the curve swings 3.5-22 from epoch to epoch); 30
# epochs took 180 s of wall time at load 5-6, over the 3-minute budget once the process starts up.
_PRESETS["lstm"]["msft/classic"] = _CLASSIC | {"max_epochs": 25, "early_stopping_patience": 0}
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
            # baselines bring fit/predict themselves; the deep models are torch modules for deep.adapt
            kind="trainer" if _module == "baselines" else "module",
        )
    )

# Theta comes in through the public decorator, as a user's plug-in would (statsmodels imported lazily)
from tasks.forecasting import theta  # noqa: E402, F401

DEEP = tuple(_TINY)  # the models trained by Lightning; the rest are fitted by the plain backend

register_space(FAMILY, f"{_HERE}.space:SPACE")  # `bench tune`: tasks/forecasting/space.py
