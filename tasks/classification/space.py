"""What `bench tune` varies for a classifier: the optimiser's keys, and each model's own capacity keys.

The objective is val/acc of the weights the run keeps (`restore`); a trial never reaches the test
split (the run ends where `evaluate` would start). Ranges are the usual ones for Adam/SGD on small
image and signal problems; the budget keys (max_epochs, early stopping) are the preset's, not tuned.
"""

from suite.tuning.space import Space, categorical, integer, loguniform, uniform

SPACE = Space(
    objective="val/acc",
    direction="maximize",
    skip_test=True,
    params={
        "lr": loguniform(1e-4, 1e-1),
        "batch_size": categorical(16, 32, 64, 128, 256),
        "weight_decay": loguniform(1e-6, 1e-2),
        "optimizer": categorical("adam", "sgd"),
    },
    models={
        "mlp": {"hidden": categorical(64, 128, 256, 512), "layers": integer(1, 3), "dropout": uniform(0.0, 0.5)},
        "cnn": {"width": categorical(16, 32, 64), "dropout": uniform(0.0, 0.5)},
        "cnn_dropout": {"dropout": uniform(0.0, 0.7), "dropout_conv": uniform(0.0, 0.5)},
        "gru": {"hidden": categorical(6, 16, 32, 64)},
    },
    source="family defaults in tasks/classification/space.py",
)
