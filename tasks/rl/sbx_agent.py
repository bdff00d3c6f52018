"""SBX (Stable-Baselines3 in JAX, `pip install 'benchsuite[sbx]'`) as agents of the RL contract, through the public door.

    bench run cartpole_sbx_dqn --seeds 3          # the zoo's SB3 DQN preset, run by SBX
    bench run pendulum_sbx_crossq --preset smoke  # CrossQ (Bhatt et al. 2024) at SBX's defaults

SBX keeps SB3's API and subclasses its base classes, so the SB3 adapter's pieces serve it: the same
VecEnvs (seeding, VecNormalize, frame stacking), the same constructor keywords from the config
(`sb3_agent.algo_kwargs`: schedules, action noise, policy_kwargs) and the same deterministic
`predict`. What differs: activations are flax functions, not torch classes; a few keys (`sbx_algos.py`).
Registered with `register_model(kind="trainer")`, so the family's probe builds each agent before any
run: without SBX installed, that is where the one-line "install it with" refusal comes from.
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from suite import register_model
from suite.errors import require
from tasks.rl.sb3_agent import algo_kwargs
from tasks.rl.sbx_algos import ENV_KEYS, SBXCrossQConfig, SBXDQNConfig, SBXPPOConfig, SBXSACConfig, SBXTD3Config, SBXTQCConfig, sbx_presets

_DISCRETE = {"action_space": "discrete"}
_CONTINUOUS = {"action_space": "continuous"}


def import_sbx(algorithm: str) -> Any:
    """SBX, or the one-line refusal naming the extra. JAX sizes its CPU thread pool once, when it loads,
    and it loads before the run places its threads (planning builds the model to probe it), so the
    choice is made here by suite/runner.threads_for's rule for an RL task: one thread (the family's
    measured default) unless --threads (BENCH_THREADS) asks for more and a sweep worker's share
    (BENCH_THREADS_MAX) and the cores allow it. One thread turns XLA's multi-threaded Eigen kernels off, so that SBX and
    SB3 (torch at one thread) are timed on equal terms. The flag does not stop XLA's pool threads from
    spinning (an SBX DQN used 1.18 cores at 2,059 steps/s, and 1.00 at 2,698 when pinned to one core):
    sweep workers are pinned to their own cores for that (suite/executors/local.py)."""
    from suite.registry import REGISTRY
    from suite.runner import chosen_threads

    one_thread = chosen_threads(REGISTRY.family("rl").threads) == 1
    if one_thread and "jax" not in sys.modules and "xla_cpu_multi_thread_eigen" not in os.environ.get("XLA_FLAGS", ""):
        os.environ["XLA_FLAGS"] = f"{os.environ.get('XLA_FLAGS', '')} --xla_cpu_multi_thread_eigen=false".strip()
    return require("sbx", "sbx", f"SBX's {algorithm}")


def flax_activation(name: str) -> Any:
    """The family's `activation_fn` names as flax functions (SB3 takes torch classes)."""
    import flax.linen as nn

    return getattr(nn, name)


def spaces_only(observation_space: Any, action_space: Any) -> Any:
    """A VecEnv that only carries the spaces: enough for SBX to build its networks (it steps no env until learn)."""
    import gymnasium as gym
    from stable_baselines3.common.vec_env import DummyVecEnv

    class Spaces(gym.Env):
        def __init__(self) -> None:
            self.observation_space, self.action_space = observation_space, action_space

    return DummyVecEnv([Spaces])


