"""Run records on disk: `<results>/<task>/<run_id>/{result.json, curves.parquet, artifacts/}`.

A run is staged in a hidden `.tmp-*` directory beside its final place and renamed into place, so a
killed process never leaves half a record; readers skip hidden directories. What makes that hold:

- every file and directory of a run is fsynced before the rename that publishes it, and the parent
  after it, so a power cut cannot publish a name whose contents never reached the disk;
- a record that replaces another (`--force`, a rerun of a failed run) is swapped in with one
  `renameat2(RENAME_EXCHANGE)`: a crash at any moment leaves the old record or the new one, whole.
  Where the OS or filesystem lacks it, two renames are used and the next `clean_stale` puts the old
  record back if a crash fell between them;
- a staging directory names its host and process, `.tmp-<run id>@<host>@<pid>@<random>`, so a results
  directory shared by several machines (NFS, a Ray cluster) has only this host's dead runs cleaned;
- the parts of a record path are checked where the path is built: no task or run id can lead out of
  the results directory.

Each task also has a run index, `<results>/.runs/<task>.jsonl`: `publish` appends the record it published,
one line, so that a report over a million records reads a file per task instead of two per run. The
records stay the truth: a line is used only while the run's two files have the (size, mtime, inode)
it names (`read_index`), and anything else is read from the files.
"""

from __future__ import annotations

import ctypes
import errno
import functools
import json
import os
import re
import shutil
import socket
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from suite.errors import UserError

SCHEMA_VERSION = 3  # 2: deterministic, curve, timing.setup_s, resources.peak_rss_increase_mb; 3: raw
RESULT_FILE = "result.json"
CURVES_FILE = "curves.parquet"
DEFAULT_RESULTS = "results"
STATUSES = ("ok", "failed", "diverged", "pruned")  # pruned: a `bench tune` trial its pruner stopped
STAGING = ".tmp-"
TRASH = ".trash-"
# A staging directory of the old format (`.tmp-<run id>-<pid>-<random>`) does not say its host: it is
# removed only when it has not changed for this long, which no run of this suite's budgets reaches.
LEGACY_STALE_S = 7 * 24 * 3600
LEGACY_TRASH_STALE_S = 60
DISK_FULL = (errno.ENOSPC, errno.EDQUOT)


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9.-]", "_", socket.gethostname()) or "localhost"


HOST = _host()


def results_dir(path: str | os.PathLike | None = None) -> Path:
    return Path(path or os.environ.get("BENCH_RESULTS") or DEFAULT_RESULTS)


def run_id(task_id: str, preset: str, cfg_hash: str, seed: int) -> str:
    return f"{task_id}__{preset}__{cfg_hash}__s{seed}"


def _part(name: str, what: str) -> str:
    """One plain directory name, or a one-line error: a record path must stay inside the results directory."""
    bad = not isinstance(name, str) or not name or name.startswith(".") or any(c in name for c in "/\\\0")
    if bad:
        raise UserError(
            f"bad {what} {name!r} for a record path: it must be one plain name (no '/', '\\', NUL, and no leading '.'), "
            "so that <results>/<task>/<run id> stays inside the results directory"
        )
    return name


def run_path(results: Path, task_id: str, rid: str) -> Path:
    return Path(results) / _part(task_id, "task id") / _part(rid, "run id")


def storage_error(results: Path, exc: OSError, doing: str = "") -> UserError:
    """One line for a results directory that cannot take a record: full, or not writable."""
    what = f" while {doing}" if doing else ""
    if exc.errno in DISK_FULL:
        return UserError(
            f"results directory {str(results)!r} is full ({os.strerror(exc.errno)}){what}; "
            "nothing was published: free some space, or pass --results DIR on another disk"
        )
    return UserError(
        f"results directory {str(results)!r} is not writable ({exc.strerror or exc}){what}; pass --results DIR or set BENCH_RESULTS"
    )


# -- reading -------------------------------------------------------------------------------------

# What every reader indexes without asking: a file without these is not a run record.
REQUIRED: dict[str, type | tuple[type, ...]] = {
    "schema_version": int,
    "run_id": str,
    "task": str,
    "problem": str,
    "model": str,
    "family": str,
    "seed": int,
    "preset": str,
    "status": str,
    "metrics": dict,
}
OPTIONAL_DICTS = ("config", "timing", "resources", "env", "curve", "reference", "info", "rankings", "tracking")


