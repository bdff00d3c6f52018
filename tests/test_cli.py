"""The `bench` command end to end on the smoke preset, and one clear line for every bad input."""

from __future__ import annotations

import json

import pytest

from tests.conftest import bench_subprocess


def test_run_both_foundation_tasks_then_report_and_show(bench, results):
    code, out, err = bench("run", "digits_mlp", "cartpole_dqn", "--preset", "smoke", "--seeds", "2", "--no-progress")
    assert code == 0, err
    assert "digits_mlp seed 1: ok test/acc" in out and "cartpole_dqn seed 0: ok eval/mean_return" in out
    assert "digits · classification · test/acc" in out and "cartpole · rl · eval/mean_return" in out
    code, out, err = bench("run", "digits_mlp", "--preset", "smoke", "--seeds", "0,", "--no-progress")
    assert code == 0, err
    assert "digits_mlp seed 0: cached test/acc" in out

    code, out, _ = bench("report", "--preset", "smoke")
    assert code == 0
    md = (results / "report" / "leaderboard.md").read_text()
    assert "| 1 | mlp | 2 |" in md and "| 1 | dqn | 2 |" in md
    assert "digits" in (results / "report" / "leaderboard.csv").read_text()

    code, out, _ = bench("show", "cartpole_dqn", "--json")
    assert code == 0
    runs = json.loads(out)
    assert sorted(r["seed"] for r in runs) == [0, 1] and all(r["status"] == "ok" for r in runs)


def test_config_command_lists_keys_with_help(bench):
    code, out, _ = bench("config", "cartpole_dqn", "--preset", "standard")
    assert code == 0
    assert "exploration_final_eps" in out and "0.04" in out and "final epsilon" in out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["run", "cartpole_dqm"], "unknown task 'cartpole_dqm'; did you mean 'cartpole_dqn'"),
        (["run", "digits_mlp", "hiden=3"], "did you mean 'hidden'"),
        (["run", "digits_mlp", "--preset", "fast"], "unknown preset for digits_mlp 'fast'"),
        (["run", "digits_mlp", "--seeds", "x"], "bad --seeds 'x'"),
        (["run", "digits_mlp", "--plugin", "missing_file.py"], "plug-in file 'missing_file.py' does not exist"),
        (["list", "--family", "vision"], "unknown family 'vision'"),
        (["report", "--format", "pdf"], "unknown report format 'pdf'"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(bench, argv, message):
    code, out, err = bench(*argv)
    assert code == 2
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_unwritable_results_dir_exits_2(bench, tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("")
    code, _, err = bench("run", "digits_mlp", "--preset", "smoke", "--results", str(blocker / "results"))
    assert code == 2 and "is not writable" in err


def test_missing_optional_dependency_is_one_line():
    from suite.errors import UserError, require

    with pytest.raises(UserError, match=r"missing optional dependency 'surely_not_installed'.*pip install 'benchsuite\[ray\]'"):
        require("surely_not_installed", extra="ray")


def test_debug_shows_the_traceback():
    plain = bench_subprocess("run", "nope_task")
    debug = bench_subprocess("--debug", "run", "nope_task")
    assert plain.returncode == 2 and "Traceback" not in plain.stderr
    assert "Traceback" in debug.stderr and "UserError" in debug.stderr


def test_help_and_list_do_not_import_heavy_libraries():
    code = (
        "import sys, contextlib, io\n"
        "from cli.main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        "    main(['list'])\n"
        "heavy = [m for m in ('torch', 'wandb', 'ray', 'pytorch_lightning', 'stable_baselines3', 'matplotlib') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
        "assert 'cartpole_dqn' in out.getvalue()\n"
    )
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    helped = bench_subprocess("--help")
    assert helped.returncode == 0 and "bench run cartpole_dqn --seeds 3" in helped.stdout
