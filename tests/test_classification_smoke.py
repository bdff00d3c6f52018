"""Every torch classification task on embedded data runs end to end through the real runner on its smoke preset."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from suite.config import resolve_config
from suite.registry import get_registry
from suite.runner import execute

FAMILY = "classification"
# the short form through the built-in Fabric trainer (curves, steps, parameters); trainers such as the
# scikit-learn estimators bring none of those and are checked in test_classification_contract.py
TASKS = sorted(t.id for t in get_registry().tasks(family=FAMILY) if not t.problem.traits.get("optional") and t.model.kind == "module")


def test_the_catalog():
    reg = get_registry()
    ids = {t.id for t in reg.tasks(family=FAMILY)}
    assert {"digits_mlp", "digits_cnn", "mnist1d_logreg", "mnist1d_mlp", "mnist1d_cnn", "mnist1d_gru", "cifar10_resnet"} <= ids
    assert "digits_gru" not in ids and "mnist1d_lenet5" not in ids and "mnist1d_resnet" not in ids  # signal vs image
    assert {"digits", "mnist1d"} == {t.split("_")[0] for t in TASKS}
    for name in ("mnist", "fashion_mnist", "cifar10"):
        assert reg.problem(name).traits["optional"] is True
    for p in reg.problems.values():
        if FAMILY in p.families:
            r = p.refs[FAMILY]
            assert r["random"] == 0.1 and r["random"] < r["threshold"] < r["reference"] <= 1 and r["curve_metric"] == "val/acc"


@pytest.mark.parametrize("task_id", TASKS)
def test_smoke_run(task_id, results):
    task = get_registry().task(task_id)
    rec = execute(task, resolve_config(task, "smoke"), preset="smoke", seed=0, results=results, wandb_mode="disabled", progress=False)
    assert rec["status"] == "ok", rec["error"] or rec["traceback"]
    m = rec["metrics"]
    assert rec["primary_metric"] == "test/acc" and rec["higher_is_better"] is True
    for key in ("test/acc", "test/loss", "test/f1_macro", "test/ece"):
        assert math.isfinite(m[key]), key
    assert 0 <= m["test/acc"] <= 1 and 0 <= m["test/ece"] <= 1
    assert rec["resources"]["params"] > 0 and rec["resources"]["throughput"] > 0 and rec["timing"]["train_s"] > 0
    assert rec["info"]["train_steps"] <= 4  # the smoke budget really is small: one epoch of 256 samples
    run_dir = results / task_id / rec["run_id"]
    curves = pd.read_parquet(run_dir / "curves.parquet")
    assert {"val/acc", "val/loss", "train/loss", "train/acc"} <= set(curves["metric"])
    (cm,) = [a for a in rec["artifacts"] if a["kind"] == "image"]
    assert (run_dir / cm["path"]).stat().st_size > 5_000
