"""`bench tune`: spaces and bad input in one line, trials that never read the test split, pruned and
failed trials recorded while the study goes on, tuned presets, and resuming after kill -9."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

pytest.importorskip("optuna")

from tests.conftest import BENCH  # noqa: E402

SMOKE = ["--preset", "smoke", "--wandb", "disabled", "--final-seeds", "0", "--no-progress"]


def trial_records(results: Path, task: str) -> list[dict]:
    out = []
    for p in sorted((results / task).glob("*/result.json")):
        rec = json.loads(p.read_text())
        if rec.get("tuning"):
            out.append(rec)
    return out


def study_of(results: Path, name: str):
    import optuna

    return optuna.load_study(study_name=name, storage=f"sqlite:///{results / 'tuning' / 'studies.db'}")


@pytest.mark.parametrize(
    "words, expected",
    [
        (["space.lr=loguniform:1e-1:1e-4"], "empty or inverted range"),
        (["space.lr=loguniform:0:1e-1"], "log range needs LOW > 0"),
        (["space.lrr=loguniform:1e-4:1e-1"], "did you mean 'lr'"),
        (["space.lr=gaussian:0:1"], "forms: loguniform"),
        (["space.batch_size=uniform:16:64"], "batch_size is an integer"),
        (["space.optimizer=categorical:adam,adamw"], "is not one of adam|sgd"),
        (["space.dropout=uniform:0:1.5"], "bad value for dropout"),
        (["--storage", "mysql://nobody@127.0.0.1:1/nothing"], "cannot open --storage"),
        (["--trials", "0"], "bad --trials 0"),
        (["--final-seeds", "100-101"], "reporting seeds are 0-99"),
        (["--study", "My Study"], "bad study name"),
    ],
)
def test_bad_input_is_one_line_before_any_run(bench, results, words, expected):
    argv = ["tune", "digits_mlp", "--trials", "2", *SMOKE, *words]
    if "--trials" in words:
        argv = ["tune", "digits_mlp", *SMOKE, *words]
    code, out, err = bench(*argv)
    assert code == 2 and expected in err and len(err.strip().splitlines()) == 1, err
    assert not (results / "digits_mlp").exists(), "nothing may run before the input is checked"


def test_unknown_task_and_a_task_without_space(bench):
    code, _, err = bench("tune", "digits_mpl", "--trials", "1", *SMOKE)
    assert code == 2 and "did you mean" in err
    code, _, err = bench("tune", "sunspots_naive", "--trials", "1", *SMOKE)
    assert code == 2 and "no search space" in err


def test_config_shows_the_space_and_narrowing_replaces_a_range(bench):
    code, out, _ = bench("config", "cartpole_dqn")
    assert code == 0 and "maximize eval/mean_return" in out and "space.exploration_fraction" in out and "uniform:0:0.5" in out
    from suite.config import resolve_config
    from suite.registry import get_registry
    from suite.tuning.space import space_for

    task = get_registry().task("digits_mlp")
    cfg = resolve_config(task, "smoke")
    _, dists = space_for(task, cfg, ["space.lr=loguniform:1e-3:1e-2", "space.optimizer=off", "space.momentum=uniform:0.5:0.99"], {"hidden"})
    assert dists["lr"].text() == "loguniform:0.001:0.01" and "optimizer" not in dists and "hidden" not in dists
    assert dists["momentum"].kind == "uniform"


def test_trials_never_read_the_test_split(bench, results, monkeypatch):
    """A spy on the classifier's and the forecaster's test pass: never called by a trial, called by an ordinary run."""
    import tasks.classification.runner as crun
    from tasks.forecasting import protocol

    calls = {"classification": 0, "forecasting": 0}
    real_eval, real_backtest = crun.evaluate, protocol.backtest

    def spy_eval(*a, **k):
        calls["classification"] += 1
        return real_eval(*a, **k)

    def spy_backtest(*a, **k):
        calls["forecasting"] += 1
        return real_backtest(*a, **k)

    monkeypatch.setattr(crun, "evaluate", spy_eval)
    monkeypatch.setattr(protocol, "backtest", spy_backtest)
    for task in ("digits_mlp", "sunspots_lstm"):
        code, out, err = bench("tune", task, "--trials", "1", *SMOKE)
        assert code == 0, err
        assert f"saved as preset tuned:{task}" in out
    assert calls == {"classification": 0, "forecasting": 0}
    for task, objective in (("digits_mlp", "val/acc"), ("sunspots_lstm", "val/mase")):
        recs = trial_records(results, task)
        assert {r["tuning"]["trial"] for r in recs} == {0, -1}  # the trial and the base preset's validation
        for rec in recs:
            assert rec["status"] == "ok" and rec["tuning"]["study"] == task and rec["seed"] >= 100
            assert objective in rec["metrics"] and not [m for m in rec["metrics"] if m.startswith("test/")]
    # The spy sees an ordinary run: it would have caught a trial.
    code, _, _ = bench("run", "digits_mlp", "--preset", "tuned:digits_mlp", "--seeds", "0,")
    assert code == 0 and calls["classification"] == 1


def test_generative_trials_select_on_validation_and_never_judge_on_test(bench, results, monkeypatch):
    """GANs tune on val/fd of fixed latents, autoencoders on val/mse; the judged test-size evaluation never runs."""
    import tasks.generative.runner as grun

    judged = []
    real = grun._judge_generator
    monkeypatch.setattr(grun, "_judge_generator", lambda *a, **k: judged.append(1) or real(*a, **k))
    for task, objective in (("digits_dcgan", "val/fd"), ("digits_vae", "val/mse")):
        code, out, err = bench("tune", task, "--trials", "1", *SMOKE)
        assert code == 0, err
        for rec in trial_records(results, task):
            assert rec["status"] == "ok" and objective in rec["metrics"], rec["metrics"]
            assert not [m for m in rec["metrics"] if m.startswith(("test/", "gen/"))]
    assert not judged
    code, out, _ = bench("config", "digits_dcgan")
    assert code == 0 and "minimize val/fd" in out and "space.beta1" in out


@pytest.mark.slow  # ~60 s at load 6: the HTML report draws Optuna's importance plot (a random-forest fit)
def test_the_report_shows_studies_beside_their_base_preset(bench, results):
    for task in ("digits_mlp", "sunspots_lstm"):
        code, _, err = bench(
            "tune", task, "--trials", "2", "--preset", "smoke", "--wandb", "disabled", "--final-seeds", "2", "--no-progress"
        )
        assert code == 0, err
    # The report: trials on no leaderboard, the studies in their own table with Optuna's figures.
    code, _, err = bench("report", "--format", "md,html", "--preset", "all", "--no-baseline", "--quiet")
    assert code == 0, err
    md = (results / "report" / "leaderboard.md").read_text()
    assert "## Tuned presets" in md and "| digits_mlp | digits_mlp | val/acc |" in md and "n=2" in md and "tune:digits_mlp" not in md
    page = (results / "report" / "report.html").read_text()
    assert "<h2 id='tuning'>" in page and "sunspots_lstm (sunspots_lstm): optimisation history" in page


def test_a_crashing_trial_is_recorded_and_the_study_goes_on(bench, results, monkeypatch):
    import tasks.classification.fabric as crun  # the built-in trainer's loop

    real_fit, seen = crun.fit, []

    def flaky(*a, **k):
        seen.append(1)
        if len(seen) == 1:
            raise RuntimeError("boom in trial 0")
        return real_fit(*a, **k)

    monkeypatch.setattr(crun, "fit", flaky)
    code, out, err = bench("tune", "digits_mlp", "--trials", "2", *SMOKE)
    assert code == 0, err
    import optuna

    states = [t.state for t in study_of(results, "digits_mlp").trials]
    assert states == [optuna.trial.TrialState.FAIL, optuna.trial.TrialState.COMPLETE]
    failed = [r for r in trial_records(results, "digits_mlp") if r["status"] == "failed"]
    assert len(failed) == 1 and "boom in trial 0" in failed[0]["error"] and failed[0]["tuning"]["trial"] == 0


def test_a_pruned_trial_is_told_to_optuna_and_recorded(results, monkeypatch):
    import optuna

    from suite.tuning import drive
    from suite.tuning import study as st

    class Always(optuna.pruners.BasePruner):
        def prune(self, study, trial):
            return True

    monkeypatch.setattr(st, "pruner", lambda name, budget: Always())
    job = st.Job(
        study="p", storage=st.default_storage(results), task="digits_mlp", base_preset="smoke", overrides=("max_epochs=3",),
        space=(), seeds=(100,), trials=1, results=str(results),
    )  # fmt: skip
    drive.create(job, "maximize", "val/acc", 3)
    assert st.run_one(job) and not st.run_one(job)  # the budget of one trial is then spent
    (trial,) = study_of(results, "p").trials
    assert trial.state == optuna.trial.TrialState.PRUNED and trial.intermediate_values == {1: pytest.approx(trial.intermediate_values[1])}
    (rec,) = trial_records(results, "digits_mlp")
    assert rec["status"] == "pruned" and "pruned by the median pruner at step 1" in rec["error"]


def test_a_tuned_preset_resolves_and_is_checked(results):
    from suite.config import resolve_config
    from suite.errors import UserError
    from suite.registry import get_registry
    from suite.tuning import preset

    reg = get_registry()
    preset.save(
        results,
        {"study": "s1", "task": "digits_mlp", "base_preset": "smoke", "overrides": ["max_epochs=2"], "params": {"lr": 0.05, "hidden": 128}},
    )
    cfg = resolve_config(reg.task("digits_mlp"), "tuned:s1", ["batch_size=8"], results=results)
    assert (cfg.lr, cfg.hidden, cfg.max_epochs, cfg.batch_size, cfg.subset) == (0.05, 128, 2, 8, 256)
    with pytest.raises(UserError, match="was tuned for digits_mlp, not digits_cnn"):
        resolve_config(reg.task("digits_cnn"), "tuned:s1", results=results)
    with pytest.raises(UserError, match="tuned presets in .*: tuned:s1"):
        resolve_config(reg.task("digits_mlp"), "tuned:nope", results=results)


def _wait_running(results: Path, name: str, driver: subprocess.Popen, timeout: float = 120) -> None:
    import optuna

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert driver.poll() is None, f"the driver ended before a trial was seen running: {driver.communicate()[1][-2000:]}"
        try:
            if any(t.state == optuna.trial.TrialState.RUNNING for t in study_of(results, name).trials):
                return
        except Exception:  # the study does not exist yet
            pass
        time.sleep(0.1)
    raise AssertionError("no trial started")


@pytest.mark.slow  # ~40 s idle, 100 s at load 5: two cold interpreters and three short trials
def test_kill_9_of_the_driver_then_the_same_command_resumes(results):
    import optuna

    env = {**os.environ, "BENCH_RESULTS": str(results)}
    # A trial of several seconds: 40 epochs of 256 images at batch 128 took 0.5 s, and the CI's poll missed both trials.
    argv = [*BENCH, "tune", "digits_mlp", "--trials", "2", *SMOKE, "max_epochs=300"]
    driver = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _wait_running(results, "digits_mlp", driver)
    time.sleep(0.3)
    driver.send_signal(signal.SIGKILL)
    driver.wait(timeout=30)
    again = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert "trial(s) 0 had been interrupted: marked failed, not counted" in again.stdout, again.stdout
    trials = study_of(results, "digits_mlp").trials
    S = optuna.trial.TrialState
    assert [t.state for t in trials] == [S.FAIL, S.COMPLETE, S.COMPLETE], [(t.state, t.user_attrs) for t in trials]
    assert trials[0].user_attrs.get("interrupted")
    assert not list(results.glob("digits_mlp/.tmp-*")), "the killed trial's staging directory is cleaned"


def _running_trial_pid(results: Path, name: str, driver: subprocess.Popen, timeout: float = 120) -> int:
    """The process of a trial that has started: the pid it keeps as a trial attribute."""
    import optuna

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert driver.poll() is None, f"the driver ended before a trial was seen running: {driver.communicate()[1][-2000:]}"
        try:
            for t in study_of(results, name).trials:
                if t.state == optuna.trial.TrialState.RUNNING and t.user_attrs.get("pid"):
                    return int(t.user_attrs["pid"])
        except Exception:  # the study does not exist yet
            pass
        time.sleep(0.2)
    raise AssertionError("no trial started")


@pytest.mark.slow  # ~60 s at load 2: three cold interpreters and four short trials
def test_kill_9_of_one_of_two_workers_fails_its_trial_and_the_study_goes_on(results):
    import optuna

    env = {**os.environ, "BENCH_RESULTS": str(results)}
    argv = [*BENCH, "tune", "digits_mlp", "--trials", "3", "--workers", "2", *SMOKE, "max_epochs=300"]
    driver = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    victim = _running_trial_pid(results, "digits_mlp", driver)
    assert victim != driver.pid  # a worker's, not the driver's: with --workers 2 trials run in spawned processes
    os.kill(victim, signal.SIGKILL)
    out, err = driver.communicate(timeout=300)
    assert driver.returncode == 0, err
    S = optuna.trial.TrialState
    states = [t.state for t in study_of(results, "digits_mlp").trials]
    assert states.count(S.FAIL) == 1 and states.count(S.COMPLETE) == 3, states  # the lost trial is redone by a fresh worker
    assert "saved as preset tuned:digits_mlp" in out


def _open_storage_in_child(url: str, out) -> None:
    from suite.tuning.study import open_storage

    try:
        open_storage(url)
        out.put("ok")
    except BaseException as exc:  # the UserError line, to show in the assertion
        out.put(str(exc)[:300])


def test_processes_opening_a_new_study_database_at_once_all_open_it(tmp_path):
    """Four processes open one new SQLite study file at once, as a driver and a watcher (or several drivers)
    can: each creates Optuna's tables and stamps the schema version, and without a retry the later ones
    failed ("table studies already exists", "UNIQUE constraint failed: alembic_version") every time."""
    import multiprocessing

    import suite.tuning.study  # noqa: F401  (optuna imported before the fork, as in a running driver)

    ctx = multiprocessing.get_context("fork")
    for attempt in range(2):
        url = f"sqlite:///{tmp_path / f'studies{attempt}.db'}"
        out = ctx.Queue()
        procs = [ctx.Process(target=_open_storage_in_child, args=(url, out)) for _ in range(4)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(60)
        assert [out.get(timeout=5) for _ in procs] == ["ok"] * 4
