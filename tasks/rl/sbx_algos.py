"""SBX's algorithms as typed configs and presets; every default is SBX's own (sbx-rl 0.28), which can differ from SB3's.

A field's name equals the SBX constructor argument (SBX keeps SB3's API), except the keys the SB3
adapter converts (`algos.SPECIAL`: noise, episode train_freq, n_quantiles). Where SBX differs from SB3:
- DQN: no `max_grad_norm` (SBX does not clip gradients; SB3 clips at 10); target_update_interval 1000 (SB3 10,000).
- SAC / TQC / CrossQ: no `target_update_interval` (SBX updates the targets every gradient step); a `policy_delay`.
- TD3: learning_rate 3e-4 (SB3 1e-3). CrossQ: no target networks, so no `tau`.
- PPO: SBX's policy turns orthogonal init off by default (`ortho_init` None keeps it off; SB3's is on).
Each config also carries the family's environment and network keys (`ENV_KEYS`), because a trainer is
handed only its own keys. Kept light (plain dataclasses and dicts): the catalog imports this module.
"""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass
from typing import Any, Literal

from suite.config import doc
from tasks.rl.algos import PPOConfig
from tasks.rl.config import RLConfig
from tasks.rl.presets import SMOKE, ZOO

# The family's keys the SB3 adapter reads from the run's config (sb3_agent.SB3Agent), handed to an SBX agent.
ENV_KEYS = ("n_envs", "policy", "normalize", "norm_obs", "norm_reward", "frame_stack")
ENV_KEYS += ("net_arch", "activation_fn", "log_std_init", "ortho_init")  # the network keys (policy_kwargs)
_HINTS = typing.get_type_hints(RLConfig)
# Where SBX's policy defaults differ from SB3's, the help says so (SBX's TQC starts its log std at 0, sb3-contrib's at -3).
_SBX_HELP = {
    "ortho_init": "orthogonal init of on-policy networks; None = SBX's default (false; SB3's is true)",
    "log_std_init": "initial log std of Gaussian / gSDE policies; None = SBX's default (SAC, CrossQ -3; PPO, TQC 0)",
}


def _family_field(f: dataclasses.Field) -> tuple[str, Any, dataclasses.Field]:
    metadata = {**f.metadata, "help": _SBX_HELP.get(f.name, f.metadata.get("help", ""))}
    return f.name, _HINTS[f.name], dataclasses.field(default=f.default, metadata=metadata)


# Those keys as the family declares them (defaults, help, valid values), so `bench config` reads alike for SB3 and SBX.
EnvKeys = dataclasses.make_dataclass("EnvKeys", [_family_field(f) for f in dataclasses.fields(RLConfig) if f.name in ENV_KEYS])


@dataclass
class _OffPolicy(EnvKeys):
    learning_rate: float | str = doc(3e-4, "learning rate, or a schedule string like lin_0.001")
    buffer_size: int = doc(1_000_000, "replay buffer capacity")
    learning_starts: int = doc(100, "env steps before learning starts")
    batch_size: int = doc(256, "minibatch size per gradient step")
    gamma: float = doc(0.99, "discount factor")
    train_freq: int = doc(1, "train every train_freq units (see train_freq_unit)")
    train_freq_unit: Literal["step", "episode"] = doc("step", "unit of train_freq (zoo `[1, episode]` = 1 + episode)")
    gradient_steps: int = doc(1, "gradient steps per training round; -1 = as many as env steps collected")


@dataclass
class SBXDQNConfig(_OffPolicy):
    learning_rate: float | str = doc(1e-4, "learning rate, or a schedule string like lin_0.001")
    batch_size: int = doc(32, "minibatch size per gradient step")
    train_freq: int = doc(4, "train every train_freq units (see train_freq_unit)")
    tau: float = doc(1.0, "soft update coefficient of the target network (1 = hard copy)")
    target_update_interval: int = doc(1000, "env steps between target network updates")
    exploration_fraction: float = doc(0.1, "fraction of training over which epsilon decays")
    exploration_initial_eps: float = doc(1.0, "initial epsilon")
    exploration_final_eps: float = doc(0.05, "final epsilon")


