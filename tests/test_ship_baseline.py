"""Shipping baselines: only records from a clean commit, and a task's old records replaced as a whole."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reports.ship_baseline import ship
from suite import store


def _fake_run(results: Path, task: str, run_id: str, sha: str, family: str = "forecasting") -> None:
    d = results / task / run_id
    d.mkdir(parents=True)
    rec = {"task": task, "run_id": run_id, "preset": "standard", "status": "ok", "env": {"git_sha": sha}, "artifacts": [], "family": family}
    (d / store.RESULT_FILE).write_text(json.dumps(rec))


def test_dirty_records_are_refused_and_replace_drops_old_records(tmp_path):
    src, dest = tmp_path / "src", tmp_path / "baseline"
    _fake_run(dest, "sunspots_lstm", "sunspots_lstm__standard__old__s0", "a" * 40)  # shipped earlier
    _fake_run(dest, "co2_lstm", "co2_lstm__standard__old__s0", "a" * 40)  # not regenerated: must stay
    _fake_run(src, "sunspots_lstm", "sunspots_lstm__standard__new__s0", "b" * 40 + "-dirty")
    with pytest.raises(SystemExit, match="clean commit"):
        ship(src, dest, replace=True, require_clean=True)
    assert (dest / "sunspots_lstm" / "sunspots_lstm__standard__old__s0").is_dir()  # nothing touched

    (src / "sunspots_lstm").rename(tmp_path / "gone")
    _fake_run(src, "sunspots_lstm", "sunspots_lstm__standard__new__s1", "b" * 40)
    assert ship(src, dest, replace=True, require_clean=True) == 1
    assert sorted(p.name for p in (dest / "sunspots_lstm").iterdir()) == ["sunspots_lstm__standard__new__s1"]
    assert (dest / "co2_lstm" / "co2_lstm__standard__old__s0").is_dir()


def test_a_family_filter_ships_compression_runs_without_replacing_their_parents(tmp_path):
    """The compression stage trains parents on 3 seeds beside its runs; only its own records ship."""
    src, dest = tmp_path / "src", tmp_path / "baseline"
    for seed in range(5):
        _fake_run(dest, "digits_mlp", f"digits_mlp__standard__old__s{seed}", "a" * 40, "classification")
    _fake_run(src, "digits_mlp", "digits_mlp__standard__new__s0", "b" * 40, "classification")
    _fake_run(src, "digits_mlp_dynq", "digits_mlp_dynq__standard__new__s0", "b" * 40, "compression")
    assert ship(src, dest, replace=True, require_clean=True, families=("compression",)) == 1
    assert len(list((dest / "digits_mlp").iterdir())) == 5
    assert (dest / "digits_mlp_dynq" / "digits_mlp_dynq__standard__new__s0").is_dir()


def test_a_family_no_record_has_is_one_line_with_the_families_there(tmp_path, capsys):
    src = tmp_path / "src"
    _fake_run(src, "digits_mlp_dynq", "digits_mlp_dynq__standard__new__s0", "b" * 40, "compression")
    with pytest.raises(SystemExit) as stop:
        ship(src, tmp_path / "baseline", replace=True, families=("compresion",))
    assert stop.value.code == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "its families: compression" in err and "did you mean 'compression'?" in err
    assert not (tmp_path / "baseline").exists()  # nothing removed or copied
