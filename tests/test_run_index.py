"""The run index (`<results>/.runs/<task>.jsonl`, suite/store.py): publishing appends the record, reports use a line only
while the run's files are the ones it names, and nothing in it can lose or change a record."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from benchmarks import synthetic
from reports import records
from suite import runner, store


def publish(results: Path, seed: int, acc: float) -> Path:
    rec = synthetic.record("digits", "mlp", seed, acc)
    runner.seal(results, rec["task"], rec["run_id"], rec, curves=[])
    return store.run_path(results, rec["task"], rec["run_id"])


@pytest.fixture
def results(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("BENCH_ROWS_CACHE", str(tmp_path / "cache"))
    out = tmp_path / "results"
    for seed in range(3):
        publish(out, seed, 0.9 + seed / 100)
    return out


def index_path(results: Path) -> Path:
    return Path(store.index_path(results / "digits_mlp"))


def test_publishing_appends_the_record_and_a_report_reads_no_file(results, monkeypatch):
    lines = index_path(results).read_text().splitlines()
    assert len(lines) == 3 and json.loads(lines[0])["record"]["task"] == "digits_mlp"
    monkeypatch.setattr(store, "read_record", lambda *a, **k: pytest.fail("an indexed run was read from its file"))
    monkeypatch.setattr(records, "curves_problem", lambda *a, **k: pytest.fail("an indexed run's curves were opened"))
    assert sorted(records.load(results)["score"]) == pytest.approx([0.90, 0.91, 0.92])


def test_the_index_gives_the_same_rows_as_the_files(results):
    indexed = records.load(results)
    index_path(results).unlink()
    from_files = records.load(results)
    assert indexed.drop(columns="dir").equals(from_files.drop(columns="dir"))


def test_a_record_changed_after_its_line_is_read_from_its_file(results):
    run = next(iter(store.iter_run_dirs(results)))
    rec = json.loads((run / store.RESULT_FILE).read_text())
    rec["metrics"]["test/acc"] = 0.25  # the same length: only the inode and time tell
    store.write_json_atomic(run / store.RESULT_FILE, rec)
    assert 0.25 in set(records.load(results)["score"])


def test_a_rerun_appends_a_line_that_wins(results):
    publish(results, 0, 0.5)  # --force: the same run id, published again
    assert len(index_path(results).read_text().splitlines()) == 4
    assert sorted(records.load(results)["score"]) == pytest.approx([0.5, 0.91, 0.92])


def test_a_line_cut_short_or_garbled_costs_nothing_but_speed(results, capsys):
    with open(index_path(results), "a") as f:
        f.write('{"run": "digits_mlp__standard__c0ffee0000__s0", "files": [[1, 2, 3]], "rec')  # a killed append
    lines = index_path(results).read_text().splitlines()
    lines[1] = "not json at all"
    index_path(results).write_text("\n".join(lines))
    assert sorted(records.load(results)["score"]) == pytest.approx([0.90, 0.91, 0.92])
    assert "warning" not in capsys.readouterr().err


def test_a_deleted_run_is_gone_from_the_report_though_its_line_stays(results):
    import shutil

    shutil.rmtree(next(iter(store.iter_run_dirs(results))))
    assert len(records.load(results)) == 2


def test_a_diverged_runs_nan_survives_the_index(tmp_path):
    rec = synthetic.record("digits", "mlp", 0, 0.5)
    rec["metrics"]["train/loss"] = math.nan  # json writes NaN, which orjson does not read: json does
    runner.seal(tmp_path, rec["task"], rec["run_id"], rec, curves=[])
    ((_, got),) = store.read_index(str(tmp_path / "digits_mlp")).values()
    assert math.isnan(got["metrics"]["train/loss"])
    assert math.isnan(store.read_record(store.run_path(tmp_path, rec["task"], rec["run_id"]))["metrics"]["train/loss"])


def test_a_record_the_reader_cannot_rank_is_refused_from_the_index_as_from_its_file(results, capsys):
    path = index_path(results)
    entries = [json.loads(line) for line in path.read_text().splitlines()]
    entries[0]["record"]["schema_version"] = store.SCHEMA_VERSION + 1
    path.write_text("".join(json.dumps(e) + "\n" for e in entries))
    assert len(records.load(results)) == 2
    assert "newer than this benchsuite reads" in capsys.readouterr().err


def test_reading_in_processes_gives_the_same_rows_as_in_threads(results, monkeypatch, tmp_path):
    for seed in range(3, 6):
        synthetic.write(results, synthetic.record("digits", "mlp", seed, 0.8))  # runs the index lacks: read from files
    threads = records.load(results)
    monkeypatch.setattr(records, "PROCESS_MIN", 1)
    monkeypatch.setattr(records, "usable_cores", lambda: 2)  # also where the tests run pinned to one core
    monkeypatch.setattr(records, "ProcessPoolExecutor", spy := Spy(records.ProcessPoolExecutor))
    processes = records.load(results)
    assert spy.made and processes.equals(threads)


class Spy:
    def __init__(self, cls):
        self.cls, self.made = cls, 0

    def __call__(self, *args, **kwargs):
        self.made += 1
        return self.cls(*args, **kwargs)


def test_stamps_taken_by_threads_when_the_disk_is_slow_are_the_ones_one_thread_takes(results, monkeypatch):
    """After a reboot each stat waits for the disk, so past a probe the rest are taken by a thread pool, a
    big task in pieces: the same stamps in the same order, and the same rows."""
    for seed in range(3, 12):
        publish(results, seed, 0.8)
    task = [str(d) for d in sorted(store.iter_run_dirs(results))]
    files = (store.RESULT_FILE, store.CURVES_FILE)
    serial = records.stamp_tasks([task[:3], None, task], files)
    assert serial[1] == () and serial[2] == records.row_cache.fingerprint(task, files)
    monkeypatch.setattr(records, "STAMP_PROBE", 1)  # the first task probes ...
    monkeypatch.setattr(records, "STAMP_SLOW_S", -1.0)  # ... and finds every stat "slow": threads for the rest
    monkeypatch.setattr(records, "STAMP_CHUNK", 4)
    monkeypatch.setattr(records, "ThreadPoolExecutor", spy := Spy(records.ThreadPoolExecutor))
    assert records.stamp_tasks([task[:3], None, task], files) == serial and spy.made == 1
    before = records.load(results).sort_values("seed", ignore_index=True)
    assert before["seed"].tolist() == list(range(12))
