"""The forecasting catalog, and what its two kinds of model log (every task's smoke run against the family
protocol is in tests/test_contract.py)."""

from __future__ import annotations

import pandas as pd

from suite.registry import get_registry
from tests.conftest import run_smoke

TASKS = sorted(t.id for t in get_registry().tasks(family="forecasting"))


def test_every_model_forms_a_task_with_every_problem():
    reg = get_registry()
    problems = [p for p in reg.problems.values() if "forecasting" in p.families]
    models = [m for m in reg.all_models() if "forecasting" in m.families]
    assert len(problems) >= 4 and len(models) >= 8
    assert len(TASKS) == len(problems) * len(models)


def test_deep_models_log_one_validation_point_per_epoch_and_baselines_none(results):
    """What the contract test (tests/test_contract.py, every task on smoke) cannot know: a module short form
    is trained by the family's Lightning loop, which logs val/mase every epoch; a trainer logs nothing."""
    for task_id in ("sunspots_mlp", "sunspots_naive"):
        rec = run_smoke(task_id, results)
        task = get_registry().task(task_id)
        curves = pd.read_parquet(results / task_id / rec["run_id"] / "curves.parquet")
        assert rec["info"]["kind"] == task.model.kind
        if task.model.kind == "module":
            assert (curves["metric"] == "val/mase").sum() == rec["config"]["max_epochs"]
        else:
            assert curves.empty
