"""Run records: atomic publish, cache hits, --force, failures recorded, SIGKILL leaves no partial record."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

from suite import store
from suite.registry import get_registry
from tests.conftest import BENCH, ROOT, run_smoke

SCHEMA_KEYS = {
    "schema_version",
    "run_id",
    "task",
    "problem",
    "model",
    "family",
    "seed",
    "preset",
    "config",
    "config_hash",
    "status",
    "error",
    "metrics",
    "primary_metric",
    "higher_is_better",
    "timing",
    "resources",
    "env",
    "started_at",
    "finished_at",
}


def test_record_schema_and_curves(results):
    rec = run_smoke("digits_mlp", results)
    run_dir = results / "digits_mlp" / rec["run_id"]
    on_disk = json.loads((run_dir / "result.json").read_text())
    assert SCHEMA_KEYS <= set(on_disk)
    assert on_disk["status"] == "ok" and 0.0 <= on_disk["metrics"]["test/acc"] <= 1.0
    timing = on_disk["timing"]
    assert timing["setup_s"] + timing["train_s"] + timing["eval_s"] <= timing["wall_s"] + 1e-6
    assert min(timing["setup_s"], timing["train_s"], timing["eval_s"]) > 0
    assert on_disk["resources"]["params"] == 64 * 64 + 64 + 64 * 10 + 10
    assert on_disk["resources"]["peak_rss_increase_mb"] >= 0 and on_disk["resources"]["device"] == "cpu"
    assert on_disk["deterministic"] is False and on_disk["curve"] == {"axis": "epoch", "metric": "val/acc"}
    assert {"python", "torch", "lightning", "sb3", "gymnasium", "platform", "cpu", "git_sha", "suite_version"} <= set(on_disk["env"])
    curves = pd.read_parquet(run_dir / "curves.parquet")
    assert list(curves.columns) == ["step", "wall_s", "metric", "value"]
    assert {"val/loss", "val/acc"} <= set(curves["metric"])
    assert (run_dir / "artifacts" / "confusion_matrix.png").stat().st_size > 1000
    assert not [p for p in (results / "digits_mlp").iterdir() if p.name.startswith(".")]


def test_same_config_and_seed_is_cached_and_force_reruns(results):
    first = run_smoke("digits_mlp", results)
    again = run_smoke("digits_mlp", results)
    assert again["cached"] and again["finished_at"] == first["finished_at"]
    other_seed = run_smoke("digits_mlp", results, seed=1)
    assert not other_seed["cached"]
    time.sleep(1.1)
    forced = run_smoke("digits_mlp", results, force=True)
    assert not forced["cached"] and forced["finished_at"] != first["finished_at"]
    assert len(list(store.iter_records(results, "digits_mlp"))) == 2


def test_same_seed_same_numbers_other_seed_other_numbers(results, tmp_path):
    a = run_smoke("digits_mlp", results)
    b = run_smoke("digits_mlp", tmp_path / "other")  # another results dir: trained again, not a cache hit
    assert not b["cached"] and b["metrics"] == a["metrics"]
    c = run_smoke("digits_mlp", results, seed=1)
    assert c["metrics"]["test/loss"] != a["metrics"]["test/loss"], "the seed must reach the initialisation and the shuffling"


def test_a_crashing_model_is_recorded_as_failed_with_traceback(results, tmp_path):
    plugin = tmp_path / "crash_models.py"
    plugin.write_text(
        "from suite import register_model\n"
        "@register_model('crash_on_forward', family='classification')\n"
        "def crash_on_forward(input_shape, num_classes):\n"
        "    from torch import nn\n"
        "    class Crash(nn.Module):\n"
        "        def __init__(self):\n"
        "            super().__init__(); self.w = nn.Linear(1, 1)\n"
        "        def forward(self, x):\n"
        "            raise RuntimeError('model exploded')\n"
        "    return Crash()\n"
    )
    get_registry([str(plugin)])
    rec = run_smoke("digits_crash_on_forward", results)
    assert rec["status"] == "failed" and "model exploded" in rec["error"] and "Traceback" in rec["traceback"]
    ok = run_smoke("digits_mlp", results)
    assert ok["status"] == "ok"


def test_nan_loss_is_recorded_as_diverged(results):
    rec = run_smoke("digits_mlp", results, overrides=["lr=1e30", "optimizer=sgd", "momentum=0.0"])
    assert rec["status"] == "diverged", rec["error"]
    assert "non-finite" in rec["error"]


def test_sigkill_mid_run_leaves_no_partial_record(results):
    env = {**os.environ, "BENCH_RESULTS": str(results), "WANDB_MODE": "disabled"}
    proc = subprocess.Popen(
        [*BENCH, "run", "digits_mlp", "--preset", "smoke", "max_epochs=100000", "--no-progress"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    task_dir = results / "digits_mlp"
    deadline = time.time() + 60
    while time.time() < deadline and not (task_dir.is_dir() and any(p.name.startswith(".tmp-") for p in task_dir.iterdir())):
        time.sleep(0.2)
    time.sleep(1.0)  # well inside training
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert task_dir.is_dir(), "the run never started"
    assert list(store.iter_records(results)) == []
    assert [p for p in task_dir.iterdir() if not p.name.startswith(".")] == []
    assert store.clean_stale(results) == 1  # the next run removes the dead staging dir
    assert list(task_dir.iterdir()) == []


def test_unwritable_results_dir_is_a_user_error(tmp_path):
    from suite.errors import UserError

    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(UserError, match="not writable"):
        store.check_writable(blocker / "results")


@pytest.mark.skipif(sys.platform != "linux", reason="os.rename semantics")
def test_publish_replaces_atomically(tmp_path):
    final = tmp_path / "t" / "run"
    for value in ("old", "new"):
        staging = tmp_path / "t" / f".tmp-{value}"
        staging.mkdir(parents=True)
        (staging / "result.json").write_text(json.dumps({"v": value}))
        store.publish(staging, final)
    assert json.loads((final / "result.json").read_text()) == {"v": "new"}
    assert sorted(p.name for p in (tmp_path / "t").iterdir()) == ["run"]
