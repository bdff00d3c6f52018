"""Train a classifier with Lightning, evaluate it on the test split, record metrics and a confusion matrix.

bench run digits_cnn --preset smoke            # seconds
bench run mnist1d_cnn --seeds 3                # the MNIST-1D paper's recipe (standard preset)
"""

from __future__ import annotations

import dataclasses
import inspect
import math
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from suite import weights
from suite.backends.lightning import StepModule, fit, tensor_loader
from suite.config import model_field_names
from suite.context import RunContext
from tasks.classification.augment import augment, pad_for
from tasks.classification.data import ClassificationData


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


def load_data(ctx: RunContext) -> ClassificationData:
    """Call the problem's loader, passing `data_dir` to those that download (the embedded ones take no arguments)."""
    loader = ctx.task.problem.load()
    takes_dir = "data_dir" in inspect.signature(loader).parameters
    data = loader(data_dir=ctx.config.data_dir or None) if takes_dir else loader()
    return data.subset(ctx.config.subset) if hasattr(data, "subset") else data


def make_module(net: nn.Module, cfg, data: ClassificationData) -> Classifier:
    """The Lightning module for `net` under `cfg`: schedule horizon in steps, augmentation from the data's shape."""
    steps_per_epoch = math.ceil(len(data.y_train) / cfg.batch_size)
    total = cfg.max_epochs * steps_per_epoch if cfg.max_steps < 0 else min(cfg.max_steps, cfg.max_epochs * steps_per_epoch)
    pad = pad_for(data.input_shape) if cfg.augment else 0
    return Classifier(net, cfg, total, pad, getattr(data, "hflip", False))


def run(ctx: RunContext) -> None:
    cfg = ctx.config
    data = load_data(ctx)
    ctx.info["data"] = {"train": len(data.y_train), "val": len(data.y_val), "test": len(data.y_test), "input_shape": list(data.input_shape)}
    kwargs = {k: getattr(cfg, k) for k in model_field_names(ctx.task)}
    net = ctx.task.model.load()(data.input_shape, data.num_classes, **kwargs)
    if cfg.init == "xavier":
        xavier_init(net)

    module = make_module(net, cfg, data)

    t = lambda a: torch.as_tensor(a)  # noqa: E731
    train = tensor_loader(t(data.x_train), t(data.y_train), batch_size=cfg.batch_size, shuffle=True, seed=ctx.seed)
    val = tensor_loader(t(data.x_val), t(data.y_val), batch_size=1024, shuffle=False)
    cpu0 = time.process_time()
    fit_by_config(ctx, module, train, val, cfg)
    ctx.resources["throughput"] = module.samples_seen / max(ctx.timing["train_s"], 1e-9)  # training samples per second
    # CPU seconds of this process while training: on a shared machine, wall time measures the neighbours too
    ctx.resources["train_cpu_s"] = time.process_time() - cpu0
    ctx.resources["steps_per_s"] = ctx.info["train_steps"] / max(ctx.timing["train_s"], 1e-9)

    weights.save(ctx, net)  # the restored weights, the ones evaluated below (suite/weights.py)
    with ctx.phase("eval"):
        evaluate(ctx, module, data)
    ctx.info["config_fields"] = [f.name for f in dataclasses.fields(cfg)]


@torch.no_grad()
def evaluate(ctx: RunContext, module: Classifier, data) -> None:
    from torchmetrics.functional.classification import multiclass_calibration_error, multiclass_f1_score

    module.eval()
    x, y = torch.as_tensor(data.x_test), torch.as_tensor(data.y_test)
    t0 = time.perf_counter()
    logits = torch.cat([module(xb.to(module.device)).cpu() for xb in x.split(1024)])
    ctx.resources["eval_throughput"] = len(x) / (time.perf_counter() - t0)
    k = data.num_classes
    probs = logits.softmax(-1)
    ctx.metrics["test/acc"] = float((logits.argmax(-1) == y).float().mean())
    ctx.metrics["test/loss"] = float(F.cross_entropy(logits, y))
    ctx.metrics["test/f1_macro"] = float(multiclass_f1_score(probs, y, num_classes=k, average="macro"))
    ctx.metrics["test/ece"] = float(multiclass_calibration_error(probs, y, num_classes=k, n_bins=15))
    confusion_matrix_artifact(ctx, y.numpy(), logits.argmax(-1).numpy(), data.classes)


def confusion_matrix_artifact(ctx: RunContext, y_true: np.ndarray, y_pred: np.ndarray, classes: list[str]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.metrics import confusion_matrix

    cm = confusion_matrix(y_true, y_pred, labels=range(len(classes)))
    fig, ax = plt.subplots(figsize=(4.5, 4), dpi=100)
    ax.imshow(cm, cmap="Blues")
    ax.set(
        xticks=range(len(classes)),
        yticks=range(len(classes)),
        xlabel="predicted",
        ylabel="true",
        title=f"{ctx.task.id} seed {ctx.seed}: acc {ctx.metrics['test/acc']:.3f}",
    )
    wide = max(len(c) for c in classes) > 3  # "Ankle boot", not "7": labels that need room and a slant
    ax.set_xticklabels(classes, rotation=90 if len(classes) > 10 else (45 if wide else 0), ha="right" if wide else "center", fontsize=7)
    ax.set_yticklabels(classes, fontsize=7)
    for i, j in np.ndindex(cm.shape):
        if cm[i, j]:
            ax.text(j, i, str(cm[i, j]), ha="center", va="center", fontsize=6, color="white" if cm[i, j] > cm.max() / 2 else "black")
    # fixed margins, not tight_layout: measuring a hundred text boxes was half of a digits run's fixed cost
    margin = 0.24 if wide else 0.13
    fig.subplots_adjust(left=margin, bottom=margin, right=0.98, top=0.93)
    path = ctx.artifact_path("confusion_matrix.png")
    fig.savefig(path)
    plt.close(fig)
    ctx.add_artifact(path, "image", "confusion matrix on the test split")
