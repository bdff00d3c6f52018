"""The built-in trainer of the short form: a torch module factory (kind "module") trained with the Fabric loop.

`adapt(ctx, net)` is the family's adapter (`Family.adapter`): it wraps the network a factory built in a
`FabricTrainer`, which meets the classification contract (contract.py) like any plug-in's trainer:
`fit(train, val)` trains with the config's optimizer, schedule, augmentation, early stopping and restore
rule; `predict_scores(x)` returns the logits. The family's protocol (runner.py) judges what comes out.
"""

from __future__ import annotations

import math
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from suite import weights
from suite.backends.lightning import StepModule, fabric, fit, tensor_loader
from suite.context import RunContext
from tasks.classification.augment import augment, pad_for
from tasks.classification.contract import Split


def correct(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """The batch's count of right predictions, an integer tensor: `EpochMeans` sums it into the epoch's accuracy."""
    return torch.eq(logits.argmax(-1), y).sum()


class Classifier(StepModule):
    """Wraps any `nn.Module` that maps inputs to class logits; optimizer, schedule and augmentation come from the config."""

    def __init__(self, net: nn.Module, cfg, total_steps: int, augment_pad: int = 0, hflip: bool = False) -> None:
        super().__init__()
        self.net, self.cfg = net, cfg
        self.total_steps = max(1, total_steps)  # the schedules' horizon, in optimizer steps
        self.augment_pad, self.hflip = augment_pad, hflip
        self.samples_seen = 0  # for throughput: the last batch of an epoch may be short

    def forward(self, x):
        return self.net(x)

    def training_step(self, batch, _):
        x, y = batch
        if self.augment_pad:
            x = augment(x, self.augment_pad, self.hflip)
        logits = self.net(x)  # not self(x): a module call less per step
        self.samples_seen += len(y)
        return {"loss": F.cross_entropy(logits, y), "acc": correct(logits, y)}

    def validation_step(self, batch, _):
        x, y = batch
        logits = self(x)
        return {"loss": F.cross_entropy(logits, y), "acc": correct(logits, y)}

    @torch.no_grad()
    def predict_scores(self, x: np.ndarray) -> np.ndarray:
        """Logits (N, classes) for `x` (N, *input_shape), in eval mode, 1024 samples at a time."""
        self.eval()
        x = torch.as_tensor(x)
        return torch.cat([self(xb.to(self.device)).cpu() for xb in x.split(1024)]).numpy()

    def configure_optimizers(self):
        c = self.cfg
        if c.optimizer == "sgd":
            opt = torch.optim.SGD(self.parameters(), lr=c.lr, momentum=c.momentum, weight_decay=c.weight_decay)
        else:
            opt = torch.optim.Adam(self.parameters(), lr=c.lr, weight_decay=c.weight_decay)
        factor = schedule_factor(c.schedule, self.total_steps)
        if factor is None:
            return opt
        sched = torch.optim.lr_scheduler.LambdaLR(opt, factor)
        return {"optimizer": opt, "lr_scheduler": {"scheduler": sched, "interval": "step"}}


def schedule_factor(name: str, total: int):
    """The learning-rate multiplier at optimizer step t of `total`, or None for a constant rate."""
    if name == "cosine":
        return lambda t: 0.5 * (1 + math.cos(math.pi * min(t, total) / total))
    if name == "step":
        return lambda t: 0.1 ** min(2, 3 * t // total)  # /10 at 1/3 and again at 2/3 of the run
    return None


def xavier_init(net: nn.Module) -> None:
    """Xavier-uniform weights and zero biases for linear, convolutional and recurrent layers; norms keep theirs."""
    for m in net.modules():
        if isinstance(m, (nn.Linear, nn.Conv1d, nn.Conv2d)):
            nn.init.xavier_uniform_(m.weight)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.RNNBase):
            for name, p in m.named_parameters():
                (nn.init.xavier_uniform_ if name.startswith("weight") else nn.init.zeros_)(p)


RESTORE = {"best_loss": ("val/loss", "min", True), "best_acc": ("val/acc", "max", True), "last": ("val/loss", "min", False)}


def fit_by_config(ctx: RunContext, module, train, val, cfg) -> None:
    """Lightning `fit` with the config's budget, precision, early stopping and restore rule."""
    monitor, mode, restore_best = RESTORE[cfg.restore]
    fit(
        ctx,
        module,
        train,
        val,
        max_epochs=cfg.max_epochs,
        max_steps=cfg.max_steps,
        precision=cfg.precision,
        early_stopping_patience=cfg.early_stopping_patience,
        monitor=monitor,
        mode=mode,
        restore_best=restore_best,
    )


def module_for(net: nn.Module, cfg, n_train: int, input_shape: tuple[int, ...], hflip: bool = False) -> Classifier:
    """The Lightning module for `net` under `cfg`: schedule horizon in steps, augmentation from the data's shape."""
    steps_per_epoch = math.ceil(n_train / cfg.batch_size)
    total = cfg.max_epochs * steps_per_epoch if cfg.max_steps < 0 else min(cfg.max_steps, cfg.max_epochs * steps_per_epoch)
    pad = pad_for(input_shape) if cfg.augment else 0
    return Classifier(net, cfg, total, pad, hflip)


def make_module(net: nn.Module, cfg, data) -> Classifier:
    """`module_for` a problem's data (a `ClassificationData`): its training size, shape and mirroring rule."""
    return module_for(net, cfg, len(data.y_train), data.input_shape, getattr(data, "hflip", False))


class FabricTrainer:
    """A torch network behind the classification contract, trained by the config's recipe with the Fabric loop."""

    def __init__(self, ctx: RunContext, net: nn.Module) -> None:
        self.ctx, self.net = ctx, net
        self.module: Classifier | None = None

    def fit(self, train: Split, val: Split) -> None:
        ctx, cfg = self.ctx, self.ctx.config
        self.module = module_for(self.net, cfg, len(train.y), train.x.shape[1:], train.hflip)
        t = torch.as_tensor
        train_batches = tensor_loader(t(train.x), t(train.y), batch_size=cfg.batch_size, shuffle=True, seed=ctx.seed)
        val_batches = tensor_loader(t(val.x), t(val.y), batch_size=1024, shuffle=False)
        # The protocol times the whole of fit() as the run's train seconds (the loop's own train phase nests
        # in it and counts once); the loop alone, timed here, gives the throughput.
        t0 = time.perf_counter()
        fit_by_config(ctx, self.module, train_batches, val_batches, cfg)
        loop_s = max(time.perf_counter() - t0, 1e-9)
        ctx.resources["throughput"] = self.module.samples_seen / loop_s  # training samples per second
        ctx.resources["steps_per_s"] = ctx.info["train_steps"] / loop_s
        weights.save(ctx, self.net)  # the restored weights, the ones evaluated (suite/weights.py)

    def predict_scores(self, x: np.ndarray) -> np.ndarray:
        return self.module.predict_scores(x)


def adapt(ctx: RunContext, net: nn.Module) -> FabricTrainer:
    """The family's adapter for the short form: Xavier init when the config asks, then the Fabric trainer."""
    if ctx.config.init == "xavier":
        xavier_init(net)
    # Made once here, in set-up: where Fabric is used (a GPU, mixed precision) its import costs ~2 s,
    # which the run's train seconds (the whole of fit) should not be charged with.
    fabric(ctx, ctx.config.precision)
    return FabricTrainer(ctx, net)
