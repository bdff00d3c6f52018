"""PyTorch Lightning backend: one `fit` used by the classification, generative and forecasting families.

What it adds on top of a bare Trainer: curves into the run context, a NaN guard that marks the run
`diverged`, optional early stopping that restores the best weights, and a cheap progress bar.
"""

from __future__ import annotations

import copy
import logging
import math
import warnings
from typing import Any

import pytorch_lightning as pl
import torch
from torch.utils.data import BatchSampler, DataLoader, RandomSampler, SequentialSampler, TensorDataset

from suite.context import RunContext
from suite.errors import Diverged

for _name in ("pytorch_lightning", "lightning.pytorch", "lightning_fabric", "lightning"):
    logging.getLogger(_name).setLevel(logging.ERROR)
warnings.filterwarnings("ignore", ".*does not have many workers.*")
warnings.filterwarnings("ignore", ".*LeafSpec.*")
warnings.filterwarnings("ignore", ".*treespec.*")


def tensor_loader(*tensors: torch.Tensor, batch_size: int, shuffle: bool, seed: int = 0) -> DataLoader:
    """Whole batches indexed straight out of in-memory tensors: no per-sample collate."""
    ds = TensorDataset(*tensors)
    gen = torch.Generator().manual_seed(seed)
    sampler = RandomSampler(ds, generator=gen) if shuffle else SequentialSampler(ds)
    return DataLoader(ds, batch_size=None, sampler=BatchSampler(sampler, batch_size, drop_last=False))


class CurveLogger(pl.Callback):
    """Copies epoch-level logged metrics into the run's curves and stops on a non-finite loss."""

    def __init__(self, ctx: RunContext, watch: str = "train/loss") -> None:
        self.ctx, self.watch = ctx, watch

    def on_train_batch_end(self, trainer, pl_module, outputs, batch, batch_idx) -> None:
        loss = outputs["loss"] if isinstance(outputs, dict) else outputs
        if loss is not None and not torch.isfinite(loss.detach()).all():
            raise Diverged(f"non-finite loss at step {trainer.global_step} (epoch {trainer.current_epoch})")

    def on_validation_epoch_end(self, trainer, pl_module) -> None:
        if trainer.sanity_checking:
            return
        for key, value in trainer.callback_metrics.items():
            if key.startswith("val/"):
                self.ctx.log(key, float(value), step=trainer.current_epoch + 1)

    def on_train_epoch_end(self, trainer, pl_module) -> None:
        # Runs after the epoch's validation loop, when the epoch-mean training metrics exist.
        for key, value in trainer.callback_metrics.items():
            if key.startswith("train/"):
                self.ctx.log(key, float(value), step=trainer.current_epoch + 1)


class EpochBar(pl.Callback):
    """One tqdm bar over epochs with the latest losses: costs one refresh per epoch."""

    def __init__(self, total: int) -> None:
        self.total, self.bar = total, None

    def on_train_start(self, trainer, pl_module) -> None:
        import sys

        from tqdm.auto import tqdm

        # a bar in a log is a page of carriage returns: draw it only on a terminal
        self.bar = tqdm(
            total=self.total if self.total > 0 else None, unit="epoch", leave=False, dynamic_ncols=True, disable=not sys.stderr.isatty()
        )

    def on_train_epoch_end(self, trainer, pl_module) -> None:
        shown = {
            k.split("/")[0][0] + ":" + k.split("/")[-1]: f"{float(v):.4g}" for k, v in trainer.callback_metrics.items() if k.count("/") == 1
        }
        self.bar.set_postfix(shown, refresh=False)
        self.bar.update(1)

    def on_train_end(self, trainer, pl_module) -> None:
        if self.bar is not None:
            self.bar.total = self.bar.n  # early stopping ends the run before max_epochs: the bar ends at what ran
            self.bar.refresh()
            self.bar.close()


class BestWeights(pl.Callback):
    """Early stopping on a monitored metric with patience, keeping the best weights in memory."""

    def __init__(self, monitor: str, patience: int, mode: str = "min") -> None:
        self.monitor, self.patience, self.mode = monitor, patience, mode
        self.best = math.inf if mode == "min" else -math.inf
        self.best_state: dict[str, Any] | None = None
        self.best_epoch = 0
        self.bad_epochs = 0

    def on_validation_epoch_end(self, trainer, pl_module) -> None:
        if trainer.sanity_checking or self.monitor not in trainer.callback_metrics:
            return
        value = float(trainer.callback_metrics[self.monitor])
        better = value < self.best if self.mode == "min" else value > self.best
        if better:
            self.best, self.best_epoch, self.bad_epochs = value, trainer.current_epoch + 1, 0
            self.best_state = copy.deepcopy(pl_module.state_dict())
        else:
            self.bad_epochs += 1
            if self.patience > 0 and self.bad_epochs >= self.patience:
                trainer.should_stop = True

    def restore(self, pl_module) -> None:
        if self.best_state is not None:
            pl_module.load_state_dict(self.best_state)


def trainer(
    ctx: RunContext,
    *,
    max_epochs: int,
    max_steps: int = -1,
    precision: str = "32-true",
    callbacks: list[pl.Callback] | None = None,
    gradient_clip_val: float | None = None,
) -> pl.Trainer:
    """A Trainer with no logger or checkpoint files (the run record is the log) on the run's device."""
    bar = [EpochBar(max_epochs)] if ctx.progress else []
    return pl.Trainer(
        accelerator="gpu" if ctx.device.startswith("cuda") else "cpu",
        devices=1,
        precision=precision,
        max_epochs=max_epochs,
        max_steps=max_steps,
        logger=False,
        enable_checkpointing=False,
        enable_model_summary=False,
        enable_progress_bar=False,  # EpochBar: one line per run, not a bar per epoch and per val loop
        num_sanity_val_steps=0,
        gradient_clip_val=gradient_clip_val,
        callbacks=[CurveLogger(ctx), *bar, *(callbacks or [])],
        deterministic=False,
    )


def fit(
    ctx: RunContext,
    module: pl.LightningModule,
    train_loader,
    val_loader=None,
    *,
    max_epochs: int,
    max_steps: int = -1,
    precision: str = "32-true",
    early_stopping_patience: int = 0,
    monitor: str = "val/loss",
    mode: str = "min",
    restore_best: bool = True,
    gradient_clip_val: float | None = None,
    callbacks: list[pl.Callback] | None = None,
) -> pl.Trainer:
    """Train `module`; with a validation loader, keep the best weights by `monitor` (early stop if patience > 0)."""
    best = BestWeights(monitor, early_stopping_patience, mode) if val_loader is not None else None
    tr = trainer(
        ctx,
        max_epochs=max_epochs,
        max_steps=max_steps,
        precision=precision,
        gradient_clip_val=gradient_clip_val,
        callbacks=[*([best] if best else []), *(callbacks or [])],
    )
    with ctx.phase("train"):
        tr.fit(module, train_loader, val_loader)
    if best is not None:
        ctx.info["stopped_epoch"] = tr.current_epoch
        ctx.info["best_epoch"] = best.best_epoch
        # the epoch whose weights go on to be evaluated: what a tuning trial's validation objective reads
        ctx.info["kept_epoch"] = best.best_epoch if restore_best and best.best_state is not None else tr.current_epoch
        if restore_best:
            best.restore(module)
    ctx.resources["params"] = sum(p.numel() for p in module.parameters())
    ctx.info["train_steps"] = tr.global_step
    return tr