def read_record(run_dir: Path, problems: list[str] | None = None, check: bool = False) -> dict[str, Any] | None:
    """The record in `run_dir`, or None when there is none or it cannot be used.

    The one reader of `result.json`. Missing is silent (a directory that is no run, like `wandb/`);
    anything else that is no usable record adds one line, `<path>: <reason>`, to `problems`. With
    `check`, the record must also pass `record_problem` (readers that rank records ask for it).
    """
    path = Path(run_dir) / RESULT_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        return _note(problems, path, f"unreadable ({type(exc).__name__}: {exc})")
    try:
        rec = parse_json(text)
    except json.JSONDecodeError as exc:
        cut = text.lstrip().startswith("{") and not text.rstrip().endswith("}")
        why = f"truncated JSON (cut off after {len(text)} bytes)" if cut else f"not valid JSON ({exc.msg} at line {exc.lineno})"
        return _note(problems, path, why)
    if not isinstance(rec, dict):
        return _note(problems, path, f"not a run record: a JSON {type(rec).__name__}, not an object")
    if check:
        why = record_problem(rec)
        if why:
            return _note(problems, path, why)
    return rec


def parse_json(text: str | bytes) -> Any:
    """json.loads, by orjson (3-7x faster on records); what only json reads (NaN and Infinity, which a
    diverged run's metrics may hold) and what neither reads go to json, which says what is wrong."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def _note(problems: list[str] | None, path: Path, why: str) -> None:
    if problems is not None:
        problems.append(f"{path}: {why}")
    return None


def record_problem(rec: dict[str, Any]) -> str | None:
    """Why a parsed `result.json` cannot be ranked or shown as a run record, or None when it can."""
    missing = [k for k in REQUIRED if k not in rec]
    if missing:
        foreign = " (not written by benchsuite?)" if len(missing) > len(REQUIRED) // 2 else ""
        return f"not a run record{foreign}: no {', '.join(missing)}"
    wrong = [k for k, t in REQUIRED.items() if not isinstance(rec[k], t) or (t is int and isinstance(rec[k], bool))]
    wrong += [k for k in OPTIONAL_DICTS if rec.get(k) is not None and not isinstance(rec[k], dict)]
    if wrong:
        return "bad run record: " + ", ".join(f"{k} is a {type(rec[k]).__name__}" for k in wrong)
    version = rec["schema_version"]
    if version > SCHEMA_VERSION:
        return f"schema_version {version} is newer than this benchsuite reads ({SCHEMA_VERSION}): upgrade benchsuite to use it"
    if rec["status"] not in STATUSES:
        return f"bad run record: status {rec['status']!r}; valid: {', '.join(STATUSES)}"
    bad = [k for k, v in rec["metrics"].items() if v is not None and not isinstance(v, (int, float, str))]
    if bad:
        return f"bad run record: metric {bad[0]} is a {type(rec['metrics'][bad[0]]).__name__}, not a number"
    rankings = rec.get("rankings") or {rec["family"]: rec}
    for family, rank in rankings.items():
        if (
            not isinstance(rank, dict)
            or not isinstance(rank.get("primary_metric"), str)
            or not isinstance(rank.get("higher_is_better"), bool)
        ):
            return f"bad run record: no primary_metric / higher_is_better for family {family}"
        score = rec["metrics"].get(rank["primary_metric"])
        if rec["status"] == "ok" and score is not None and (isinstance(score, (str, bool)) or not isinstance(score, (int, float))):
            return f"bad run record: primary metric {rank['primary_metric']} is {score!r}, not a number"
    arts = rec.get("artifacts")
    if arts is not None and not (isinstance(arts, list) and all(isinstance(a, dict) and isinstance(a.get("path"), str) for a in arts)):
        return "bad run record: artifacts is not a list of {path, kind, caption}"
    return None


def iter_run_dirs(results: Path, task_id: str | None = None) -> Iterator[Path]:
    if not results.is_dir():
        return
    tasks = [run_path(results, task_id, "x").parent] if task_id else sorted(p for p in results.iterdir() if p.is_dir())
    for tdir in tasks:
        if tdir.name.startswith(".") or not tdir.is_dir():
            continue
        for rdir in sorted(tdir.iterdir()):
            if not rdir.name.startswith(".") and (rdir / RESULT_FILE).is_file():
                yield rdir


def iter_records(
    results: Path, task_id: str | None = None, problems: list[str] | None = None, check: bool = False
) -> Iterator[dict[str, Any]]:
    for rdir in iter_run_dirs(results, task_id):
        rec = read_record(rdir, problems, check)
        if rec is not None:
            rec["_dir"] = str(rdir)
            yield rec


# -- writing -------------------------------------------------------------------------------------


def stage(results: Path, task_id: str, rid: str) -> Path:
    """A fresh private directory in which one run writes everything before it is published."""
    parent = run_path(results, task_id, rid).parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        tmp = parent / f"{STAGING}{rid}@{HOST}@{os.getpid()}@{uuid.uuid4().hex[:6]}"
        tmp.mkdir()
    except OSError as exc:
        raise storage_error(results, exc) from None
    return tmp


def check_writable(results: Path) -> None:
    """Fail before any training when the results directory cannot take records."""
    try:
        results.mkdir(parents=True, exist_ok=True)
        probe = results / f".probe-{os.getpid()}"
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        raise storage_error(results, exc) from None


def publish(staging: Path, final: Path) -> None:
    """Move a finished run into place atomically, replacing an older record of the same id.

    Either the old record or the new one is at `final` at every moment: the new one replaces the
    old in one exchange of the two names (Linux `renameat2`), and the old one, now under the staging
    name, is removed after.
    """
    sync_tree(staging)
    if final.exists() and _exchange(staging, final):
        fsync_dir(final.parent)
        shutil.rmtree(staging, ignore_errors=True)  # the old record; hidden, so no reader sees it
    else:
        try:
            os.rename(staging, final)
        except OSError as exc:
            if exc.errno not in (errno.EEXIST, errno.ENOTEMPTY):
                raise
            _swap_by_two_renames(staging, final)
        fsync_dir(final.parent)
    index_run(final)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


@functools.cache
def _renameat2() -> Any:
    try:
        fn = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # not Linux, or a libc older than glibc 2.28
        return None
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    return fn


def _exchange(a: Path, b: Path) -> bool:
    """Swap two existing paths in one step; False where the OS or filesystem cannot."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOENT, errno.EXDEV, errno.EPERM):
        return False  # unsupported here (or `b` vanished meanwhile): the caller renames instead
    raise OSError(err, os.strerror(err), str(a), None, str(b))


