"""The forecasting contract (tasks/forecasting/contract.py): Theta through the public decorator, the
README's plug-in through the command line, and broken plug-ins refused in one line before any run."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

from suite import store
from suite.config import resolve_config
from suite.registry import get_registry
from suite.runner import execute
from tasks.forecasting import data
from tests.conftest import ROOT, bench_subprocess

EXAMPLE = ROOT / "tasks" / "forecasting" / "plugin_example.py"


@pytest.mark.parametrize("problem", ["sunspots", "co2"])  # an additive and a multiplicative season
def test_theta_forecast_from_the_training_end_is_statsmodels_own(problem):
    from statsmodels.tsa.forecasting.theta import ThetaModel

    from tasks.forecasting.theta import Theta

    s = getattr(data, problem)()
    train = s.y[: s.train_end].copy()
    model = Theta(s.season)
    model.fit(train)
    want = np.asarray(ThetaModel(train, period=s.season).fit().forecast(s.horizon))
    np.testing.assert_allclose(model.predict(train.copy(), s.horizon), want, rtol=1e-12)
    # one step further, the estimates stay and the level moves with the new value (not re-estimated)
    longer = s.y[: s.train_end + 1].copy()
    refit = np.asarray(ThetaModel(longer, period=s.season).fit().forecast(s.horizon))
    assert not np.allclose(model.predict(longer, s.horizon), refit, rtol=1e-9)


def test_theta_gives_one_exact_record_on_sunspots(results):
    task = get_registry().task("sunspots_theta")
    assert task.model.kind == "trainer" and task.deterministic and task.run_seeds([0, 1, 2]) == [0]
    rec = execute(task, resolve_config(task, "standard"), preset="standard", seed=0, results=results, wandb_mode="disabled", progress=False)
    assert rec["status"] == "ok", rec["error"]
    assert rec["deterministic"] is True and rec["info"]["kind"] == "trainer"
    m = rec["metrics"]
    # measured: 2.188 (exact); the random walk scores 2.701 and seasonal_naive 1.213 on this backtest
    assert m["test/mase"] == pytest.approx(2.1876, abs=1e-4)
    assert rec["info"]["fitted"]["alpha"] > 0 and len(rec["info"]["fitted"]["seasonal"]) == 11  # the test found the 11-year cycle
    assert rec["resources"]["params"] == 13  # b0, alpha and 11 seasonal indices


def test_the_example_plugin_runs_through_the_cli_and_ranks_on_the_board(tmp_path):
    assert len(EXAMPLE.read_text().splitlines()) <= 30
    printed = bench_subprocess("contract", "forecasting")
    assert printed.returncode == 0 and "class Forecaster(Protocol)" in printed.stdout and EXAMPLE.read_text() in printed.stdout
    out = tmp_path / "results"
    done = bench_subprocess(
        "compare", "ar", "--plugin", str(EXAMPLE), "--problems", "sunspots", "--results", str(out), "--wandb", "disabled"
    )
    assert done.returncode == 0, done.stderr
    (rec,) = store.iter_records(out, "sunspots_ar")  # deterministic: one run for the 3 seeds asked
    assert rec["status"] == "ok" and rec["deterministic"] and 0 < rec["metrics"]["test/mase"] < 5
    board = done.stdout
    assert "sunspots" in board and all(name in board for name in ("ar", "seasonal_naive", "ets", "mlp"))  # beside the shipped baselines


# name → the class body that breaks the contract, and what the one line must say
BROKEN = {
    "no_predict": ("", "no method predict(history, horizon)"),
    "old_predict": (
        "def predict(self, history):\n    return history[-1:]\n",
        "predict(self, history) cannot be called as predict(history, horizon)",
    ),
    "short_predict": (
        "def predict(self, history, horizon):\n    return np.zeros(horizon - 1)\n",
        "returned (9,); expected an array of shape (10,)",
    ),
}


@pytest.mark.parametrize("name", list(BROKEN))
def test_a_broken_plugin_is_refused_in_one_line_before_any_run(name, bench, tmp_path, own_registry):
    body, says = BROKEN[name]
    fitted = tmp_path / "fitted"
    plugin = tmp_path / f"{name}.py"
    plugin.write_text(
        "import numpy as np\nfrom pathlib import Path\nfrom suite import register_model\n\n\n"
        f'@register_model("{name}", family="forecasting", kind="trainer")\n'
        "class Broken:\n"
        "    def fit(self, train):\n"
        f"        Path({str(fitted)!r}).touch()\n" + textwrap.indent(body, "    ")
    )
    out = tmp_path / "results"
    code, _, err = bench("run", f"sunspots_{name}", "--plugin", str(plugin), "--seeds", "0,", "--results", str(out), "--wandb", "disabled")
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("bench: error: sunspots_") and says in err, err
    assert "bench contract forecasting" in err
    assert not list(store.iter_records(out)) and not (out / f"sunspots_{name}").exists()  # no record, no run directory
    # a missing or uncallable method is refused before anything is built; a wrong shape needs the probe's fit
    assert fitted.exists() == (name == "short_predict")


def test_a_module_that_maps_windows_to_the_wrong_width_is_refused(bench, tmp_path, own_registry):
    plugin = tmp_path / "wide.py"
    plugin.write_text(
        "from torch import nn\nfrom suite import register_model\n\n\n"
        '@register_model("wide", family="forecasting")\n'
        "def wide(window: int, horizon: int) -> nn.Module:\n"
        "    return nn.Linear(window, horizon + 1)\n"
    )
    code, _, err = bench(
        "run", "sunspots_wide", "--plugin", str(plugin), "--seeds", "0,", "--results", str(tmp_path / "r"), "--wandb", "disabled"
    )
    assert code == 2 and err.count("\n") == 1
    assert "maps a probe batch (2, 33) to (2, 11); expected (2, 10)" in err, err
