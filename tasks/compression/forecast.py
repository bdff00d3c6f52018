"""Compression of a deep forecaster: the parent network rebuilt from its weights, quantized, and
backtested by the forecasting runner itself (tasks/forecasting/runner.py), handed a predictor
instead of training one.
"""

from __future__ import annotations

import copy
import dataclasses

import torch

from suite import weights
from suite.context import RunContext
from tasks.compression import costs, quantize
from tasks.compression.parents import Parent
from tasks.compression.spec import Method
from tasks.forecasting import deep, protocol
from tasks.forecasting import runner as forecasting


def run(ctx: RunContext, method: Method, parent: Parent) -> None:
    if method.kind != "dynq":
        raise ValueError(f"{method.name}: only dynamic quantization is offered for forecasters")
    pview = dataclasses.replace(ctx, task=parent.task, config=parent.config, on_first_step=None)
    held: dict = {}

    def predictor(view: RunContext, s, scale: float) -> deep.DeepPredictor:
        window = parent.config.window or s.window
        net = deep.network(pview, s, window)
        net.load_state_dict(parent.state)
        scaler = protocol.Scaler.fit(s.y[: s.train_end])  # as deep.train_network fits it: the training span only
        unlog = (scaler.mean, scaler.std, scale) if s.log else None
        wrap = lambda n: deep.Forecaster(n, parent.config, mase_unit=scaler.std / scale, unlog=unlog).eval()  # noqa: E731
        held["base"], held["model"] = wrap(net.eval()), wrap(quantize.dynamic(copy.deepcopy(net)))
        z = scaler.transform(s.y)
        held["x"] = torch.as_tensor(protocol.windows(z, protocol.train_origins(s, window), window, s.horizon)[0], dtype=torch.float32)
        return deep.DeepPredictor(held["model"], scaler, window)

    forecasting.run(dataclasses.replace(ctx, config=parent.config, on_first_step=None), fit=predictor)
    ctx.info["note"] = quantize.NOTE
    weights.save(ctx, held["model"].net)
    costs.record(ctx, parent, held["base"], held["model"], held["x"])
