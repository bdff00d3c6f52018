"""The RL family's evaluation protocol, the same for every agent on a board, run on `Agent.act` alone.

- A separate evaluation env of `eval_episodes` copies, seeds offset by 10,000 from training and
  reseeded before every evaluation: a score does not depend on how many evaluations came before it.
- Every `eval_every` env steps (at the agent's `logger.step`), one deterministic episode per copy,
  stepped as a batch. A periodic evaluation that would push evaluation time past `eval_budget` ×
  training time is skipped and counted. Evaluation time is measured apart from training time.
- After training, `final_episodes` deterministic episodes on the same env: the score.
- Curves, best so far, time to threshold, throughput (training env steps per second), and a GIF of one
  deterministic episode of the final policy.

The episodes are stepped as SB3's `evaluate_policy` steps them (its code, with `agent.act` for
`model.predict`), so the records shipped before this module existed rerun bit for bit.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from suite.context import RunContext
from suite.errors import Diverged
from tasks.rl.contract import Agent

EVAL_SEED_OFFSET = 10_000  # eval envs never share seeds with training envs


@dataclass
class EnvMaker:
    """`make_env` of the contract: a fresh env of the problem, its wrapper applied (a class, so it pickles)."""

    env_id: str
    env_kwargs: dict = field(default_factory=dict)
    wrapper: Callable | None = None

    def __call__(self) -> Any:
        import gymnasium as gym

        env = gym.make(self.env_id, **{"render_mode": "rgb_array", **self.env_kwargs})  # as SB3's make_vec_env
        return self.wrapper(env) if self.wrapper is not None else env


def run_episodes(agent: Agent, env: Any, episodes: int, seed: int) -> tuple[list[float], list[int]]:
    """`episodes` deterministic episodes of `agent` on the Monitor-wrapped VecEnv `env`, reseeded with
    `seed` first: (returns, lengths), as the env's Monitor counts them (Atari: whole games, not lives).

    SB3's evaluate_policy, step for step: `episodes` split over the copies as evenly as possible, a copy
    that has done its share runs on unrecorded, episodes recorded in the order they end."""
    env.seed(seed)
    n = env.num_envs
    counts = np.zeros(n, dtype="int")
    targets = np.array([(episodes + i) // n for i in range(n)], dtype="int")
    returns: list[float] = []
    lengths: list[int] = []
    obs = env.reset()  # (n, *obs_shape)
    while (counts < targets).any():
        obs, _, dones, infos = env.step(agent.act(obs))
        for i in range(n):
            if counts[i] < targets[i] and dones[i] and "episode" in infos[i]:
                returns.append(infos[i]["episode"]["r"])
                lengths.append(infos[i]["episode"]["l"])
                counts[i] += 1
    return returns, lengths


class Evaluator:
    """The `Logger` an agent is handed: curves, and the periodic evaluations, due at `step(env_steps)`."""

    def __init__(self, ctx: RunContext, agent: Agent, eval_env: Any, *, total_steps: int, every: int, episodes: int, **kw: Any) -> None:
        self.ctx, self.agent, self.eval_env, self.total_steps, self.every, self.episodes = (
            ctx,
            agent,
            eval_env,
            total_steps,
            every,
            episodes,
        )
        self.eval_seed: int = kw["eval_seed"]
        self.budget: float = kw.get("budget", 0.0)
        self.threshold: float | None = kw.get("threshold")
        self.next_eval = every
        self.steps = 0  # env steps the agent reported so far
        self.eval_s = 0.0
        self.n_evals = self.skipped = 0
        self.best = -np.inf
        self.reached: tuple[int, float] | None = None  # (env steps, train seconds) when the threshold was first met
        self.lengths: list[int] = []  # episode lengths of the latest evaluation
        self.t_start = time.perf_counter()

    def log(self, metric: str, value: float, step: int) -> None:
        self.ctx.log(metric, value, step)

    def train_s(self) -> float:
        return time.perf_counter() - self.t_start - self.eval_s

    def evaluate(self, episodes: int) -> tuple[float, float]:
        t0 = time.perf_counter()
        returns, self.lengths = run_episodes(self.agent, self.eval_env, episodes, self.eval_seed)
        self.returns = [float(r) for r in returns]  # the latest evaluation's episodes, for the record's raw outcomes
        self.eval_s += time.perf_counter() - t0
        self.n_evals += 1
        return float(np.mean(returns)), float(np.std(returns))

    def record(self, step: int, episodes: int) -> tuple[float, float]:
        mean, std = self.evaluate(episodes)
        train_s = self.train_s()
        self.ctx.log("eval/mean_return", mean, step)
        self.ctx.log("eval/std_return", std, step)
        self.ctx.log("eval/train_s", train_s, step)
        self.best = max(self.best, mean)
        self.ctx.log("eval/best_mean_return", self.best, step)
        if self.threshold is not None and self.reached is None and mean >= self.threshold:
            self.reached = (step, train_s)
        return mean, std

    def step(self, env_steps: int) -> None:
        self.steps = max(self.steps, int(env_steps))
        if env_steps < self.next_eval:
            return
        self.next_eval += self.every
        if env_steps >= self.total_steps:
            return  # the final evaluation, with more episodes, follows at this step
        expected = self.eval_s / max(self.n_evals, 1)  # cost of one more evaluation, from the ones so far
        if self.budget > 0 and self.eval_s + expected > self.budget * self.train_s():
            self.skipped += 1
            return
        mean, _ = self.record(env_steps, self.episodes)
        if not np.isfinite(mean):
            raise Diverged(f"non-finite evaluation return at {env_steps} steps")


def final_evaluation(ctx: RunContext, ev: Evaluator, episodes: int) -> None:
    """`episodes` deterministic episodes after training: the score, its spread, the best so far, the
    time to threshold and the throughput, into the record. Periodic evaluations count as eval time."""
    steps = ev.steps or ev.total_steps  # an agent that never reported its steps took the budget
    periodic_eval_s = ev.eval_s
    with ctx.phase("eval"):
        final, final_std = ev.record(steps, episodes)
    ctx.timing["eval_s"] += periodic_eval_s
    if not np.isfinite(final):
        raise Diverged(f"non-finite final evaluation return {final}")
    ctx.metrics["eval/mean_return"] = final
    ctx.metrics["eval/std_return"] = final_std
    ctx.raw["episode_return"] = ev.returns  # per final-evaluation episode (evaluation seeds in order), for paired tests
    ctx.metrics["eval/best_mean_return"] = ev.best
    ctx.metrics["train/timesteps"] = float(steps)
    train_s = max(ctx.timing["train_s"], 1e-9)
    ctx.info["evaluation"] = {
        "evaluations": ev.n_evals,
        "skipped_over_budget": ev.skipped,
        "eval_fraction_of_train": ctx.timing["eval_s"] / train_s,
        "periodic_eval_s": periodic_eval_s,
        # env steps per final episode as the env counts them (Atari: raw frames), e.g. to see a cap hold
        "final_episode_length": {"mean": float(np.mean(ev.lengths)), "max": int(np.max(ev.lengths))},
    }
    if ev.threshold is not None:
        ctx.metrics["eval/threshold"] = ev.threshold
        ctx.info["time_to_threshold"] = {"steps": ev.reached[0], "train_s": ev.reached[1]} if ev.reached else "not reached"
        if ev.reached:
            ctx.metrics["eval/steps_to_threshold"] = float(ev.reached[0])
            ctx.metrics["eval/seconds_to_threshold"] = ev.reached[1]
    ctx.resources["throughput"] = steps / train_s  # training env steps per second
    ctx.resources["throughput_unit"] = "env steps/s"


def record_gif(agent: Agent, env: Any, path: Path, *, max_frames: int = 300, frame_skip: int = 2, scale: float = 0.5) -> int:
    """One deterministic episode on the 1-copy rgb_array VecEnv `env` as a GIF of at most `max_frames`
    frames (every `frame_skip`-th step, downscaled by `scale` to keep the file small); the frame count."""
    import imageio.v2 as imageio
    from PIL import Image

    obs = env.reset()
    frames: list[np.ndarray] = []
    for t in range(max_frames * frame_skip):
        if t % frame_skip == 0:
            img = Image.fromarray(env.render())  # (H, W, 3) uint8
            size = (max(1, int(img.width * scale)), max(1, int(img.height * scale)))
            frames.append(np.asarray(img.resize(size, Image.BILINEAR)))
        obs, _, dones, _ = env.step(agent.act(obs))
        if dones[0]:
            break
    imageio.mimsave(path, frames, duration=1000 * frame_skip / 50, loop=0)  # ~25 fps, i.e. real time at 50 Hz envs
    return len(frames)


def vec_env(make_env: EnvMaker, frame_stack: int, copies: int, seed: int) -> Any:
    """The family's VecEnv of `copies` Monitor-wrapped envs seeded seed, seed + 1, ...; frames stacked
    `frame_stack` deep on the last axis, images as CHW. Evaluation, GIF and the probe see observations so."""
    from suite.backends.sb3 import make_envs

    return make_envs(make_env.env_id, copies, seed, make_env.env_kwargs, make_env.wrapper, frame_stack=frame_stack)


def train_and_evaluate(ctx: RunContext, agent: Agent, make_env: EnvMaker, eval_env: Any, *, frame_stack: int = 0, **protocol: Any) -> None:
    """Train `agent` on `make_env`'s problem under the family's protocol and fill the record.

    eval_env: `vec_env(make_env, frame_stack, eval_episodes, eval_seed)`, built before the agent (whose
    factory is given its spaces). protocol: n_timesteps, eval_every, eval_episodes, final_episodes,
    eval_budget, eval_seed, threshold, video (the GIF's path, or None) and video_frames."""
    eval_seed = protocol["eval_seed"]
    ev = Evaluator(
        ctx,
        agent,
        eval_env,
        total_steps=protocol["n_timesteps"],
        every=protocol["eval_every"],
        episodes=protocol["eval_episodes"],
        eval_seed=eval_seed,
        budget=protocol["eval_budget"],
        threshold=protocol["threshold"],
    )
    with ctx.phase("train"):
        ev.t_start = time.perf_counter()
        agent.learn(make_env, protocol["n_timesteps"], ctx.seed, ev)
    ctx.timing["train_s"] -= ev.eval_s
    final_evaluation(ctx, ev, protocol["final_episodes"])
    eval_env.close()
    video = protocol.get("video")
    if video is not None:
        # Off-screen rendering: pygame/SDL need no display or audio (and stop printing XDG_RUNTIME_DIR errors).
        os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
        os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
        t0 = time.perf_counter()
        env = vec_env(make_env, frame_stack, 1, eval_seed)  # rgb_array rendering: EnvMaker's default
        n = record_gif(agent, env, video, max_frames=protocol["video_frames"])
        env.close()
        ctx.info["video_s"] = time.perf_counter() - t0
        ctx.add_artifact(video, "video", f"final policy, one deterministic episode ({n} frames, every 2nd step)")