class SBXAgent:
    """An SBX algorithm behind `learn`/`act`; `algorithm` names the `sbx` class (set by each registered subclass)."""

    algorithm = ""

    def __init__(self, observation_space: Any, action_space: Any, device: str = "cpu", **config: Any) -> None:
        self.sbx = import_sbx(self.algorithm)
        self.spaces, self.device = (observation_space, action_space), device
        self.cfg = SimpleNamespace(**{key: config.pop(key) for key in ENV_KEYS})  # the family's keys
        self.hp = config  # the algorithm's keys
        self.model: Any = None
        self.env: Any = None  # the training VecEnv; its VecNormalize statistics normalise `act`'s input

    def build(self, env: Any, seed: int) -> Any:
        cfg = SimpleNamespace(**{**vars(self.cfg), "activation_fn": "default"})  # torch's classes are no use to flax
        kwargs = algo_kwargs(cfg, self.hp, env.action_space)
        if self.cfg.activation_fn != "default":
            kwargs.setdefault("policy_kwargs", {})["activation_fn"] = flax_activation(self.cfg.activation_fn)
        return getattr(self.sbx, self.algorithm)(self.cfg.policy, env, seed=seed, device=self.device, verbose=0, **kwargs)

    def learn(self, make_env: Callable[[], Any], total_steps: int, seed: int, logger: Any) -> None:
        from stable_baselines3.common.callbacks import BaseCallback

        from suite.backends.sb3 import make_envs, silent_logger

        class Checkpoints(BaseCallback):
            """After every env step: the family's `logger.step`, where its periodic evaluation runs."""

            def _on_step(self) -> bool:
                logger.step(self.num_timesteps)
                return True

        cfg = self.cfg
        normalize = None
        if cfg.normalize:  # as the zoo and the SB3 adapter: VecNormalize discounts returns with the algorithm's gamma
            normalize = {"norm_obs": cfg.norm_obs, "norm_reward": cfg.norm_reward, "gamma": self.hp.get("gamma", 0.99)}
        self.env = make_envs(make_env, cfg.n_envs, seed, normalize=normalize, frame_stack=cfg.frame_stack)
        self.model = self.build(self.env, seed)
        self.model.set_logger(silent_logger())
        self.model.learn(total_timesteps=total_steps, callback=Checkpoints())

    def act(self, obs: Any) -> Any:
        """(n, *obs_shape) -> (n, *action_shape). Before `learn` (the family's probe) the policy is the untrained one."""
        from stable_baselines3.common.vec_env import VecNormalize

        if self.model is None:
            with warnings.catch_warnings():  # PPO would warn that its batch does not divide the stand-in's one-env rollout
                warnings.simplefilter("ignore", UserWarning)
                self.model = self.build(spaces_only(*self.spaces), seed=0)
        if isinstance(self.env, VecNormalize):
            obs = self.env.normalize_obs(obs)  # with the training statistics, frozen at this point
        return self.model.predict(obs, deterministic=True)[0]


@register_model("sbx_dqn", "rl", kind="trainer", config=SBXDQNConfig, presets=sbx_presets("dqn"), requires=_DISCRETE)
class SBXDQN(SBXAgent):
    """Deep Q-Network (SBX, JAX), the zoo's SB3 DQN presets"""

    algorithm = "DQN"


@register_model("sbx_ppo", "rl", kind="trainer", config=SBXPPOConfig, presets=sbx_presets("ppo"))
class SBXPPO(SBXAgent):
    """Proximal Policy Optimization (SBX, JAX), the zoo's SB3 PPO presets"""

    algorithm = "PPO"


@register_model("sbx_sac", "rl", kind="trainer", config=SBXSACConfig, presets=sbx_presets("sac"), requires=_CONTINUOUS)
class SBXSAC(SBXAgent):
    """Soft Actor-Critic (SBX, JAX), the zoo's SB3 SAC presets"""

    algorithm = "SAC"


@register_model("sbx_td3", "rl", kind="trainer", config=SBXTD3Config, presets=sbx_presets("td3"), requires=_CONTINUOUS)
class SBXTD3(SBXAgent):
    """Twin Delayed DDPG (SBX, JAX), the zoo's SB3 TD3 presets"""

    algorithm = "TD3"


@register_model("sbx_tqc", "rl", kind="trainer", config=SBXTQCConfig, presets=sbx_presets("tqc"), requires=_CONTINUOUS)
class SBXTQC(SBXAgent):
    """Truncated Quantile Critics (SBX, JAX), the zoo's TQC presets"""

    algorithm = "TQC"


@register_model("sbx_crossq", "rl", kind="trainer", config=SBXCrossQConfig, presets=sbx_presets("crossq"), requires=_CONTINUOUS)
class SBXCrossQ(SBXAgent):
    """CrossQ (SBX, JAX; Bhatt et al. 2024) at SBX's own defaults"""

    algorithm = "CrossQ"
