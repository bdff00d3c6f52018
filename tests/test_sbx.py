"""SBX (SB3 in JAX) agents through the RL plug-in door (tasks/rl/sbx_agent.py), an optional extra.

With `benchsuite[sbx]` installed every sbx task's smoke record meets the RL protocol; without it the
tasks still list, and a run is refused before it starts, in one line naming the extra, exit 2.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys

import pytest

from suite import store
from suite.config import resolve_config
from suite.registry import get_registry
from tests.conftest import ROOT, bench_subprocess, run_smoke, tiered
from tests.test_contract import check_record

REG = get_registry()
SBX_TASKS = sorted(t.id for t in REG.tasks() if t.model.name.startswith("sbx_") and t.problem.in_suites())
HAVE_SBX = importlib.util.find_spec("sbx") is not None
needs_sbx = pytest.mark.skipif(not HAVE_SBX, reason="sbx is not installed: pip install 'benchsuite[sbx]'")
# Fast here: the paths test_contract's fast tier (one task per model on its cheapest problem) leaves out:
# VecNormalize (acrobot's PPO preset) and a non-default activation (flax's, not torch's).
FAST = {"acrobot_sbx_ppo"}


def test_every_sbx_model_is_registered_through_the_public_door():
    models = {REG.task(i).model.name: REG.task(i).model for i in SBX_TASKS}.values()
    assert {m.name for m in models} == {"sbx_dqn", "sbx_ppo", "sbx_sac", "sbx_td3", "sbx_tqc", "sbx_crossq"}
    assert all(m.kind == "trainer" and m.source == "tasks.rl.sbx_agent" for m in models), "probed like a user's plug-in"


@needs_sbx
@pytest.mark.parametrize("task_id", tiered(SBX_TASKS, FAST))
def test_sbx_task_meets_the_rl_protocol(task_id, results):
    rec = run_smoke(task_id, results, overrides=["activation_fn=elu"])
    check_record(rec, store.run_path(results, task_id, rec["run_id"]))
    assert rec["config"]["activation_fn"] == "elu"


@pytest.mark.parametrize(
    "algo,problems", [("dqn", ("cartpole", "acrobot")), ("ppo", ("cartpole", "pendulum")), ("sac", ("pendulum",)), ("td3", ("pendulum",))]
)
def test_sbx_standard_presets_are_sb3s(algo, problems):
    """An equal comparison: every key of SB3's zoo preset, SBX's task sets to the same value, budget included."""
    for problem in problems:
        sb3 = resolve_config(REG.task(f"{problem}_{algo}"), "standard")
        sbx = resolve_config(REG.task(f"{problem}_sbx_{algo}"), "standard")
        keys = REG.model(algo).presets[f"{problem}/standard"]
        assert {k: getattr(sbx, k) for k in keys} == {k: getattr(sb3, k) for k in keys}, problem


@pytest.mark.parametrize(
    ("env", "one_thread"),
    [
        ({}, True),
        ({"BENCH_THREADS": "1"}, True),
        ({"BENCH_THREADS": "2"}, (os.cpu_count() or 1) < 2),  # two threads where there are two cores
        ({"BENCH_THREADS": "2", "BENCH_THREADS_MAX": "1"}, True),
    ],
)
def test_jax_loads_with_the_run_s_threads_even_when_nothing_set_them_yet(monkeypatch, env, one_thread):
    """Planning loads JAX before the run places its threads: a plain `bench run` or a sweep worker (no
    BENCH_THREADS) must still get a single-threaded XLA, as the RL family's one-thread default says."""
    from tasks.rl import sbx_agent

    for var in ("BENCH_THREADS", "BENCH_THREADS_MAX", "OMP_NUM_THREADS", "XLA_FLAGS"):
        monkeypatch.delenv(var, raising=False)
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    monkeypatch.setattr(sbx_agent, "require", lambda *a: None)  # JAX not really loaded here
    monkeypatch.delitem(sys.modules, "jax", raising=False)  # as before JAX loads; put back after the test
    sbx_agent.import_sbx("DQN")
    assert ("--xla_cpu_multi_thread_eigen=false" in os.environ.get("XLA_FLAGS", "")) == one_thread


def test_without_sbx_tasks_list_and_a_run_is_refused_in_one_line(bench, results, monkeypatch):
    listed = bench_subprocess("list", "--family", "rl")
    assert listed.returncode == 0 and "cartpole_sbx_dqn" in listed.stdout and "pendulum_sbx_crossq" in listed.stdout
    monkeypatch.setitem(sys.modules, "sbx", None)  # `import sbx` now raises ImportError, as on a clone without the extra
    code, out, err = bench("run", "cartpole_sbx_dqn", "--preset", "smoke", "--seeds", "0,", "--results", str(results), "--no-progress")
    assert code == 2, err
    (line,) = err.strip().splitlines()
    assert "pip install 'benchsuite[sbx]'" in line and "sbx" in line
    assert not results.exists() or not list(store.iter_records(results)), "refused before any run: no record"


def test_the_catalog_imports_no_jax():
    """`bench list` stays light: the sbx models are listed without importing SBX or JAX."""
    code = "import sys; from suite.registry import get_registry; get_registry(); print(sorted({'jax', 'sbx', 'flax'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0 and out.stdout.strip() == "[]", out.stderr
