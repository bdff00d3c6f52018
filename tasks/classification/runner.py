"""Train a classifier with Lightning, evaluate it on the test split, record metrics and a confusion matrix."""

from __future__ import annotations

import dataclasses
import time

import numpy as np
import pytorch_lightning as pl
import torch
import torch.nn.functional as F
from torch import nn

from suite.backends.lightning import fit, tensor_loader
from suite.config import model_field_names
from suite.context import RunContext


class Classifier(pl.LightningModule):
    """Wraps any `nn.Module` that maps inputs to class logits."""

    def __init__(self, net: nn.Module, cfg) -> None:
        super().__init__()
        self.net, self.cfg = net, cfg

    def forward(self, x):
        return self.net(x)

    def training_step(self, batch, _):
        x, y = batch
        loss = F.cross_entropy(self(x), y)
        self.log("train/loss", loss, on_step=False, on_epoch=True)
        return loss

    def validation_step(self, batch, _):
        x, y = batch
        logits = self(x)
        self.log("val/loss", F.cross_entropy(logits, y), on_epoch=True)
        self.log("val/acc", (logits.argmax(-1) == y).float().mean(), on_epoch=True)

    def configure_optimizers(self):
        c = self.cfg
        if c.optimizer == "sgd":
            opt = torch.optim.SGD(self.parameters(), lr=c.lr, momentum=c.momentum, weight_decay=c.weight_decay)
        else:
            opt = torch.optim.Adam(self.parameters(), lr=c.lr, weight_decay=c.weight_decay)
        if c.schedule == "cosine":
            return [opt], [torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=c.max_epochs)]
        if c.schedule == "step":
            return [opt], [torch.optim.lr_scheduler.StepLR(opt, step_size=max(1, c.max_epochs // 3), gamma=0.1)]
        return opt


def xavier_init(net: nn.Module) -> None:
    for m in net.modules():
        if isinstance(m, (nn.Linear, nn.Conv1d, nn.Conv2d)):
            nn.init.xavier_uniform_(m.weight)
            if m.bias is not None:
                nn.init.zeros_(m.bias)


def run(ctx: RunContext) -> None:
    cfg = ctx.config
    data = ctx.task.problem.load()()
    kwargs = {k: getattr(cfg, k) for k in model_field_names(ctx.task)}
    net = ctx.task.model.load()(data.input_shape, data.num_classes, **kwargs)
    if cfg.init == "xavier":
        xavier_init(net)
    module = Classifier(net, cfg)

    t = lambda a: torch.as_tensor(a)  # noqa: E731
    train = tensor_loader(t(data.x_train), t(data.y_train), batch_size=cfg.batch_size, shuffle=True, seed=ctx.seed)
    val = tensor_loader(t(data.x_val), t(data.y_val), batch_size=1024, shuffle=False)
    trainer = fit(
        ctx, module, train, val, max_epochs=cfg.max_epochs, precision=cfg.precision, early_stopping_patience=cfg.early_stopping_patience
    )
    ctx.resources["throughput"] = trainer.global_step * cfg.batch_size / max(ctx.timing["train_s"], 1e-9)

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
    ax.set_xticklabels(classes, rotation=90 if len(classes) > 10 else 0, fontsize=7)
    ax.set_yticklabels(classes, fontsize=7)
    for i, j in np.ndindex(cm.shape):
        if cm[i, j]:
            ax.text(j, i, str(cm[i, j]), ha="center", va="center", fontsize=6, color="white" if cm[i, j] > cm.max() / 2 else "black")
    fig.tight_layout()
    path = ctx.artifact_path("confusion_matrix.png")
    fig.savefig(path)
    plt.close(fig)
    ctx.add_artifact(path, "image", "confusion matrix on the test split")
