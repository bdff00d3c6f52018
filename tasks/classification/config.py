"""Training keys shared by every classifier (`bench config digits_mlp` prints them with values)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from suite.config import PRECISIONS, doc


@dataclass
class TrainConfig:
    max_epochs: int = doc(50, "epochs at most; early stopping or max_steps may end sooner", minimum=1, budget=True)
    max_steps: int = doc(-1, "optimizer steps at most; -1 = no limit (MNIST-1D's published recipe counts steps, not epochs)", minimum=-1)
    batch_size: int = doc(64, "samples per optimizer step", minimum=1)
    optimizer: Literal["adam", "sgd"] = doc("adam", "adam, or sgd with `momentum`")
    lr: float = doc(1e-3, "learning rate (Adam's default)", above=0)
    momentum: float = doc(0.9, "SGD momentum; ignored by adam", minimum=0, maximum=1)
    weight_decay: float = doc(0.0, "L2 penalty added by the optimizer", minimum=0)
    schedule: Literal["none", "cosine", "step"] = doc(
        "none", "learning-rate schedule over the whole run, stepped every batch: cosine to 0, or /10 at 1/3 and 2/3"
    )
    early_stopping_patience: int = doc(
        0, "stop after this many epochs without improving the metric `restore` watches (val/loss for last); 0 = off", minimum=0
    )
    restore: Literal["best_loss", "best_acc", "last"] = doc(
        "best_loss", "weights evaluated on test: the epoch with the lowest val/loss, the highest val/acc, or the last epoch"
    )
    init: Literal["default", "xavier"] = doc("default", "weight init: PyTorch default (Kaiming-uniform) or Xavier-uniform")
    augment: bool = doc(
        False, "random shift (crop after padding by 1/8 of the side), plus a horizontal flip where the problem allows it (CIFAR-10)"
    )
    subset: int = doc(0, "use at most this many samples of every split, a fixed subset; 0 = all (smoke runs on big data)", minimum=0)
    data_dir: str = doc("", "where downloaded datasets live; empty = $BENCH_DATA or ~/.cache/benchsuite/data")
    precision: str = doc("32-true", "Lightning precision: 32-true, 16-mixed, bf16-mixed", choices=PRECISIONS)
    # neutral: saving the weights changes no number, so records from before the key stay this config
    keep_weights: bool = doc(True, "save the evaluated weights (state_dict) in the run directory: compression reuses them", neutral=True)
