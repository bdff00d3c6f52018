"""`bench config TASK`: every config key of a task with its value under a preset and its meaning."""

from __future__ import annotations

import argparse
import dataclasses


def add(sub, common) -> None:
    p = sub.add_parser(
        "config", parents=[common], help="show a task's config keys, values and presets", epilog="docs: docs/getting-started.md"
    )
    p.add_argument("task", metavar="TASK")
    p.add_argument("--preset", default="standard", help="a preset name, or tuned:STUDY (read from --results)")
    p.add_argument("--results", default=None, help="where tuned:STUDY presets are saved (default $BENCH_RESULTS or ./results)")
    p.add_argument("overrides", nargs="*", default=[], metavar="key=value")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    import typing

    from suite.config import help_of, preset_names, resolve_config, type_name
    from suite.registry import get_registry

    reg = get_registry(getattr(args, "plugin", []))
    task = reg.task(args.task)
    cfg = resolve_config(task, args.preset, args.overrides, results=args.results)
    hints = typing.get_type_hints(type(cfg))
    print(f"{task.id} ({task.family}) preset {args.preset}; presets: {', '.join(preset_names(task))}")
    for f in dataclasses.fields(cfg):
        print(f"  {f.name:24} = {getattr(cfg, f.name)!r:24} {type_name(hints[f.name]):18} {help_of(f)}")
    from suite.errors import UserError
    from suite.tuning.space import SPACES, describe, space_for

    if (task.family, None) in SPACES:  # the search space `bench tune` would use (no optuna import)
        try:
            print("\n".join(describe(*space_for(task, cfg))))
        except UserError as exc:
            print(f"search space (bench tune): {exc}")
    return 0
