"""`bench list`: problems × models that form tasks, without importing any framework."""

from __future__ import annotations

import argparse


def add(sub, common) -> None:
    p = sub.add_parser(
        "list",
        parents=[common],
        help="list tasks (problem × model), problems, models or suites",
        description="List registered tasks. A task id is <problem>_<model>.",
        epilog="docs: docs/getting-started.md",
    )
    p.add_argument("--family", help="only this family: classification, generation, autoencoding, forecasting, rl")
    p.add_argument("--what", choices=["tasks", "problems", "models", "suites"], default="tasks")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    from suite.errors import did_you_mean
    from suite.registry import FAMILIES_BUILTIN, get_registry

    reg = get_registry(getattr(args, "plugin", []))
    if args.family and args.family not in reg.families:
        raise did_you_mean(args.family, reg.families or FAMILIES_BUILTIN, "family")
    if args.what == "problems":
        for p in sorted(reg.problems.values(), key=lambda p: p.name):
            if not args.family or args.family in p.families:
                print(f"{p.name:24} {'/'.join(p.families):28} {p.description}")
    elif args.what == "models":
        for m in sorted(reg.all_models(), key=lambda m: (m.name, m.families)):
            if not args.family or args.family in m.families:
                print(f"{m.name:24} {'/'.join(m.families):28} {m.description}")
    elif args.what == "suites":
        for name in sorted(reg.suites):
            print(f"{name:24} {len(reg.suite(name))} tasks")
    else:
        tasks = sorted(reg.tasks(family=args.family), key=lambda t: (t.family, t.id))
        for t in tasks:
            print(f"{t.id:36} {'/'.join(t.families):28} {t.model.description}")
        print(f"{len(tasks)} tasks")
    return 0
