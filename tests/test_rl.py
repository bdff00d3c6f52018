"""RL family: every non-optional task's smoke run through the real runner, presets, schedules, evaluation.

.venv/bin/pytest tests/test_rl.py
"""

from __future__ import annotations

import importlib.util
import math
import subprocess
import sys

import pandas as pd
import pytest

from suite.config import resolve_config
from suite.errors import UserError
from suite.registry import get_registry
from suite.runner import execute

REG = get_registry()
RL_TASKS = sorted(t.id for t in REG.tasks(family="rl") if not t.problem.traits.get("optional"))
# The fast tier's representatives: on-policy with discrete actions, off-policy with continuous ones.
FAST = {"cartpole_ppo", "pendulum_sac"}


@pytest.fixture(autouse=True)
def one_thread(monkeypatch):
    """Tiny MLPs run faster on one torch thread, and the test machine is shared (the runner reads BENCH_THREADS)."""
    monkeypatch.setenv("BENCH_THREADS", "1")


def run_smoke(task_id: str, results, overrides: dict | None = None) -> dict:
    task = REG.task(task_id)
    cfg = resolve_config(task, "smoke", overrides)
    return execute(task, cfg, preset="smoke", seed=0, results=results, wandb_mode="disabled", progress=False)


@pytest.mark.parametrize("task_id", sorted(FAST))
def test_smoke_every_task(task_id, tmp_path, monkeypatch):
    """The RL marks of the representatives (time to threshold, curves, zoo presets); every task, plug-in
    agents and SBX's included, runs against the family protocol in tests/test_contract.py. SB3 writes no
    log directory of its own (it made an empty /tmp/SB3-<time> a run)."""
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    rec = run_smoke(task_id, tmp_path / "results")
    assert not list((tmp_path / "tmp").glob("SB3-*"))
    assert rec["status"] == "ok", rec["error"]
    assert math.isfinite(rec["metrics"]["eval/mean_return"])
    assert math.isfinite(rec["metrics"]["eval/best_mean_return"])
    assert rec["metrics"]["eval/best_mean_return"] >= rec["metrics"]["eval/mean_return"]
    assert rec["resources"]["throughput"] > 0
    assert rec["timing"]["train_s"] > 0 and rec["timing"]["eval_s"] > 0
    assert rec["reference"]["random"] < rec["reference"]["reference"]
    assert "time_to_threshold" in rec["info"]
    curves = pd.read_parquet(f"{rec['_dir']}/curves.parquet")
    ret = curves[curves.metric == "eval/mean_return"]
    assert len(ret) >= 2, "a periodic and the final evaluation"  # smoke: eval_freq 250 of 500 steps
    assert set(curves.metric) >= {"eval/mean_return", "eval/train_s", "eval/best_mean_return"}
    assert ret.step.is_monotonic_increasing and ret.wall_s.is_monotonic_increasing
    assert rec["warnings"] == [], "every non-optional pair has a zoo preset"


def test_classic_control_and_box2d_pairs_all_have_zoo_presets():
    from tasks.rl.presets import has_zoo_preset

    sb3 = [t for t in RL_TASKS if REG.task(t).model.kind == "module"]  # the short form: SB3 algorithms
    missing = [t for t in sb3 if not has_zoo_preset(REG.task(t).model.name, REG.task(t).problem.name)]
    assert missing == []
    groups = {REG.task(t).problem.traits["group"] for t in RL_TASKS}
    assert groups == {"classic-control", "box2d"}


def test_every_zoo_preset_sets_its_budget():
    """A zoo entry without n_timesteps would silently train for the RLConfig default."""
    from tasks.rl.presets import ZOO

    assert [(a, p) for a, table in ZOO.items() for p, v in table.items() if "n_timesteps" not in v] == []


def test_linear_schedule_parsing():
    from tasks.rl.schedules import LinearSchedule, parse_schedule

    lr = parse_schedule("lin_0.001")
    assert isinstance(lr, LinearSchedule)
    assert lr(1.0) == pytest.approx(1e-3) and lr(0.5) == pytest.approx(5e-4) and lr(0.0) == 0.0
    assert parse_schedule("lin_7.3e-4")(1.0) == pytest.approx(7.3e-4)
    assert parse_schedule(0.2) == 0.2 and parse_schedule("0.2") == 0.2
    for bad in ("cos_0.1", "lin_", "lin_abc", "fast"):
        with pytest.raises(UserError, match="linear schedule"):
            parse_schedule(bad, "learning_rate")


