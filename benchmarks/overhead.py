"""What the suite costs on top of the bare frameworks, measured side by side in one process.

    .venv/bin/python benchmarks/overhead.py [--repeats 3]

Pairs (each alternated A B A B so drift hits both):
  lightning: a bare PyTorch training loop vs `digits_mlp` through the suite's runner
             (same network, data, batch size and epochs; augmentation and early stopping off, no wandb,
             no progress bar; the suite also evaluates the test split and draws the confusion matrix)
  sb3:       a bare SB3 DQN `learn` on CartPole-v1 vs `cartpole_dqn` through the runner
             (same hyperparameters and steps; the suite adds periodic evaluation, ~5 % by design)
  sb3-full:  the same, with what a default `bench run` adds: wandb offline and the final-episode GIF
Prints the median seconds of each side and their ratio.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

EPOCHS = 30
STEPS = 20_000


def bare_lightning_equivalent() -> float:
    import torch
    import torch.nn.functional as F

    from tasks.classification.data import digits
    from tasks.classification.models import mlp

    torch.manual_seed(0)
    d = digits()
    x, y = torch.as_tensor(d.x_train), torch.as_tensor(d.y_train)
    net = mlp(d.input_shape, 10, hidden=256, dropout=0.2)  # digits_mlp's standard network
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    t0 = time.perf_counter()
    for _ in range(EPOCHS):
        for idx in torch.randperm(len(x)).split(32):
            loss = F.cross_entropy(net(x[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        with torch.no_grad():
            net(torch.as_tensor(d.x_val))
    return time.perf_counter() - t0


def bare_sb3() -> float:
    from stable_baselines3 import DQN

    t0 = time.perf_counter()
    model = DQN("MlpPolicy", "CartPole-v1", seed=0, device="cpu", verbose=0, **dqn_kwargs())
    model.learn(STEPS)
    return time.perf_counter() - t0


def dqn_kwargs() -> dict:
    from suite.config import resolve_config
    from suite.registry import get_registry

    cfg = resolve_config(get_registry().task("cartpole_dqn"), "standard")
    keys = [
        "learning_rate",
        "batch_size",
        "buffer_size",
        "learning_starts",
        "gamma",
        "target_update_interval",
        "train_freq",
        "gradient_steps",
        "exploration_fraction",
        "exploration_final_eps",
    ]
    return {k: getattr(cfg, k) for k in keys} | {"policy_kwargs": {"net_arch": list(cfg.net_arch)}}


def suite_run(task_id: str, overrides: list[str], wandb_mode: str = "disabled") -> float:
    from suite.config import resolve_config
    from suite.registry import get_registry
    from suite.runner import execute

    task = get_registry().task(task_id)
    cfg = resolve_config(task, "standard", overrides)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        execute(task, cfg, preset="standard", seed=0, results=Path(tmp), wandb_mode=wandb_mode, progress=False)
        return time.perf_counter() - t0


PAIRS = {
    "lightning": (
        bare_lightning_equivalent,
        lambda: suite_run("digits_mlp", [f"max_epochs={EPOCHS}", "early_stopping_patience=0", "augment=false"]),
    ),
    "sb3": (bare_sb3, lambda: suite_run("cartpole_dqn", [f"n_timesteps={STEPS}", "record_video=false"])),
    "sb3-full": (bare_sb3, lambda: suite_run("cartpole_dqn", [f"n_timesteps={STEPS}"], wandb_mode="offline")),
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--only", choices=list(PAIRS))
    args = ap.parse_args()
    import torch

    torch.set_num_threads(1)
    print(f"{'pair':10} {'bare s':>8} {'suite s':>8} {'ratio':>6}")
    for name, (bare, suite) in PAIRS.items():
        if args.only and name != args.only:
            continue
        bare(), suite()  # warm-up: imports, first-call costs
        a, b = [], []
        for _ in range(args.repeats):
            a.append(bare())
            b.append(suite())
        ma, mb = statistics.median(a), statistics.median(b)
        print(f"{name:10} {ma:8.2f} {mb:8.2f} {mb / ma:6.2f}x")


if __name__ == "__main__":
    main()
