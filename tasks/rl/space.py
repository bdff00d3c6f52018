"""What `bench tune` varies for each SB3 algorithm: rl-baselines3-zoo's Optuna samplers, carried over.

Source: DLR-RM/rl-baselines3-zoo, `rl_zoo3/hyperparams_opt.py` (`sample_dqn_params`,
`sample_qrdqn_params`, `sample_ppo_params`, `sample_a2c_params`, `sample_trpo_params`,
`sample_sac_params`, `sample_td3_params`), read at commit 0a9df50. Same ranges, written over the
suite's own config keys; where the zoo samples a helper variable the translation is said:

- `one_minus_gamma` log-uniform [1e-4, 0.03] → gamma ∈ [0.97, 0.9999]: a log range over 1 − gamma
  cannot be written over gamma itself, so PPO/A2C take the zoo's TRPO/DQN gamma choices instead;
- `one_minus_gae_lambda` log-uniform [1e-4, 0.1] → the zoo's TRPO gae_lambda choices, likewise;
- `net_arch` tiny/small/medium → [64] / [64, 64] / [256, 256] (SAC/TD3: small/medium/big = [64, 64] /
  [256, 256] / [400, 300]); the suite's net_arch is one list for policy and value networks;
- DQN `gradient_steps = train_freq // subsample_steps` → gradient_steps = -1 (one gradient step per
  env step collected: the zoo's subsample_steps = 1); SAC/TD3 `gradient_steps = train_freq` → -1 too;
- TD3 `noise_type` None → "none".

The objective is the final deterministic evaluation return (the primary metric) of a run on tuning
seeds 100 and up, whose evaluation envs are seeded 10,100 and up: disjoint from every reporting
seed's (0-99 → 10,000-10,099). The budget (n_timesteps) is the preset's.
"""

from suite.tuning.space import Space, categorical, loguniform, uniform

_GAMMA = categorical(0.9, 0.95, 0.98, 0.99, 0.995, 0.999, 0.9999)
_NET = categorical("64", "64,64", "256,256")  # tiny, small, medium
_NET_BIG = categorical("64,64", "256,256", "400,300")  # small, medium, big
_DQN = {
    "gamma": _GAMMA,
    "learning_rate": loguniform(1e-5, 1.0),
    "batch_size": categorical(16, 32, 64, 100, 128, 256, 512),
    "buffer_size": categorical(10_000, 50_000, 100_000, 1_000_000),
    "exploration_final_eps": uniform(0.0, 0.2),
    "exploration_fraction": uniform(0.0, 0.5),
    "target_update_interval": categorical(1, 1000, 5000, 10000, 15000, 20000),
    "learning_starts": categorical(0, 1000, 5000, 10000, 20000),
    "train_freq": categorical(1, 4, 8, 16, 128, 256, 1000),
    "gradient_steps": categorical(-1),
    "net_arch": _NET,
}
_PPO_COMMON = {
    "gamma": _GAMMA,
    "gae_lambda": categorical(0.8, 0.9, 0.92, 0.95, 0.98, 0.99, 1.0),
    "learning_rate": loguniform(1e-5, 0.002),
    "ent_coef": loguniform(1e-8, 0.1),
    "max_grad_norm": uniform(0.3, 2.0),
    "net_arch": _NET,
    "activation_fn": categorical("tanh", "relu"),
}
_OFF_CONT = {
    "gamma": _GAMMA,
    "learning_rate": loguniform(1e-5, 1.0),
    "buffer_size": categorical(10_000, 100_000, 1_000_000),
    "tau": categorical(0.001, 0.005, 0.01, 0.02, 0.05, 0.08),
    "train_freq": categorical(1, 4, 8, 16, 32, 64, 128, 256, 512),
    "gradient_steps": categorical(-1),
    "net_arch": _NET_BIG,
}
SPACE = Space(
    objective="eval/mean_return",
    direction="maximize",
    skip_test=False,
    models={
        "dqn": _DQN,
        "qrdqn": {**_DQN, "n_quantiles": categorical(*range(5, 201, 5))},  # zoo: suggest_int(5, 200)
        "ppo": {
            **_PPO_COMMON,
            "batch_size": categorical(32, 64, 128, 256, 512),
            "n_steps": categorical(32, 64, 128, 256, 512, 1024, 2048),
            "clip_range": categorical(0.1, 0.2, 0.3, 0.4),
            "n_epochs": categorical(1, 5, 10, 20),
        },
        "a2c": {**_PPO_COMMON, "n_steps": categorical(32, 64, 128, 256, 512, 1024, 2048), "net_arch": categorical("64,64", "256,256")},
        "trpo": {
            "batch_size": categorical(8, 16, 32, 64, 128, 256, 512),
            "n_steps": categorical(8, 16, 32, 64, 128, 256, 512, 1024, 2048),
            "gamma": _GAMMA,
            "learning_rate": loguniform(1e-5, 1.0),
            "n_critic_updates": categorical(5, 10, 20, 25, 30),
            "cg_max_steps": categorical(5, 10, 20, 25, 30),
            "target_kl": categorical(0.1, 0.05, 0.03, 0.02, 0.01, 0.005, 0.001),
            "gae_lambda": categorical(0.8, 0.9, 0.92, 0.95, 0.98, 0.99, 1.0),
            "net_arch": categorical("64,64", "256,256"),
            "activation_fn": categorical("tanh", "relu"),
        },
        "sac": {
            **_OFF_CONT,
            "batch_size": categorical(16, 32, 64, 128, 256, 512, 1024, 2048),
            "learning_starts": categorical(0, 1000, 10000, 20000),
            "log_std_init": uniform(-4.0, 1.0),
        },
        "td3": {
            **_OFF_CONT,
            "batch_size": categorical(16, 32, 64, 100, 128, 256, 512, 1024, 2048),
            "noise_type": categorical("ornstein-uhlenbeck", "normal", "none"),
            "noise_std": uniform(0.0, 1.0),
        },
    },
    source="rl-baselines3-zoo rl_zoo3/hyperparams_opt.py sample_<algo>_params (tasks/rl/space.py)",
)