@dataclass
class SBXPPOConfig(PPOConfig, EnvKeys):
    """SB3's PPO keys and defaults: SBX's PPO takes the same."""


@dataclass
class _ActorCritic(_OffPolicy):
    qf_learning_rate: float | None = doc(None, "critic learning rate; None = learning_rate")
    noise_type: Literal["none", "normal", "ornstein-uhlenbeck"] = doc("none", "extra action noise (zoo `noise_type`)")
    noise_std: float = doc(0.1, "std of the action noise on actions scaled to [-1, 1] (zoo `noise_std`)")


@dataclass
class _MaxEntropy(_ActorCritic):
    ent_coef: float | str = doc("auto", "entropy coefficient; 'auto' learns it (optionally 'auto_0.1' as start)")
    use_sde: bool = doc(False, "generalised state-dependent exploration")
    sde_sample_freq: int = doc(-1, "resample the gSDE noise every n steps; -1 = once per rollout")
    use_sde_at_warmup: bool = doc(False, "use gSDE instead of uniform sampling before learning starts")


@dataclass
class SBXSACConfig(_MaxEntropy):
    tau: float = doc(0.005, "soft update coefficient of the target networks")
    policy_delay: int = doc(1, "critic updates per actor update")


@dataclass
class SBXTQCConfig(SBXSACConfig):
    top_quantiles_to_drop_per_net: int = doc(2, "quantiles dropped per critic from the target (the overestimation control)")
    n_quantiles: int = doc(25, "quantiles of each critic's return distribution (policy_kwargs)")


@dataclass
class SBXCrossQConfig(_MaxEntropy):
    """No target networks: batch normalisation over the joint current and next batch replaces them."""

    learning_rate: float | str = doc(1e-3, "learning rate, or a schedule string")
    policy_delay: int = doc(3, "critic updates per actor update")


@dataclass
class SBXTD3Config(_ActorCritic):
    tau: float = doc(0.005, "soft update coefficient of the target networks")
    policy_delay: int = doc(2, "critic updates per actor update")
    target_policy_noise: float = doc(0.2, "std of the target policy smoothing noise")
    target_noise_clip: float = doc(0.5, "clip of the target policy smoothing noise")


# Presets. For an equal comparison with SB3, each SBX algorithm takes the zoo preset SB3's same algorithm
# has on the same problem (rl-baselines3-zoo `hyperparams/<algo>.yml`, as `presets.ZOO`), step budget
# included: SBX's README points to the zoo for its hyperparameters. TQC: the zoo's `hyperparams/tqc.yml`
# (Pendulum-v1: 20k steps at learning rate 1e-3, as SAC; MuJoCo: 1M steps, 10k learning starts).
# CrossQ: SBX's own defaults (those of Bhatt et al. 2024), with only the step budget of SAC's zoo preset
# on the same problem, so that the two compare at equal budgets.
_TQC = {"pendulum": {"n_timesteps": 20_000, "learning_rate": 1e-3}, **dict.fromkeys(("halfcheetah", "hopper"), ZOO["sac"]["hopper"])}
_CROSSQ = {problem: {"n_timesteps": values["n_timesteps"]} for problem, values in ZOO["sac"].items()}
_ZOO_SBX: dict[str, dict[str, dict[str, Any]]] = {
    "dqn": ZOO["dqn"],
    "ppo": ZOO["ppo"],
    "sac": ZOO["sac"],
    "td3": ZOO["td3"],
    "tqc": _TQC,
    "crossq": _CROSSQ,
}
_SMOKE = {**SMOKE, "tqc": SMOKE["sac"], "crossq": SMOKE["sac"]}


def sbx_presets(algo: str) -> dict[str, dict[str, Any]]:
    """As `presets.model_presets`: `<problem>/standard`, `<problem>/smoke` (preset + tiny budget), `smoke`."""
    out: dict[str, dict[str, Any]] = {"smoke": dict(_SMOKE[algo])}
    for problem, values in _ZOO_SBX[algo].items():
        out[f"{problem}/standard"] = dict(values)
        out[f"{problem}/smoke"] = {**values, **_SMOKE[algo]}
    return out
