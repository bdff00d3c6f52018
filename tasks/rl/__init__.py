"""Reinforcement learning: the catalog. Problems are gymnasium environments, models are SB3 algorithms."""

from suite.registry import REGISTRY, Family, ModelSpec, ProblemSpec

FAMILY = "rl"
_HERE = "tasks.rl"

REGISTRY.add_family(
    Family(
        name=FAMILY,
        runner=f"{_HERE}.runner:run",
        config=f"{_HERE}.config:RLConfig",
        primary_metric="eval/mean_return",
        higher_is_better=True,
        presets={"smoke": {"n_timesteps": 1000, "eval_episodes": 2, "final_episodes": 2}},
        description="stable-baselines3 agents on gymnasium; primary metric final deterministic evaluation return",
    )
)

REGISTRY.add_problem(
    ProblemSpec(
        name="cartpole",
        families=(FAMILY,),
        target=f"{_HERE}.envs:cartpole",
        description="CartPole-v1 (classic control), max return 500",
        traits={"action_space": "discrete"},
        refs={FAMILY: {"random": 22.0, "reference": 500.0, "threshold": 475.0}},
    )
)

REGISTRY.add_model(
    ModelSpec(
        name="dqn",
        families=(FAMILY,),
        target="stable_baselines3:DQN",
        config=f"{_HERE}.algos:DQNConfig",
        requires={"action_space": "discrete"},
        description="Deep Q-Network (SB3), rl-baselines3-zoo tuned presets",
        presets={
            # rl-baselines3-zoo hyperparams/dqn.yml, CartPole-v1.
            "cartpole/standard": {
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
            },
            "cartpole/smoke": {"learning_starts": 100, "train_freq": 64, "gradient_steps": 8, "net_arch": [64, 64]},
        },
    )
)
