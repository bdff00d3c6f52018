"""Algorithm hyperparameters as typed configs; every default is SB3's / sb3-contrib's own (2.x).

A field's name equals the SB3 constructor argument, so the runner passes them through unchanged,
except the few listed in `SPECIAL` which it turns into SB3 objects. `learning_rate` and `clip_range`
also accept the zoo's schedule strings such as "lin_0.001" (see `schedules.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from suite.config import doc

# Config keys that are not SB3 constructor arguments as they stand: the runner converts them.
SPECIAL = ("train_freq_unit", "noise_type", "noise_std", "n_quantiles")


@dataclass
class _OffPolicy:
    learning_rate: float | str = doc(1e-4, "learning rate, or a schedule string like lin_0.001")
    buffer_size: int = doc(1_000_000, "replay buffer capacity")
    learning_starts: int = doc(100, "env steps before learning starts")
    batch_size: int = doc(32, "minibatch size per gradient step")
    tau: float = doc(1.0, "soft update coefficient of the target network (1 = hard copy)")
    gamma: float = doc(0.99, "discount factor")
    train_freq: int = doc(4, "train every train_freq units (see train_freq_unit)")
    train_freq_unit: Literal["step", "episode"] = doc("step", "unit of train_freq (zoo `[1, episode]` = 1 + episode)")
    gradient_steps: int = doc(1, "gradient steps per training round; -1 = as many as env steps collected")


@dataclass
class DQNConfig(_OffPolicy):
    target_update_interval: int = doc(10_000, "env steps between target network updates")
    exploration_fraction: float = doc(0.1, "fraction of training over which epsilon decays")
    exploration_initial_eps: float = doc(1.0, "initial epsilon")
    exploration_final_eps: float = doc(0.05, "final epsilon")
    max_grad_norm: float = doc(10.0, "gradient clipping norm")


@dataclass
class QRDQNConfig(_OffPolicy):
    learning_rate: float | str = doc(5e-5, "learning rate, or a schedule string like lin_0.0015")
    target_update_interval: int = doc(10_000, "env steps between target network updates")
    exploration_fraction: float = doc(0.005, "fraction of training over which epsilon decays")
    exploration_initial_eps: float = doc(1.0, "initial epsilon")
    exploration_final_eps: float = doc(0.01, "final epsilon")
    n_quantiles: int = doc(200, "quantiles of the return distribution (policy_kwargs)")


@dataclass
class SACConfig(_OffPolicy):
    learning_rate: float | str = doc(3e-4, "learning rate, or a schedule string like lin_7.3e-4")
    batch_size: int = doc(256, "minibatch size per gradient step")
    tau: float = doc(0.005, "soft update coefficient of the target networks")
    train_freq: int = doc(1, "train every train_freq units (see train_freq_unit)")
    ent_coef: float | str = doc("auto", "entropy coefficient; 'auto' learns it (optionally 'auto_0.1' as start)")
    target_update_interval: int = doc(1, "gradient steps between target updates")
    use_sde: bool = doc(False, "generalised state-dependent exploration")
    sde_sample_freq: int = doc(-1, "resample the gSDE noise every n steps; -1 = once per rollout")
    use_sde_at_warmup: bool = doc(False, "use gSDE instead of uniform sampling before learning starts")
    noise_type: Literal["none", "normal", "ornstein-uhlenbeck"] = doc("none", "extra action noise (zoo `noise_type`)")
    noise_std: float = doc(0.1, "std of the action noise on actions scaled to [-1, 1] (zoo `noise_std`)")


@dataclass
class TD3Config(_OffPolicy):
    learning_rate: float | str = doc(1e-3, "learning rate, or a schedule string")
    batch_size: int = doc(256, "minibatch size per gradient step")
    tau: float = doc(0.005, "soft update coefficient of the target networks")
    train_freq: int = doc(1, "train every train_freq units (see train_freq_unit)")
    policy_delay: int = doc(2, "critic updates per actor update")
    target_policy_noise: float = doc(0.2, "std of the target policy smoothing noise")
    target_noise_clip: float = doc(0.5, "clip of the target policy smoothing noise")
    # TD3 explores only through this noise: SB3's default is none, the zoo always sets one.
    noise_type: Literal["none", "normal", "ornstein-uhlenbeck"] = doc("none", "action noise (zoo `noise_type`)")
    noise_std: float = doc(0.1, "std of the action noise on actions scaled to [-1, 1] (zoo `noise_std`)")


@dataclass
class _OnPolicy:
    learning_rate: float | str = doc(3e-4, "learning rate, or a schedule string like lin_0.001")
    n_steps: int = doc(2048, "env steps per env per rollout")
    gamma: float = doc(0.99, "discount factor")
    gae_lambda: float = doc(0.95, "GAE lambda")
    use_sde: bool = doc(False, "generalised state-dependent exploration (continuous actions)")
    sde_sample_freq: int = doc(-1, "resample the gSDE noise every n steps; -1 = once per rollout")
    normalize_advantage: bool = doc(True, "normalise advantages per minibatch")


@dataclass
class PPOConfig(_OnPolicy):
    batch_size: int = doc(64, "minibatch size")
    n_epochs: int = doc(10, "passes over each rollout")
    clip_range: float | str = doc(0.2, "PPO clip range, or a schedule string like lin_0.2")
    ent_coef: float = doc(0.0, "entropy bonus coefficient")
    vf_coef: float = doc(0.5, "value loss coefficient")
    max_grad_norm: float = doc(0.5, "gradient clipping norm")
    target_kl: float | None = doc(None, "stop the epochs early above this KL; None = never")


@dataclass
class A2CConfig(_OnPolicy):
    learning_rate: float | str = doc(7e-4, "learning rate, or a schedule string like lin_7e-4")
    n_steps: int = doc(5, "env steps per env per update")
    gae_lambda: float = doc(1.0, "GAE lambda (1 = plain n-step returns)")
    ent_coef: float = doc(0.0, "entropy bonus coefficient")
    vf_coef: float = doc(0.5, "value loss coefficient")
    max_grad_norm: float = doc(0.5, "gradient clipping norm")
    rms_prop_eps: float = doc(1e-5, "RMSprop epsilon")
    use_rms_prop: bool = doc(True, "RMSprop (true) or Adam")
    normalize_advantage: bool = doc(False, "normalise advantages")


@dataclass
class TRPOConfig(_OnPolicy):
    learning_rate: float | str = doc(1e-3, "learning rate of the value function")
    batch_size: int = doc(128, "minibatch size of the value function updates")
    cg_max_steps: int = doc(15, "conjugate gradient iterations")
    cg_damping: float = doc(0.1, "damping of the Hessian-vector product")
    line_search_shrinking_factor: float = doc(0.8, "step shrink factor of the line search")
    line_search_max_iter: int = doc(10, "line search iterations")
    n_critic_updates: int = doc(10, "value function updates per rollout")
    target_kl: float = doc(0.01, "KL constraint of the policy step")
    sub_sampling_factor: int = doc(1, "use every n-th sample for the Fisher computation")
