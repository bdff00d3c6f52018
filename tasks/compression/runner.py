"""Compression runner: obtain the parent run, then compress, evaluate and time it by its family.

bench run digits_mlp_prune80 --seeds 3          # reuses digits_mlp's records of seeds 0-2, or trains them first
bench sweep compression --preset smoke          # every compression task, seconds each
"""

from __future__ import annotations

from suite.context import RunContext
from tasks.compression.parents import obtain


def run(ctx: RunContext) -> None:
    method = ctx.task.model.load()
    parent = obtain(ctx, ctx.config.teacher if method.kind == "kd" else method.base)
    if parent.task.family == "forecasting":
        from tasks.compression import forecast

        forecast.run(ctx, method, parent)
    else:
        from tasks.compression import classify

        classify.run(ctx, method, parent)
