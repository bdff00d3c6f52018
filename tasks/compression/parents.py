"""A compression run's parent: the ordinary run `<problem>_<base>` of the same preset and seed.

Found by its record in the same results directory (the run id is computed exactly as `bench run`
computes it) and reused with its kept weights; trained first through the ordinary runner when there
is no record, or an `ok` one without weights (recorded before `keep_weights`: it is run again and
its record replaced, with a warning). A parent that fails or diverges fails this run, naming it.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from suite import store, weights
from suite.config import config_hash, resolve_config
from suite.context import RunContext
from suite.registry import REGISTRY, Task


@dataclass
class Parent:
    task: Task
    config: Any
    record: dict
    dir: Path
    state: dict | None
    trained_here: bool

    @property
    def metric(self) -> float:
        return float(self.record["metrics"][self.record["primary_metric"]])

    def summary(self) -> dict[str, Any]:
        return {
            "task": self.task.id,
            "run_id": self.record["run_id"],
            "preset": self.record["preset"],
            "trained_here": self.trained_here,
            "metric": self.metric,
        }


def results_of(ctx: RunContext) -> Path:
    """The results directory this run is staged in: store.stage puts it at <results>/<task>/.tmp-<id>..."""
    return ctx.run_dir.parent.parent


def obtain(ctx: RunContext, base: str, need_weights: bool = True) -> Parent:
    task = REGISTRY.task(f"{ctx.task.problem.name}_{base}")
    preset = ctx.config.parent_preset or ctx.preset
    cfg = resolve_config(task, preset)
    results = results_of(ctx)
    rid = store.run_id(task.id, preset, config_hash(task.id, preset, cfg), ctx.seed)
    final = store.run_path(results, task.id, rid)
    rec = store.read_record(final)
    ok = rec is not None and rec.get("status") == "ok"
    trained = not ok or (need_weights and weights.find(final) is None)
    if trained:
        from suite.runner import execute, seed_everything  # the ordinary runner: the parent is an ordinary record

        why = "no record" if rec is None else f"its record is {rec.get('status')}" if not ok else "its record kept no weights"
        print(
            f"{ctx.task.id} seed {ctx.seed}: training the parent {task.id} ({preset}) first: {why} in {results}",
            file=sys.stderr,
            flush=True,
        )
        if ok:
            ctx.warn(f"parent {rid} had no kept weights (recorded before keep_weights?): it was trained again and its record replaced")
        rec = execute(task, cfg, preset=preset, seed=ctx.seed, results=results, force=ok, progress=ctx.progress)
        seed_everything(ctx.seed)  # the parent's run reseeded the global generators: start this run's part afresh
        if rec.get("status") != "ok":
            raise RuntimeError(f"parent {task.id} seed {ctx.seed} ({preset}) {rec.get('status')}: {rec.get('error')} (see {final})")
    state = weights.load(final) if need_weights else None
    return Parent(task, cfg, rec, final, state, trained)
