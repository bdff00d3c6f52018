"""`bench contract FAMILY`: what a model of that family must bring, and a minimal plug-in that does."""

from __future__ import annotations

import argparse

DOCS = "docs: docs/plugging-in.md"


def add(sub, common) -> None:
    p = sub.add_parser(
        "contract",
        parents=[common],
        help="print a family's plug-in contract and a minimal working example",
        description=(
            "Print the typed interface (a typing.Protocol, shapes in its docstrings) that a model of FAMILY "
            "meets, the family's short form, and a minimal plug-in file that runs with `bench run ... --plugin FILE`. "
            "A plug-in that breaks the contract is refused before any training."
        ),
        epilog=DOCS,
    )
    p.add_argument("family", help="classification, generation, autoencoding, forecasting or rl")
    p.add_argument("--example-only", action="store_true", help="print only the example plug-in file (to save it: > my_model.py)")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    import inspect

    from suite.contract import describe
    from suite.errors import UserError, did_you_mean
    from suite.registry import example_path, get_registry, resolve

    reg = get_registry(getattr(args, "plugin", []))
    if args.family not in reg.families:
        raise did_you_mean(args.family, reg.families, "family")
    fam = reg.family(args.family)
    if fam.contract is None:
        raise UserError(
            f"the {fam.name} family declares no contract yet; families with one: {', '.join(f for f, s in reg.families.items() if s.contract)}"
        )
    example = example_path(fam.example).read_text() if fam.example else None
    if args.example_only:
        print(example or f"# the {fam.name} family ships no example")
        return 0
    protocol = resolve(fam.contract)
    print(f"# The {fam.name} contract: {describe(protocol)}")
    print(f"# {fam.description}")
    print(f"# Register with @register_model(NAME, family={fam.name!r}, kind='trainer'); the family judges what it returns.\n")
    print(inspect.getsource(protocol))
    if example:
        print(f"# A minimal plug-in (`bench contract {fam.name} --example-only > my_model.py`, then")
        print("# `bench run PROBLEM_MODEL --plugin my_model.py`):\n")
        print(example)
    return 0
