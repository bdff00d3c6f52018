"""`--tensorboard DIR`: every run's curves and final metrics as TensorBoard scalars, and a study's
trials as HParams sessions, read back with TensorBoard's own EventAccumulator."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("tensorboard")
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator  # noqa: E402


def accumulate(d: Path) -> EventAccumulator:
    ea = EventAccumulator(str(d))
    ea.Reload()
    return ea


def test_a_run_is_mirrored_as_scalars(bench, results, tmp_path):
    tb = tmp_path / "tb"
    code, _, err = bench("run", "digits_mlp", "--preset", "smoke", "--seeds", "0,", "--tensorboard", str(tb), "max_epochs=2")
    assert code == 0, err
    (run_dir,) = (tb / "digits_mlp").iterdir()
    ea = accumulate(run_dir)
    tags = set(ea.Tags()["scalars"])
    assert {"val/acc", "val/loss", "train/loss", "final/test/acc"} <= tags
    assert [e.step for e in ea.Scalars("val/acc")] == [1, 2]
    import json

    rec = json.loads((results / "digits_mlp" / run_dir.name / "result.json").read_text())
    assert ea.Scalars("final/test/acc")[0].value == pytest.approx(rec["metrics"]["test/acc"])


def test_a_study_shows_in_the_hparams_dashboard(bench, tmp_path, monkeypatch):
    pytest.importorskip("optuna")
    tb = tmp_path / "tb"
    monkeypatch.setenv("BENCH_TENSORBOARD", str(tb))  # the environment variable, as a scheduler would set it
    code, _, err = bench("tune", "sunspots_lstm", "--trials", "2", "--preset", "smoke", "--final-seeds", "0")
    assert code == 0, err
    sessions = sorted((tb / "tune" / "sunspots_lstm").glob("trial_*"))
    assert [s.name for s in sessions] == ["trial_0000", "trial_0001"]
    ea = accumulate(sessions[0])
    assert ea.PluginTagToContent("hparams"), "each trial is an HParams session"
    assert "hparam/val/mase" in ea.Tags()["scalars"]
    assert any((tb / "sunspots_lstm").iterdir()), "the trials' own runs are mirrored too"


def test_an_unwritable_tensorboard_dir_is_one_line(bench, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    code, _, err = bench("run", "digits_mlp", "--preset", "smoke", "--tensorboard", str(blocker / "tb"))
    assert code == 2 and "--tensorboard" in err and len(err.strip().splitlines()) == 1
