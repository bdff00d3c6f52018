"""One contract test over everything registered (as SB3's tests/test_run.py): every task runs on smoke
through the real runner, and its record is checked against its family's protocol.

Tiers: the fast gate runs one task per registered model (on the cheapest problem it serves); `make
test-slow` runs every task. The families' example plug-ins (`bench contract F --example-only`) run
through the command line, as a user runs them, and are held to the same protocol.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from suite import store
from suite.raw import unpack
from suite.registry import get_registry
from tests.conftest import ROOT, bench_subprocess, run_smoke

REG = get_registry()
# The cheapest problem first: a model's fast-tier task is on the first of these it serves.
CHEAP = ("digits", "sunspots", "mnist1d", "cartpole", "pendulum", "acrobot", "co2", "elnino", "synthetic")


def _order(task) -> tuple[int, str]:
    name = task.problem.name
    return (CHEAP.index(name) if name in CHEAP else len(CHEAP), task.id)


def every_task() -> list[str]:
    """Every registered task whose problem needs nothing beyond the core install (or whose files are here)."""
    return sorted(t.id for t in REG.tasks() if t.problem.in_suites())


def fast_tier() -> set[str]:
    """One task per registered model: the model's task on the cheapest problem."""
    fast = {}
    for task in sorted((REG.task(i) for i in every_task()), key=_order):
        fast.setdefault((task.model.name, task.model.families), task.id)
    return set(fast.values())


# -- each family's protocol: what every record of it must hold, whatever model made it ----------------


def _finite(rec: dict, *keys: str) -> None:
    for key in keys:
        assert math.isfinite(rec["metrics"][key]), key


def classification(rec: dict, curves: pd.DataFrame, arts: set[str]) -> None:
    _finite(rec, "test/acc", "test/loss", "test/f1_macro", "test/ece")
    assert 0 <= rec["metrics"]["test/acc"] <= 1 and 0 <= rec["metrics"]["test/ece"] <= 1
    assert "confusion_matrix.png" in arts
    right = unpack(rec["raw"]["correct"])  # per test sample, for paired tests between classifiers
    assert right.mean() == pytest.approx(rec["metrics"]["test/acc"], abs=1e-6)


def generation(rec: dict, curves: pd.DataFrame, arts: set[str]) -> None:
    m = rec["metrics"]
    _finite(rec, "gen/fd", "gen/fd_normalized", "gen/kid")
    for key in ("gen/precision", "gen/recall", "gen/coverage", "gen/class_entropy"):
        assert 0 <= m[key] <= 1, key
    assert m["gen/fd_floor"] < m["gen/fd_ceiling"] < m["gen/fd_trivial_mean"]  # the judge's reference points
    assert m["gen/fd_normalized"] == pytest.approx((m["gen/fd"] - m["gen/fd_floor"]) / (m["gen/fd_ceiling"] - m["gen/fd_floor"]))
    assert m["gen/nfe"] >= 1 and m["gen/sample_s_per_1000"] > 0  # the sampling cost, measured for every model
    assert "samples.png" in arts


def autoencoding(rec: dict, curves: pd.DataFrame, arts: set[str]) -> None:
    _finite(rec, "test/mse", "test/probe_acc", "test/mse_mean_image")
    assert 0 <= rec["metrics"]["test/probe_acc"] <= 1 and rec["metrics"]["test/bce"] > 0
    assert "reconstructions.png" in arts
    assert unpack(rec["raw"]["mse"]).mean() == pytest.approx(rec["metrics"]["test/mse"], rel=1e-4)  # per test image


def forecasting(rec: dict, curves: pd.DataFrame, arts: set[str]) -> None:
    _finite(rec, "test/mase", "test/smape", "test/mae", "test/rmse")
    assert rec["metrics"]["test/mase"] > 0 and rec["reference"]["reference"] == 0.0 and rec["reference"]["random"] > 0
    assert rec["info"]["origins"] >= 2 and len(rec["info"]["mase_by_horizon"]) == rec["info"]["horizon"]
    assert "forecast.png" in arts
    assert len(unpack(rec["raw"]["origin_loss"])) == len(unpack(rec["raw"]["origin_loss_naive"])) == rec["info"]["origins"]


def rl(rec: dict, curves: pd.DataFrame, arts: set[str]) -> None:
    m = rec["metrics"]
    _finite(rec, "eval/mean_return", "eval/best_mean_return")
    assert m["eval/best_mean_return"] >= m["eval/mean_return"]
    returns = curves[curves.metric == "eval/mean_return"]
    assert len(returns) >= 1 and returns.step.is_monotonic_increasing
    assert rec["resources"]["throughput"] > 0 and rec["timing"]["eval_s"] > 0
    assert np.mean(unpack(rec["raw"]["episode_return"])) == pytest.approx(m["eval/mean_return"])  # per final episode


