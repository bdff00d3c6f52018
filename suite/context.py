"""What a family runner receives: the task, its config, and places to put metrics, curves, artifacts."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from suite.registry import Task


class Pruned(Exception):
    """The tuner's pruner stopped this trial on its intermediate values: the run is recorded as `pruned`."""


class TestSkipped(Exception):
    """A tuning trial whose objective is a validation metric reached the test phase: it ends there, unread."""


@dataclass
class Trial:
    """What makes a run a trial of `bench tune` (suite/tuning/study.py fills it in).

    `report` sees every curve point as it is logged and may raise `Pruned`; with `skip_test` the run
    ends at `ctx.phase("eval")`, so a trial never reads the test split whatever the family does.
    """

    study: str
    number: int
    objective: str
    skip_test: bool
    params: dict[str, Any] = field(default_factory=dict)
    report: Callable[[str, float, float], None] | None = None

    def as_record(self) -> dict[str, Any]:
        return {
            "study": self.study,
            "trial": self.number,
            "objective": self.objective,
            "test_skipped": self.skip_test,
            "params": self.params,
        }


@dataclass
class RunContext:
    task: Task
    config: Any  # the task's config dataclass instance
    seed: int
    preset: str
    device: str  # "cpu" or "cuda": already resolved from "auto"
    run_dir: Path  # staging directory of this run; artifacts go under run_dir / "artifacts"
    progress: bool = True
    metrics: dict[str, float] = field(default_factory=dict)  # final metrics, namespaced "test/acc"
    curves: list[tuple[float, float, str, float]] = field(default_factory=list)  # (step, wall_s, metric, value)
    artifacts: list[dict[str, str]] = field(default_factory=list)
    resources: dict[str, Any] = field(default_factory=dict)  # params, throughput, ...
    timing: dict[str, float] = field(default_factory=dict)  # train_s, eval_s
    info: dict[str, Any] = field(default_factory=dict)  # anything else worth keeping in the record
    raw: dict[str, Any] = field(default_factory=dict)  # per test sample / origin / episode outcomes (suite/raw.py)
    warnings: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.perf_counter)
    on_first_step: Callable[[float], None] | None = None  # called once, at the first curve point past step 0 (suite/eta.py)
    trial: Trial | None = None  # set when the run is a trial of `bench tune`
    # phases open now: a phase opened inside itself (a family's harness around a trainer that times its
    # own training, e.g. plain.fit around a Lightning fit) is timed once, by the outer one
    open_phases: set[str] = field(default_factory=set, init=False, repr=False)

    def log(self, metric: str, value: float, step: float) -> None:
        """Add a point to a curve (e.g. `val/acc` at epoch 3, `eval/mean_return` at 10_000 env steps)."""
        self.curves.append((float(step), time.perf_counter() - self.started, metric, float(value)))
        if self.on_first_step is not None and step > 0:
            hook, self.on_first_step = self.on_first_step, None  # once per run
            hook(step)
        if self.trial is not None and self.trial.report is not None:
            self.trial.report(metric, float(value), float(step))  # the pruner sees it as it happens

    @contextlib.contextmanager
    def phase(self, name: str):
        """Time a phase; `with ctx.phase("train"):` adds to timing["train_s"]."""
        if name == "eval" and self.trial is not None and self.trial.skip_test:
            raise TestSkipped(name)
        if name in self.open_phases:
            # nested in itself (a family times a plug-in's whole `fit`, whose own loop times its epochs): the outer counts, once
            yield
            return
        t0 = time.perf_counter()
        if name == "train":
            # set-up ends where training first starts: imports, data and model build are behind us
            self.timing.setdefault("setup_s", t0 - self.started)
        self.open_phases.add(name)
        try:
            yield
        finally:
            self.open_phases.discard(name)
            key = f"{name}_s"
            self.timing[key] = self.timing.get(key, 0.0) + time.perf_counter() - t0

    def artifact_path(self, name: str) -> Path:
        path = self.run_dir / "artifacts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def add_artifact(self, path: Path, kind: str = "image", caption: str = "") -> None:
        """Register a file under run_dir (kind: image | video | table | file); wandb mirrors images and videos."""
        rel = Path(path).resolve().relative_to(self.run_dir.resolve())
        self.artifacts.append({"path": str(rel), "kind": kind, "caption": caption})

    def warn(self, message: str) -> None:
        self.warnings.append(message)
