"""The worked plug-in in examples/my_models: pip-installed, found through its entry point, compared.

It is installed with `pip install --target` into a temporary directory put on PYTHONPATH, not into
.venv: other test sessions share the venv, and a plug-in visible to them would add tasks to their
registry for the duration of this test. Offline: --no-deps --no-build-isolation uses the venv's setuptools.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from benchmarks import synthetic
from reports import stats
from reports.records import load
from reports.render import interval, mean_cell

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(sys.executable).parent / "bench"

pytestmark = pytest.mark.slow  # a pip install and two training runs in a child process: ~30 s


def test_example_plugin_installs_and_compares(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(ROOT / "examples" / "my_models", src)  # the build writes egg-info beside the sources
    site = tmp_path / "site"
    pip = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--no-deps",
        "--no-build-isolation",
        "--no-index",
        "--target",
        str(site),
        str(src),
    ]
    proc = subprocess.run(pip, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert list(site.glob("benchsuite_my_models-*.dist-info/entry_points.txt"))

    results = tmp_path / "results"
    for seed, acc in enumerate([0.60, 0.62, 0.61]):  # an opponent: mlp records at the same preset
        synthetic.write(results, synthetic.record("digits", "mlp", seed, acc, refs={"random": 0.1, "reference": 1.0}, preset="smoke"))
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(site), str(ROOT)]),
        "WANDB_MODE": "disabled",
        "BENCH_THREADS": "1",
        "BENCH_BASELINE": str(tmp_path / "no-baseline"),
        "COLUMNS": "200",
    }
    cmd = [str(BENCH), "compare", "res_mlp", "--problems", "digits", "--preset", "smoke", "--seeds", "2"]
    cmd += ["--results", str(results), "--no-progress", "--wandb", "disabled"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=env, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "digits · classification: res_mlp against the others" in proc.stdout
    assert "P(res_mlp > model)" in proc.stdout
    runs = load(results)
    mine = runs[runs["model"] == "res_mlp"]
    assert sorted(mine["seed"]) == [0, 1] and (mine["status"] == "ok").all()
    # The table compares the records just written: res_mlp's mean and t interval over its two seeds (kept
    # inside accuracy's [0, 1]), and P(res_mlp > mlp) from those seeds against the three mlp records.
    scores = mine["score"].to_numpy(float)
    (lo,), (hi,) = stats.bounded_intervals(scores[None, :], 0.0, 1.0)
    assert mean_cell({"mean": scores.mean(), "ci_low": lo, "ci_high": hi}) in proc.stdout
    p, p_lo, p_hi = stats.probability_of_improvement([scores], [np.array([0.60, 0.62, 0.61])])
    mlp_row = next(line for line in proc.stdout.splitlines() if "│ mlp" in line)
    assert interval({"p": p, "lo": p_lo, "hi": p_hi}, "p", "lo", "hi") in mlp_row
