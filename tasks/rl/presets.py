"""rl-baselines3-zoo's tuned hyperparameters, carried over as `<problem>/standard` model presets.

Source: DLR-RM/rl-baselines3-zoo, `hyperparams/<algo>.yml` (the entries the tests check: README.md, "References").
Zoo keys map onto config keys one to one, except: `policy_kwargs` is spread into net_arch /
activation_fn / log_std_init / ortho_init / n_quantiles; `normalize: "{'norm_obs': ..., 'norm_reward': ...}"`
becomes normalize + norm_obs / norm_reward; `train_freq: [1, "episode"]` becomes train_freq 1 +
train_freq_unit "episode"; `env_wrapper: AtariWrapper` becomes wrapper "atari". The zoo's LunarLander-v2
entries are used for LunarLander-v3 (same dynamics, v3 fixed a bug in the wind/landing code).
Kept light (plain dicts): the catalog imports this module and `bench list` must stay fast.

`smoke` = the zoo values with a tiny budget (SMOKE below), so smoke runs still exercise the
tuned code paths (schedules, VecNormalize, gSDE, episode train_freq) in seconds.
"""

from __future__ import annotations

from typing import Any

_ATARI = {"wrapper": "atari", "frame_stack": 4, "policy": "CnnPolicy"}

# The CartPole DQN preset is the zoo's dqn.yml CartPole-v1 (README.md, "References"); it is unstable across seeds
# (zoo issue #472). `cartpole/stable` in STABLE below is the suite's own replacement.
_DQN_CARTPOLE = {
    "n_timesteps": 50_000,
    "learning_rate": 2.3e-3,
    "batch_size": 64,
    "buffer_size": 100_000,
    "learning_starts": 1000,
    "gamma": 0.99,
    "target_update_interval": 10,
    "train_freq": 256,
    "gradient_steps": 128,
    "exploration_fraction": 0.16,
    "exploration_final_eps": 0.04,
    "net_arch": [256, 256],
}
_DQN_ACROBOT = {  # dqn.yml Acrobot-v1 and LunarLander-v2 share these values
    "n_timesteps": 100_000,
    "learning_rate": 6.3e-4,
    "batch_size": 128,
    "buffer_size": 50_000,
    "learning_starts": 0,
    "gamma": 0.99,
    "target_update_interval": 250,
    "train_freq": 4,
    "gradient_steps": -1,
    "exploration_fraction": 0.12,
    "exploration_final_eps": 0.1,
    "net_arch": [256, 256],
}
_DQN_MOUNTAINCAR = {
    "n_timesteps": 120_000,
    "learning_rate": 4e-3,
    "batch_size": 128,
    "buffer_size": 10_000,
    "learning_starts": 1000,
    "gamma": 0.98,
    "target_update_interval": 600,
    "train_freq": 16,
    "gradient_steps": 8,
    "exploration_fraction": 0.2,
    "exploration_final_eps": 0.07,
    "net_arch": [256, 256],
}

