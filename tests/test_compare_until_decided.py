"""`bench compare --until-decided` end to end on written records: the plan, the looks and the verdict,
with no training (both sides have records for every look, and a run would fail the test)."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks import synthetic
from cli.main import main as bench

DIGITS = {"random": 0.1, "reference": 1.0}  # margin: 2 % of 0.9 = 0.018
PLUGIN = '''
from suite import register_model

@register_model("seq_probe", family="classification")
def seq_probe(input_shape, num_classes, width: int = 8):
    """built by the plan's probe, never trained in this test"""
    from torch import nn

    return nn.Sequential(nn.Flatten(), nn.LazyLinear(num_classes))
'''


@pytest.fixture(scope="module")
def plugin_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("plugin") / "seq_probe.py"
    path.write_text(PLUGIN)
    return path


def write_runs(tmp_path, monkeypatch, plugin, probe_mean: float) -> tuple:
    """30 seeds of mlp (the 'shipped' side, spread 0.004) and 30 of the probe in its current config."""
    from suite import api
    from suite.config import config_hash

    results, base = tmp_path / "results", tmp_path / "baseline"
    plan = api.plan(["digits_seq_probe"], seeds=[0], preset="smoke", results=results, plugins=[str(plugin)])
    probe_hash = config_hash("digits_seq_probe", "smoke", plan.configs["digits_seq_probe"])
    rng = np.random.default_rng(3)
    for seed in range(30):
        mlp = synthetic.record("digits", "mlp", seed, float(rng.normal(0.97, 0.004)), refs=DIGITS, preset="smoke")
        synthetic.write(base, mlp)
        probe = synthetic.record(
            "digits", "seq_probe", seed, float(rng.normal(probe_mean, 0.004)), refs=DIGITS, preset="smoke", config_hash=probe_hash
        )
        synthetic.write(results, probe)
    monkeypatch.setenv("BENCH_BASELINE", str(base))

    def no_training(*args, **kwargs):
        raise AssertionError("every look's seeds are recorded: nothing may train")

    monkeypatch.setattr(api, "run", no_training)
    return results


@pytest.mark.parametrize(
    ("probe_mean", "flags", "verdict"),
    [
        (0.99, [], "better"),
        (0.95, [], "worse"),
        (0.97, [], "futile"),  # no difference of a margin in sight after a few seeds: the default stops there
        (0.97, ["--strict-equivalence"], "equivalent"),  # the strict plan runs on until the interval fits
    ],
)
def test_until_decided_reaches_the_verdict_of_the_records(tmp_path, monkeypatch, capsys, plugin_file, probe_mean, flags, verdict):
    results = write_runs(tmp_path, monkeypatch, plugin_file, probe_mean)
    args = ["compare", "seq_probe", "--problems", "digits", "--against", "mlp", "--preset", "smoke", "--until-decided", *flags]
    assert bench([*args, "--results", str(results), "--plugin", str(plugin_file)]) == 0
    out = capsys.readouterr().out
    assert "boundaries calibrated for the looks" in out and "look 1 at 2/30 seeds" in out  # all 30 recorded mlp seeds are free
    row = next(line for line in out.splitlines() if line.startswith("| digits | mlp |"))
    assert f"| {verdict} |" in row
    assert "hold for two models whose seeds spread alike" in out  # the error rates' condition, stated with them


@pytest.mark.parametrize("flags", [["--max-seeds", "500"], ["--max-seeds", "2"], ["--step", "0"]])
def test_a_plan_out_of_range_is_refused_in_one_line_before_any_run(flags, tmp_path, capsys):
    """Seeds from 100 on are tuning's, the first look is at 2 and a plan has a second: a plan outside that is one line, exit 2."""
    code = bench(["compare", "mlp", "--problems", "digits", "--until-decided", "--results", str(tmp_path), *flags])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "3 ≤ --max-seeds ≤ 100 and --step ≥ 1" in err[0], err
    assert not list(tmp_path.glob("digits_*/*/result.json"))
