"""Gymnasium environments behind each RL problem; optional ones check their extra first.

A problem's target returns an `EnvSpec`; calling it for an optional problem without its package
installed raises a one-line UserError naming the extra to install.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from suite.errors import require


@dataclass
class EnvSpec:
    env_id: str
    env_kwargs: dict = field(default_factory=dict)


def cartpole() -> EnvSpec:
    return EnvSpec("CartPole-v1")


def acrobot() -> EnvSpec:
    return EnvSpec("Acrobot-v1")


def mountaincar() -> EnvSpec:
    return EnvSpec("MountainCar-v0")


def mountaincar_continuous() -> EnvSpec:
    return EnvSpec("MountainCarContinuous-v0")


def pendulum() -> EnvSpec:
    return EnvSpec("Pendulum-v1")


def lunarlander() -> EnvSpec:
    require("Box2D", "box2d", "LunarLander")
    return EnvSpec("LunarLander-v3")


def lunarlander_continuous() -> EnvSpec:
    require("Box2D", "box2d", "LunarLander")
    return EnvSpec("LunarLander-v3", {"continuous": True})


def hopper() -> EnvSpec:
    require("mujoco", "mujoco", "MuJoCo Hopper")
    return EnvSpec("Hopper-v5")


def halfcheetah() -> EnvSpec:
    require("mujoco", "mujoco", "MuJoCo HalfCheetah")
    return EnvSpec("HalfCheetah-v5")


def _atari(game: str) -> EnvSpec:
    import gymnasium

    ale_py = require("ale_py", "atari", f"Atari {game}")
    require("cv2", "atari", "SB3's AtariWrapper (frame resizing)")  # opencv: ale-py does not pull it in
    gymnasium.register_envs(ale_py)  # ale-py >= 0.9 registers its envs only on request
    # NoFrameskip-v4 + SB3's AtariWrapper is the zoo's and SB3's Atari protocol (frame skip 4 in the wrapper).
    return EnvSpec(f"{game}NoFrameskip-v4")


def pong() -> EnvSpec:
    return _atari("Pong")


def breakout() -> EnvSpec:
    return _atari("Breakout")
