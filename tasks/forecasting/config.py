"""Keys shared by every forecaster (`bench config sunspots_lstm` prints them with values).

The training keys matter to the deep models only; the baselines (plain backend) ignore them.
The problem fixes what is judged (season, horizon, split, origins); these keys fix how a model learns.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from suite.config import PRECISIONS, doc


@dataclass
class ForecastConfig:
    max_epochs: int = doc(150, "epochs at most; early stopping on val/mase usually ends sooner", minimum=1, budget=True)
    early_stopping_patience: int = doc(
        20, "stop after this many epochs without a better val/mase; 0 = off (best weights still restored)", minimum=0
    )
    batch_size: int = doc(32, "windows per optimizer step (a few hundred training windows: ~10 steps an epoch)", minimum=1)
    lr: float = doc(1e-3, "Adam learning rate (Adam's default)", above=0)
    weight_decay: float = doc(0.0, "L2 penalty added by Adam", minimum=0)
    loss: Literal["mse", "mae"] = doc("mse", "training loss on the scaled values")
    window: int = doc(0, "input window of the deep models in steps; 0 = the problem's default", minimum=0)
    window_norm: Literal["last", "none"] = doc(
        "last",
        "'last': subtract the window's last value from inputs and outputs (level-free, so trends outside the "
        "training range do not push inputs out of distribution); 'none': global scaling only",
    )
    gradient_clip: float = doc(1.0, "clip the gradient norm (RNNs on long windows can spike); 0 = off", minimum=0)
    stride: int = doc(0, "steps between backtest origins; 0 = the problem's stride (1: every test step)", minimum=0)
    precision: str = doc("32-true", "Lightning precision: 32-true, bf16-mixed", choices=PRECISIONS)
    # neutral: saving the weights changes no number, so records from before the key stay this config
    keep_weights: bool = doc(True, "deep models: save the evaluated weights (state_dict) in the run directory", neutral=True)
