"""Lightning Fabric backend: the one training loop of the classification, generative, autoencoding and forecasting families.

Why Fabric and not the Trainer: the networks this suite runs on a CPU are small, so a step costs
tens of microseconds of arithmetic and the framework's per-step bookkeeping shows. Measured at a51e1ae
on digits_mlp (30 epochs, batch 32, 1 thread), a lean `pl.Trainer` alone costs 1.41× a bare PyTorch
loop and Fabric 1.06× (issue 14). Fabric places the work on the device (`accelerator`), and owns
mixed precision (`16-mixed`, `bf16-mixed`: autocast, the gradient scaler, unscaled clipping). On a
CPU at full precision, where it would do neither, the loop calls torch directly (`fabric()` says why).

What the loop adds on top: curves per epoch into the run context, a NaN/inf guard read once per
epoch (no per-step host sync), early stopping on a monitored validation metric with the best weights
kept in memory, a progress bar of one line, and batches sliced from tensors that live on the device.

A module is an `nn.Module` with three methods (see `StepModule`); the adversarial family optimises by
hand in its `training_step`, every other family lets the loop do it.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import math
import sys
import warnings
from dataclasses import dataclass

import torch
from torch import nn

from suite.context import RunContext
from suite.errors import Diverged

for _name in ("lightning_fabric", "lightning.fabric", "lightning"):
    logging.getLogger(_name).setLevel(logging.ERROR)
warnings.filterwarnings("ignore", ".*LeafSpec.*")
warnings.filterwarnings("ignore", ".*treespec.*")


class Batches:
    """Mini-batches sliced out of in-memory tensors: one shuffle per pass, no per-sample Python, no collate.

    `to(device)` moves the tensors once; every batch is then an index into device memory.
    """

    def __init__(self, *tensors: torch.Tensor, batch_size: int, shuffle: bool, seed: int = 0) -> None:
        self.tensors, self.batch_size, self.shuffle = tensors, batch_size, shuffle
        self.generator = torch.Generator().manual_seed(seed) if shuffle else None

    def __len__(self) -> int:
        return math.ceil(len(self.tensors[0]) / self.batch_size)

    def to(self, device: torch.device) -> Batches:
        self.tensors = tuple(t.to(device) for t in self.tensors)
        return self

    def __iter__(self):
        # The random draws of the DataLoader-and-RandomSampler path this replaced, made here too, so records
        # made before it reproduce bit for bit: first the DataLoader's one draw from the global RNG per pass
        # (its workers' base seed), which keeps the global stream (dropout, GAN latents, VAE noise) in place.
        torch.empty((), dtype=torch.int64).random_()
        n = len(self.tensors[0])
        tensors, size = self.tensors, self.batch_size
        if not self.shuffle:
            for i in range(0, n, size):
                yield tuple([t[i : i + size] for t in tensors])
            return
        order = torch.randperm(n, generator=self.generator).to(tensors[0].device)  # RandomSampler's draw
        for idx in order.split(size):
            yield tuple([t[idx] for t in tensors])
        if n % self.batch_size:
            # BatchSampler yields a short last batch only once RandomSampler is exhausted, and RandomSampler
            # then draws one more permutation for its (empty) remainder. With no short batch the Trainer
            # stopped after len(loader) batches, before that draw. Drawn alike, the next pass's order is the
            # sampler's.
            torch.randperm(n, generator=self.generator)


def tensor_loader(*tensors: torch.Tensor, batch_size: int, shuffle: bool, seed: int = 0) -> Batches:
    """Batches over `tensors` (the same first dimension); shuffled per pass by a generator seeded with `seed`."""
    return Batches(*tensors, batch_size=batch_size, shuffle=shuffle, seed=seed)


class StepModule(nn.Module):
    """What the loop drives.

    - `configure_optimizers()`: an optimizer, a list of them, or Lightning's
      `{"optimizer": opt, "lr_scheduler": {"scheduler": s, "interval": "step" | "epoch"}}`;
    - `training_step(batch, i) -> dict[str, Tensor]` of batch means: the loop minimises "loss" unless
      `manual_optimization`, in which case the step calls `self.optimizers()` and `self.backward(loss)`
      itself (the adversarial game); every entry becomes the epoch curve `train/<key>`;
    - `validation_step(batch, i) -> dict[str, Tensor]` of batch means: the epoch curves `val/<key>`.
    Values stay on the device: the loop sums them there and reads them once per epoch.
    """

    manual_optimization = False

    def __init__(self) -> None:
        super().__init__()
        self.current_epoch = 0
        self._fabric = None
        self._optimizers: list = []

    @property
    def device(self) -> torch.device:
        """Where the weights are; CPU for a module that holds none as tensors (int8-quantized layers pack theirs)."""
        first = next(itertools.chain(self.parameters(), self.buffers()), None)  # no list of every tensor per call
        return first.device if first is not None else torch.device("cpu")

    def optimizers(self) -> list:
        return self._optimizers

    def backward(self, loss: torch.Tensor) -> None:
        self._fabric.backward(loss)  # precision-aware (the gradient scaler under 16-mixed)

    def on_fit_start(self) -> None:
        """Called once the module is on its device, before the first step."""


class EpochBar:
    """One tqdm bar over epochs with the latest losses: one refresh per epoch, drawn only on a terminal."""

    def __init__(self, total: int) -> None:
        from tqdm.auto import tqdm

        # a bar in a log is a page of carriage returns
        self.bar = tqdm(total=total if total > 0 else None, unit="epoch", leave=False, dynamic_ncols=True, disable=not sys.stderr.isatty())

    def update(self, metrics: dict[str, float]) -> None:
        shown = {k.split("/")[0][0] + ":" + k.split("/")[-1]: f"{v:.4g}" for k, v in metrics.items()}
        self.bar.set_postfix(shown, refresh=False)
        self.bar.update(1)

    def close(self) -> None:
        self.bar.total = self.bar.n  # early stopping ends the run before max_epochs: the bar ends at what ran
        self.bar.refresh()
        self.bar.close()


class EpochMeans:
    """Per-sample epoch means of a step's values, summed on the device, read once: {key: epoch mean}.

    A floating value is the batch's mean (weighted by its size); an integer one is the batch's total, a
    count such as the correct predictions. Summing counts skips a cast and a mean each step (a tenth of
    the suite's per-step cost on digits_mlp), and is exact.
    """

    def __init__(self) -> None:
        self.sums: dict[str, torch.Tensor] = {}
        self.counts: dict[str, int] = {}

    def add(self, values: dict[str, torch.Tensor], n: int) -> None:
        for k, v in values.items():
            batch_mean = v.is_floating_point()  # else a count: the batch's total
            if k in self.sums:
                if batch_mean:
                    self.sums[k].add_(v.detach(), alpha=n)  # one kernel a key: this runs every step
                else:
                    self.sums[k].add_(v)
                self.counts[k] += n
            else:
                self.sums[k] = v.detach().float() * n if batch_mean else v.detach().float()  # float32 counts are exact to 2**24
                self.counts[k] = n

    def read(self, prefix: str) -> dict[str, float]:
        if not self.sums:
            return {}
        keys = list(self.sums)
        sums = torch.stack([self.sums[k] for k in keys])
        means = (sums / torch.tensor([float(self.counts[k]) for k in keys], device=sums.device)).tolist()  # the one sync
        return {f"{prefix}/{k}": m for k, m in zip(keys, means)}


class BestWeights:
    """Early stopping on a monitored metric with patience, the best weights copied into held buffers."""

    def __init__(self, monitor: str, patience: int, mode: str = "min") -> None:
        self.monitor, self.patience, self.mode = monitor, patience, mode
        self.best = math.inf if mode == "min" else -math.inf
        self.best_state: dict[str, torch.Tensor] | None = None
        self.best_epoch = 0
        self.bad_epochs = 0

    def should_stop(self, module: nn.Module, metrics: dict[str, float], epoch: int) -> bool:
        """Record epoch `epoch` (1-based); True once `patience` epochs in a row have not improved."""
        if self.monitor not in metrics:
            return False
        value = metrics[self.monitor]
        if value < self.best if self.mode == "min" else value > self.best:
            self.best, self.best_epoch, self.bad_epochs = value, epoch, 0
            state = module.state_dict()
            if self.best_state is None:
                self.best_state = {k: v.detach().clone() for k, v in state.items()}
            else:
                for k, v in state.items():
                    self.best_state[k].copy_(v)
            return False
        self.bad_epochs += 1
        return self.patience > 0 and self.bad_epochs >= self.patience

    def restore(self, module: nn.Module) -> None:
        if self.best_state is not None:
            module.load_state_dict(self.best_state)


@dataclass
class Fitted:
    epochs: int  # epochs run, the last one possibly cut short by max_steps
    steps: int  # training steps (batches) taken


FULL_PRECISION = ("32-true", "32", 32)


def fabric(ctx: RunContext, precision: str, force: bool = False):
    """A single-device Fabric on the run's device; on a CPU at full precision, `CpuFloat32` in its place.

    There Fabric has nothing to do (no device to place on, no autocast, no scaler: its backward and
    step pass straight through), yet importing it costs 1.9 CPU-seconds (torch._dynamo, torchmetrics)
    in every sweep worker, more than a digits run trains. `force` takes Fabric anyway (the tests
    check that both give the same weights bit for bit).
    """
    if ctx.device == "cpu" and precision in FULL_PRECISION and not force:
        return CpuFloat32()
    from lightning_fabric import Fabric

    return Fabric(accelerator="cuda" if ctx.device.startswith("cuda") else "cpu", devices=1, precision=precision)


class CpuFloat32:
    """The part of Fabric's interface the loop uses, for the CPU at 32-bit precision, where each is the plain call."""

    device = torch.device("cpu")

    def to_device(self, module: nn.Module) -> nn.Module:
        return module

    def setup_optimizers(self, *optimizers):
        return optimizers[0] if len(optimizers) == 1 else optimizers

    def autocast(self):
        return contextlib.nullcontext()

    def backward(self, loss: torch.Tensor) -> None:
        loss.backward()

    def clip_gradients(self, module, optimizer, max_norm: float, error_if_nonfinite: bool = True):
        params = [p for group in optimizer.param_groups for p in group["params"]]  # Fabric's order: the optimizer's
        return torch.nn.utils.clip_grad_norm_(params, max_norm, error_if_nonfinite=error_if_nonfinite)


def _optimizers(spec) -> tuple[list, list, list]:
    """(optimizers, per-step schedulers, per-epoch schedulers) from what `configure_optimizers` returned."""
    if isinstance(spec, dict):
        sched = spec.get("lr_scheduler")
        if isinstance(sched, dict):
            per_step = sched.get("interval", "epoch") == "step"
            sched = sched["scheduler"]
        else:
            per_step = False
        steps, epochs = ([sched], []) if per_step else ([], [sched] if sched is not None else [])
        return [spec["optimizer"]], steps, epochs
    return (list(spec) if isinstance(spec, (list, tuple)) else [spec]), [], []


def fit(
    ctx: RunContext,
    module: StepModule,
    train: Batches,
    val: Batches | None = None,
    *,
    max_epochs: int,
    max_steps: int = -1,
    precision: str = "32-true",
    early_stopping_patience: int = 0,
    monitor: str = "val/loss",
    mode: str = "min",
    restore_best: bool = True,
    gradient_clip_val: float | None = None,
    force_fabric: bool = False,
) -> Fitted:
    """Train `module`; with validation batches, keep the best weights by `monitor` (early stop if patience > 0)."""
    fab = fabric(ctx, precision, force_fabric)
    fab.to_device(module)
    train.to(fab.device)
    if val is not None:
        val.to(fab.device)
    optimizers, step_scheds, epoch_scheds = _optimizers(module.configure_optimizers())
    optimizers = list(fab.setup_optimizers(*optimizers)) if len(optimizers) > 1 else [fab.setup_optimizers(optimizers[0])]
    module._fabric, module._optimizers = fab, optimizers
    module.on_fit_start()
    best = BestWeights(monitor, early_stopping_patience, mode) if val is not None else None
    bar = EpochBar(max_epochs) if ctx.progress else None
    step_budget = max_steps if max_steps >= 0 else math.inf
    if max_steps >= 0 and ctx.on_first_step is not None:  # the ETA counts the epochs the step cap allows
        from suite import eta

        ctx.on_first_step = eta.announcer(ctx, total=min(max_epochs, math.ceil(max_steps / max(1, len(train)))))
    steps = epochs = 0
    with ctx.phase("train"):
        try:
            while epochs < max_epochs and steps < step_budget:
                module.current_epoch = epochs
                module.train()
                means = EpochMeans()
                for i, batch in enumerate(train):
                    with fab.autocast():
                        out = module.training_step(batch, i)
                    if not module.manual_optimization:
                        _optimize(fab, module, optimizers[0], out["loss"], gradient_clip_val)
                        for s in step_scheds:
                            s.step()
                    means.add(out, len(batch[0]))
                    steps += 1
                    if steps >= step_budget:
                        break
                epochs += 1
                metrics = means.read("train")
                bad = [k for k, v in metrics.items() if not math.isfinite(v)]
                if bad:
                    raise Diverged(f"non-finite {', '.join(bad)} in epoch {epochs} (by step {steps})")
                if val is not None:
                    metrics = {**validate(fab, module, val), **metrics}
                for s in epoch_scheds:
                    s.step()
                for k, v in metrics.items():
                    ctx.log(k, v, step=epochs)
                if bar is not None:
                    bar.update(metrics)
                if best is not None and best.should_stop(module, metrics, epochs):
                    break
        finally:
            if bar is not None:
                bar.close()
    if best is not None:
        ctx.info["stopped_epoch"] = epochs
        ctx.info["best_epoch"] = best.best_epoch
        # the epoch whose weights go on to be evaluated: what a tuning trial's validation objective reads
        ctx.info["kept_epoch"] = best.best_epoch if restore_best and best.best_state is not None else epochs
        if restore_best:
            best.restore(module)
    ctx.resources["params"] = sum(p.numel() for p in module.parameters())
    ctx.info["train_steps"] = steps
    return Fitted(epochs, steps)


def _optimize(fab, module: nn.Module, optimizer, loss: torch.Tensor, clip: float | None) -> None:
    optimizer.zero_grad(set_to_none=True)
    fab.backward(loss)
    if clip:
        # a NaN gradient is the guard's business at the epoch's end, not an exception here
        fab.clip_gradients(module, optimizer, max_norm=clip, error_if_nonfinite=False)
    optimizer.step()


@torch.no_grad()
def validate(fab, module: StepModule, val: Batches) -> dict[str, float]:
    """Epoch means of `validation_step` over the validation batches, in eval mode."""
    module.eval()
    means = EpochMeans()
    for i, batch in enumerate(val):
        with fab.autocast():
            out = module.validation_step(batch, i)
        if out:
            means.add(out, len(batch[0]))
    module.train()
    return means.read("val")
