"""The per-run picture: forecasts against the actual series over the test span, and MASE by step ahead.

The random walk's forecasts from the same origins are drawn beside the model's (the benchmark every
forecaster is tested against by `test/dm_p_vs_naive`); values are in the units scored (prices for msft).
"""

from __future__ import annotations

import numpy as np

from suite.context import RunContext
from tasks.forecasting.data import Series

ZOOM_PATHS = 8  # with more than 30 paths (msft's 144 weeks) a last panel shows the final 8 up close


def forecast_plot(ctx: RunContext, s: Series, origins: np.ndarray, forecasts: np.ndarray, mase_by_h: np.ndarray) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x = np.arange(len(s.y)) if s.index is None else np.asarray(s.index)
    start = max(0, s.train_end - 2 * s.horizon)  # some training context before validation and test
    y, truth, shown = s.scored(s.y), None if s.truth is None else s.scored(s.truth), s.scored(forecasts)
    stride = int(origins[1] - origins[0]) if len(origins) > 1 else s.horizon
    every = max(1, -(-s.horizon // stride))  # origins apart by ≥ H steps: non-overlapping paths, each one readable
    paths = list(range(0, len(origins), every))
    zoom = len(paths) > 30
    ratios = [3, 1.4, 1] if zoom else [3, 1]
    fig, axes = plt.subplots(1, len(ratios), figsize=(14 if zoom else 11, 3.6), dpi=100, gridspec_kw={"width_ratios": ratios})
    ax, axh = axes[0], axes[-1]

    def draw(ax, chosen: list[int], lo: int, label: bool) -> None:
        ax.plot(x[lo:], y[lo:], color="black", lw=1, label="actual" if label else None)
        if truth is not None:
            ax.plot(x[lo:], truth[lo:], color="gray", lw=0.8, ls=":", label="noise-free truth" if label else None)
        for k, i in enumerate(chosen):
            o, span = origins[i], slice(origins[i], origins[i] + s.horizon)
            first = label and k == 0
            ax.plot(x[span], np.full(s.horizon, y[o - 1]), color="tab:blue", lw=1.2, ls="--", label="random walk" if first else None)
            ax.plot(x[span], shown[i], color="tab:red", lw=1.2, label="forecast from origin" if first else None)
            ax.plot(x[o], shown[i][0], "o", color="tab:red", ms=2)

    draw(ax, paths, start, label=True)
    ax.axvspan(x[s.train_end], x[s.val_end], color="tab:blue", alpha=0.08, label="validation")
    ax.axvspan(x[s.val_end], x[-1], color="tab:orange", alpha=0.08, label="test")
    m = ctx.metrics
    ax.set_title(
        f"{ctx.task.id} seed {ctx.seed}: test MASE {m['test/mase']:.3f}, sMAPE {m['test/smape']:.2f}%; "
        f"vs random walk DM p {m['test/dm_p_vs_naive']:.2g}, direction {m['test/directional_acc']:.0%}",
        fontsize=9,
    )
    ax.legend(fontsize=7, loc="upper left")
    if zoom:
        last = paths[-ZOOM_PATHS:]
        draw(axes[1], last, int(origins[last[0]]) - s.horizon, label=False)
        axes[1].set_title(f"the last {len(last)} forecasts", fontsize=9)
        axes[1].tick_params(axis="x", labelrotation=30, labelsize=7)
    axh.bar(np.arange(1, len(mase_by_h) + 1), mase_by_h, color="tab:red")
    axh.set(xlabel="steps ahead", ylabel="MASE", title="error by horizon")
    fig.tight_layout()
    path = ctx.artifact_path("forecast.png")
    fig.savefig(path)
    plt.close(fig)
    ctx.add_artifact(path, "image", f"test-span forecasts (every {every}th origin) and the random walk's vs actual; MASE by steps ahead")