def test_schedule_strings_reach_sb3_as_callables():
    from gymnasium.spaces import Discrete

    from suite.config import model_field_names
    from tasks.rl.sb3_agent import algo_kwargs

    task = REG.task("cartpole_ppo")
    cfg = resolve_config(task, "standard")
    assert cfg.learning_rate == "lin_0.001" and cfg.clip_range == "lin_0.2"

    kw = algo_kwargs(cfg, {k: getattr(cfg, k) for k in model_field_names(task)}, Discrete(2))
    assert callable(kw["learning_rate"]) and kw["learning_rate"](0.5) == pytest.approx(5e-4)
    assert callable(kw["clip_range"]) and kw["clip_range"](1.0) == pytest.approx(0.2)


@pytest.mark.parametrize(
    ("task_id", "why"), [("cartpole_sac", "continuous"), ("pendulum_dqn", "discrete"), ("lunarlander_td3", "continuous")]
)
def test_incompatible_pair_is_not_a_task(task_id, why):
    assert task_id not in RL_TASKS
    with pytest.raises(UserError, match=f"does not exist: .*requires action_space={why}"):
        REG.task(task_id)


def test_cartpole_dqn_standard_equals_references():
    """rl-baselines3-zoo hyperparams/dqn.yml and ppo.yml, CartPole-v1, as tasks/rl/README.md ("References") copies them."""
    cfg = resolve_config(REG.task("cartpole_dqn"), "standard")
    expected = dict(
        n_timesteps=50_000,
        policy="MlpPolicy",
        learning_rate=2.3e-3,
        batch_size=64,
        buffer_size=100_000,
        learning_starts=1000,
        gamma=0.99,
        target_update_interval=10,
        train_freq=256,
        gradient_steps=128,
        exploration_fraction=0.16,
        exploration_final_eps=0.04,
        net_arch=[256, 256],
    )
    assert {k: getattr(cfg, k) for k in expected} == expected
    ppo = resolve_config(REG.task("cartpole_ppo"), "standard")
    assert (ppo.n_envs, ppo.n_timesteps, ppo.n_steps, ppo.batch_size, ppo.gae_lambda, ppo.gamma, ppo.n_epochs) == (
        8,
        100_000,
        32,
        256,
        0.8,
        0.98,
        20,
    )
    a2c = resolve_config(REG.task("cartpole_a2c"), "standard")
    assert (a2c.n_envs, a2c.n_timesteps, a2c.ent_coef, a2c.learning_rate) == (8, 500_000, 0.0, 7e-4)


def test_cartpole_dqn_stable_preset_is_the_zoo_preset_with_two_changes():
    task = REG.task("cartpole_dqn")
    zoo, stable = resolve_config(task, "standard"), resolve_config(task, "stable")
    changed = {k: (v, getattr(stable, k)) for k, v in vars(zoo).items() if getattr(stable, k) != v}
    assert changed == {"learning_rate": (2.3e-3, "lin_1e-3"), "batch_size": (64, 128)}
    with pytest.raises(UserError, match="preset"):
        resolve_config(REG.task("acrobot_dqn"), "stable")


def test_evaluation_is_deterministic():
    """Two evaluations of the same (untrained, so varied) policy in a row give identical returns:
    the eval env is reseeded each time, so a score does not depend on earlier evaluations."""
    import numpy as np

    from tasks.rl.protocol import EnvMaker, run_episodes, vec_env

    class Linear:  # a fixed policy whose episodes vary with the start state
        def act(self, obs):  # (n, 4) -> (n,)
            return (obs @ np.array([0.3, -1.0, 2.0, 0.5]) > 0).astype(int)

    env = vec_env(EnvMaker("CartPole-v1", {"max_episode_steps": 60}), 0, 3, 123)  # short episodes: fast
    first, second = run_episodes(Linear(), env, 6, 123), run_episodes(Linear(), env, 6, 123)
    assert first == second and len(first[0]) == 6
    assert run_episodes(Linear(), env, 6, 456) != first, "another seed gives other start states: the check above can fail"


