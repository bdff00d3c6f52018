"""The classification protocol: the same for every model, whatever trains it.

bench run digits_cnn --preset smoke            # seconds
bench run mnist1d_cnn --seeds 3                # the MNIST-1D paper's recipe (standard preset)
bench run digits_random_forest --seeds 5       # a scikit-learn estimator through the same door

The problem's fixed splits go to the model's `fit(train, val)` (contract.py); its `predict_scores` on the
test split is judged here: accuracy, loss, macro F1, calibration error and the confusion matrix. The
model comes from `suite.contract.build`: a trainer as registered, or a torch network wrapped by the
built-in Fabric trainer (fabric.py). This file never asks which.
"""

from __future__ import annotations

import dataclasses
import inspect
import time

import numpy as np
import torch
import torch.nn.functional as F

from suite import contract
from suite.context import RunContext
from suite.raw import pack_bits
from tasks.classification.contract import ClassificationModel, Split, score_problem
from tasks.classification.data import ClassificationData


def problem_data(task, cfg) -> ClassificationData:
    """Call the problem's loader, passing `data_dir` to those that download (the embedded ones take no arguments)."""
    loader = task.problem.load()
    takes_dir = "data_dir" in inspect.signature(loader).parameters
    data = loader(data_dir=cfg.data_dir or None) if takes_dir else loader()
    return data.subset(cfg.subset) if hasattr(data, "subset") else data


def load_data(ctx: RunContext) -> ClassificationData:
    return problem_data(ctx.task, ctx.config)


def splits(data: ClassificationData) -> tuple[Split, Split]:
    """The train and validation splits as `fit` receives them; the test split stays here."""
    hflip = getattr(data, "hflip", False)
    return Split(data.x_train, data.y_train, data.num_classes, hflip), Split(data.x_val, data.y_val, data.num_classes, hflip)


def run(ctx: RunContext) -> None:
    data = load_data(ctx)
    ctx.info["data"] = {"train": len(data.y_train), "val": len(data.y_val), "test": len(data.y_test), "input_shape": list(data.input_shape)}
    model = contract.build(ctx, input_shape=data.input_shape, num_classes=data.num_classes)
    train, val = splits(data)
    cpu0 = time.process_time()
    with ctx.phase("train"):
        model.fit(train, val)
    # CPU seconds of this process while training: on a shared machine, wall time measures the neighbours too
    ctx.resources["train_cpu_s"] = time.process_time() - cpu0
    with ctx.phase("eval"):
        evaluate(ctx, model, data)
    ctx.info["config_fields"] = [f.name for f in dataclasses.fields(ctx.config)]


def evaluate(ctx: RunContext, model: ClassificationModel, data) -> None:
    """The test pass: the model's scores for the test split, judged."""
    t0 = time.perf_counter()
    scores = model.predict_scores(data.x_test)  # (N, K)
    ctx.resources["eval_throughput"] = len(data.y_test) / (time.perf_counter() - t0)
    wrong = score_problem(scores, len(data.y_test), data.num_classes)
    if wrong is not None:
        raise ValueError(
            f"predict_scores on the test split ({len(data.y_test)} samples) returned {wrong}; expected ({len(data.y_test)}, {data.num_classes})"
        )
    judge(ctx, torch.as_tensor(np.asarray(scores)), data)


@torch.no_grad()
def judge(ctx: RunContext, logits: torch.Tensor, data) -> None:
    """Accuracy, loss, macro F1 and calibration error of test scores (N, K) read as logits; the confusion matrix."""
    from torchmetrics.functional.classification import multiclass_calibration_error, multiclass_f1_score

    y = torch.as_tensor(data.y_test)
    k = data.num_classes
    probs = logits.softmax(-1)
    right = logits.argmax(-1) == y  # (N,)
    ctx.metrics["test/acc"] = float(right.float().mean())
    ctx.raw["correct"] = pack_bits(right.numpy())  # per test sample: a paired test between two classifiers (McNemar)
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