ZOO: dict[str, dict[str, dict[str, Any]]] = {
    # hyperparams/dqn.yml
    "dqn": {
        "cartpole": _DQN_CARTPOLE,
        "acrobot": _DQN_ACROBOT,
        "lunarlander": _DQN_ACROBOT,
        "mountaincar": _DQN_MOUNTAINCAR,
        **dict.fromkeys(
            ("pong", "breakout"),
            {
                **_ATARI,
                "n_timesteps": 10_000_000,
                "buffer_size": 10_000,
                "learning_rate": 1e-4,
                "batch_size": 32,
                "learning_starts": 100_000,
                "target_update_interval": 1000,
                "train_freq": 4,
                "gradient_steps": 1,
                "exploration_fraction": 0.1,
                "exploration_final_eps": 0.01,
            },
        ),
    },
    # sb3-contrib's QR-DQN, hyperparams/qrdqn.yml
    "qrdqn": {
        "cartpole": {**_DQN_CARTPOLE, "n_quantiles": 10},
        "mountaincar": {**_DQN_MOUNTAINCAR, "n_quantiles": 25},
        "acrobot": {**_DQN_ACROBOT, "n_quantiles": 25},
        "lunarlander": {
            "n_timesteps": 100_000,
            "learning_rate": "lin_1.5e-3",
            "batch_size": 128,
            "buffer_size": 100_000,
            "learning_starts": 10_000,
            "gamma": 0.995,
            "target_update_interval": 1,
            "train_freq": 256,
            "gradient_steps": -1,
            "exploration_fraction": 0.24,
            "exploration_final_eps": 0.18,
            "net_arch": [256, 256],
            "n_quantiles": 170,
        },
        **dict.fromkeys(("pong", "breakout"), {**_ATARI, "n_timesteps": 10_000_000, "exploration_fraction": 0.025}),
    },
    # hyperparams/ppo.yml
    "ppo": {
        "cartpole": {
            "n_envs": 8,
            "n_timesteps": 100_000,
            "n_steps": 32,
            "batch_size": 256,
            "gae_lambda": 0.8,
            "gamma": 0.98,
            "n_epochs": 20,
            "ent_coef": 0.0,
            "learning_rate": "lin_0.001",
            "clip_range": "lin_0.2",
        },
        "acrobot": {
            "normalize": True,
            "n_envs": 16,
            "n_timesteps": 1_000_000,
            "n_steps": 256,
            "gae_lambda": 0.94,
            "gamma": 0.99,
            "n_epochs": 4,
            "ent_coef": 0.0,
        },
        "mountaincar": {
            "normalize": True,
            "n_envs": 16,
            "n_timesteps": 1_000_000,
            "n_steps": 16,
            "gae_lambda": 0.98,
            "gamma": 0.99,
            "n_epochs": 4,
            "ent_coef": 0.0,
        },
        "mountaincar_continuous": {
            "normalize": True,
            "n_envs": 1,
            "n_timesteps": 20_000,
            "batch_size": 256,
            "n_steps": 8,
            "gamma": 0.9999,
            "learning_rate": 7.77e-05,
            "ent_coef": 0.00429,
            "clip_range": 0.1,
            "n_epochs": 10,
            "gae_lambda": 0.9,
            "max_grad_norm": 5.0,
            "vf_coef": 0.19,
            "use_sde": True,
            "log_std_init": -3.29,
            "ortho_init": False,
        },
        "pendulum": {
            "n_envs": 4,
            "n_timesteps": 100_000,
            "n_steps": 1024,
            "gae_lambda": 0.95,
            "gamma": 0.9,
            "n_epochs": 10,
            "ent_coef": 0.0,
            "learning_rate": 1e-3,
            "clip_range": 0.2,
            "use_sde": True,
            "sde_sample_freq": 4,
        },
        **dict.fromkeys(
            ("lunarlander", "lunarlander_continuous"),
            {
                "n_envs": 16,
                "n_timesteps": 1_000_000,
                "n_steps": 1024,
                "batch_size": 64,
                "gae_lambda": 0.98,
                "gamma": 0.999,
                "n_epochs": 4,
                "ent_coef": 0.01,
            },
        ),
        "halfcheetah": {  # HalfCheetah-v4
            "normalize": True,
            "n_envs": 1,
            "n_timesteps": 1_000_000,
            "batch_size": 64,
            "n_steps": 512,
            "gamma": 0.98,
            "learning_rate": 2.0633e-05,
            "ent_coef": 0.000401762,
            "clip_range": 0.1,
            "n_epochs": 20,
            "gae_lambda": 0.92,
            "max_grad_norm": 0.8,
            "vf_coef": 0.58096,
            "log_std_init": -2.0,
            "ortho_init": False,
            "activation_fn": "relu",
            "net_arch": [256, 256],
        },
        "hopper": {  # Hopper-v4
            "normalize": True,
            "n_envs": 1,
            "n_timesteps": 1_000_000,
            "batch_size": 32,
            "n_steps": 512,
            "gamma": 0.999,
            "learning_rate": 9.80828e-05,
            "ent_coef": 0.00229519,
            "clip_range": 0.2,
            "n_epochs": 5,
            "gae_lambda": 0.99,
            "max_grad_norm": 0.7,
            "vf_coef": 0.835671,
            "log_std_init": -2.0,
            "ortho_init": False,
            "activation_fn": "relu",
            "net_arch": [256, 256],
        },
        **dict.fromkeys(
            ("pong", "breakout"),
            {
                **_ATARI,
                "n_envs": 8,
                "n_steps": 128,
                "n_epochs": 4,
                "batch_size": 256,
                "n_timesteps": 10_000_000,
                "learning_rate": "lin_2.5e-4",
                "clip_range": "lin_0.1",
                "vf_coef": 0.5,
                "ent_coef": 0.01,
            },
        ),
    },
    # hyperparams/a2c.yml
    "a2c": {
        "cartpole": {"n_envs": 8, "n_timesteps": 500_000, "ent_coef": 0.0},
        "lunarlander": {
            "n_envs": 8,
            "n_timesteps": 200_000,
            "gamma": 0.995,
            "n_steps": 5,
            "learning_rate": "lin_0.00083",
            "ent_coef": 0.00001,
        },
        "mountaincar": {"normalize": True, "n_envs": 16, "n_timesteps": 1_000_000, "ent_coef": 0.0},
        "acrobot": {"normalize": True, "n_envs": 16, "n_timesteps": 500_000, "ent_coef": 0.0},
        "pendulum": {
            "normalize": True,
            "n_envs": 8,
            "n_timesteps": 1_000_000,
            "ent_coef": 0.0,
            "max_grad_norm": 0.5,
            "n_steps": 8,
            "gae_lambda": 0.9,
            "vf_coef": 0.4,
            "gamma": 0.9,
            "use_rms_prop": True,
            "normalize_advantage": False,
            "learning_rate": "lin_7e-4",
            "use_sde": True,
            "log_std_init": -2.0,
            "ortho_init": False,
        },
        "lunarlander_continuous": {
            "normalize": True,
            "n_envs": 4,
            "n_timesteps": 5_000_000,
            "ent_coef": 0.0,
            "max_grad_norm": 0.5,
            "n_steps": 8,
            "gae_lambda": 0.9,
            "vf_coef": 0.4,
            "gamma": 0.99,
            "use_rms_prop": True,
            "normalize_advantage": False,
            "learning_rate": "lin_7e-4",
            "use_sde": True,
            "log_std_init": -2.0,
            "ortho_init": False,
        },
        "mountaincar_continuous": {
            "normalize": True,
            "n_envs": 4,
            "n_steps": 100,
            "n_timesteps": 100_000,
            "ent_coef": 0.0,
            "use_sde": True,
            "sde_sample_freq": 16,
            "log_std_init": 0.0,
            "ortho_init": False,
        },
        **dict.fromkeys(("halfcheetah", "hopper"), {"normalize": True, "n_timesteps": 1_000_000}),  # *-v4 mujoco-defaults
        # The zoo also swaps in RMSpropTFLike (eps 1e-5) for Atari; the suite keeps torch's RMSprop.
        **dict.fromkeys(("pong", "breakout"), {**_ATARI, "n_envs": 16, "n_timesteps": 10_000_000, "ent_coef": 0.01, "vf_coef": 0.25}),
    },
    # hyperparams/sac.yml
    "sac": {
        "mountaincar_continuous": {
            "n_timesteps": 50_000,
            "learning_rate": 3e-4,
            "buffer_size": 50_000,
            "batch_size": 512,
            "ent_coef": 0.1,
            "train_freq": 32,
            "gradient_steps": 32,
            "gamma": 0.9999,
            "tau": 0.01,
            "learning_starts": 0,
            "use_sde": True,
            "log_std_init": -3.67,
            "net_arch": [64, 64],
        },
        "pendulum": {"n_timesteps": 20_000, "learning_rate": 1e-3},
        "lunarlander_continuous": {
            "n_timesteps": 500_000,
            "batch_size": 256,
            "learning_rate": "lin_7.3e-4",
            "buffer_size": 1_000_000,
            "ent_coef": "auto",
            "gamma": 0.99,
            "tau": 0.01,
            "train_freq": 1,
            "gradient_steps": 1,
            "learning_starts": 10_000,
            "net_arch": [400, 300],
        },
        **dict.fromkeys(("halfcheetah", "hopper"), {"n_timesteps": 1_000_000, "learning_starts": 10_000}),  # *-v3 mujoco-defaults
    },
    # hyperparams/td3.yml (its Pendulum-v0 entry is used for Pendulum-v1); no MuJoCo entry there.
    "td3": {
        "mountaincar_continuous": {"n_timesteps": 300_000, "noise_type": "ornstein-uhlenbeck", "noise_std": 0.5},
        **{
            name: {
                "n_timesteps": steps,
                "gamma": 0.98,
                "buffer_size": 200_000,
                "learning_starts": 10_000,
                "noise_type": "normal",
                "noise_std": 0.1,
                "gradient_steps": -1,
                "train_freq": 1,
                "train_freq_unit": "episode",
                "learning_rate": 1e-3,
                "net_arch": [400, 300],
            }
            for name, steps in (("pendulum", 20_000), ("lunarlander_continuous", 300_000))
        },
    },
    # sb3-contrib's TRPO, hyperparams/trpo.yml
    "trpo": {
        "cartpole": {
            "n_envs": 2,
            "n_timesteps": 100_000,
            "n_steps": 512,
            "batch_size": 512,
            "cg_damping": 1e-3,
            "gae_lambda": 0.98,
            "gamma": 0.99,
            "learning_rate": 1e-3,
            "n_critic_updates": 20,
        },
        "pendulum": {
            "n_envs": 2,
            "n_timesteps": 100_000,
            "n_steps": 1024,
            "gamma": 0.9,
            "n_critic_updates": 15,
            "use_sde": True,
            "sde_sample_freq": 4,
        },
        "lunarlander": {
            "n_envs": 2,
            "n_timesteps": 200_000,
            "n_steps": 512,
            "cg_damping": 0.01,
            "gae_lambda": 0.98,
            "gamma": 0.99,
            "learning_rate": 1e-3,
            "n_critic_updates": 15,
        },
        "lunarlander_continuous": {"normalize": True, "n_envs": 2, "n_timesteps": 100_000, "n_steps": 1024, "n_critic_updates": 20},
        "acrobot": {"normalize": True, "n_envs": 2, "n_timesteps": 100_000, "n_steps": 1024},
        "mountaincar": {"normalize": True, "n_envs": 2, "n_timesteps": 100_000, "n_steps": 1024, "n_critic_updates": 20},
        "mountaincar_continuous": {"normalize": True, "n_envs": 2, "n_timesteps": 50_000, "use_sde": True, "sde_sample_freq": 4},
        **{
            name: {  # *-v4 entries: the pybullet defaults, HalfCheetah with target_kl 0.04
                "normalize": True,
                "n_envs": 2,
                "n_timesteps": 1_000_000,
                "batch_size": 128,
                "n_steps": 1024,
                "gamma": 0.99,
                "gae_lambda": 0.95,
                "sub_sampling_factor": 1,
                "cg_max_steps": 25,
                "cg_damping": 0.1,
                "n_critic_updates": 20,
                "learning_rate": 1e-3,
                **extra,
            }
            for name, extra in (("halfcheetah", {"target_kl": 0.04}), ("hopper", {}))
        },
    },
}

