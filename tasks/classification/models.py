"""Classifier networks as plain `nn.Module`s built from the problem's input shape and class count."""

from __future__ import annotations

import math

from torch import nn


def mlp(input_shape: tuple[int, ...], num_classes: int, hidden: int = 64, dropout: float = 0.0) -> nn.Module:
    """Flatten → Linear(hidden) → ReLU → Dropout → Linear(classes); 64 hidden as in the classic 784-64-10."""
    return nn.Sequential(
        nn.Flatten(),
        nn.Linear(math.prod(input_shape), hidden),
        nn.ReLU(),
        nn.Dropout(dropout),
        nn.Linear(hidden, num_classes),
    )
