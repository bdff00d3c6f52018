"""Reinforcement learning: the catalog. Problems are gymnasium environments; models are SB3 algorithms and agents of the contract.

    bench run cartpole_ppo --seeds 3            # zoo-tuned preset, 3 seeds
    bench run cartpole_dqn --preset stable      # the suite's own DQN preset (chosen on seeds 100-104)
    bench config pendulum_sac                   # every key and its resolved value
    bench contract rl                           # what a plug-in agent brings, with a working example

Tuned presets come from rl-baselines3-zoo (`presets.py`). Kept light: no torch / SB3 import here.
"""

from suite.registry import REGISTRY, Family, ModelSpec, ProblemSpec
from suite.tuning.space import register_space
from tasks.rl.presets import model_presets
from tasks.rl.sb3_agent import Algorithm

FAMILY = "rl"
_HERE = "tasks.rl"

REGISTRY.add_family(
    Family(
        name=FAMILY,
        runner=f"{_HERE}.runner:run",
        config=f"{_HERE}.config:RLConfig",
        primary_metric="eval/mean_return",
        higher_is_better=True,
        # smoke: 2 periodic evaluations of 2 episodes, enough for a curve; the model presets set the budget.
        presets={"smoke": {"n_timesteps": 500, "eval_freq": 250, "eval_episodes": 2, "final_episodes": 2, "record_video": False}},
        description="agents on gymnasium (SB3 algorithms and plug-ins); primary metric final deterministic evaluation return",
        curve_axis="env steps",
        curve_metric="eval/mean_return",
        # The plug-in door: an agent learns from an env factory and acts on a batch of observations;
        # the family's protocol (protocol.py) evaluates it. SB3 algorithms come in through sb3_agent.py.
        contract=f"{_HERE}.contract:Agent",
        adapter=f"{_HERE}.sb3_agent:adapt",
        example=f"{_HERE}:plugin_example.py",
        probe=f"{_HERE}.runner:probe",
    )
)


def _refs(random: float, reference: float, threshold: float | None, bounds: tuple[float, float] | None = None) -> dict:
    """random: measured by `python -m tasks.rl.random_returns` (100 episodes, seeds 0..99, uniform actions)
    unless said otherwise; reference: best score of the suite's algorithms in rl-baselines3-zoo's benchmark.md;
    threshold: gymnasium's `reward_threshold` for "solved" unless said otherwise. Every figure with its
    source: README.md, "References". bounds: the range an episode's return cannot leave (CartPole's 500
    steps of +1), so that reports keep intervals inside it and read seeds all at the cap as saturated."""
    out = {"random": random, "reference": reference, "curve_metric": "eval/mean_return"}
    if threshold is not None:
        out["threshold"] = threshold
    if bounds is not None:
        out["bounds"] = list(bounds)
    return out


# (name, target, description, traits, refs)
_PROBLEMS = [
    ("cartpole", "CartPole-v1, max return 500", "discrete", "classic-control", _refs(23.68, 500.0, 475.0, (0.0, 500.0))),
    ("acrobot", "Acrobot-v1, return -500..0", "discrete", "classic-control", _refs(-497.08, -73.5, -100.0, (-500.0, 0.0))),  # ref: PPO
    # mountaincar's reference: DQN
    ("mountaincar", "MountainCar-v0, return -200..~-100", "discrete", "classic-control", _refs(-200.0, -100.8, -110.0, (-200.0, 0.0))),
    # reference: the zoo's benchmark.md SAC score (94.7).
    ("mountaincar_continuous", "MountainCarContinuous-v0", "continuous", "classic-control", _refs(-33.25, 94.0, 90.0)),
    # Pendulum has no gymnasium threshold: -200 is the suite's success bar. reference: the zoo's TD3 score.
    ("pendulum", "Pendulum-v1, return ~-1500..0", "continuous", "classic-control", _refs(-1207.56, -151.9, -200.0)),
    ("lunarlander", "LunarLander-v3 (discrete)", "discrete", "box2d", _refs(-191.96, 242.1, 200.0)),  # ref: PPO
    ("lunarlander_continuous", "LunarLander-v3 continuous", "continuous", "box2d", _refs(-212.68, 270.9, 200.0)),  # ref: PPO
]
for _name, _desc, _space, _group, _r in _PROBLEMS:
    REGISTRY.add_problem(
        ProblemSpec(
            name=_name,
            families=(FAMILY,),
            target=f"{_HERE}.envs:{_name}",
            description=_desc,
            traits={"action_space": _space, "group": _group},
            refs={FAMILY: _r},
        )
    )

