"""stable-baselines3 backend: vectorised envs, periodic deterministic evaluation on a separate env.

Evaluation time is measured apart from training time, so throughput counts env steps of training only.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np
from stable_baselines3.common.callbacks import BaseCallback
from stable_baselines3.common.env_util import make_vec_env
from stable_baselines3.common.evaluation import evaluate_policy
from stable_baselines3.common.vec_env import VecEnv, VecNormalize, sync_envs_normalization

from suite.context import RunContext
from suite.errors import Diverged


def make_envs(
    env_id: str,
    n_envs: int,
    seed: int,
    env_kwargs: dict | None = None,
    wrapper: Callable | None = None,
    normalize: dict | None = None,
    training: bool = True,
) -> VecEnv:
    """`n_envs` copies of `env_id`; with `normalize` (VecNormalize kwargs) observations/rewards are normalised."""
    env = make_vec_env(env_id, n_envs=n_envs, seed=seed, env_kwargs=env_kwargs, wrapper_class=wrapper)
    if normalize is not None:
        kwargs = dict(normalize)
        if not training:
            kwargs.update(norm_reward=False)
        env = VecNormalize(env, training=training, **kwargs)
    return env


class PeriodicEval(BaseCallback):
    """Every `every` env steps: `episodes` deterministic episodes on `eval_env`, logged as a curve."""

    def __init__(self, ctx: RunContext, eval_env: VecEnv, every: int, episodes: int, threshold: float | None) -> None:
        super().__init__()
        self.ctx, self.eval_env, self.every, self.episodes, self.threshold = ctx, eval_env, every, episodes, threshold
        self.next_eval = every
        self.eval_s = 0.0
        self.best = -np.inf
        self.reached: tuple[int, float] | None = None  # (env steps, train seconds) when the threshold was first met
        self.t_start = time.perf_counter()

    def _on_training_start(self) -> None:
        self.t_start = time.perf_counter()

    def evaluate(self) -> tuple[float, float]:
        t0 = time.perf_counter()
        if isinstance(self.model.get_env(), VecNormalize):
            sync_envs_normalization(self.model.get_env(), self.eval_env)
        returns, _ = evaluate_policy(
            self.model, self.eval_env, n_eval_episodes=self.episodes, deterministic=True, return_episode_rewards=True
        )
        self.eval_s += time.perf_counter() - t0
        return float(np.mean(returns)), float(np.std(returns))

    def record(self, step: int) -> tuple[float, float]:
        mean, std = self.evaluate()
        train_s = time.perf_counter() - self.t_start - self.eval_s
        self.ctx.log("eval/mean_return", mean, step)
        self.ctx.log("eval/std_return", std, step)
        self.ctx.log("eval/train_s", train_s, step)
        self.best = max(self.best, mean)
        if self.threshold is not None and self.reached is None and mean >= self.threshold:
            self.reached = (step, train_s)
        return mean, std

    def _on_step(self) -> bool:
        if self.num_timesteps >= self.next_eval:
            self.next_eval += self.every
            mean, _ = self.record(self.num_timesteps)
            if not np.isfinite(mean):
                raise Diverged(f"non-finite evaluation return at {self.num_timesteps} steps")
        return True


def train_and_evaluate(
    ctx: RunContext,
    algo_cls: type,
    algo_kwargs: dict[str, Any],
    *,
    env_id: str,
    n_timesteps: int,
    n_envs: int = 1,
    policy: str = "MlpPolicy",
    env_kwargs: dict | None = None,
    wrapper: Callable | None = None,
    normalize: dict | None = None,
    eval_every: int,
    eval_episodes: int,
    final_episodes: int,
    threshold: float | None = None,
):
    """Train `algo_cls` on `env_id` and fill ctx.metrics with the final and best evaluation returns."""
    env = make_envs(env_id, n_envs, ctx.seed, env_kwargs, wrapper, normalize)
    eval_env = make_envs(env_id, 1, ctx.seed + 10_000, env_kwargs, wrapper, normalize, training=False)
    model = algo_cls(policy, env, seed=ctx.seed, device=ctx.device, verbose=0, **algo_kwargs)
    ctx.resources["params"] = sum(p.numel() for p in model.policy.parameters())
    cb = PeriodicEval(ctx, eval_env, eval_every, eval_episodes, threshold)
    with ctx.phase("train"):
        model.learn(total_timesteps=n_timesteps, callback=cb, progress_bar=ctx.progress)
    ctx.timing["train_s"] -= cb.eval_s
    ctx.timing["eval_s"] = ctx.timing.get("eval_s", 0.0) + cb.eval_s

    cb.episodes = final_episodes
    with ctx.phase("eval"):
        final, final_std = cb.record(model.num_timesteps)
    ctx.metrics["eval/mean_return"] = final
    ctx.metrics["eval/std_return"] = final_std
    ctx.metrics["eval/best_mean_return"] = cb.best
    ctx.metrics["train/timesteps"] = float(model.num_timesteps)
    if threshold is not None:
        ctx.metrics["eval/threshold"] = threshold
        ctx.info["time_to_threshold"] = {"steps": cb.reached[0], "train_s": cb.reached[1]} if cb.reached else "not reached"
        if cb.reached:
            ctx.metrics["eval/steps_to_threshold"] = float(cb.reached[0])
            ctx.metrics["eval/seconds_to_threshold"] = cb.reached[1]
    ctx.resources["throughput"] = model.num_timesteps / max(ctx.timing["train_s"], 1e-9)
    env.close()
    eval_env.close()
    return model