# The suite's own presets beyond the zoo, with how they were found.
STABLE: dict[str, dict[str, dict[str, Any]]] = {
    "dqn": {
        # `bench run cartpole_dqn --preset stable`: the zoo preset with a smaller, linearly decaying learning
        # rate and 2x larger minibatches. Candidates came from a first search on seeds 0-4 (2026-11-22);
        # because those seeds were seen, the preset was then chosen on TUNING seeds 100-104 (2026-12-01,
        # standard budget 5e4 steps, final deterministic return over 10 episodes, BENCH_THREADS=1, at e90f97f).
        # Rule: most seeds >= 475, then mean return.
        #   zoo preset (`standard`)                  500, 500, 500, 500, 16.2     (4/5, mean 403.2)
        #   learning_rate=lin_2.3e-3                 464, 500, 402.5, 500, 500    (3/5, mean 473.3)
        #   learning_rate=lin_1e-3 batch_size=128    500, 500, 500, 123.4, 500    (4/5, mean 424.7)  <- chosen
        # The choice over the zoo preset is a tie on seeds >= 475 broken by the mean (one failing seed each:
        # 123.4 against 16.2), not a clear win; seed 103 reached 500 at 35k-40k steps and then fell back.
        # Seeds 0-99 are reporting seeds; the choice used none of them. The reported figure is from fresh seeds
        # 10-19 (seeds 0-4 are not reported because they shaped the candidate list).
        "cartpole/stable": {**_DQN_CARTPOLE, "learning_rate": "lin_1e-3", "batch_size": 128},
    },
}

