"""Gymnasium environments behind each RL problem."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class EnvSpec:
    env_id: str
    env_kwargs: dict = field(default_factory=dict)


def cartpole() -> EnvSpec:
    return EnvSpec("CartPole-v1")
