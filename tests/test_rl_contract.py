"""The RL contract (tasks/rl/contract.py): the plain-PyTorch DQN through the public decorator, the
example plug-in through the command line, and broken plug-ins refused in one line before learning."""

from __future__ import annotations

import math
import textwrap

import pandas as pd
import pytest

from suite import store
from suite.config import resolve_config
from suite.registry import get_registry
from suite.runner import execute
from tests.conftest import ROOT, bench_subprocess

EXAMPLE = ROOT / "tasks" / "rl" / "plugin_example.py"


def test_torch_dqn_smoke_is_a_valid_record_with_curves(results):
    task = get_registry().task("cartpole_torch_dqn")
    assert task.model.kind == "trainer" and task.model.source != "builtin"  # the public door, not the catalog
    rec = execute(task, resolve_config(task, "smoke"), preset="smoke", seed=0, results=results, wandb_mode="disabled", progress=False)
    assert rec["status"] == "ok", rec["error"]
    m = rec["metrics"]
    assert math.isfinite(m["eval/mean_return"]) and m["eval/best_mean_return"] >= m["eval/mean_return"]
    assert m["train/timesteps"] == 500 and rec["resources"]["throughput"] > 0
    assert rec["timing"]["train_s"] > 0 and rec["timing"]["eval_s"] > 0
    curves = pd.read_parquet(f"{rec['_dir']}/curves.parquet")
    ret = curves[curves.metric == "eval/mean_return"]
    assert ret.step.tolist() == [250, 500], "a periodic evaluation at eval_freq 250, then the final one"
    assert {"train/td_loss", "train/epsilon"} <= set(curves.metric), "learning started within the smoke budget"


def test_torch_dqn_presets_are_sb3_dqn_standard_presets():
    """Equal budgets: every key SB3's dqn standard preset sets, torch_dqn's sets to the same value."""
    reg = get_registry()
    for problem in ("cartpole", "acrobot"):
        sb3 = resolve_config(reg.task(f"{problem}_dqn"), "standard")
        ours = resolve_config(reg.task(f"{problem}_torch_dqn"), "standard")
        keys = reg.model("dqn").presets[f"{problem}/standard"]
        assert {k: getattr(ours, k) for k in keys} == {k: getattr(sb3, k) for k in keys}, problem


def test_the_example_plugin_runs_through_the_cli_and_ranks_on_the_board(tmp_path):
    assert len(EXAMPLE.read_text().splitlines()) <= 30
    printed = bench_subprocess("contract", "rl")
    assert printed.returncode == 0 and "class Agent(Protocol)" in printed.stdout and EXAMPLE.read_text() in printed.stdout
    out = tmp_path / "results"
    args = ("--plugin", str(EXAMPLE), "--results", str(out), "--wandb", "disabled", "--no-progress")
    done = bench_subprocess("run", "cartpole_hill_climb", "--preset", "smoke", "--seeds", "0,", *args)
    assert done.returncode == 0, done.stderr
    (rec,) = store.iter_records(out, "cartpole_hill_climb")
    assert rec["status"] == "ok" and math.isfinite(rec["metrics"]["eval/mean_return"])
    # its standard preset (100k env steps, about 3 s a seed) on the board beside the shipped SB3 baselines
    done = bench_subprocess("run", "cartpole_hill_climb", "--seeds", "0,1", "record_video=false", *args)
    assert done.returncode == 0, done.stderr
    board = done.stdout
    assert "cartpole · rl" in board and all(f" {name} " in board for name in ("hill_climb", "ppo", "dqn")), board


_ACT = "def act(self, obs):\n    return np.zeros(len(obs), dtype=int)\n"
# name → the class body that breaks the contract (learn always leaves a mark), and what the one line must say
BROKEN = {
    "no_act": ("def learn(self, make_env, total_steps, seed, logger):\n    LEARNED.touch()\n", "no method act(obs)"),
    "old_learn": (
        "def learn(self, env, total_steps):\n    LEARNED.touch()\n" + _ACT,
        "learn(self, env, total_steps) cannot be called as learn(make_env, total_steps, seed, logger)",
    ),
    "wide_act": (
        "def learn(self, make_env, total_steps, seed, logger):\n    LEARNED.touch()\n"
        "def act(self, obs):\n    return np.zeros((len(obs), 2), dtype=int)\n",
        "returned shape (2, 2); expected (2,)",
    ),
    "float_act": (
        "def learn(self, make_env, total_steps, seed, logger):\n    LEARNED.touch()\n"
        "def act(self, obs):\n    return np.full(len(obs), 0.5)\n",
        "not all in the action space Discrete(2)",
    ),
}


@pytest.mark.parametrize("name", list(BROKEN))
def test_a_broken_plugin_is_refused_in_one_line_before_learning(name, bench, tmp_path, own_registry):
    body, says = BROKEN[name]
    learned = tmp_path / "learned"
    plugin = tmp_path / f"{name}.py"
    plugin.write_text(
        "import numpy as np\nfrom pathlib import Path\nfrom suite import register_model\n\n"
        f"LEARNED = Path({str(learned)!r})\n\n\n"
        f'@register_model("{name}", family="rl", kind="trainer")\n'
        "class Broken:\n"
        "    def __init__(self, observation_space, action_space):\n"
        "        pass\n\n" + textwrap.indent(body, "    ")
    )
    out = tmp_path / "results"
    code, _, err = bench("run", f"cartpole_{name}", "--plugin", str(plugin), "--seeds", "0,", "--results", str(out), "--wandb", "disabled")
    assert code == 2
    assert err.count("\n") == 1 and err.startswith(f"bench: error: cartpole_{name}: ") and says in err, err
    assert "rl contract" in err
    assert not list(store.iter_records(out)) and not (out / f"cartpole_{name}").exists()  # no record, no run directory
    assert not learned.exists(), "refused before learning"
