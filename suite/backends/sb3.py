"""stable-baselines3 helpers: vectorised envs and a progress bar over env steps.

The RL evaluation protocol is the family's (`tasks/rl/protocol.py`), run on any agent's `act`;
SB3 algorithms reach it through `tasks/rl/sb3_agent.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from stable_baselines3.common.callbacks import BaseCallback
from stable_baselines3.common.env_util import make_vec_env
from stable_baselines3.common.vec_env import VecEnv, VecFrameStack, VecNormalize, VecTransposeImage


def make_envs(
    env_id: str | Callable[[], Any],
    n_envs: int,
    seed: int,
    env_kwargs: dict | None = None,
    wrapper: Callable | None = None,
    normalize: dict | None = None,
    training: bool = True,
    frame_stack: int = 0,
) -> VecEnv:
    """`n_envs` copies of `env_id` (a gymnasium id, or a no-argument callable returning an env), each in a
    Monitor, seeded seed, seed + 1, ...; with `normalize` (VecNormalize kwargs) observations/rewards are normalised."""
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


def silent_logger() -> Any:
    """An SB3 logger that writes nothing anywhere. Without one, every `learn` makes an empty
    `/tmp/SB3-<timestamp>` directory (SB3's `configure(folder=None)`), which a machine that has run the
    test suite and a few sweeps counted by the thousand. The suite keeps its own curves and records."""
    from stable_baselines3.common.logger import Logger

    return Logger(folder=None, output_formats=[])


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
