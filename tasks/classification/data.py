"""Classification problems' data as numpy arrays with a fixed split (the split never depends on the run seed)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SPLIT_SEED = 0  # one split for every run and every user: differences between runs are the models'


@dataclass
class ClassificationData:
    x_train: np.ndarray  # (N, C, H, W) images or (N, L) signals, float32
    y_train: np.ndarray  # (N,) int64
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    num_classes: int
    classes: list[str]

    @property
    def input_shape(self) -> tuple[int, ...]:
        return tuple(self.x_train.shape[1:])


def digits() -> ClassificationData:
    """8x8 digits scaled to [0, 1], split 60/20/20, stratified."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    d = load_digits()
    x = (d.images / 16.0).astype(np.float32)[:, None]  # (1797, 1, 8, 8)
    y = d.target.astype(np.int64)
    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=0.2, stratify=y, random_state=SPLIT_SEED)
    x_tr, x_va, y_tr, y_va = train_test_split(x_tr, y_tr, test_size=0.25, stratify=y_tr, random_state=SPLIT_SEED)
    return ClassificationData(x_tr, y_tr, x_va, y_va, x_te, y_te, 10, [str(i) for i in range(10)])
