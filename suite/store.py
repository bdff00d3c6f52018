"""Run records on disk: `<results>/<task>/<run_id>/{result.json, curves.parquet, artifacts/}`.

A run is staged in a hidden `.tmp-*` directory beside its final place and renamed into place in one
`os.rename`, so a killed process never leaves half a record; readers skip hidden directories.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from suite.errors import UserError

SCHEMA_VERSION = 2  # 2: deterministic, curve, timing.setup_s, resources.peak_rss_increase_mb
RESULT_FILE = "result.json"
CURVES_FILE = "curves.parquet"
DEFAULT_RESULTS = "results"


def results_dir(path: str | os.PathLike | None = None) -> Path:
    return Path(path or os.environ.get("BENCH_RESULTS") or DEFAULT_RESULTS)


def run_id(task_id: str, preset: str, cfg_hash: str, seed: int) -> str:
    return f"{task_id}__{preset}__{cfg_hash}__s{seed}"


def run_path(results: Path, task_id: str, rid: str) -> Path:
    return results / task_id / rid


def read_record(run_dir: Path) -> dict[str, Any] | None:
    try:
        return json.loads((run_dir / RESULT_FILE).read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def stage(results: Path, task_id: str, rid: str) -> Path:
    """A fresh private directory in which one run writes everything before it is published."""
    parent = results / task_id
    try:
        parent.mkdir(parents=True, exist_ok=True)
        tmp = parent / f".tmp-{rid}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        tmp.mkdir()
    except OSError as exc:
        raise UserError(
            f"results directory {str(results)!r} is not writable ({exc.strerror}); pass --results DIR or set BENCH_RESULTS"
        ) from None
    return tmp


def check_writable(results: Path) -> None:
    """Fail before any training when the results directory cannot take records."""
    try:
        results.mkdir(parents=True, exist_ok=True)
        probe = results / f".probe-{os.getpid()}"
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        raise UserError(
            f"results directory {str(results)!r} is not writable ({exc.strerror}); pass --results DIR or set BENCH_RESULTS"
        ) from None


def publish(staging: Path, final: Path) -> None:
    """Move a finished run into place atomically, replacing an older record of the same id."""
    if final.exists():
        trash = final.parent / f".trash-{final.name}-{uuid.uuid4().hex[:6]}"
        os.rename(final, trash)
        os.rename(staging, final)
        shutil.rmtree(trash, ignore_errors=True)
    else:
        os.rename(staging, final)


def write_json_atomic(path: Path, data: Any) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=2, default=_jsonable))
    os.replace(tmp, path)


def _jsonable(x: Any) -> Any:
    if hasattr(x, "item"):
        return x.item()
    if isinstance(x, (set, tuple)):
        return list(x)
    if isinstance(x, Path):
        return str(x)
    return str(x)


def iter_run_dirs(results: Path, task_id: str | None = None) -> Iterator[Path]:
    if not results.is_dir():
        return
    tasks = [results / task_id] if task_id else sorted(p for p in results.iterdir() if p.is_dir())
    for tdir in tasks:
        if tdir.name.startswith(".") or not tdir.is_dir():
            continue
        for rdir in sorted(tdir.iterdir()):
            if not rdir.name.startswith(".") and (rdir / RESULT_FILE).is_file():
                yield rdir


def iter_records(results: Path, task_id: str | None = None) -> Iterator[dict[str, Any]]:
    for rdir in iter_run_dirs(results, task_id):
        rec = read_record(rdir)
        if rec is not None:
            rec["_dir"] = str(rdir)
            yield rec


def clean_stale(results: Path) -> int:
    """Remove staging directories left by killed runs whose process is gone."""
    removed = 0
    if not results.is_dir():
        return 0
    for tmp in results.glob("*/.tmp-*"):
        try:
            pid = int(tmp.name.rsplit("-", 2)[-2])
        except ValueError:
            continue
        if not _alive(pid):
            shutil.rmtree(tmp, ignore_errors=True)
            removed += 1
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
