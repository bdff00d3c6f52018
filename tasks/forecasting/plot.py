"""The per-run picture: forecasts against the actual series over the test span, and MASE by step ahead."""

from __future__ import annotations

import numpy as np

from suite.context import RunContext
from tasks.forecasting.data import Series


def forecast_plot(ctx: RunContext, s: Series, origins: np.ndarray, forecasts: np.ndarray, mase_by_h: np.ndarray) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x = np.arange(len(s.y)) if s.index is None else np.asarray(s.index)
    start = max(0, s.train_end - 2 * s.horizon)  # some training context before validation and test
    fig, (ax, axh) = plt.subplots(1, 2, figsize=(11, 3.6), dpi=100, gridspec_kw={"width_ratios": [3, 1]})
    ax.plot(x[start:], s.y[start:], color="black", lw=1, label="actual")
    if s.truth is not None:
        ax.plot(x[start:], s.truth[start:], color="gray", lw=0.8, ls=":", label="noise-free truth")
    ax.axvspan(x[s.train_end], x[s.val_end], color="tab:blue", alpha=0.08, label="validation")
    ax.axvspan(x[s.val_end], x[-1], color="tab:orange", alpha=0.08, label="test")
    every = max(1, s.horizon)  # non-overlapping forecast paths, so each one can be read
    for k, i in enumerate(range(0, len(origins), every)):
        o = origins[i]
        ax.plot(x[o : o + s.horizon], forecasts[i], color="tab:red", lw=1.2, label="forecast from origin" if k == 0 else None)
        ax.plot(x[o], forecasts[i][0], "o", color="tab:red", ms=2)
    ax.set_title(f"{ctx.task.id} seed {ctx.seed}: test MASE {ctx.metrics['test/mase']:.3f}, sMAPE {ctx.metrics['test/smape']:.2f}%")
    ax.legend(fontsize=7, loc="upper left")
    axh.bar(np.arange(1, len(mase_by_h) + 1), mase_by_h, color="tab:red")
    axh.set(xlabel="steps ahead", ylabel="MASE", title="error by horizon")
    fig.tight_layout()
    path = ctx.artifact_path("forecast.png")
    fig.savefig(path)
    plt.close(fig)
    ctx.add_artifact(path, "image", f"test-span forecasts (every {every}th origin) vs actual; MASE by steps ahead")
