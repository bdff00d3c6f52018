"""The report's row cache (reports/row_cache.py): used while a task's files are unchanged, never after."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from benchmarks import synthetic
from reports import records, row_cache
from suite import store

RUNS = row_cache.MIN_RUNS + 4


@pytest.fixture
def task(tmp_path, monkeypatch) -> Path:
    """One task of RUNS seeds, its files dated a minute back (older than the cache's racy window)."""
    monkeypatch.setenv("BENCH_ROWS_CACHE", str(tmp_path / "cache"))
    results = tmp_path / "results"
    for seed in range(RUNS):
        synthetic.write(results, synthetic.record("digits", "mlp", seed, 0.9 + seed / 1000))
    age(results)
    return results


def age(results: Path, seconds: float = 60.0) -> None:
    past = time.time() - seconds
    for root, _, files in os.walk(results):
        for name in files:
            os.utime(os.path.join(root, name), (past, past))


def test_second_report_reads_no_record_and_gives_the_same_rows(task, monkeypatch):
    first = records.load(task)
    assert len(first) == RUNS and list(Path(os.environ["BENCH_ROWS_CACHE"]).glob("*.pkl"))
    monkeypatch.setattr(records, "_read", lambda *a, **k: pytest.fail("a cached task was read again"))
    second = records.load(task)
    assert second.equals(first)


def test_a_rewritten_record_is_read_again(task):
    records.load(task)
    run = next(iter(store.iter_run_dirs(task)))
    rec = json.loads((run / store.RESULT_FILE).read_text())
    rec["metrics"]["test/acc"] = 0.25  # same length as before: only the inode and time tell
    store.write_json_atomic(run / store.RESULT_FILE, rec)
    age(task)
    assert 0.25 in set(records.load(task)["score"])


def test_a_record_edited_in_place_of_the_same_size_is_read_again(task):
    records.load(task)
    run = next(iter(store.iter_run_dirs(task)))
    path = run / store.RESULT_FILE
    text = path.read_text()
    old = json.loads(text)["metrics"]["test/acc"]
    path.write_text(text.replace(json.dumps(old), json.dumps(old).replace("0.9", "0.1", 1)))  # same inode, same size
    assert path.stat().st_size == len(text)
    assert round(old - 0.8, 9) in {round(x, 9) for x in records.load(task)["score"]}  # mtime moved: read again


def test_a_file_changed_a_moment_ago_is_not_cached(task):
    run = next(iter(store.iter_run_dirs(task)))
    os.utime(run / store.RESULT_FILE)  # now: inside the racy window
    records.load(task)
    assert not list(Path(os.environ["BENCH_ROWS_CACHE"]).glob("*.pkl"))


def test_a_damaged_record_still_warns_on_a_cached_report(task):
    run = next(iter(store.iter_run_dirs(task)))
    (run / store.RESULT_FILE).write_text('{"cut": ')
    age(task)
    for _ in range(2):  # the second from the cache: the bad file is named again, not forgotten
        seen: list[str] = []
        runs = records.load(task, on_problems=seen.extend)
        assert len(runs) == RUNS - 1 and any("truncated JSON" in line for line in seen)


def test_a_removed_run_leaves_the_rows(task):
    records.load(task)
    run = next(iter(store.iter_run_dirs(task)))
    for f in run.iterdir():
        f.unlink()
    run.rmdir()
    assert len(records.load(task)) == RUNS - 1


def test_an_unreadable_cache_is_ignored(task):
    records.load(task)
    for f in Path(os.environ["BENCH_ROWS_CACHE"]).glob("*.pkl"):
        f.write_bytes(b"not a pickle")
    assert len(records.load(task)) == RUNS


def test_a_pickle_no_report_used_for_a_month_goes_and_one_in_use_stays(task):
    """A deleted results directory leaves its pickle behind: the next write removes it once it is older
    than KEEP_DAYS; a report that hits a pickle dates it today, so one in use is never removed."""
    cache = Path(os.environ["BENCH_ROWS_CACHE"])
    records.load(task)
    (kept,) = cache.glob("*.pkl")
    stale = cache / "0123abcd.pkl"  # the pickle of a results directory deleted long ago
    stale.write_bytes(b"")
    month = time.time() - (row_cache.KEEP_DAYS + 1) * 86400
    for path in (stale, kept):
        os.utime(path, (month, month))
    records.load(task)  # a hit: the task's pickle is dated today
    assert time.time() - kept.stat().st_mtime < 60
    assert row_cache.prune() == 1 and not stale.exists() and kept.exists()
