"""Train an SB3 algorithm on a gymnasium problem and evaluate it deterministically.

    bench run cartpole_ppo --seeds 3

Turns the typed config into SB3 objects (schedules, policy_kwargs, action noise, wrappers) and hands
over to `suite.backends.sb3.train_and_evaluate`, which owns the evaluation protocol.
"""

from __future__ import annotations

import math
from typing import Any

from suite.backends.sb3 import train_and_evaluate
from suite.config import model_field_names
from suite.context import RunContext
from tasks.rl.algos import SPECIAL
from tasks.rl.presets import has_zoo_preset
from tasks.rl.schedules import parse_schedule

_ACTIVATIONS = {"tanh": "Tanh", "relu": "ReLU", "elu": "ELU", "leaky_relu": "LeakyReLU", "gelu": "GELU"}


def policy_kwargs(cfg: Any) -> dict[str, Any]:
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
    if hasattr(cfg, "n_quantiles"):
        out["n_quantiles"] = cfg.n_quantiles
    return out


def action_noise(cfg: Any, env_id: str, env_kwargs: dict) -> Any:
    """Zoo `noise_type`/`noise_std`: Gaussian or Ornstein-Uhlenbeck noise on the [-1, 1]-scaled actions."""
    if getattr(cfg, "noise_type", "none") == "none":
        return None
    import gymnasium as gym
    import numpy as np
    from stable_baselines3.common.noise import NormalActionNoise, OrnsteinUhlenbeckActionNoise

    env = gym.make(env_id, **env_kwargs)
    n = int(np.prod(env.action_space.shape))
    env.close()
    cls = NormalActionNoise if cfg.noise_type == "normal" else OrnsteinUhlenbeckActionNoise
    return cls(mean=np.zeros(n), sigma=cfg.noise_std * np.ones(n))


def env_wrapper(name: str) -> Any:
    if name == "atari":
        from stable_baselines3.common.atari_wrappers import AtariWrapper

        return AtariWrapper
    if name == "time_feature":
        from sb3_contrib.common.wrappers import TimeFeatureWrapper

        return TimeFeatureWrapper
    return None


def algo_kwargs(ctx: RunContext, spec: Any) -> dict[str, Any]:
    """SB3 constructor keyword arguments from the model's config fields."""
    cfg = ctx.config
    kwargs = {k: getattr(cfg, k) for k in model_field_names(ctx.task) if k not in SPECIAL}
    for key in ("learning_rate", "clip_range"):
        if key in kwargs:
            kwargs[key] = parse_schedule(kwargs[key], key)
    if getattr(cfg, "train_freq_unit", "step") == "episode":
        kwargs["train_freq"] = (cfg.train_freq, "episode")
    noise = action_noise(cfg, spec.env_id, spec.env_kwargs)
    if noise is not None:
        kwargs["action_noise"] = noise
    pk = policy_kwargs(cfg)
    if pk:
        kwargs["policy_kwargs"] = pk
    return kwargs


def run(ctx: RunContext) -> None:
    cfg = ctx.config
    task = ctx.task
    spec = task.problem.load()()
    if not has_zoo_preset(task.model.name, task.problem.name):
        ctx.warn(f"no rl-baselines3-zoo preset for {task.id}: SB3 default hyperparameters, untuned")
    refs = task.refs()
    env_kwargs = dict(spec.env_kwargs)
    if cfg.max_episode_steps:
        env_kwargs["max_episode_steps"] = cfg.max_episode_steps  # a gym.make argument: wraps in TimeLimit
    normalize = None
    if cfg.normalize:
        # As the zoo: VecNormalize discounts returns with the algorithm's gamma.
        normalize = {"norm_obs": cfg.norm_obs, "norm_reward": cfg.norm_reward, "gamma": getattr(cfg, "gamma", 0.99)}
    train_and_evaluate(
        ctx,
        task.model.load(),
        algo_kwargs(ctx, spec),
        env_id=spec.env_id,
        env_kwargs=env_kwargs,
        n_timesteps=cfg.n_timesteps,
        n_envs=cfg.n_envs,
        policy=cfg.policy,
        wrapper=env_wrapper(cfg.wrapper),
        normalize=normalize,
        frame_stack=cfg.frame_stack,
        eval_every=cfg.eval_freq or max(cfg.n_timesteps // 10, 1),
        eval_episodes=cfg.eval_episodes,
        final_episodes=cfg.final_episodes,
        eval_budget=cfg.eval_budget,
        threshold=refs.get("threshold"),
        video=ctx.artifact_path("final_episode.gif") if cfg.record_video else None,
        video_frames=cfg.video_frames,
    )
    random, reference = refs.get("random"), refs.get("reference")
    if random is not None and reference is not None and not math.isclose(reference, random):
        ctx.metrics["eval/normalized_return"] = (ctx.metrics["eval/mean_return"] - random) / (reference - random)
