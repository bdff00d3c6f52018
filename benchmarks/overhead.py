"""What the suite costs on top of the bare frameworks, measured side by side in one process.

    .venv/bin/python benchmarks/overhead.py [--repeats 3] [--only lightning | sb3 | digits_vae ...]

Pairs (each alternated A B A B so drift hits both):
  lightning group: for digits_mlp, mnist1d_cnn, digits_dcgan, digits_vae and sunspots_lstm, a bare
             PyTorch loop (benchmarks/bare_loops.py: same network, data, batch order, batch size, steps,
             validation cadence and test metrics) vs the task through the suite's runner, wandb off;
             then digits_mlp+wandb: the same with wandb offline, what a default `bench run` adds
  sb3:       a bare SB3 DQN `learn` on CartPole-v1 vs `cartpole_dqn` through the runner
             (same hyperparameters and steps; the suite adds periodic evaluation, ~5 % by design)
  sb3-full:  the same, with what a default `bench run` adds: wandb offline and the final-episode GIF
Two ratios per pair: run = the whole run (data, training, test, artifacts, record) against the bare
script end to end; train = the run's `train_s` (the fit, per-epoch validation included) against the
bare epoch loop. The first counts the suite's fixed cost per run, the second its cost per step.
Imports are warm (one unmeasured round first). Each number is the best of --repeats, timeit's rule:
on a shared virtual machine the noise only ever adds (here ±10 % between identical runs), so the
minimum is the estimate of what the code itself costs.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

EPOCHS = 30
STEPS = 20_000


def bare_sb3() -> tuple[float, float]:
    from stable_baselines3 import DQN

    t0 = time.perf_counter()
    model = DQN("MlpPolicy", "CartPole-v1", seed=0, device="cpu", verbose=0, **dqn_kwargs())
    t1 = time.perf_counter()
    model.learn(STEPS)
    return time.perf_counter() - t0, time.perf_counter() - t1


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
        rec = execute(task, cfg, preset="standard", seed=0, results=Path(tmp), wandb_mode=wandb_mode, progress=False)
        return time.perf_counter() - t0, rec["timing"]["train_s"]


def lightning_pair(task_id: str, overrides: list[str], wandb_mode: str = "disabled"):
    """(bare, suite) callables for one Lightning task under the standard preset plus `overrides`."""
    import bare_loops  # beside this script

    from suite.config import resolve_config
    from suite.registry import get_registry

    task = get_registry().task(task_id)
    cfg = resolve_config(task, "standard", overrides)
    bare = getattr(bare_loops, LOOP[task.model.name])
    return (lambda: bare(task, cfg)), (lambda: suite_run(task_id, overrides, wandb_mode))


LOOP = {"mlp": "classification", "cnn": "classification", "dcgan": "gan", "vae": "vae", "lstm": "forecaster"}
NO_STOP = ["early_stopping_patience=0"]  # every epoch runs on both sides
LIGHTNING = {  # budgets cut to a few seconds a run; the ratio is per step, so it carries over to the full budgets
    "digits_mlp": ("digits_mlp", [f"max_epochs={EPOCHS}", *NO_STOP, "augment=false"]),
    "mnist1d_cnn": ("mnist1d_cnn", ["max_steps=1200"]),  # 30 epochs of 40 steps
    "digits_dcgan": ("digits_dcgan", ["max_epochs=8", *NO_STOP, "collapse_check=false"]),
    "digits_vae": ("digits_vae", ["max_epochs=20", *NO_STOP]),
    "sunspots_lstm": ("sunspots_lstm", ["max_epochs=20", *NO_STOP]),
}
PAIRS = {name: (lambda t=t, o=o: lightning_pair(t, o)) for name, (t, o) in LIGHTNING.items()}
# what a default `bench run` adds on top: wandb offline (a run directory, the summary, the curves)
PAIRS["digits_mlp+wandb"] = lambda: lightning_pair("digits_mlp", LIGHTNING["digits_mlp"][1], wandb_mode="offline")
PAIRS["sb3"] = lambda: (bare_sb3, lambda: suite_run("cartpole_dqn", [f"n_timesteps={STEPS}", "record_video=false"]))
PAIRS["sb3-full"] = lambda: (bare_sb3, lambda: suite_run("cartpole_dqn", [f"n_timesteps={STEPS}"], wandb_mode="offline"))
GROUPS = {"lightning": [*LIGHTNING, "digits_mlp+wandb"], "sb3": ["sb3", "sb3-full"]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--only", nargs="+", choices=[*GROUPS, *PAIRS], help="pairs or groups (lightning, sb3) to run")
    args = ap.parse_args()
    import torch

    torch.set_num_threads(1)
    names = [n for sel in (args.only or list(GROUPS)) for n in GROUPS.get(sel, [sel])]
    print(
        f"{'pair':18} {'bare run s':>10} {'suite run s':>11} {'run ratio':>9}   {'bare train s':>12} {'suite train s':>13} {'train ratio':>11}"
    )
    for name in names:
        bare, suite = PAIRS[name]()
        bare(), suite()  # warm-up: imports, first-call costs
        a, b = [], []
        for _ in range(args.repeats):
            a.append(bare())
            b.append(suite())
        (ra, ta), (rb, tb) = ([min(col) for col in zip(*side)] for side in (a, b))
        print(f"{name:18} {ra:10.2f} {rb:11.2f} {rb / ra:8.2f}x   {ta:12.2f} {tb:13.2f} {tb / ta:10.2f}x", flush=True)


if __name__ == "__main__":
    main()
