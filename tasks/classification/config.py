"""Training keys shared by every classifier (`bench config digits_mlp` prints them with values)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from suite.config import doc


@dataclass
class TrainConfig:
    max_epochs: int = doc(50, "epochs at most; early stopping may end sooner")
    batch_size: int = doc(64, "samples per optimizer step")
    optimizer: Literal["adam", "sgd"] = doc("adam", "adam, or sgd with `momentum`")
    lr: float = doc(1e-3, "learning rate (Adam's default)")
    momentum: float = doc(0.9, "SGD momentum; ignored by adam")
    weight_decay: float = doc(0.0, "L2 penalty added by the optimizer")
    schedule: Literal["none", "cosine", "step"] = doc("none", "learning-rate schedule over max_epochs")
    early_stopping_patience: int = doc(
        0, "stop after this many epochs without a better val/loss; 0 = off (best weights are still restored)"
    )
    init: Literal["default", "xavier"] = doc("default", "weight init: PyTorch default (Kaiming-uniform) or Xavier-uniform")
    precision: str = doc("32-true", "Lightning precision: 32-true, 16-mixed, bf16-mixed")
