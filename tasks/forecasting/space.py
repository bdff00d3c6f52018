"""What `bench tune` varies for a deep forecaster (the baselines have nothing to tune: no space).

The objective is val/mase of the epoch whose weights are kept; a trial never runs the test
backtest (the run ends where `protocol.backtest` would start).
"""

from suite.tuning.space import Space, categorical, integer, loguniform, uniform

_RNN = {"hidden": categorical(16, 32, 64, 128), "layers": integer(1, 3), "dropout": uniform(0.0, 0.5)}
SPACE = Space(
    objective="val/mase",
    direction="minimize",
    skip_test=True,
    params={
        "lr": loguniform(1e-4, 1e-2),
        "batch_size": categorical(16, 32, 64, 128),
        "weight_decay": loguniform(1e-6, 1e-2),
        "loss": categorical("mse", "mae"),
    },
    models={
        "lstm": _RNN,
        "gru": _RNN,
        "mlp": {"hidden": categorical(32, 64, 128, 256), "layers": integer(1, 3), "dropout": uniform(0.0, 0.5)},
        "nbeats": {"width": categorical(32, 64, 128, 256), "blocks": integer(1, 4)},
    },
    source="family defaults in tasks/forecasting/space.py",
)
