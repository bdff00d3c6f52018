"""The classification contract: a model learns from the train and validation splits, then scores classes.

    bench contract classification      this Protocol and a plug-in that meets it (plugin_example.py)

A model registered with `@register_model(NAME, family="classification", kind="trainer")` is a class or a
factory; the family calls it with the problem's shape (`input_shape`, `num_classes`: only those it
names) and its config keys (its keyword arguments with defaults), and what it returns meets
`ClassificationModel`. Everything judged is the family's protocol (runner.py), the same for every model:
the fixed splits, the test pass, accuracy, loss, macro F1, calibration error, the confusion matrix and
the record. The short form, a torch module factory (kind "module"), is trained by the built-in Fabric
trainer (fabric.py), which meets this contract too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np


@dataclass(frozen=True)
class Split:
    """One split of a problem's data, as `fit` receives it; `x, y = train` unpacks it."""

    x: np.ndarray  # (N, *input_shape) float32: (N, C, H, W) images or (N, L) signals, already normalised
    y: np.ndarray  # (N,) int64 class indices in [0, num_classes)
    num_classes: int
    hflip: bool = False  # may augmentation mirror these images left to right (CIFAR-10 objects: yes; digits: no)

    def __iter__(self):
        return iter((self.x, self.y))


class ClassificationModel(Protocol):
    """What a classifier brings; the family builds it with `num_classes` and `input_shape` (those named) and its config keys.

    A `Split` holds `x` (N, *input_shape) float32, `y` (N,) int64, `num_classes`, and `hflip` (whether
    augmentation may mirror the images); `x, y = train` unpacks it.
    """

    def fit(self, train: Split, val: Split) -> None:
        """Learn from `train`. `val` is for early stopping or model selection; the test split is never shown.

        Called once per run, after the run's seed is set (torch, numpy and random are seeded): a model
        that draws from numpy's or torch's global generator reruns exactly. Its wall time is the run's
        train seconds.
        """
        ...

    def predict_scores(self, x: np.ndarray) -> np.ndarray:
        """Class scores for `x` (N, *input_shape) float32: an array (N, num_classes), finite, read as logits.

        argmax is the prediction; softmax gives the probabilities that the loss and the calibration error
        judge. A scikit-learn estimator returns log(predict_proba(x)), a torch network its logits.
        """
        ...


def score_problem(scores, n: int, num_classes: int) -> str | None:
    """What is wrong with `scores` as the answer to n samples of `num_classes` classes, or None when nothing is."""
    shape = getattr(scores, "shape", None)
    if shape is None:
        return f"a {type(scores).__name__}, not an array"
    if tuple(shape) != (n, num_classes):
        return f"an array of shape {tuple(shape)}"
    values = np.asarray(scores, dtype=np.float64)
    if not np.isfinite(values).all():
        return f"{int((~np.isfinite(values)).sum())} non-finite values"
    return None
