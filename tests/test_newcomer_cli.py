"""What a newcomer's `bench run` prints: the boards of the problems it ran (their entries beside the
shipped baselines on them), the other boards counted in one line; `bench report --quiet`; `--seeds 0`.

The runs are of the torch-free toy family (tests/plugins/toy_family.py), so they take no time; the
shipped baselines are synthetic records in a temporary $BENCH_BASELINE.
"""

from __future__ import annotations

import pytest

from benchmarks import synthetic
from cli.commands.common import parse_seeds
from suite.errors import UserError
from tests.conftest import ROOT

TOY = str(ROOT / "tests" / "plugins" / "toy_family.py")
MAE = {"random": 0.5, "reference": 0.0}


@pytest.fixture()
def baseline(tmp_path, monkeypatch):
    """Shipped baselines: two models on the toy problem `ramp`, and boards on two other problems."""
    base = tmp_path / "baseline"
    for model, values in {"zero": [0.45, 0.45], "half": [0.25, 0.26]}.items():
        for seed, v in enumerate(values):
            synthetic.write(
                base, synthetic.record("ramp", model, seed, v, family="toy", metric="test/mae", higher_is_better=False, refs=MAE)
            )
    for problem in ("noise", "sine"):
        for seed in range(2):
            synthetic.write(base, synthetic.record(problem, "mlp", seed, 0.9 + seed / 100))
    monkeypatch.setenv("BENCH_BASELINE", str(base))
    return base


def test_bench_run_shows_the_boards_it_ran_beside_the_baselines_and_counts_the_rest(bench, baseline):
    code, out, _ = bench("run", "ramp_constant", "--plugin", TOY, "--seeds", "2", "level=0.3")
    assert code == 0, out
    assert "ramp · toy · test/mae" in out
    board = out[out.index("ramp · toy") :]
    for model in ("constant", "zero", "half"):  # the user's entry and the baselines on the same problem
        assert f"│ {model} " in board
    assert "shipped baseline records (reports/baseline/): half, zero" in " ".join(out.split())
    assert "noise ·" not in out and "sine ·" not in out  # boards of problems that were not run
    assert out.strip().splitlines()[-1] == "records of 2 more tasks: `bench report` prints their leaderboards"


def test_bench_run_with_workers_shows_the_same_boards(bench, baseline):
    code, out, _ = bench("run", "ramp_constant", "--plugin", TOY, "--seeds", "2", "--workers", "2", "--no-progress")
    assert code == 0, out
    assert "ramp · toy" in out and "noise ·" not in out
    assert "records of 2 more tasks" in out
    closing = next(ln for ln in out.splitlines() if ln.startswith("sweep: 2 runs"))
    assert "finished in" in closing  # the first ETA, checked against the time the runs took


def test_bench_report_quiet_prints_only_where_the_report_went(bench, baseline, results):
    assert bench("run", "ramp_constant", "--plugin", TOY, "--seeds", "2")[0] == 0
    code, out, _ = bench("report", "--quiet", "--format", "md")
    assert code == 0
    assert "┏" not in out and "rank" not in out  # no board
    assert out.strip() == f"report written to {results / 'report'}/ (leaderboard.md): 3 leaderboards, `bench report` prints them all"
    code, loud, _ = bench("report", "--format", "md")
    assert "ramp · toy" in loud and "noise · classification" in loud  # without --quiet: every board


def test_seeds_0_is_a_count_and_help_and_error_say_how_to_get_seed_0(bench, capsys):
    assert parse_seeds("0,") == [0] and parse_seeds("0-0") == [0] and parse_seeds("1") == [0]
    assert parse_seeds("3") == [0, 1, 2] and parse_seeds("5,") == [5]
    with pytest.raises(UserError, match=r"a bare number is a count.*--seeds 0, \(or 0-0\)"):
        parse_seeds("0")
    code, _, err = bench("run", "ramp_constant", "--plugin", TOY, "--seeds", "0")
    assert code == 2 and "--seeds 0," in err
    with pytest.raises(SystemExit):
        bench("run", "--help")
    text = " ".join(capsys.readouterr().out.split())
    assert "a count: 3 means seeds 0,1,2, so 0 is refused" in text
    assert "0, (trailing comma) seed 0 alone" in text and "0-0 for seed 0 alone" in text


def test_readme_documents_seeds_0():
    readme = " ".join((ROOT / "README.md").read_text().split())
    assert "`--seeds 0` is refused: for seed 0 alone write `--seeds 0,`" in readme