# Optional: need `pip install 'benchsuite[mujoco]'` / `[atari]`, a GPU or many cores; not in default suites.
# Their episodes are long (1000 MuJoCo steps; a lost Pong game is ~3000 frames), and smoke evaluates
# whole episodes: capped there so a smoke run stays in seconds (Atari counts raw frames, 4 per agent step).
_SMOKE_EPISODE = {"mujoco": 200, "atari": 800}
# random: published random-policy scores (D4RL for MuJoCo; the DQN Nature paper for Atari);
# reference: the zoo's benchmark.md best (MuJoCo v3/v4, Atari NoFrameskip-v4), approximate.
_OPTIONAL = [
    ("hopper", "MuJoCo Hopper-v5", "continuous", "mujoco", _refs(-20.3, 3600.0, 3800.0)),
    ("halfcheetah", "MuJoCo HalfCheetah-v5", "continuous", "mujoco", _refs(-280.2, 9500.0, 4800.0)),
    # Atari thresholds are the suite's (no gymnasium threshold): near the zoo's scores.
    ("pong", "Atari Pong (NoFrameskip-v4 + AtariWrapper)", "discrete", "atari", _refs(-20.7, 21.0, 18.0)),
    ("breakout", "Atari Breakout (NoFrameskip-v4 + AtariWrapper)", "discrete", "atari", _refs(1.7, 400.0, 300.0)),
]
for _name, _desc, _space, _group, _r in _OPTIONAL:
    REGISTRY.add_problem(
        ProblemSpec(
            name=_name,
            families=(FAMILY,),
            target=f"{_HERE}.envs:{_name}",
            description=_desc,
            traits={"action_space": _space, "group": _group, "optional": True, **({"input": "image"} if _group == "atari" else {})},
            refs={FAMILY: _r},
            presets={"smoke": {"max_episode_steps": _SMOKE_EPISODE[_group]}},
        )
    )

# (name, SB3 target, config class, requires, description): the short form, adapted by sb3_agent.adapt
_MODELS = [
    ("dqn", "stable_baselines3:DQN", "DQNConfig", {"action_space": "discrete"}, "Deep Q-Network (SB3)"),
    ("qrdqn", "sb3_contrib:QRDQN", "QRDQNConfig", {"action_space": "discrete"}, "Quantile-regression DQN (sb3-contrib)"),
    ("ppo", "stable_baselines3:PPO", "PPOConfig", {}, "Proximal Policy Optimization (SB3)"),
    ("a2c", "stable_baselines3:A2C", "A2CConfig", {}, "Advantage Actor-Critic (SB3)"),
    ("trpo", "sb3_contrib:TRPO", "TRPOConfig", {}, "Trust Region Policy Optimization (sb3-contrib)"),
    ("sac", "stable_baselines3:SAC", "SACConfig", {"action_space": "continuous"}, "Soft Actor-Critic (SB3)"),
    ("td3", "stable_baselines3:TD3", "TD3Config", {"action_space": "continuous"}, "Twin Delayed DDPG (SB3)"),
]
for _name, _target, _cfg, _req, _desc in _MODELS:
    REGISTRY.add_model(
        ModelSpec(
            name=_name,
            families=(FAMILY,),
            target=Algorithm(_target),
            config=f"{_HERE}.algos:{_cfg}",
            requires=_req,
            description=f"{_desc}, rl-baselines3-zoo tuned presets",
            presets=model_presets(_name),
        )
    )

register_space(FAMILY, f"{_HERE}.space:SPACE")  # `bench tune`: tasks/rl/space.py

# SBX (SB3 in JAX), the optional extra `benchsuite[sbx]`: its tasks list without it; a run without it is refused in one line.
import tasks.rl.sbx_agent  # noqa: E402, F401

# Through the plug-in door (the public decorator): a plain-PyTorch DQN, one file, no SB3.
from tasks.rl import torch_dqn  # noqa: E402, F401