# Smoke: seconds per task, to test the code paths (schedules, VecNormalize, gSDE, noise, wrappers), not learning.
# Off-policy: ~50 gradient steps (train every 16 steps, 2 gradient steps); on-policy: 2 envs, short rollouts.
_SMOKE_COMMON = {"n_timesteps": 500, "record_video": False}
_SMOKE_OFF = {
    **_SMOKE_COMMON,
    "learning_starts": 100,
    "buffer_size": 5000,
    "batch_size": 32,
    "train_freq": 16,
    "train_freq_unit": "step",
    "gradient_steps": 2,
}
SMOKE: dict[str, dict[str, Any]] = {
    "dqn": _SMOKE_OFF,
    "qrdqn": _SMOKE_OFF,
    "sac": _SMOKE_OFF,
    "td3": _SMOKE_OFF,
    "ppo": {**_SMOKE_COMMON, "n_envs": 2, "n_steps": 64, "batch_size": 64, "n_epochs": 2},
    "a2c": {**_SMOKE_COMMON, "n_envs": 2},
    "trpo": {**_SMOKE_COMMON, "n_envs": 2, "n_steps": 128, "batch_size": 128, "n_critic_updates": 2},
}


def model_presets(algo: str) -> dict[str, dict[str, Any]]:
    """`<problem>/standard` (zoo), `<problem>/smoke` (zoo + tiny budget), `smoke` for the other problems."""
    out: dict[str, dict[str, Any]] = {"smoke": dict(SMOKE[algo])}
    for problem, values in ZOO.get(algo, {}).items():
        out[f"{problem}/standard"] = dict(values)
        out[f"{problem}/smoke"] = {**values, **SMOKE[algo]}
    for problem_preset, values in STABLE.get(algo, {}).items():
        out[problem_preset] = dict(values)
    return out


def has_zoo_preset(algo: str, problem: str) -> bool:
    return problem in ZOO.get(algo, {})
