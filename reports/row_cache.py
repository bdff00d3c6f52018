"""A task directory's report rows, kept between reports so that a large results directory is not re-read.

The records stay the truth: a cached frame is used only while every `result.json` and `curves.parquet`
of the task has the same (size, mtime, inode) as when the frame was made, and the same run
directories exist; anything else re-reads the task. Publishing a run swaps its directory in
(`suite.store.publish`) and rewriting a record renames a new file over it, so both change the inode.

Like git's index, the cache does not trust a file changed in the last `RACY_S` seconds (an edit of the
same size inside the filesystem's timestamp granularity would look unchanged): such a task is read and
not cached. Tasks of fewer than `MIN_RUNS` runs are not cached either: reading them is as quick as the
check. The cache lives in $BENCH_ROWS_CACHE (default ~/.cache/benchsuite/report-rows), one pickle per
task directory; a cache that cannot be written or read is ignored, never an error. A pickle used by no
report for `KEEP_DAYS` days (a results directory deleted or moved) is removed when a process first
writes one, so the cache does not grow without bound.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import time
from pathlib import Path

import pandas as pd

from suite import store

MIN_RUNS = 32
RACY_S = 2.0
VERSION = 2  # bump when the row layout (reports/records.py `_row`) changes
KEEP_DAYS = 30
_pruned = False  # this process has pruned the cache once


def cache_dir() -> Path:
    return Path(os.environ.get("BENCH_ROWS_CACHE") or Path.home() / ".cache" / "benchsuite" / "report-rows")


def fingerprint(run_dirs: list[str], files: tuple[str, ...]) -> tuple:
    """(run dir name, then `store.file_stamp` of each file) for every run: what a cached frame must match,
    and what a line of the task's run index names (`store.read_index`).

    Two stat calls a run and nothing else: at a million runs every microsecond of Python here is a second.
    """
    stamp, sep = store.file_stamp, os.sep
    return tuple((d[d.rfind(sep) + 1 :], *(stamp(d + sep + name) for name in files)) for d in run_dirs)


def _path(task_dir: str, source: str) -> Path:
    key = hashlib.sha1(f"{VERSION}\0{source}\0{os.path.realpath(task_dir)}".encode()).hexdigest()
    return cache_dir() / f"{key}.pkl"


def get(task_dir: str, source: str, stamp: tuple) -> tuple[pd.DataFrame, list[str]] | None:
    """The cached (rows, warning lines) of the task, or None when there are none for exactly this `stamp`."""
    path = _path(task_dir, source)
    try:
        with open(path, "rb") as f:
            cached_stamp, frame, lines = pickle.load(f)
    except Exception:  # missing, cut short, from another pandas: read the records instead
        return None
    if cached_stamp != stamp:
        return None
    try:
        os.utime(path)  # used today: kept for another KEEP_DAYS
    except OSError:
        pass
    return frame, lines


def put(task_dir: str, source: str, stamp: tuple, frame: pd.DataFrame, lines: list[str]) -> None:
    """Keep the task's rows unless the task is small or a file in it changed a moment ago."""
    if len(stamp) < MIN_RUNS:
        return
    recent = time.time_ns() - int(RACY_S * 1e9)
    if any(s[1] >= recent for entry in stamp for s in entry[1:] if s is not None):
        return
    path = _path(task_dir, source)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as f:
            pickle.dump((stamp, frame, lines), f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
    global _pruned
    if not _pruned:  # once a process: a first report over 1,000 tasks writes 1,000 pickles
        _pruned = True
        prune()


def prune(keep_days: float = KEEP_DAYS) -> int:
    """Remove the pickles no report has used for `keep_days` days; the number removed."""
    cutoff, removed = time.time() - keep_days * 86400, 0
    try:
        entries = list(os.scandir(cache_dir()))
    except OSError:
        return 0
    for entry in entries:
        try:
            if entry.name.endswith(".pkl") and entry.stat().st_mtime < cutoff:
                os.unlink(entry.path)
                removed += 1
        except OSError:
            continue
    return removed