def _swap_by_two_renames(staging: Path, final: Path) -> None:
    """The fallback: old record aside, new one in; a crash between the two is undone by `clean_stale`."""
    trash = final.parent / f"{TRASH}{final.name}@{HOST}@{os.getpid()}@{uuid.uuid4().hex[:6]}"
    os.rename(final, trash)
    try:
        os.rename(staging, final)
    except BaseException:
        os.rename(trash, final)
        raise
    fsync_dir(final.parent)
    shutil.rmtree(trash, ignore_errors=True)


# -- the run index ---------------------------------------------------------------------------------

INDEX_DIR = ".runs"  # hidden: no reader takes it for a task


def index_path(task_dir: str | Path) -> str:
    """`<results>/.runs/<task>.jsonl`, beside the task directories, so that those hold runs only."""
    head, task = os.path.split(os.path.normpath(task_dir))
    return os.path.join(head, INDEX_DIR, task + ".jsonl")


def file_stamp(path: str) -> tuple[int, int, int] | None:
    """(size, mtime_ns, inode) of a file, None when it is missing: what tells a rewritten file from the one indexed."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def index_run(run_dir: Path) -> None:
    """Append the record now in `run_dir` to its task's index. Called after every write of a published
    record; a failure is ignored, since a run the index misses is only read the slow way.

    One `write` of one line with O_APPEND: on a local filesystem concurrent runs' lines do not interleave
    (elsewhere a mixed line fails to parse and its runs are read from their files)."""
    try:
        line = index_line(run_dir, (run_dir / RESULT_FILE).read_text(encoding="utf-8"))
        path = index_path(run_dir.parent)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line.encode("utf-8"))
        finally:
            os.close(fd)
    except (OSError, ValueError):
        pass


def index_line(run_dir: Path, text: str) -> str:
    """The index line of the record `text` in `run_dir`, with the stamps its two files have now."""
    files = [file_stamp(os.path.join(run_dir, name)) for name in (RESULT_FILE, CURVES_FILE)]
    record = json.dumps(parse_json(text), separators=(",", ":"))  # json: NaN stays NaN (orjson writes null)
    return f'{{"run":{json.dumps(run_dir.name)},"files":{json.dumps(files)},"record":{record}}}\n'


def read_index(task_dir: str) -> dict[str, tuple[tuple, dict]]:
    """{run directory name: ((result.json stamp, curves.parquet stamp), record)} from a task's index, the
    last line of a run winning. A line cut short (a killed append) or garbled is skipped, never an error."""
    try:
        with open(index_path(task_dir), "rb") as f:
            lines = f.read().splitlines()
    except OSError:
        return {}
    out = {}
    for line in lines:
        try:
            entry = parse_json(line)
            out[entry["run"]] = (tuple(tuple(s) if s else None for s in entry["files"]), entry["record"])
        except (ValueError, KeyError, TypeError):
            continue
    return out


def write_json_atomic(path: Path, data: Any) -> None:
    """Write JSON to a temporary name, fsync it, rename it over `path`; a failure leaves `path` as it was."""
    text = json.dumps(data, indent=2, default=_jsonable)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:6]}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def fsync_file(path: str | Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(path: str | Path) -> None:
    """Make a directory's entries (a rename into it, a new file) durable; a no-op where directories cannot be opened."""
    flag = getattr(os, "O_DIRECTORY", None)
    if flag is None:
        return
    try:
        fd = os.open(path, os.O_RDONLY | flag)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.EBADF):  # some filesystems cannot sync a directory
            raise
    finally:
        os.close(fd)


