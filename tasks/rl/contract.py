"""The RL family's contract: what an agent brings, and what the family hands it. `bench contract rl` prints it.

The family owns everything judged (tasks/rl/protocol.py): the environments, the evaluation seeds, the
periodic and final deterministic evaluations, the curves, the GIF and what time counts as training.
An agent only learns from an environment factory and acts on a batch of observations.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol


class Logger(Protocol):
    """Handed to `Agent.learn` by the family."""

    def log(self, metric: str, value: float, step: int) -> None:
        """Add a point to a training curve, e.g. `train/loss` at `step` env steps (namespace `train/`)."""

    def step(self, env_steps: int) -> None:
        """Call as training goes, e.g. after every env step: `env_steps` taken so far, over all envs.

        When a periodic evaluation is due the family runs it here, on `Agent.act`, and charges its
        time to evaluation, not training. Raises `suite.errors.Diverged` on a non-finite return."""


class Agent(Protocol):
    """An RL algorithm, built by its registered factory from its config keys (`@register_model(..., kind="trainer")`)."""

    def learn(self, make_env: Callable[[], Any], total_steps: int, seed: int, logger: Logger) -> None:
        """Train for `total_steps` env steps (about: an algorithm may finish its last rollout).

        make_env: no-argument callable returning a fresh gymnasium env of the problem (the problem's
            wrappers applied); call it once per env copy and seed each copy from `seed`.
        seed: the run's seed; seed every random number generator the agent uses from it.
        logger: `logger.step(env_steps)` as training goes (e.g. every env step), so the family can
            evaluate on schedule; `logger.log(metric, value, env_steps)` for a `train/` curve."""

    def act(self, obs: Any) -> Any:
        """Deterministic actions for a batch of observations, for evaluation.

        obs: (n, *observation_space.shape) array, as the env returns them (raw: normalise inside the agent).
        returns: (n, *action_space.shape) array of actions valid in the env's action space
            (discrete: (n,) integers)."""
