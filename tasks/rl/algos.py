"""Algorithm hyperparameters as typed configs; defaults are SB3's own."""

from __future__ import annotations

from dataclasses import dataclass

from suite.config import doc


@dataclass
class DQNConfig:
    learning_rate: float = doc(1e-4, "Adam learning rate")
    batch_size: int = doc(32, "minibatch size per gradient step")
    buffer_size: int = doc(1_000_000, "replay buffer capacity")
    learning_starts: int = doc(100, "env steps before learning starts")
    gamma: float = doc(0.99, "discount factor")
    target_update_interval: int = doc(10_000, "env steps between target network updates")
    train_freq: int = doc(4, "env steps between training rounds")
    gradient_steps: int = doc(1, "gradient steps per training round")
    exploration_fraction: float = doc(0.1, "fraction of training over which epsilon decays")
    exploration_initial_eps: float = doc(1.0, "initial epsilon")
    exploration_final_eps: float = doc(0.05, "final epsilon")
