"""`bench compare` on existing records (--no-run): head-to-head numbers, rank, baseline merge, bad input."""

from __future__ import annotations

import pytest

from benchmarks import synthetic
from cli.main import main as bench
from reports.compare import head_to_head
from reports.records import load_with_baseline

DIGITS = {"random": 0.1, "reference": 1.0}
PLUGIN = '''
from suite import register_model

@register_model("cmp_probe", family="classification")
def cmp_probe(input_shape, num_classes, width: int = 8):
    """never trained in this test"""
    raise AssertionError("--no-run must not train")
'''


@pytest.fixture(scope="module")
def plugin_file(tmp_path_factory):
    """One file for the module: the registry is process-wide and refuses a second `cmp_probe` from elsewhere."""
    path = tmp_path_factory.mktemp("plugin") / "probe.py"
    path.write_text(PLUGIN)
    return path


@pytest.fixture()
def dirs(tmp_path, monkeypatch, plugin_file):
    results, base = tmp_path / "results", tmp_path / "baseline"
    for seed, acc in enumerate([0.96, 0.97, 0.98]):
        synthetic.write(results, synthetic.record("digits", "cmp_probe", seed, acc, refs=DIGITS, preset="smoke", config_hash="probehash0"))
    for seed, acc in enumerate([0.90, 0.91, 0.92]):
        env = {"cpu": "Baseline CPU", "cpu_count": 2}
        synthetic.write(base, synthetic.record("digits", "mlp", seed, acc, refs=DIGITS, preset="smoke", env=env))
    monkeypatch.setenv("BENCH_BASELINE", str(base))
    return results, base, plugin_file


def test_head_to_head_numbers(dirs):
    results, base, _ = dirs
    h = head_to_head(load_with_baseline(results, base), "cmp_probe", preset="smoke")
    t = h.per_problem[("digits", "classification")].set_index("model")
    assert t.loc["cmp_probe", "rank"] == "1/2" and t.loc["mlp", "rank"] == "2/2"
    # every probe seed beats every mlp seed → P = 1 with a degenerate interval
    assert (t.loc["mlp", "p_improve"], t.loc["mlp", "p_low"], t.loc["mlp", "p_high"]) == (1.0, 1.0, 1.0)
    assert t.loc["mlp", "source"] == "baseline" and t.loc["mlp", "hardware"] == "Baseline CPU ×2"
    o = h.overall.set_index("model")
    assert o.loc["mlp", "problems"] == 1 and o.loc["mlp", "p_improve"] == 1.0


def test_bench_compare_no_run_prints_table(dirs, capsys, monkeypatch):
    results, _, plugin = dirs
    # the probe records carry a config hash the current code would not produce: with no run in the
    # current config, compare falls back to the recorded ones rather than showing nothing
    monkeypatch.setenv("COLUMNS", "200")  # rich wraps cells at 80 columns otherwise
    args = [
        "compare",
        "cmp_probe",
        "--problems",
        "digits",
        "--preset",
        "smoke",
        "--no-run",
        "--results",
        str(results),
        "--plugin",
        str(plugin),
    ]
    assert bench(args) == 0
    out = capsys.readouterr().out
    assert "digits · classification: cmp_probe against the others" in out
    assert "1 [1, 1]" in out and "Baseline CPU" in out
    assert bench([*args, "--no-baseline"]) == 0
    assert "no other model has smoke records" in capsys.readouterr().out


def test_bench_compare_bad_input(dirs, capsys):
    results, _, plugin = dirs
    assert bench(["compare", "cmp_prob", "--no-run", "--results", str(results), "--plugin", str(plugin)]) == 2
    assert "cmp_probe" in capsys.readouterr().err  # did you mean
    assert bench(["compare", "cmp_probe", "--problems", "cartpole", "--no-run", "--results", str(results), "--plugin", str(plugin)]) == 2
    assert "cannot run on cartpole" in capsys.readouterr().err
