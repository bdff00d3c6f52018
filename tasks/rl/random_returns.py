"""Measure the mean return of a uniformly random policy: the `random` reference of normalised scores.

Run once; the catalog (`tasks/rl/__init__.py`) hard-codes the printed values, so no run pays for it:

    .venv/bin/python -m tasks.rl.random_returns cartpole acrobot ...
"""

from __future__ import annotations

import json
import sys

import numpy as np


def measure(problem: str, episodes: int = 100, seed: int = 0) -> float:
    """Mean undiscounted return of `episodes` episodes with actions from `action_space.sample()`."""
    import gymnasium as gym

    from suite.registry import get_registry

    spec = get_registry().problem(problem).load()()
    env = gym.make(spec.env_id, **spec.env_kwargs)
    env.action_space.seed(seed)
    returns = []
    for ep in range(episodes):
        env.reset(seed=seed + ep)
        total, done = 0.0, False
        while not done:
            _, reward, terminated, truncated, _ = env.step(env.action_space.sample())
            total += float(reward)
            done = terminated or truncated
        returns.append(total)
    env.close()
    return float(np.mean(returns))


if __name__ == "__main__":
    names = sys.argv[1:] or [
        "cartpole",
        "acrobot",
        "mountaincar",
        "mountaincar_continuous",
        "pendulum",
        "lunarlander",
        "lunarlander_continuous",
    ]
    print(json.dumps({n: round(measure(n), 2) for n in names}, indent=1))
