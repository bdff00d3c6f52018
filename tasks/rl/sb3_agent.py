"""SB3 and sb3-contrib algorithms as agents of the RL contract (`contract.py`): the family's one adapter.

The catalog registers each algorithm in its short form (kind "module"): an `Algorithm`, called with the
model's config keys, keeps them; `adapt` turns them into an `SB3Agent`, whose `learn` builds the SB3
objects (schedules, policy_kwargs, action noise, VecNormalize) and trains, and whose `act` is the
deterministic `predict`. VecNormalize stays inside the agent: `act` takes raw observations and
normalises them with the training statistics. Kept light: the catalog imports this module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from suite.context import RunContext
from suite.registry import resolve
from tasks.rl.algos import SPECIAL
from tasks.rl.presets import has_zoo_preset
from tasks.rl.schedules import parse_schedule

_ACTIVATIONS = {"tanh": "Tanh", "relu": "ReLU", "elu": "ELU", "leaky_relu": "LeakyReLU", "gelu": "GELU"}


@dataclass
class Hyperparams:
    target: str  # "module:attr" of the SB3 algorithm class
    values: dict[str, Any]  # the model's config keys, zoo names


class Algorithm:
    """An SB3 algorithm class named lazily, so that `bench list` imports no SB3; called with the
    model's config keys, it keeps them for `adapt` (the spaces SB3 reads from the env, the device from ctx)."""

    def __init__(self, target: str) -> None:
        self.target = target

    def __call__(self, observation_space: Any = None, action_space: Any = None, device: str = "cpu", **hyperparams: Any) -> Hyperparams:
        return Hyperparams(self.target, hyperparams)

    def __repr__(self) -> str:
        return self.target


def policy_kwargs(cfg: Any, hp: dict[str, Any]) -> dict[str, Any]:
    """The zoo's `policy_kwargs` from flat config keys; keys left at None keep SB3's defaults."""
    import torch.nn as nn

    out: dict[str, Any] = {}
    if cfg.net_arch is not None:
        out["net_arch"] = list(cfg.net_arch)
    if cfg.activation_fn != "default":
        out["activation_fn"] = getattr(nn, _ACTIVATIONS[cfg.activation_fn])
    if cfg.log_std_init is not None:
        out["log_std_init"] = cfg.log_std_init
    if cfg.ortho_init is not None:
        out["ortho_init"] = cfg.ortho_init
    if "n_quantiles" in hp:
        out["n_quantiles"] = hp["n_quantiles"]
    return out


def action_noise(hp: dict[str, Any], action_space: Any) -> Any:
    """Zoo `noise_type`/`noise_std`: Gaussian or Ornstein-Uhlenbeck noise on the [-1, 1]-scaled actions."""
    if hp.get("noise_type", "none") == "none":
        return None
    import numpy as np
    from stable_baselines3.common.noise import NormalActionNoise, OrnsteinUhlenbeckActionNoise

    n = int(np.prod(action_space.shape))
    cls = NormalActionNoise if hp["noise_type"] == "normal" else OrnsteinUhlenbeckActionNoise
    return cls(mean=np.zeros(n), sigma=hp["noise_std"] * np.ones(n))


def algo_kwargs(cfg: Any, hp: dict[str, Any], action_space: Any) -> dict[str, Any]:
    """SB3 constructor keyword arguments from the model's config keys and the family's network keys."""
    kwargs = {k: v for k, v in hp.items() if k not in SPECIAL}
    for key in ("learning_rate", "clip_range"):
        if key in kwargs:
            kwargs[key] = parse_schedule(kwargs[key], key)
    if hp.get("train_freq_unit", "step") == "episode":
        kwargs["train_freq"] = (hp["train_freq"], "episode")
    noise = action_noise(hp, action_space)
    if noise is not None:
        kwargs["action_noise"] = noise
    pk = policy_kwargs(cfg, hp)
    if pk:
        kwargs["policy_kwargs"] = pk
    return kwargs


class SB3Agent:
    """An SB3 algorithm behind `learn`/`act`. The family's keys it reads: n_envs, policy, normalize
    (+ norm_obs, norm_reward), frame_stack and the network keys (net_arch, activation_fn, ...)."""

    def __init__(self, ctx: RunContext, hp: Hyperparams) -> None:
        self.ctx, self.hp = ctx, hp
        self.model: Any = None
        self.env: Any = None  # the training VecEnv; its VecNormalize statistics normalise `act`'s input

    def learn(self, make_env: Callable[[], Any], total_steps: int, seed: int, logger: Any) -> None:
        from stable_baselines3.common.callbacks import BaseCallback

        from suite.backends.sb3 import StepBar, make_envs, silent_logger

        class Checkpoints(BaseCallback):
            """After every env step: the family's `logger.step`, where its periodic evaluation runs."""

            def _on_step(self) -> bool:
                logger.step(self.num_timesteps)
                return True

        ctx, cfg = self.ctx, self.ctx.config
        normalize = None
        if cfg.normalize:
            # As the zoo: VecNormalize discounts returns with the algorithm's gamma.
            normalize = {"norm_obs": cfg.norm_obs, "norm_reward": cfg.norm_reward, "gamma": self.hp.values.get("gamma", 0.99)}
        self.env = make_envs(make_env, cfg.n_envs, seed, normalize=normalize, frame_stack=cfg.frame_stack)
        kwargs = algo_kwargs(cfg, self.hp.values, self.env.action_space)
        self.model = resolve(self.hp.target)(cfg.policy, self.env, seed=seed, device=ctx.device, verbose=0, **kwargs)
        self.model.set_logger(silent_logger())
        ctx.resources["params"] = sum(p.numel() for p in self.model.policy.parameters())
        bar = StepBar(f"{ctx.task.id} seed {seed}") if ctx.progress else None
        try:
            self.model.learn(total_timesteps=total_steps, callback=[Checkpoints(), bar] if bar else Checkpoints())
        finally:  # a diverged or interrupted run must not leave a live bar on the terminal
            if bar is not None:
                bar.close()

    def act(self, obs: Any) -> Any:
        from stable_baselines3.common.vec_env import VecNormalize

        if isinstance(self.env, VecNormalize):
            obs = self.env.normalize_obs(obs)  # with the training statistics, frozen at this point
        return self.model.predict(obs, deterministic=True)[0]


def adapt(ctx: RunContext, hp: Hyperparams) -> SB3Agent:
    """The family's adapter for the short form (`Family.adapter`)."""
    if not has_zoo_preset(ctx.task.model.name, ctx.task.problem.name):
        ctx.warn(f"no rl-baselines3-zoo preset for {ctx.task.id}: SB3 default hyperparameters, untuned")
    return SB3Agent(ctx, hp)
