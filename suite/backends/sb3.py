"""stable-baselines3 backend: vectorised envs, periodic deterministic evaluation on a separate env.

Evaluation protocol: every `eval_every` env steps, `eval_episodes` deterministic episodes on a
separate eval env (one copy per episode, stepped as a batch, so an evaluation costs about one
episode of forward passes). The eval env is reseeded before every evaluation, so a policy's score
does not depend on how many evaluations came before it (or were skipped). Evaluation time is
measured apart from training time: throughput counts training env steps only, and a periodic
evaluation is skipped when it would take evaluation time above `eval_budget` × training time.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from stable_baselines3.common.callbacks import BaseCallback
from stable_baselines3.common.env_util import make_vec_env
from stable_baselines3.common.evaluation import evaluate_policy
from stable_baselines3.common.vec_env import VecEnv, VecFrameStack, VecNormalize, VecTransposeImage, sync_envs_normalization

from suite.context import RunContext
from suite.errors import Diverged

EVAL_SEED_OFFSET = 10_000  # eval envs never share seeds with training envs


def make_envs(
    env_id: str,
    n_envs: int,
    seed: int,
    env_kwargs: dict | None = None,
    wrapper: Callable | None = None,
    normalize: dict | None = None,
    training: bool = True,
    frame_stack: int = 0,
) -> VecEnv:
    """`n_envs` copies of `env_id`; with `normalize` (VecNormalize kwargs) observations/rewards are normalised."""
    env = make_vec_env(env_id, n_envs=n_envs, seed=seed, env_kwargs=env_kwargs, wrapper_class=wrapper)
    if frame_stack:
        env = VecFrameStack(env, n_stack=frame_stack)
    if len(getattr(env.observation_space, "shape", ())) == 3:
        env = VecTransposeImage(env)  # images: HWC -> CHW for CnnPolicy, as SB3 would do itself
    if normalize is not None:
        kwargs = dict(normalize)
        if not training:
            kwargs.update(norm_reward=False)  # the score is always the raw return
        env = VecNormalize(env, training=training, **kwargs)
    return env


class PeriodicEval(BaseCallback):
    """Every `every` env steps: `episodes` deterministic episodes on `eval_env`, logged as a curve."""

    def __init__(
        self,
        ctx: RunContext,
        eval_env: VecEnv,
        every: int,
        episodes: int,
        threshold: float | None,
        eval_seed: int,
        budget: float = 0.0,
    ) -> None:
        super().__init__()
        self.ctx, self.eval_env, self.every, self.episodes, self.threshold = ctx, eval_env, every, episodes, threshold
        self.eval_seed, self.budget = eval_seed, budget
        self.next_eval = every
        self.eval_s = 0.0
        self.n_evals = 0
        self.skipped = 0
        self.best = -np.inf
        self.reached: tuple[int, float] | None = None  # (env steps, train seconds) when the threshold was first met
        self.lengths: list[int] = []  # episode lengths of the latest evaluation
        self.t_start = time.perf_counter()

    def _on_training_start(self) -> None:
        self.t_start = time.perf_counter()

    def train_s(self) -> float:
        return time.perf_counter() - self.t_start - self.eval_s

    def evaluate(self) -> tuple[float, float]:
        t0 = time.perf_counter()
        if isinstance(self.model.get_env(), VecNormalize):
            sync_envs_normalization(self.model.get_env(), self.eval_env)
        self.eval_env.seed(self.eval_seed)  # same start states at every evaluation: scores are comparable
        returns, self.lengths = evaluate_policy(
            self.model, self.eval_env, n_eval_episodes=self.episodes, deterministic=True, return_episode_rewards=True
        )
        self.eval_s += time.perf_counter() - t0
        self.n_evals += 1
        return float(np.mean(returns)), float(np.std(returns))

    def record(self, step: int) -> tuple[float, float]:
        mean, std = self.evaluate()
        train_s = self.train_s()
        self.ctx.log("eval/mean_return", mean, step)
        self.ctx.log("eval/std_return", std, step)
        self.ctx.log("eval/train_s", train_s, step)
        self.best = max(self.best, mean)
        self.ctx.log("eval/best_mean_return", self.best, step)
        if self.threshold is not None and self.reached is None and mean >= self.threshold:
            self.reached = (step, train_s)
        return mean, std

    def _on_step(self) -> bool:
        if self.num_timesteps >= self.next_eval:
            self.next_eval += self.every
            if self.num_timesteps >= self.model._total_timesteps:
                return True  # the final evaluation, with more episodes, follows at this step
            expected = self.eval_s / max(self.n_evals, 1)  # cost of one more evaluation, from the ones so far
            if self.budget > 0 and self.eval_s + expected > self.budget * self.train_s():
                self.skipped += 1
                return True
            mean, _ = self.record(self.num_timesteps)
            if not np.isfinite(mean):
                raise Diverged(f"non-finite evaluation return at {self.num_timesteps} steps")
        return True


def planned_steps(model: Any, total_timesteps: int) -> int:
    """The env steps `model.learn(total_timesteps)` takes: SB3 stops only between whole rollouts, of
    n_steps × n_envs steps on-policy and train_freq × n_envs off-policy, so 50,000 asked in rollouts
    of 256 is 50,176. A train_freq counted in episodes has no size known in advance: n_envs then."""
    from stable_baselines3.common.off_policy_algorithm import OffPolicyAlgorithm
    from stable_baselines3.common.on_policy_algorithm import OnPolicyAlgorithm
    from stable_baselines3.common.type_aliases import TrainFrequencyUnit

    chunk = model.n_envs
    if isinstance(model, OnPolicyAlgorithm):
        chunk = model.n_steps * model.n_envs
    elif isinstance(model, OffPolicyAlgorithm) and model.train_freq.unit == TrainFrequencyUnit.STEP:
        chunk = model.train_freq.frequency * model.n_envs
    left = max(total_timesteps - model.num_timesteps, 0)
    return model.num_timesteps + -(-left // chunk) * chunk


class StepBar(BaseCallback):
    """A bar over env steps that ends at its total, on a terminal only (a log gets the run's one line).

    SB3's own bar counts up to the steps asked for while the run takes whole rollouts, so it ended
    at 50,176/50,000; this one's total is the steps the run takes (`planned_steps`). It only draws:
    training, its random numbers and its step count are the same with it or without it.
    """

    def __init__(self, description: str, console: Any = None) -> None:
        super().__init__()
        self.description, self.console = description, console
        self.bar: Any = None
        self.start = self.total = self.planned = 0  # planned: the total known before training started

    def _on_training_start(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

        self.start = self.model.num_timesteps
        self.total = self.planned = planned_steps(self.model, self.locals["total_timesteps"]) - self.start
        console = self.console or Console(stderr=True)
        if not console.is_terminal:
            return
        columns = [TextColumn(self.description), BarColumn(), MofNCompleteColumn(), TextColumn("env steps")]
        self.bar = Progress(*columns, TimeElapsedColumn(), TimeRemainingColumn(), console=console, transient=True)
        self.task = self.bar.add_task(self.description, total=self.total)
        self.bar.start()

    def _on_step(self) -> bool:
        if self.bar is not None:
            self.bar.update(self.task, completed=self.model.num_timesteps - self.start)
        return True

    def _on_training_end(self) -> None:
        # An episode-counted rollout may overrun the planned total: the bar still ends at its total.
        self.total = max(self.total, self.model.num_timesteps - self.start)
        if self.bar is not None:
            self.bar.update(self.task, total=self.total, completed=self.model.num_timesteps - self.start)
        self.close()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None


def record_gif(
    model: Any,
    path: Path,
    *,
    env_id: str,
    seed: int,
    env_kwargs: dict | None = None,
    wrapper: Callable | None = None,
    frame_stack: int = 0,
    max_frames: int = 300,
    frame_skip: int = 2,
    scale: float = 0.5,
) -> int:
    """One deterministic episode of `model` as a GIF of at most `max_frames` frames; returns the frame count.

    Every `frame_skip`-th env step is kept and frames are downscaled by `scale` to keep the file small.
    """
    import imageio.v2 as imageio
    from PIL import Image

    # Off-screen rendering: pygame/SDL need no display or audio (and stop printing XDG_RUNTIME_DIR errors).
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    train_env = model.get_env()
    env = make_envs(env_id, 1, seed, {**(env_kwargs or {}), "render_mode": "rgb_array"}, wrapper, None, frame_stack=frame_stack)
    obs = env.reset()
    frames: list[np.ndarray] = []
    for t in range(max_frames * frame_skip):
        if t % frame_skip == 0:
            img = Image.fromarray(env.render())  # (H, W, 3) uint8
            size = (max(1, int(img.width * scale)), max(1, int(img.height * scale)))
            frames.append(np.asarray(img.resize(size, Image.BILINEAR)))
        model_obs = train_env.normalize_obs(obs) if isinstance(train_env, VecNormalize) else obs
        action, _ = model.predict(model_obs, deterministic=True)
        obs, _, dones, _ = env.step(action)
        if dones[0]:
            break
    env.close()
    imageio.mimsave(path, frames, duration=1000 * frame_skip / 50, loop=0)  # ~25 fps, i.e. real time at 50 Hz envs
    return len(frames)


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
    frame_stack: int = 0,
    eval_every: int,
    eval_episodes: int,
    final_episodes: int,
    eval_budget: float = 0.0,
    threshold: float | None = None,
    video: Path | None = None,
    video_frames: int = 300,
):
    """Train `algo_cls` on `env_id` and fill ctx.metrics with the final and best evaluation returns."""
    env = make_envs(env_id, n_envs, ctx.seed, env_kwargs, wrapper, normalize, frame_stack=frame_stack)
    eval_seed = ctx.seed + EVAL_SEED_OFFSET
    eval_env = make_envs(env_id, eval_episodes, eval_seed, env_kwargs, wrapper, normalize, training=False, frame_stack=frame_stack)
    model = algo_cls(policy, env, seed=ctx.seed, device=ctx.device, verbose=0, **algo_kwargs)
    ctx.resources["params"] = sum(p.numel() for p in model.policy.parameters())
    cb = PeriodicEval(ctx, eval_env, eval_every, eval_episodes, threshold, eval_seed, eval_budget)
    bar = StepBar(f"{ctx.task.id} seed {ctx.seed}") if ctx.progress else None
    try:
        with ctx.phase("train"):
            model.learn(total_timesteps=n_timesteps, callback=[cb, bar] if bar else cb)
    finally:  # a diverged or interrupted run must not leave a live bar on the terminal
        if bar is not None:
            bar.close()
    ctx.timing["train_s"] -= cb.eval_s
    final_evaluation(ctx, cb, model.num_timesteps, final_episodes, threshold)
    eval_env.close()
    if video is not None:
        t0 = time.perf_counter()
        gif = dict(env_id=env_id, seed=eval_seed, env_kwargs=env_kwargs, wrapper=wrapper, frame_stack=frame_stack, max_frames=video_frames)
        n = record_gif(model, video, **gif)
        ctx.info["video_s"] = time.perf_counter() - t0
        ctx.add_artifact(video, "video", f"final policy, one deterministic episode ({n} frames, every 2nd step)")
    env.close()
    return model


def final_evaluation(ctx: RunContext, cb: PeriodicEval, steps: int, episodes: int, threshold: float | None) -> None:
    """`episodes` deterministic episodes after training: the score, its spread, the best so far, the
    time to threshold and the throughput, into the record. Periodic evaluations count as eval time."""
    periodic_eval_s = cb.eval_s
    cb.episodes = episodes
    with ctx.phase("eval"):
        final, final_std = cb.record(steps)
    ctx.timing["eval_s"] += periodic_eval_s
    if not np.isfinite(final):
        raise Diverged(f"non-finite final evaluation return {final}")
    ctx.metrics["eval/mean_return"] = final
    ctx.metrics["eval/std_return"] = final_std
    ctx.metrics["eval/best_mean_return"] = cb.best
    ctx.metrics["train/timesteps"] = float(steps)
    train_s = max(ctx.timing["train_s"], 1e-9)
    ctx.info["evaluation"] = {
        "evaluations": cb.n_evals,
        "skipped_over_budget": cb.skipped,
        "eval_fraction_of_train": ctx.timing["eval_s"] / train_s,
        "periodic_eval_s": periodic_eval_s,
        # env steps per final episode as the env counts them (Atari: raw frames), e.g. to see a cap hold
        "final_episode_length": {"mean": float(np.mean(cb.lengths)), "max": int(np.max(cb.lengths))},
    }
    if threshold is not None:
        ctx.metrics["eval/threshold"] = threshold
        ctx.info["time_to_threshold"] = {"steps": cb.reached[0], "train_s": cb.reached[1]} if cb.reached else "not reached"
        if cb.reached:
            ctx.metrics["eval/steps_to_threshold"] = float(cb.reached[0])
            ctx.metrics["eval/seconds_to_threshold"] = cb.reached[1]
    ctx.resources["throughput"] = steps / train_s  # training env steps per second
    ctx.resources["throughput_unit"] = "env steps/s"
