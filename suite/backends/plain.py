"""Plain backend: models fitted by one ordinary call (statsmodels, numpy, scikit-learn), no training framework.

It gives such models what `backends.lightning.fit` gives a network: the fit is timed as the `train`
phase, a non-finite fit marks the run `diverged`, parameter counts land in `resources["params"]`,
and library warnings (statsmodels' ConvergenceWarning, ...) are kept in the run record instead of
scrolling past on the terminal.

The model is any object with `fit(*args, **kwargs)`; it may expose `n_params` (int) and `fitted`
(a dict of the estimated values, copied into `ctx.info["fitted"]` so a record shows what was learnt).
"""

from __future__ import annotations

import contextlib
import warnings
from typing import Any

import numpy as np

from suite.context import RunContext
from suite.errors import Diverged

MAX_WARNINGS = 5  # distinct messages kept per run: a failing optimiser may warn hundreds of times


@contextlib.contextmanager
def captured_warnings(ctx: RunContext):
    """Collect warnings raised inside the block into `ctx.warnings`, each distinct message once."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            yield
        finally:
            seen = set(ctx.warnings)
            for w in caught:
                msg = f"{w.category.__name__}: {str(w.message).splitlines()[0][:200]}"
                if msg not in seen and len(seen) < MAX_WARNINGS:
                    seen.add(msg)
                    ctx.warn(msg)


def check_finite(values: Any, what: str) -> None:
    """Raise Diverged when `values` (array, number or dict of numbers) holds NaN or inf."""
    if isinstance(values, dict):
        items = [v for v in values.values() if isinstance(v, (int, float, np.ndarray, np.number))]
        values = np.concatenate([np.ravel(np.asarray(v, dtype=np.float64)) for v in items]) if items else np.zeros(0)
    arr = np.asarray(values, dtype=np.float64)
    if not np.isfinite(arr).all():
        raise Diverged(f"non-finite {what}")


def fit(ctx: RunContext, model: Any, *args: Any, **kwargs: Any) -> Any:
    """Fit `model` in the `train` phase; warnings recorded, NaN estimates → Diverged. Returns the model."""
    with ctx.phase("train"), captured_warnings(ctx):
        model.fit(*args, **kwargs)
    fitted = getattr(model, "fitted", None) or {}
    check_finite(fitted, f"estimates of {type(model).__name__}: {fitted}")
    if fitted:
        ctx.info["fitted"] = {k: (float(v) if np.ndim(v) == 0 else np.asarray(v).tolist()) for k, v in fitted.items()}
    ctx.resources["params"] = int(getattr(model, "n_params", 0))
    return model


def guarded(ctx: RunContext):
    """Context for inference calls of a plain model: warnings recorded like during `fit`."""
    return captured_warnings(ctx)
