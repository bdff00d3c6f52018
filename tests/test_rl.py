"""RL family: every non-optional task's smoke run through the real runner, presets, schedules, evaluation.

.venv/bin/pytest tests/test_rl.py
"""

from __future__ import annotations

import importlib.util
import math
import subprocess
import sys
from types import SimpleNamespace

import pandas as pd
import pytest

from suite.config import resolve_config
from suite.errors import UserError
from suite.registry import get_registry
from suite.runner import execute
from tests.conftest import tiered

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


@pytest.mark.parametrize("task_id", tiered(RL_TASKS, FAST))
def test_smoke_every_task(task_id, tmp_path):
    rec = run_smoke(task_id, tmp_path)
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

    missing = [t for t in RL_TASKS if not has_zoo_preset(REG.task(t).model.name, REG.task(t).problem.name)]
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
    from tasks.rl.envs import cartpole
    from tasks.rl.runner import algo_kwargs

    task = REG.task("cartpole_ppo")
    cfg = resolve_config(task, "standard")
    assert cfg.learning_rate == "lin_0.001" and cfg.clip_range == "lin_0.2"

    kw = algo_kwargs(SimpleNamespace(config=cfg, task=task), cartpole())  # reads only .config and .task
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


def test_evaluation_is_deterministic(tmp_path):
    """Two evaluations of the same (untrained, so varied) policy in a row give identical returns:
    the eval env is reseeded each time, so a score does not depend on earlier evaluations."""
    import torch
    from stable_baselines3 import PPO

    from suite.backends.sb3 import PeriodicEval, make_envs
    from suite.context import RunContext

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # the machine is shared; one thread is faster for a tiny MLP
    try:
        short = {"max_episode_steps": 60}  # episodes of an untrained policy vary in length, capped to stay fast
        ctx = RunContext(task=REG.task("cartpole_ppo"), config=None, seed=0, preset="smoke", device="cpu", run_dir=tmp_path)
        model = PPO("MlpPolicy", make_envs("CartPole-v1", 1, 0, short), seed=0, device="cpu", n_steps=64, policy_kwargs={"net_arch": [16]})
        eval_env = make_envs("CartPole-v1", 3, 123, short)
        cb = PeriodicEval(ctx, eval_env, every=10, episodes=6, threshold=None, eval_seed=123)
        cb.init_callback(model)
        first, second = cb.evaluate(), cb.evaluate()
        assert first == second
        other = PeriodicEval(ctx, eval_env, every=10, episodes=6, threshold=None, eval_seed=456)
        other.init_callback(model)
        assert other.evaluate() != first, "another seed gives other start states: the check above can fail"
    finally:
        torch.set_num_threads(threads)


def test_no_zoo_preset_warns_and_video_is_recorded(tmp_path, monkeypatch):
    import imageio.v2 as imageio

    import tasks.rl.runner as runner

    monkeypatch.setattr(runner, "has_zoo_preset", lambda algo, problem: False)
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