def sync_tree(root: Path) -> None:
    """fsync every file under `root`, then every directory, deepest first."""
    for dirpath, _, filenames in os.walk(root, topdown=False):
        for name in filenames:
            p = os.path.join(dirpath, name)
            if not os.path.islink(p):
                fsync_file(p)
        fsync_dir(dirpath)


def _jsonable(x: Any) -> Any:
    if hasattr(x, "item"):
        return x.item()
    if isinstance(x, (set, tuple)):
        return list(x)
    if isinstance(x, Path):
        return str(x)
    return str(x)


# -- clean-up ------------------------------------------------------------------------------------


def owner(name: str) -> tuple[str | None, int | None]:
    """(host, pid) that made a staging or trash directory; host None for the old format without one."""
    body = name.removeprefix(STAGING).removeprefix(TRASH)
    parts = body.rsplit("@", 3)
    if len(parts) == 4:
        return parts[1], int(parts[2]) if parts[2].isdigit() else None
    parts = body.rsplit("-", 2)
    return None, int(parts[1]) if len(parts) == 3 and parts[1].isdigit() else None


def _stale(path: Path) -> bool:
    host, pid = owner(path.name)
    if host is None:  # old format: no host to ask, only its age
        try:
            age = time.time() - path.stat().st_mtime
        except OSError:
            return False
        # An old-format trash dir outlives its publish by microseconds unless that publish was killed.
        return age > (LEGACY_TRASH_STALE_S if path.name.startswith(TRASH) else LEGACY_STALE_S)
    return host == HOST and pid is not None and not alive(pid)  # another host's: only it can tell


def clean_stale(results: Path) -> int:
    """Remove staging directories of this host's runs whose process is gone; finish interrupted swaps.

    A `.trash-*` directory is an old record set aside by a two-rename publish that was killed: it is
    put back when no record took its place, and removed when one did. Returns the staging
    directories removed.
    """
    removed = 0
    if not results.is_dir():
        return 0
    for tmp in results.glob(f"*/{STAGING}*"):
        if _stale(tmp):
            shutil.rmtree(tmp, ignore_errors=True)
            removed += 1
    for trash in results.glob(f"*/{TRASH}*"):
        if not _stale(trash):
            continue
        name = trash.name.removeprefix(TRASH)
        final = trash.parent / (name.rsplit("@", 3)[0] if "@" in name else name.rsplit("-", 1)[0])
        if not final.exists():
            try:
                os.rename(trash, final)
                fsync_dir(trash.parent)
                continue
            except OSError:
                pass
        shutil.rmtree(trash, ignore_errors=True)
    return removed


def alive(pid: int) -> bool:
    """Is process `pid` of this host still running (one we may not signal counts as running)?"""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
