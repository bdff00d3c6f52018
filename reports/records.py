"""Run records → one tidy DataFrame row per run (metrics flattened as `metric:<name>` columns).

Reading is the slow part of a large report, so a task's records come from its run index
(`suite.store.read_index`: one file a task, each line used only while the run's files are the ones it
names), the rest are read with `os.scandir` and a thread pool (file reads release the GIL), and curves
are never read here: `reports.curves` reads them only for what is plotted.

A bad file costs one warning line, never the report: a truncated or foreign `result.json`, a record
of a newer schema, or a malformed one is left out with its path and the reason; a record whose
`curves.parquet` is missing or damaged (its Parquet framing checked, 8 bytes read) is kept and
ranked, without its curves. A record of a task that is not registered now (a plug-in since removed)
is an ordinary record here: reports read records, not the registry.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import pandas as pd

from reports import paired, row_cache
from suite import store

MAX_WARNINGS = 20  # bad files named one per line; past this they are counted
PARQUET_MAGIC = b"PAR1"  # a Parquet file starts and ends with it (the footer follows the data)

RUN_COLUMNS = [
    "run_id",
    "task",
    "problem",
    "model",
    "family",
    "families",
    "seed",
    "preset",
    "status",
    "error",
    "config_hash",
    "primary_metric",
    "higher_is_better",
    "started_at",
    "finished_at",
]

# Shipped results of the built-in tasks, in the same layout as a results directory.
BASELINE_DIR = Path(__file__).resolve().parent / "baseline"


def baseline_dir() -> Path:
    """`reports/baseline/`, or $BENCH_BASELINE (tests point it at a temporary directory)."""
    return Path(os.environ.get("BENCH_BASELINE") or BASELINE_DIR)


def rankings(rec: dict) -> dict[str, dict]:
    """Per family the record is ranked in: primary metric, direction, reference points."""
    if rec.get("rankings"):
        return rec["rankings"]
    return {
        rec["family"]: {
            "primary_metric": rec["primary_metric"],
            "higher_is_better": rec["higher_is_better"],
            "reference": rec.get("reference") or {},
        }
    }


def hardware(env: dict | None) -> str:
    """Where the time columns were measured: the CPU model, plus the GPU when one was used."""
    env = env or {}
    cpu = env.get("cpu") or "?"
    if env.get("cpu_count"):
        cpu = f"{cpu} ×{env['cpu_count']}"
    return f"{cpu} + {env['gpu']}" if env.get("gpu") else cpu


def records_frame(records: list[dict], source: str = "results") -> pd.DataFrame:
    """One row per run and family it is ranked in (a VAE's run is a row in autoencoding and in generation)."""
    rows = [_row(rec, family, rank, source) for rec in records for family, rank in rankings(rec).items()]
    if not rows:
        return pd.DataFrame(columns=[*RUN_COLUMNS, "score", "source"])
    return pd.DataFrame(rows)


def _row(rec: dict, family: str, rank: dict, source: str) -> dict:
    row = {k: rec.get(k) for k in RUN_COLUMNS}
    if isinstance(row["families"], list):  # one string, "autoencoding/generation": a list a row costs 100 bytes at a million rows
        row["families"] = "/".join(map(str, row["families"]))
    row.update(family=family, primary_metric=rank["primary_metric"], higher_is_better=rank["higher_is_better"])
    metrics = rec.get("metrics") or {}
    row["score"] = metrics.get(rank["primary_metric"]) if rec.get("status") == "ok" else None
    tuning = rec.get("tuning") or {}
    row.update(study=tuning.get("study"), trial=tuning.get("trial"))  # a `bench tune` trial: never on a leaderboard
    parent = (rec.get("info") or {}).get("parent")
    row["parent_task"] = parent.get("task") if isinstance(parent, dict) else None  # a run made from another's weights
    timing = rec.get("timing") or {}
    res = rec.get("resources") or {}
    ref = rank.get("reference") or {}
    axis, curve = curve_spec(rec, rank)
    row.update(
        deterministic=bool(rec.get("deterministic", False)),
        setup_s=timing.get("setup_s"),
        wall_s=timing.get("wall_s"),
        train_s=timing.get("train_s"),
        eval_s=timing.get("eval_s"),
        params=res.get("params"),
        throughput=res.get("throughput"),
        # Not the old `peak_rss_mb`: that was the process's high-water mark, shared by every run in it.
        peak_rss_increase_mb=res.get("peak_rss_increase_mb"),
        cuda_peak_mb=res.get("cuda_peak_mb"),
        device=res.get("device"),
        ref_random=ref.get("random"),
        ref_reference=ref.get("reference"),
        ref_threshold=ref.get("threshold"),
        # the metric's range, where the problem declares one (a capped return): [low, high], None for open
        bound_low=_bound(ref, 0),
        bound_high=_bound(ref, 1),
        curve_axis=axis,
        curve_metric=curve,
        cpu=(rec.get("env") or {}).get("cpu"),
        hardware=hardware(rec.get("env")),
        artifacts=_dumps(rec.get("artifacts")),
        board_metrics=_dumps(rank.get("columns")),  # the secondary columns its family shows
        source=source,
        dir=rec.get("_dir"),
    )
    for name, value in metrics.items():
        row[f"metric:{name}"] = value
    for spec in rank.get("columns") or []:  # a column tested once per entry: the raw losses it reads, per run
        if spec.get("agg") == "test" and isinstance(spec.get("test"), dict):
            row[f"test:{spec['metric']}"] = paired.paired_inputs(rec, spec["test"])
    return row


def _dumps(items: list | None) -> str:
    return json.dumps(items) if items else "[]"  # most runs have none: 10 µs a row saved at a million rows


def _bound(ref: dict, i: int) -> float | None:
    b = ref.get("bounds")
    return float(b[i]) if isinstance(b, (list, tuple)) and len(b) == 2 and b[i] is not None else None


def curve_spec(rec: dict, rank: dict) -> tuple[str, str]:
    """(x axis, metric) of the record's learning curve, as its family declared them in `record["curve"]`.

    Records from before the field: axis "step"; metric the threshold's `curve_metric`, else the
    primary metric's `val/` twin (`test/acc` → `val/acc`), which the plot uses if the curve has it.
    """
    curve = rec.get("curve") or {}
    metric = curve.get("metric") or (rank.get("reference") or {}).get("curve_metric") or val_twin(rank["primary_metric"])
    return (curve.get("axis") or "step", metric)


def val_twin(metric: str) -> str:
    """`test/acc` → `val/acc`, `gen/fd` → `val/fd`: the validation metric of the same name."""
    return "val/" + metric.split("/", 1)[-1]


def _read(path: str, check: bool = True) -> tuple[dict | None, list[str]]:
    """(record or None, warning lines) of one run directory; `check`: a record to rank (schema, curves, artifact paths)."""
    problems: list[str] = []
    rec = store.read_record(Path(path), problems, check=check)
    if rec is not None:
        rec["_dir"] = path
    if rec is not None and check:
        _vet(rec, path, problems)
        why = curves_problem(path)
        if why:
            problems.append(f"{os.path.join(path, store.CURVES_FILE)}: {why}; the run is reported without its curves")
    return rec, problems


def _indexed(rec: dict, path: str) -> tuple[dict | None, list[str]]:
    """`_read` of a record taken from the task's index, whose files are unchanged since it was published
    (so its curves file is the whole one that run wrote)."""
    why = store.record_problem(rec)
    if why:
        return None, [f"{os.path.join(path, store.RESULT_FILE)}: {why}"]
    rec["_dir"], problems = path, []
    _vet(rec, path, problems)
    return rec, problems


def _vet(rec: dict, path: str, problems: list[str]) -> None:
    arts = rec.get("artifacts") or []
    inside = [a for a in arts if _inside(a["path"])]
    if len(inside) < len(arts):  # the report copies artifacts into the page: only from the run's own directory
        outside = ", ".join(repr(a["path"]) for a in arts if a not in inside)
        problems.append(f"{os.path.join(path, store.RESULT_FILE)}: artifact path {outside} leads out of the run directory; left out")
        rec["artifacts"] = inside


def _inside(rel: str) -> bool:
    return bool(rel) and not os.path.isabs(rel) and ".." not in Path(rel).parts and not rel.startswith("~")


def curves_problem(run_dir: str) -> str | None:
    """Why a run's curves file cannot be read (missing, empty, not Parquet, cut short), or None."""
    path = os.path.join(run_dir, store.CURVES_FILE)
    try:
        with open(path, "rb") as f:
            head = f.read(4)
            size = f.seek(0, os.SEEK_END)
            if size < 12:
                return f"damaged ({size} bytes, too short for Parquet)"
            f.seek(-4, os.SEEK_END)
            tail = f.read(4)
    except FileNotFoundError:
        return "missing"
    except OSError as exc:
        return f"unreadable ({exc.strerror or exc})"
    if head != PARQUET_MAGIC or tail != PARQUET_MAGIC:
        return "damaged (not a whole Parquet file)"
    return None


def warn(lines: list[str], out=None) -> None:
    """One `bench: warning:` line per bad file on stderr (the first MAX_WARNINGS, then a count)."""
    out = out or sys.stderr
    for line in lines[:MAX_WARNINGS]:
        print(f"bench: warning: {line}", file=out)
    if len(lines) > MAX_WARNINGS:
        print(f"bench: warning: … and {len(lines) - MAX_WARNINGS} more bad files like these", file=out)


def task_names(results: Path | str) -> set[str]:
    """The task directories of a results directory: one `scandir`, no record read."""
    if not Path(results).is_dir():
        return set()
    with os.scandir(results) as tasks:
        return {t.name for t in tasks if not t.name.startswith(".") and t.is_dir()}


def run_dirs(results: Path, task_id: str | None = None, tasks: set[str] | None = None) -> list[str]:
    """Every published run directory (hidden staging directories skipped), as `store.iter_run_dirs`;
    only those of `task_id`, or of the task names in `tasks`, when given."""
    return [d for _, dirs in task_run_dirs(results, task_id, tasks) for d in dirs]


def task_run_dirs(results: Path, task_id: str | None = None, tasks: set[str] | None = None) -> list[tuple[str, list[str]]]:
    """`run_dirs` grouped by task: (task directory, its run directories), both sorted by name."""
    if not results.is_dir():
        return []
    out = []
    with os.scandir(results) as entries:
        for t in sorted(entries, key=lambda e: e.name):
            if t.name.startswith(".") or not t.is_dir() or (task_id and t.name != task_id) or (tasks is not None and t.name not in tasks):
                continue
            with os.scandir(t.path) as runs:
                dirs = sorted(r.path for r in runs if not r.name.startswith(".") and r.is_dir())
            if dirs:
                out.append((t.path, dirs))
    return out


def read_records(
    results: Path | str,
    task_id: str | None = None,
    on_problems: Callable[[list[str]], None] | None = warn,
    check: bool = False,
    tasks: set[str] | None = None,
) -> list[dict]:
    """All records under `results`, read in parallel; unreadable ones are left out and named, one line each.

    `check` (what `load` asks for: records to rank) also leaves out what `store.record_problem` refuses,
    and names records whose curves are missing or damaged. `on_problems` receives the warning lines
    (default: printed to stderr); None drops them.
    """
    dirs = run_dirs(Path(results), task_id, tasks)
    if len(dirs) < 64:
        outs = [_read(d, check) for d in dirs]
    else:
        with ThreadPoolExecutor(max_workers=8) as pool:
            outs = list(pool.map(lambda d: _read(d, check), dirs, chunksize=64))
    problems = [line for _, lines in outs for line in lines]
    if problems and on_problems is not None:
        on_problems(problems)
    return [r for r, _ in outs if r is not None]


def load(
    results: Path | str,
    task_id: str | None = None,
    on_problems: Callable[[list[str]], None] | None = warn,
    tasks: set[str] | None = None,
    source: str = "results",
) -> pd.DataFrame:
    """One row per ranked run (`records_frame`) of every record under `results` that can be ranked.

    Read task by task: a task's rows come from `reports.row_cache` while none of its files changed,
    so that a report over a million records re-reads only the tasks that changed since the last one.
    """
    groups = task_run_dirs(Path(results), task_id, tasks)
    files = (store.RESULT_FILE, store.CURVES_FILE)
    frames, problems = [], []
    # A task with a run index is stamped whatever its size: the stamps say which of its lines still hold.
    wanted = [len(dirs) >= row_cache.MIN_RUNS or os.path.exists(store.index_path(t)) for t, dirs in groups]
    stamps = stamp_tasks([dirs if want else None for (_, dirs), want in zip(groups, wanted)], files)
    jobs, small, batch = [], [], 0  # what to read: a cached-to-be task each, the small tasks in batches
    for (task_dir, dirs), stamp in zip(groups, stamps):
        hit = row_cache.get(task_dir, source, stamp) if len(dirs) >= row_cache.MIN_RUNS else None
        if hit is not None:
            frames.append(hit[0])
            problems += hit[1]
        elif len(dirs) >= row_cache.MIN_RUNS:
            jobs.append((task_dir, stamp, [(task_dir, dirs, stamp)]))
        else:
            small.append((task_dir, dirs, stamp))
            batch += len(dirs)
            if batch >= READ_BATCH:
                jobs.append((None, (), small))
                small, batch = [], 0
    jobs += [(None, (), small)] if small else []
    with _pool(sum(len(dirs) for job in jobs for _, dirs, _ in job[2])) as pool:
        # Each job's records become rows as they are read: a million records never sit in memory at once.
        for (task_dir, stamp, _), (frame, lines) in zip(jobs, pool.map(_read_frame, [job[2] for job in jobs], [source] * len(jobs))):
            if task_dir is not None:
                row_cache.put(task_dir, source, stamp, frame, lines)
            frames.append(frame)
            problems += lines
    if problems and on_problems is not None:
        on_problems(problems)
    frames = [f for f in frames if not f.empty]
    if not frames:
        return records_frame([], source)
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def stamp_tasks(task_dirs: list[list[str] | None], files: tuple[str, ...]) -> list[tuple]:
    """`row_cache.fingerprint` of each task's run directories (() for None), from one thread while the
    filesystem answers from memory, from many once it waits on the disk.

    From memory a stat takes ~3 µs, mostly Python: eight threads fighting for the GIL were measured
    slower than one. After a reboot (page cache empty) each stat waits for the disk instead, one at a
    time from one thread. A stat releases the GIL while it waits, so once the first STAMP_PROBE runs
    have taken over STAMP_SLOW_S a stat, the rest are stamped by STAMP_THREADS threads, in pieces of
    STAMP_CHUNK runs. The 2,000,000 stats of a million runs, page cache dropped, on this machine's
    virtual disk: 157 s from one thread, 90 s from 8, 91 s from 32, 99 s from 128 (the disk is then
    the limit, ~22,000 inodes a second); from memory 5.7 s, and the probe keeps it serial."""
    out: list[tuple] = [()] * len(task_dirs)
    todo = [i for i, dirs in enumerate(task_dirs) if dirs is not None]
    probed, done, t0 = 0, 0, time.perf_counter()
    while done < len(todo) and probed < STAMP_PROBE:
        i = todo[done]
        out[i] = row_cache.fingerprint(task_dirs[i], files)
        probed, done = probed + len(task_dirs[i]), done + 1
    stats, todo = probed * len(files), todo[done:]
    if todo and stats and (time.perf_counter() - t0) / stats > STAMP_SLOW_S:
        pieces = [(i, j) for i in todo for j in range(0, len(task_dirs[i]), STAMP_CHUNK)]  # a big task is split too
        with ThreadPoolExecutor(max_workers=STAMP_THREADS) as pool:
            parts = pool.map(lambda ij: row_cache.fingerprint(task_dirs[ij[0]][ij[1] : ij[1] + STAMP_CHUNK], files), pieces)
            for (i, _), part in zip(pieces, parts):  # in order: a task's pieces come back one after another
                out[i] += part
    else:
        for i in todo:
            out[i] = row_cache.fingerprint(task_dirs[i], files)
    return out


STAMP_PROBE = 2000  # runs stamped from one thread before deciding whether the disk is what they wait for
STAMP_SLOW_S = 20e-6  # a stat from memory: ~3 µs; from this virtual disk: ~80 µs
STAMP_THREADS = 8
STAMP_CHUNK = 500

READ_BATCH = 2000  # runs of small tasks read into one frame (a frame per 10-run task costs more than its reading)
# Runs to read (not from the row cache) from which they are read in processes, one a core: parsing and
# row-making hold the GIL (about 45 µs of CPU a run), and a frame comes back pickled for 3 µs a row.
PROCESS_MIN = 20_000


def usable_cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _pool(runs: int) -> Executor:
    """Threads for a few runs (their file reads release the GIL); for many, a process a usable core, forked
    from a fresh server that has imported this module, never from this process and its threads."""
    cores = usable_cores()
    if runs < PROCESS_MIN or cores < 2:
        return ThreadPoolExecutor(max_workers=8)
    import multiprocessing

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    return ProcessPoolExecutor(max_workers=min(cores, 8), mp_context=context)


def _read_frame(groups: list[tuple[str, list[str], tuple]], source: str) -> tuple[pd.DataFrame, list[str]]:
    """(rows, warning lines) of these (task directory, run directories, their stamps) groups: a run whose
    files match its line in the task's index (`store.read_index`) is taken from there, any other is read."""
    recs, problems = [], []
    for task_dir, dirs, stamp in groups:
        index = store.read_index(task_dir) if stamp else {}
        for i, d in enumerate(dirs):
            line = index.get(stamp[i][0]) if index else None
            rec, lines = _indexed(line[1], d) if line is not None and line[0] == stamp[i][1:] else _read(d)
            if rec is not None:
                recs.append(rec)
            problems += lines
    return records_frame(recs, source), problems


def load_with_baseline(
    results: Path | str,
    baseline: Path | str | None = None,
    use_baseline: bool = True,
    on_problems: Callable[[list[str]], None] | None = warn,
    tasks: set[str] | None = None,
) -> pd.DataFrame:
    """The user's records, plus shipped baseline records of every (task, preset) the user has not run;
    only those of the task names in `tasks` when given (a board after a run reads its own problems only).

    A task the user ran (in a preset) is taken wholly from the user's results, never mixed with
    baseline seeds, because the two may come from different hardware and code versions.
    """
    runs = load(results, on_problems=on_problems, tasks=tasks)
    if not use_baseline:
        return runs
    base_dir = Path(baseline) if baseline else baseline_dir()
    base = load(base_dir, on_problems=on_problems, tasks=tasks, source="baseline") if base_dir.is_dir() else pd.DataFrame()
    if base.empty:
        return runs
    if runs.empty:
        return base
    have = set(zip(runs["task"], runs["preset"]))
    keep = [(t, p) not in have for t, p in zip(base["task"], base["preset"])]
    return pd.concat([runs, base[keep]], ignore_index=True)
