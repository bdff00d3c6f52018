"""The family's built-in trainer for the short form: a torch module mapping scaled windows (B, window)
to forecasts (B, H), trained with Lightning (suite.backends.lightning.fit) on windows of the training span.
`adapt` wraps such a module as the family's contract (`fit(train)`, `predict(history, H)`).

Scaling: standardised with the training span's mean and std (`protocol.Scaler`), then, with
`window_norm="last"`, each window is shifted by its own last value, inputs and targets alike.
Validation: the same windows cut from the validation span; `val/mase` (in the units scored, scaled
like the test MASE: prices for msft, whose series is the log price) is logged every epoch and picks
the weights that are kept.
"""

from __future__ import annotations

import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from suite import weights
from suite.backends.lightning import StepModule, fit, tensor_loader
from suite.context import RunContext
from tasks.forecasting import protocol
from tasks.forecasting.data import Series


class Forecaster(StepModule):
    """Wraps a net mapping (B, W) scaled windows to (B, H); adds the level normalisation and losses."""

    def __init__(self, net: nn.Module, cfg, mase_unit: float, unlog: tuple[float, float, float] | None = None) -> None:
        super().__init__()
        self.net, self.cfg = net, cfg
        self.mase_unit = mase_unit  # scaled-value error → MASE: scaler std / training-span MASE scale
        self.unlog = unlog  # (mean, std, MASE scale) for a log series scored as exp (msft): val/mase in price terms

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # x (B, W) → (B, H)
        if self.cfg.window_norm == "last":
            level = x[:, -1:]  # (B, 1)
            return self.net(x - level) + level
        return self.net(x)

    def _loss(self, pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return F.l1_loss(pred, target) if self.cfg.loss == "mae" else F.mse_loss(pred, target)

    def training_step(self, batch, _):
        x, t = batch
        return {"loss": self._loss(self(x), t)}

    def validation_step(self, batch, _):
        x, t = batch
        pred = self(x)
        if self.unlog is None:
            mase = (pred - t).abs().mean() * self.mase_unit
        else:
            mean, std, scale = self.unlog
            mase = (torch.exp(pred * std + mean) - torch.exp(t * std + mean)).abs().mean() / scale
        return {"loss": self._loss(pred, t), "mase": mase}

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.cfg.lr, weight_decay=self.cfg.weight_decay)


class DeepPredictor:
    """The trained network as a `protocol.Predict`: history y[:o] in original units → (H,) forecast."""

    def __init__(self, module: Forecaster, scaler: protocol.Scaler, window: int) -> None:
        # on the CPU whatever it trained on: the backtest feeds one window at a time, a GPU's worst case
        self.module, self.scaler, self.window = module.cpu().eval(), scaler, window

    @torch.no_grad()
    def predict(self, history: np.ndarray, horizon: int) -> np.ndarray:
        x = torch.as_tensor(self.scaler.transform(history[-self.window :]), dtype=torch.float32)[None]  # (1, W)
        return self.scaler.inverse(self.module(x)[0, :horizon].double().numpy())


def train_network(ctx: RunContext, net: nn.Module, s: Series, window: int, mase_scale: float) -> DeepPredictor:
    cfg = ctx.config
    scaler = protocol.Scaler.fit(s.y[: s.train_end])  # training span only
    z = scaler.transform(s.y)  # values after train_end are scaled with training statistics, never refitted
    x_tr, t_tr = protocol.windows(z, protocol.train_origins(s, window), window, s.horizon)
    x_va, t_va = protocol.windows(z, protocol.val_origins(s, window), window, s.horizon)
    f32 = lambda a: torch.as_tensor(a, dtype=torch.float32)  # noqa: E731
    unlog = (scaler.mean, scaler.std, mase_scale) if s.log else None
    module = Forecaster(net, cfg, mase_unit=scaler.std / mase_scale, unlog=unlog)
    train_loader = tensor_loader(f32(x_tr), f32(t_tr), batch_size=cfg.batch_size, shuffle=True, seed=ctx.seed)
    val_loader = tensor_loader(f32(x_va), f32(t_va), batch_size=1024, shuffle=False)
    t0 = time.perf_counter()  # timing["train_s"] is written when the family's harness around this fit closes
    fitted = fit(
        ctx,
        module,
        train_loader,
        val_loader,
        max_epochs=cfg.max_epochs,
        precision=cfg.precision,
        early_stopping_patience=cfg.early_stopping_patience,
        monitor="val/mase",
        gradient_clip_val=cfg.gradient_clip or None,
    )
    weights.save(ctx, net)  # the restored best weights, the ones backtested (suite/weights.py)
    ctx.resources["throughput"] = fitted.epochs * len(x_tr) / max(time.perf_counter() - t0, 1e-9)  # training windows/s
    ctx.info.update(train_windows=len(x_tr), val_windows=len(x_va), scaler={"mean": scaler.mean, "std": scaler.std})
    return DeepPredictor(module, scaler, window)


class DeepTrainer:
    """A torch module of kind "module" as a `Forecaster`: `fit` trains it as above, `predict` forecasts.

    The validation span that picks the best epoch is the family's, y[train_end:val_end] of the
    task's series, after the training span `fit` is handed: the short form's protocol, as before
    the contract (a plug-in trainer holds out its own tail instead)."""

    def __init__(self, ctx: RunContext, net: nn.Module) -> None:
        self.ctx, self.net = ctx, net
        self.predictor: DeepPredictor | None = None

    @property
    def n_params(self) -> int:
        return sum(p.numel() for p in self.net.parameters())

    def fit(self, train: np.ndarray) -> None:
        s: Series = self.ctx.task.problem.load()()
        if len(train) != s.train_end:
            raise ValueError(f"the deep trainer fits {s.name}'s training span of {s.train_end} steps, got {len(train)}")
        scale = mase_scale(s)
        self.predictor = train_network(self.ctx, self.net, s, self.ctx.config.window or s.window, scale)

    def predict(self, history: np.ndarray, horizon: int) -> np.ndarray:
        return self.predictor.predict(history, horizon)


def mase_scale(s: Series) -> float:
    """The test MASE's scale, in the units scored (prices for msft): as the runner computes it."""
    from tasks.forecasting.metrics import mase_scale as scale

    return scale(s.scored(s.y[: s.train_end]), s.mase_m)


def adapt(ctx: RunContext, net: nn.Module) -> DeepTrainer:
    """The family adapter (`Family.adapter`) for kind "module"."""
    return DeepTrainer(ctx, net)


def network(ctx: RunContext, s: Series, window: int) -> nn.Module:
    """The task's bare network as its factory builds it (no training): for a caller that loads weights."""
    from suite.contract import model_kwargs

    return ctx.task.model.load()(**model_kwargs(ctx.task, ctx.config, window=window, horizon=s.horizon, season=s.season))
