"""Sweeps: tasks × seeds expanded into independent runs and handed to an executor (local processes or Ray).

A run travels as a `RunSpec` of plain values (task id, preset, overrides, seed, ...), never as a config
object: each worker rebuilds the config from the registry, so a spec pickles to any process or Ray node,
and the record it writes carries the same config hash and run id as `bench run` would give it.

Safety comes from the store: a worker writes its record in a hidden staging directory and renames it
into place, so killing a driver or a worker at any moment loses only the runs in flight, and the next
sweep skips every record already published (`--retry-failed` also redoes failed and diverged ones).
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from suite import store


@dataclass(frozen=True)
class RunSpec:
    """Everything a worker needs to do one run; plain values only, so it pickles anywhere."""

    task: str
    seed: int
    preset: str
    run_id: str
    results: str
    overrides: tuple[str, ...] = ()
    device: str = "auto"
    wandb_mode: str | None = None
    force: bool = False
    rerun: tuple[str, ...] = ()  # statuses of an existing record that do not count as done
    # (plug-in as given to --plugin, its source when it is a .py file) so a node that cannot see the file still loads it
    plugins: tuple[tuple[str, str | None], ...] = ()
    threads: int | None = None  # torch threads for this run (BENCH_THREADS); None leaves torch's default

    @property
    def label(self) -> str:
        return f"{self.task} seed {self.seed}"


class Executor(Protocol):
    """Runs specs and yields ("start", spec, None) when a run begins and ("done", spec, record) when it ends."""

    slots: int  # runs at once

    def events(self, specs: list[RunSpec]) -> Iterator[tuple[str, RunSpec, dict | None]]: ...

    def close(self) -> None: ...


def cores() -> int:
    """CPUs this process may use (respects taskset/cgroup affinity, unlike os.cpu_count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def plugin_sources(plugins: Iterable[str]) -> tuple[tuple[str, str | None], ...]:
    out = []
    for spec in plugins:
        path = Path(spec)
        source = path.read_text() if spec.endswith(".py") and path.is_file() else None
        out.append((str(path.resolve()) if source is not None else spec, source))
    return tuple(out)


def expand(
    tasks: list,
    configs: dict[str, Any],
    seeds: list[int],
    *,
    preset: str,
    results: Path,
    overrides: list[str],
    device: str = "auto",
    wandb_mode: str | None = None,
    force: bool = False,
    retry_failed: bool = False,
    rerun: tuple[str, ...] | None = None,
    plugins: Iterable[str] = (),
) -> list[RunSpec]:
    """Tasks × seeds, seed-major, so the first minutes of a sweep already give every task one seed.

    A deterministic task runs once, on the first seed: more seeds would only copy one observation.

    Resuming: a run with a record counts as done, failed and diverged ones included, unless
    `retry_failed`; `force` redoes everything.
    """
    from suite.config import config_hash

    shipped = plugin_sources(plugins)
    if rerun is None:  # `bench run` passes its own rule: failed runs are redone, diverged ones kept
        rerun = ("failed", "diverged") if retry_failed else ()
    specs = []
    for seed in seeds:
        for task in tasks:
            if seed not in task.run_seeds(seeds):
                continue
            chash = config_hash(task.id, preset, configs[task.id])
            specs.append(
                RunSpec(
                    task=task.id,
                    seed=seed,
                    preset=preset,
                    run_id=store.run_id(task.id, preset, chash, seed),
                    results=str(results),
                    overrides=tuple(overrides),
                    device=device,
                    wandb_mode=wandb_mode,
                    force=force,
                    rerun=rerun,
                    plugins=shipped,
                )
            )
    return specs


def past_durations(dirs: Iterable[Path], tasks: Iterable[str], preset: str) -> dict[str, float]:
    """Median wall seconds of finished runs per task at `preset`, from earlier records in `dirs`."""
    import statistics

    seen: dict[str, list[float]] = {}
    for task in set(tasks):
        for d in dirs:
            for rec in store.iter_records(Path(d), task):
                wall = (rec.get("timing") or {}).get("wall_s")
                if rec.get("preset") == preset and rec.get("status") == "ok" and wall:
                    seen.setdefault(task, []).append(float(wall))
    return {task: statistics.median(walls) for task, walls in seen.items()}


def longest_first(specs: list[RunSpec], durations: dict[str, float]) -> list[RunSpec]:
    """Within each seed, tasks that took longest before start first; tasks never timed start before them.

    With K workers the sweep ends when its last run does: starting the long runs first keeps a
    20-minute run from starting when the others are done (LPT scheduling). Seeds stay in order, so the
    first part of a sweep still gives every task one seed. The order never changes what is computed.
    """
    by_seed: dict[int, list[RunSpec]] = {}
    for spec in specs:
        by_seed.setdefault(spec.seed, []).append(spec)
    unknown = float("inf")  # an untimed task may be long: do not leave it to the end
    return [
        spec
        for seed_specs in by_seed.values()
        for spec in sorted(seed_specs, key=lambda s: -durations.get(s.task, unknown))  # stable: ties keep registry order
    ]


def existing(spec: RunSpec) -> dict | None:
    """The record that makes `spec` already done, marked cached; None when it must run."""
    if spec.force:
        return None
    rec = store.read_record(store.run_path(Path(spec.results), spec.task, spec.run_id))
    if rec is None or rec.get("status") in spec.rerun:
        return None
    rec["cached"] = True
    return rec


# -- in the worker ---------------------------------------------------------------------------------


def load_plugins(plugins: tuple[tuple[str, str | None], ...]) -> list[str]:
    """Plug-in specs usable here: a .py file this node cannot see is rewritten from its shipped source."""
    import tempfile

    usable = []
    for spec, source in plugins:
        if source is not None and not Path(spec).is_file():
            where = Path(tempfile.mkdtemp(prefix="bench-plugin-")) / Path(spec).name
            where.write_text(source)
            spec = str(where)
        usable.append(spec)
    return usable


def run_spec(spec: RunSpec) -> dict[str, Any]:
    """Do one run in this process (a pool worker or a Ray task) and return its record."""
    from suite.config import resolve_config
    from suite.registry import get_registry
    from suite.runner import execute

    if spec.threads:
        os.environ["BENCH_THREADS"] = str(spec.threads)
    reg = get_registry(load_plugins(spec.plugins))
    task = reg.task(spec.task)
    cfg = resolve_config(task, spec.preset, list(spec.overrides), results=spec.results)
    rec = execute(
        task,
        cfg,
        preset=spec.preset,
        seed=spec.seed,
        results=Path(spec.results),
        device=spec.device,
        wandb_mode=spec.wandb_mode,
        force=spec.force,
        rerun=spec.rerun,
        progress=False,  # many runs share one terminal: the sweep draws the only progress bar
    )
    if rec.get("run_id") != spec.run_id:  # the worker resolved another config than the driver: say so loudly
        rec.setdefault("warnings", []).append(f"run id {rec.get('run_id')} differs from the driver's {spec.run_id}")
    return rec


# -- in the driver ---------------------------------------------------------------------------------


def not_recorded(spec: RunSpec, error: str, wall_s: float = 0.0, traceback: str | None = None) -> dict[str, Any]:
    """A stand-in for a run that failed before the runner could write anything (e.g. a plug-in failed to load)."""
    return {
        "task": spec.task,
        "seed": spec.seed,
        "run_id": spec.run_id,
        "status": "failed",
        "error": error,
        "traceback": traceback,
        "metrics": {},
        "primary_metric": "",
        "timing": {"wall_s": wall_s},
        "cached": False,
        "recorded": False,
    }


def signal_name(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            return signal.Signals(-exitcode).name
        except ValueError:
            pass
    return f"exit code {exitcode}"


def record_crash(spec: RunSpec, error: str, wall_s: float) -> dict[str, Any]:
    """Write a `failed` record for a run whose process died (segfault, OOM killer, kill -9).

    The runner could not catch this itself; recording it keeps one bad task from being retried by
    every later sweep (`--retry-failed` retries it on purpose).
    """
    from suite.config import resolve_config
    from suite.record import build_record
    from suite.registry import REGISTRY
    from suite.runner import seal

    task = REGISTRY.task(spec.task)
    cfg = resolve_config(task, spec.preset, list(spec.overrides), results=spec.results)
    record = build_record(
        task,
        cfg,
        preset=spec.preset,
        seed=spec.seed,
        run_id=spec.run_id,
        config_hash=spec.run_id.split("__")[-2],
        status="failed",
        error=error,
        timing={"wall_s": wall_s},
        info={"crashed": True},
        device=spec.device,
    )
    return seal(Path(spec.results), task.id, spec.run_id, record)


@dataclass
class Outcome:
    records: list[dict]
    interrupted: bool
    not_started: int
    wall_s: float


def drive(specs: list[RunSpec], make_executor, display) -> Outcome:
    """Skip what is done, run the rest on the executor, feed the display; Ctrl-C keeps every finished record.

    `make_executor` is called only when something is left to run, so a fully cached sweep never
    starts processes or connects to a cluster.
    """
    t0 = time.perf_counter()
    records: list[dict] = []
    todo = []
    for spec in specs:
        rec = existing(spec)
        if rec is None:
            todo.append(spec)
        else:
            records.append(rec)
            display.done(spec, rec)
    if records:
        display.note(f"{len(records)} of {len(specs)} runs already recorded: skipped (cached)")
    seen: set[str] = set()
    executor = None
    interrupted = False
    try:
        if todo:
            executor = make_executor(todo)
            display.slots = executor.slots
            for kind, spec, rec in executor.events(todo):
                if kind == "start":
                    display.start(spec)
                else:
                    seen.add(spec.run_id)
                    records.append(rec)
                    display.done(spec, rec)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        if executor is not None:
            executor.close()
            # A worker stopped mid-run may not have unwound (Lightning's own interrupt handling, or the
            # kill after the grace period): its processes are gone now, so its staging dirs are stale.
            for results in {Path(s.results) for s in todo}:
                store.clean_stale(results)
        display.stop()
    not_started = sum(1 for s in todo if s.run_id not in seen)
    return Outcome(records, interrupted, not_started if interrupted else 0, time.perf_counter() - t0)