def test_evaluation_steps_episodes_as_sb3_evaluate_policy():
    """The family's evaluation is SB3's evaluate_policy with `act` for `predict`: the same returns, in
    the same order, so records made with evaluate_policy rerun bit for bit (6 episodes on 4 copies:
    a copy that has done its share runs on unrecorded)."""
    import torch
    from stable_baselines3 import PPO
    from stable_baselines3.common.evaluation import evaluate_policy

    from suite.backends.sb3 import make_envs
    from tasks.rl.protocol import EnvMaker, run_episodes, vec_env

    torch.set_num_threads(1)
    short = {"max_episode_steps": 60}
    model = PPO("MlpPolicy", make_envs("CartPole-v1", 1, 0, short), seed=0, device="cpu", n_steps=64, policy_kwargs={"net_arch": [16]})

    class Agent:
        def act(self, obs):
            return model.predict(obs, deterministic=True)[0]

    env = vec_env(EnvMaker("CartPole-v1", short), 0, 4, 7)
    ours = run_episodes(Agent(), env, 6, 7)
    env.seed(7)
    theirs = evaluate_policy(model, env, n_eval_episodes=6, deterministic=True, return_episode_rewards=True)
    assert ours == tuple(theirs) and len(set(ours[0])) > 1, ours


def test_no_zoo_preset_warns_and_video_is_recorded(tmp_path, monkeypatch):
    import imageio.v2 as imageio

    import tasks.rl.sb3_agent as sb3_agent

    monkeypatch.setattr(sb3_agent, "has_zoo_preset", lambda algo, problem: False)
    rec = run_smoke("cartpole_ppo", tmp_path, {"record_video": True, "video_frames": 12})
    assert rec["status"] == "ok", rec["error"]
    assert any("no rl-baselines3-zoo preset" in w for w in rec["warnings"])
    (art,) = rec["artifacts"]
    assert art["kind"] == "video" and art["path"].endswith(".gif")
    frames = imageio.mimread(f"{rec['_dir']}/{art['path']}")
    assert 1 <= len(frames) <= 12
    assert frames[0].shape[1] == 300  # 600-pixel CartPole frames at half size


@pytest.mark.parametrize(("problem", "module"), [("hopper", "mujoco"), ("pong", "ale_py"), ("breakout", "cv2")])
def test_optional_problem_without_extra_is_a_user_error(problem, module, monkeypatch):
    monkeypatch.setitem(sys.modules, module, None)  # what `import module` meets when it is not installed
    assert REG.problem(problem).traits["optional"] is True
    with pytest.raises(UserError, match=r"benchsuite\[(mujoco|atari)\]"):
        REG.problem(problem).load()()


# The extras are in the dev install, so CI runs these (in the slow tier: a Pong smoke run alone is ~10 s).
@pytest.mark.slow
@pytest.mark.parametrize(("task_id", "module"), [("hopper_sac", "mujoco"), ("halfcheetah_ppo", "mujoco"), ("pong_dqn", "ale_py")])
def test_optional_problems_smoke(task_id, module, tmp_path):
    if not importlib.util.find_spec(module):
        pytest.skip(f"{module} is not installed (pip install 'benchsuite[mujoco,atari]')")
    rec = run_smoke(task_id, tmp_path)
    assert rec["status"] == "ok", rec["error"]
    assert math.isfinite(rec["metrics"]["eval/mean_return"]) and rec["warnings"] == []
    # Smoke caps episodes (a whole HalfCheetah or Pong episode would cost more than the training):
    # HalfCheetah never ends by itself and a Pong game is ~3000 frames, so their capped episodes are as long as the cap.
    cap = rec["config"]["max_episode_steps"]
    lengths = rec["info"]["evaluation"]["final_episode_length"]
    assert 0 < lengths["max"] <= cap, lengths
    if task_id != "hopper_sac":  # a Hopper may fall before the cap
        assert lengths["mean"] == cap, lengths


def test_max_episode_steps_caps_training_and_evaluation_episodes(tmp_path):
    # CartPole pays 1 per step and cannot fall in fewer than ~8 steps: a 5-step cap shows as a return of 5.
    rec = run_smoke("cartpole_ppo", tmp_path, {"max_episode_steps": 5})
    assert rec["status"] == "ok", rec["error"]
    assert rec["metrics"]["eval/mean_return"] == 5.0
    assert rec["info"]["evaluation"]["final_episode_length"] == {"mean": 5.0, "max": 5}


def test_catalog_does_not_import_torch():
    code = "import sys, tasks.rl; assert 'torch' not in sys.modules and 'stable_baselines3' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
