"""`bench sweep --executor ray` against a real local Ray cluster started for the test
(`ray start --head --num-cpus 2` on free ports, stopped by signalling its process group, see
benchmarks/ray_local.py for why not `ray stop`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

pytest.importorskip("ray")
# ~40 s at load 3 on this shared 2-core machine (cluster start ~7 s, two cold sweeps, stop 5 s), ~95 s at load 7:
# `ray` tests are in the slow tier (tests/conftest.py), `make test-slow`.
pytestmark = pytest.mark.ray

from benchmarks.ray_local import local_cluster  # noqa: E402


@pytest.fixture(scope="module")
def ray_address():
    with local_cluster(num_cpus=2) as address:
        yield address


def run_bench(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "WANDB_MODE": "disabled"}
    env.pop("BENCH_RESULTS", None)
    return subprocess.run([sys.executable, "-m", "cli.main", *args], capture_output=True, text=True, env=env, timeout=300)


def test_smoke_sweep_on_a_ray_cluster_both_record_paths(ray_address, tmp_path):
    res = tmp_path / "res"
    base = ["sweep", "digits_mlp", "--executor", "ray", "--address", ray_address, "--results", str(res)]
    base += ["--preset", "smoke", "--wandb", "disabled", "max_epochs=1"]

    # Records shipped back as tar bytes and published by the driver.
    shipped = run_bench(*base, "--seeds", "2", "--ray-records", "ship")
    assert shipped.returncode == 0, shipped.stdout + shipped.stderr
    assert "2 ran · 0 cached" in shipped.stdout

    # Written by the worker straight into the shared results dir; the two above are skipped.
    shared = run_bench(*base, "--seeds", "3")
    assert shared.returncode == 0, shared.stdout + shared.stderr
    assert "1 ran · 2 cached" in shared.stdout

    runs = sorted(p for p in (res / "digits_mlp").iterdir() if not p.name.startswith("."))
    assert [p.name[-2:] for p in runs] == ["s0", "s1", "s2"]
    for rdir in runs:
        rec = json.loads((rdir / "result.json").read_text())
        assert rec["status"] == "ok" and 0.0 <= rec["metrics"]["test/acc"] <= 1.0
        assert rec["run_id"] == rdir.name and (rdir / "curves.parquet").stat().st_size > 0
    assert not list(res.glob(".ray-probe-*")), "the driver removes its probe file"
    assert not list(res.glob("*/.tmp-*"))


def test_a_tuning_study_on_a_ray_cluster(ray_address, tmp_path):
    """`bench tune --executor ray`: each trial is a Ray task on the cluster, writing into the shared study."""
    res = tmp_path / "res"
    out = run_bench(
        *["tune", "digits_mlp", "--trials", "3", "--workers", "2", "--executor", "ray", "--address", ray_address],
        *["--results", str(res), "--preset", "smoke", "--wandb", "disabled", "--final-seeds", "0", "--no-progress"],
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "saved as preset tuned:digits_mlp" in out.stdout
    recs = [json.loads(p.read_text()) for p in (res / "digits_mlp").glob("*/result.json")]
    trials = sorted(r["tuning"]["trial"] for r in recs if r.get("tuning") and r["tuning"]["trial"] >= 0)
    assert trials == [0, 1, 2], trials
    assert all(r["status"] == "ok" and "val/acc" in r["metrics"] and r["seed"] >= 100 for r in recs)
