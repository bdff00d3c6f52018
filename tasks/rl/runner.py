"""Train an SB3 algorithm on a gymnasium problem and evaluate it deterministically."""

from __future__ import annotations

from suite.backends.sb3 import train_and_evaluate
from suite.config import model_field_names
from suite.context import RunContext


def run(ctx: RunContext) -> None:
    cfg = ctx.config
    spec = ctx.task.problem.load()()
    algo_kwargs = {k: getattr(cfg, k) for k in model_field_names(ctx.task)}
    if cfg.net_arch is not None:
        algo_kwargs["policy_kwargs"] = {"net_arch": list(cfg.net_arch)}
    every = cfg.eval_freq or max(cfg.n_timesteps // 20, 1)
    refs = ctx.task.refs()
    train_and_evaluate(
        ctx,
        ctx.task.model.load(),
        algo_kwargs,
        env_id=spec.env_id,
        env_kwargs=spec.env_kwargs,
        n_timesteps=cfg.n_timesteps,
        n_envs=cfg.n_envs,
        policy=cfg.policy,
        normalize={} if cfg.normalize else None,
        eval_every=every,
        eval_episodes=cfg.eval_episodes,
        final_episodes=cfg.final_episodes,
        threshold=refs.get("threshold"),
    )
