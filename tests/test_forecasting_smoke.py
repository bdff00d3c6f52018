"""Every forecasting task runs end to end through the real runner on its smoke preset."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from suite.config import resolve_config
from suite.registry import get_registry
from suite.runner import execute

TASKS = sorted(t.id for t in get_registry().tasks(family="forecasting"))


def test_every_model_forms_a_task_with_every_problem():
    reg = get_registry()
    problems = [p for p in reg.problems.values() if "forecasting" in p.families]
    models = [m for m in reg.all_models() if "forecasting" in m.families]
    assert len(problems) >= 4 and len(models) >= 8
    assert len(TASKS) == len(problems) * len(models)


@pytest.mark.parametrize("task_id", TASKS)
def test_smoke_run_records_metrics_plot_and_curves(task_id, results):
    task = get_registry().task(task_id)
    rec = execute(task, resolve_config(task, "smoke"), preset="smoke", seed=0, results=results, wandb_mode="disabled", progress=False)
    assert rec["status"] == "ok", rec["error"] or rec["traceback"]
    assert rec["primary_metric"] == "test/mase" and rec["higher_is_better"] is False
    assert {"test/mase", "test/smape", "test/mae", "test/rmse"} <= set(rec["metrics"])
    assert 0 < rec["metrics"]["test/mase"] < 20
    assert rec["reference"]["reference"] == 0.0 and rec["reference"]["random"] > 0
    assert rec["info"]["origins"] >= 2 and len(rec["info"]["mase_by_horizon"]) == rec["info"]["horizon"]
    run_dir = results / task_id / rec["run_id"]
    assert json.loads((run_dir / "result.json").read_text())["status"] == "ok"
    (plot,) = [a for a in rec["artifacts"] if a["kind"] == "image"]
    assert (run_dir / plot["path"]).stat().st_size > 5_000
    curves = pd.read_parquet(run_dir / "curves.parquet")
    assert rec["info"]["kind"] == task.model.kind
    if task.model.kind == "module":  # a torch module, trained by the family's Lightning trainer
        assert (curves["metric"] == "val/mase").sum() == rec["config"]["max_epochs"]  # one point per epoch
    else:
        assert curves.empty
