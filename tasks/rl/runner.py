"""Train an agent on a gymnasium problem and evaluate it deterministically under the family's protocol.

    bench run cartpole_ppo --seeds 3
    bench run cartpole_myagent --plugin my_agent.py --preset smoke

The runner builds the problem's env factory and the agent of the contract (`contract.py`: a plug-in as
built, an SB3 algorithm through `sb3_agent.adapt`), then hands over to `protocol.train_and_evaluate`,
which owns everything judged. It never looks at which model it runs.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from suite import contract
from suite.context import RunContext
from suite.errors import UserError
from suite.registry import Task
from tasks.rl.protocol import EVAL_SEED_OFFSET, EnvMaker, train_and_evaluate, vec_env


def env_wrapper(name: str) -> Any:
    if name == "atari":
        from stable_baselines3.common.atari_wrappers import AtariWrapper

        return AtariWrapper
    if name == "time_feature":
        from sb3_contrib.common.wrappers import TimeFeatureWrapper

        return TimeFeatureWrapper
    return None


def env_maker(task: Task, cfg: Any) -> EnvMaker:
    """The contract's `make_env`: the problem's env with the config's episode cap and wrapper."""
    spec = task.problem.load()()
    env_kwargs = dict(spec.env_kwargs)
    if cfg.max_episode_steps:
        env_kwargs["max_episode_steps"] = cfg.max_episode_steps  # a gym.make argument: wraps in TimeLimit
    return EnvMaker(spec.env_id, env_kwargs, env_wrapper(cfg.wrapper))


def probe(task: Task, cfg: Any) -> None:
    """Before any run of a plug-in: build it and ask it to act on 2 observations sampled from the problem's
    observation space; refuse in one line unless it returns 2 actions valid in the action space."""
    env = vec_env(env_maker(task, cfg), cfg.frame_stack, 1, 0)
    obs_space, act_space = env.observation_space, env.action_space
    env.close()
    agent = contract.require(
        task.model.load()(**contract.model_kwargs(task, cfg, observation_space=obs_space, action_space=act_space, device="cpu")), task
    )
    obs_space.seed(0)
    obs = np.stack([obs_space.sample() for _ in range(2)])  # (2, *obs_shape)
    head = f"{task.id}: model {task.model.name!r} ({task.model.source}) breaks the rl contract (see `bench contract rl`):"
    try:
        actions = np.asarray(agent.act(obs))
    except Exception as exc:
        raise UserError(f"{head} act(obs) on a batch of 2 observations {obs.shape} raised {type(exc).__name__}: {exc}") from None
    want = (2, *act_space.shape)
    if actions.shape != want:
        raise UserError(f"{head} act(obs) on a batch of 2 observations {obs.shape} returned shape {actions.shape}; expected {want}")
    dtype = getattr(act_space, "dtype", None)
    valid = [act_space.contains(a.astype(dtype) if np.issubdtype(dtype, np.floating) else a) for a in actions]
    if not all(valid):
        raise UserError(f"{head} act(obs) returned {actions.tolist()}, not all in the action space {act_space}")


def run(ctx: RunContext) -> None:
    cfg, task = ctx.config, ctx.task
    make_env = env_maker(task, cfg)
    eval_seed = ctx.seed + EVAL_SEED_OFFSET
    env = vec_env(make_env, cfg.frame_stack, cfg.eval_episodes, eval_seed)
    agent = contract.build(ctx, observation_space=env.observation_space, action_space=env.action_space, device=ctx.device)
    refs = task.refs()
    train_and_evaluate(
        ctx,
        agent,
        make_env,
        env,
        frame_stack=cfg.frame_stack,
        n_timesteps=cfg.n_timesteps,
        eval_every=cfg.eval_freq or max(cfg.n_timesteps // 10, 1),
        eval_episodes=cfg.eval_episodes,
        final_episodes=cfg.final_episodes,
        eval_budget=cfg.eval_budget,
        eval_seed=eval_seed,
        threshold=refs.get("threshold"),
        video=ctx.artifact_path("final_episode.gif") if cfg.record_video else None,
        video_frames=cfg.video_frames,
    )
    random, reference = refs.get("random"), refs.get("reference")
    if random is not None and reference is not None and not math.isclose(reference, random):
        ctx.metrics["eval/normalized_return"] = (ctx.metrics["eval/mean_return"] - random) / (reference - random)