def compression(rec: dict, curves: pd.DataFrame, arts: set[str]) -> None:
    cols = [c["metric"] for c in rec["rankings"]["compression"]["columns"]]
    assert cols and all(c in rec["metrics"] for c in cols)


PROTOCOL: dict[str, Callable[[dict, pd.DataFrame, set[str]], None]] = {
    "classification": classification,
    "generation": generation,
    "autoencoding": autoencoding,
    "forecasting": forecasting,
    "rl": rl,
    "compression": compression,
}


def check_record(rec: dict, run_dir: Path) -> None:
    """The record against the engine's schema and every family it is ranked in."""
    assert rec["status"] == "ok", rec.get("error") or rec.get("traceback")
    assert set(rec["rankings"]) == set(rec["families"]) and rec["family"] in rec["families"]
    for family, rank in rec["rankings"].items():
        assert math.isfinite(rec["metrics"][rank["primary_metric"]]), family
    timing = rec["timing"]
    assert (timing["train_s"] is None or timing["train_s"] >= 0) and timing["wall_s"] > 0  # dynamic int8 trains nothing
    assert rec["resources"]["threads"] >= 1
    curves = pd.read_parquet(run_dir / store.CURVES_FILE)
    arts = {Path(a["path"]).name for a in rec["artifacts"]}
    for a in rec["artifacts"]:
        assert (run_dir / a["path"]).is_file(), a
    for family in rec["families"]:
        PROTOCOL[family](rec, curves, arts)


@pytest.fixture(scope="module")
def shared_results(tmp_path_factory) -> Path:
    """One results directory for the module: compression tasks find their parents there, as in a sweep."""
    return tmp_path_factory.mktemp("contract") / "results"


@pytest.fixture(autouse=True)
def _generative_cache(feature_cache):
    """The generative judge's feature extractor is trained once per session."""


def test_every_family_has_a_protocol_check():
    assert set(PROTOCOL) == set(REG.families)


def skip_without_its_extra(task_id: str) -> None:
    """A task whose model needs an optional extra not installed here (e.g. `benchsuite[sbx]`) is skipped
    with the suite's own one-line refusal, found as a user meets it: by the checks before any run."""
    from suite.config import resolve_config
    from suite.contract import check
    from suite.errors import MissingDependency

    task = REG.task(task_id)
    try:
        check(task, resolve_config(task, "smoke"))
    except MissingDependency as exc:
        pytest.skip(str(exc))


@pytest.mark.parametrize("task_id", [i if i in fast_tier() else pytest.param(i, marks=pytest.mark.slow) for i in every_task()])
def test_task_meets_its_family_protocol(task_id, shared_results):
    skip_without_its_extra(task_id)
    rec = run_smoke(task_id, shared_results)
    check_record(rec, store.run_path(shared_results, task_id, rec["run_id"]))


# -- the families' example plug-ins, through the command line -------------------------------------------

EXAMPLE_PROBLEM = {
    "classification": "digits",
    "generation": "digits",
    "autoencoding": "digits",
    "forecasting": "sunspots",
    "rl": "cartpole",
}


def examples() -> list[tuple[str, str]]:
    """(family, example file) for every family that ships one."""
    from suite.registry import example_path

    return [(name, str(example_path(f.example))) for name, f in sorted(REG.families.items()) if f.example]


@pytest.mark.parametrize("family,path", examples())
def test_example_plugin_runs_from_the_command_line_and_meets_the_protocol(family, path, tmp_path):
    (name,) = re.findall(r"@register_model\(\s*[\"'](\w+)[\"']", Path(path).read_text())
    task_id = f"{EXAMPLE_PROBLEM[family]}_{name}"
    results = tmp_path / "results"
    out = bench_subprocess(
        "run", task_id, "--plugin", path, "--preset", "smoke", "--results", str(results), "--no-progress", "--wandb", "disabled"
    )
    assert out.returncode == 0, out.stderr[-2000:]
    (rec,) = store.iter_records(results, task_id)
    check_record(rec, next((results / task_id).iterdir()))
    assert len(Path(path).read_text().splitlines()) <= 30, "the README's promise: a plug-in in 30 lines"


def test_examples_cover_every_trained_family():
    assert {f for f, _ in examples()} >= {"classification", "generation", "autoencoding", "forecasting", "rl"}


def test_the_door_is_the_same_for_built_ins():
    """Built-ins that come in through the public decorator are probed like a user's plug-in."""
    decorated = [m for m in REG.all_models() if m.source != "builtin"]
    assert any(m.kind == "trainer" for m in decorated), "some built-ins come in exactly as a user's would"
    assert str(ROOT) not in " ".join(m.source for m in decorated), "sources name modules, not this machine's paths"
