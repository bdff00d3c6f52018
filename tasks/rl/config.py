"""Keys shared by every RL task; algorithm hyperparameters are in `algos.py`."""

from __future__ import annotations

from dataclasses import dataclass

from suite.config import doc


@dataclass
class RLConfig:
    n_timesteps: int = doc(100_000, "environment steps of training (summed over n_envs)")
    n_envs: int = doc(1, "parallel training environments")
    policy: str = doc("MlpPolicy", "SB3 policy class name")
    net_arch: list[int] | None = doc(None, "hidden layer sizes of the policy/value networks; None = SB3 default")
    normalize: bool = doc(False, "VecNormalize observations and rewards (zoo `normalize: true`)")
    eval_freq: int = doc(0, "env steps between evaluations; 0 = n_timesteps / 20")
    eval_episodes: int = doc(5, "deterministic episodes per periodic evaluation")
    final_episodes: int = doc(20, "deterministic episodes of the final evaluation (the score)")
