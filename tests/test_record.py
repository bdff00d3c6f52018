"""The record's honest numbers: set-up apart from training, memory per run, deterministic models run once,
and one builder for every writer (runner, crash path)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from suite import store
from suite.config import resolve_config
from suite.memory import RunMemory
from suite.registry import get_registry
from suite.sweep import expand, record_crash
from tests.conftest import run_smoke


def _run(task_id: str, results: Path, seed: int) -> dict:
    return run_smoke(task_id, results, seed=seed, force=True)


def test_first_seed_train_time_is_not_charged_with_set_up(results):
    """Three seeds in one process: imports and data land in seed 0's set-up, not in its training time."""
    import sys

    for mod in [m for m in sys.modules if m.startswith("tasks.classification.runner")]:
        del sys.modules[mod]  # the family runner's imports are paid again by seed 0, as in a fresh process
    recs = [_run("digits_mlp", results, seed) for seed in (0, 1, 2)]
    train = [r["timing"]["train_s"] for r in recs]
    setup = [r["timing"]["setup_s"] for r in recs]
    assert all(r["status"] == "ok" for r in recs)
    for r in recs:
        t = r["timing"]
        assert t["setup_s"] + t["train_s"] + t["eval_s"] <= t["wall_s"] + 1e-6
    assert all(t > 0 for t in setup)  # the family runner's import and the data are set-up, apart from training
    assert train[0] < 3 * max(train[1:]) + 0.5, f"seed 0 train_s {train[0]:.2f} s against {train[1:]}"


def test_peak_memory_belongs_to_the_run_not_the_process():
    with RunMemory() as big:
        block = np.ones(200 * 2**20 // 8)  # 200 MB, touched
        block.sum()
        del block
    with RunMemory() as small:
        np.ones(1000).sum()
    assert big.resources()["peak_rss_increase_mb"] > 150
    # the process high-water mark is still ≥ 200 MB; the second run's own peak is not
    assert small.resources()["peak_rss_increase_mb"] < 50


_PEAK_PROBE = """
import sys, threading
import numpy as np
from suite import memory
from suite.memory import RunMemory
if not memory.reset_high_water_mark():
    print("skip"); sys.exit()
with RunMemory() as kernel:
    assert not any(t.name == "bench-rss" for t in threading.enumerate()), "a sampling thread runs beside the kernel mark"
    np.ones(100 * 2**20 // 8).sum()
memory.reset_high_water_mark = lambda: False
with RunMemory(interval=0.001) as sampled:
    assert any(t.name == "bench-rss" for t in threading.enumerate()), "no sampling thread where the kernel mark is missing"
    block = np.ones(100 * 2**20 // 8)
    block.sum()
    threading.Event().wait(0.05)
    del block
print(kernel.resources()["peak_rss_increase_mb"], sampled.resources()["peak_rss_increase_mb"])
"""


def test_peak_memory_needs_no_sampling_thread_where_the_kernel_keeps_the_mark():
    """On Linux nothing runs beside training (the sampler took the GIL 50 times a second); elsewhere a thread samples.

    In a fresh process: in this one, pages freed by earlier tests can be reused, so a new 100 MB block
    need not raise the resident set at all.
    """
    import subprocess
    import sys

    from tests.conftest import ROOT

    out = subprocess.run([sys.executable, "-c", _PEAK_PROBE], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr.strip().splitlines()[-1:]
    if out.stdout.strip() == "skip":
        pytest.skip("no resettable VmHWM here (not Linux)")
    kernel, sampled = map(float, out.stdout.split())
    assert kernel > 80 and sampled > 80


def test_deterministic_model_runs_once_per_config(tmp_path):
    reg = get_registry()
    det, stoch = reg.task("sunspots_naive"), reg.task("sunspots_lstm")
    assert det.deterministic and not stoch.deterministic
    configs = {t.id: resolve_config(t, "smoke", []) for t in (det, stoch)}
    specs = expand([det, stoch], configs, [0, 1, 2], preset="smoke", results=tmp_path, overrides=[])
    assert [(s.task, s.seed) for s in specs if s.task == "sunspots_naive"] == [("sunspots_naive", 0)]
    assert sorted(s.seed for s in specs if s.task == "sunspots_lstm") == [0, 1, 2]


def test_bench_run_records_a_deterministic_model_once(bench, results):
    code, out, _ = bench("run", "sunspots_naive", "--seeds", "3", "--preset", "smoke", "--results", str(results), "--no-progress")
    assert code == 0
    recs = list(store.iter_records(results, "sunspots_naive"))
    assert len(recs) == 1 and recs[0]["deterministic"] is True and recs[0]["seed"] == 0


def test_crash_record_has_the_schema_of_a_run_record(results, tmp_path):
    """One builder: a crashed run's record has exactly the keys of a finished one."""
    ok = _run("sunspots_naive", results, 0)
    reg = get_registry()
    task = reg.task("sunspots_naive")
    spec = expand([task], {task.id: resolve_config(task, "smoke", [])}, [0], preset="smoke", results=tmp_path, overrides=[])[0]
    crashed = store.read_record(Path(record_crash(spec, "worker process died with SIGKILL", 1.5)["_dir"]))
    finished = store.read_record(Path(ok["_dir"]))
    assert set(crashed) == set(finished)
    assert set(crashed["timing"]) >= {"setup_s", "train_s", "eval_s", "wall_s"}
    assert crashed["status"] == "failed" and crashed["deterministic"] is True
