"""The typed Python entry points that the command line, `bench tune`, `bench compare` and the tests call.

    from suite import api
    plan = api.plan(["digits_mlp"], seeds=[0, 1, 2], preset="smoke")
    records = api.run(plan)

Planning resolves every task, config and contract before any training, so bad input (an unknown
task, a bad override, a plug-in that breaks its family's contract) fails in a second, in one line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from suite.errors import UserError
from suite.registry import Task


@dataclass
class Plan:
    """Tasks × seeds with their resolved configs: what `run` executes."""

    tasks: list[Task]
    configs: dict[str, Any]  # task id -> the task's typed config
    seeds: list[int]
    preset: str
    results: Path
    overrides: list[str] = field(default_factory=list)
    plugins: list[str] = field(default_factory=list)

    def runs(self) -> list[tuple[Task, int]]:
        """(task, seed) pairs in order; a deterministic model runs once."""
        return [(t, s) for t in self.tasks for s in t.run_seeds(self.seeds)]


def plan(
    tasks: Iterable[str],
    *,
    seeds: list[int],
    preset: str = "standard",
    overrides: Iterable[str] = (),
    results: str | Path | None = None,
    plugins: Iterable[str] = (),
    tensorboard: str | None = None,
    probe: bool = True,
) -> Plan:
    """Resolve task ids and suite names, configs and contracts; check the results directory is writable.

    `probe=False` skips the families' probe batches (nothing will be trained: `bench compare --no-run`)."""
    import os

    from suite import contract
    from suite import tensorboard as tb
    from suite.config import resolve_config
    from suite.registry import get_registry
    from suite.store import check_writable, results_dir

    plugins = list(plugins)
    reg = get_registry(plugins)
    names = list(tasks)
    if not names:
        raise UserError("no task given; try `bench list`")
    expanded = reg.expand(names)
    where = results_dir(results)
    overrides = list(overrides)
    configs = {t.id: resolve_config(t, preset, overrides, results=where) for t in expanded}
    for t in expanded:
        contract.check(t, configs[t.id], probe=probe)
    check_writable(where)
    tb.check(tensorboard or os.environ.get(tb.ENV))
    return Plan(expanded, configs, list(seeds), preset, where, overrides, plugins)


def run(
    plan: Plan,
    *,
    device: str = "auto",
    wandb_mode: str | None = None,
    force: bool = False,
    progress: bool = True,
    on_record: Callable[[dict], None] | None = None,
) -> list[dict]:
    """Every planned task × seed one after the other in this process; `on_record` sees each record as it lands."""
    from suite import store
    from suite.runner import execute

    store.clean_stale(plan.results)
    records = []
    for task, seed in plan.runs():
        rec = execute(
            task,
            plan.configs[task.id],
            preset=plan.preset,
            seed=seed,
            results=plan.results,
            device=device,
            wandb_mode=wandb_mode,
            force=force,
            progress=progress,
        )
        if on_record is not None:
            on_record(rec)
        records.append(rec)
    return records
