"""The `bench` command. Subcommands live in `cli/commands/<name>.py`, each with `add(sub)` and `main(args)`.

Heavy libraries (torch, wandb, ray) are imported inside the subcommands that need them, so
`bench --help` and `bench list` answer at once.
"""

from __future__ import annotations

import argparse
import importlib
import sys

COMMANDS = ["list", "contract", "run", "sweep", "tune", "report", "compare", "check", "show", "config"]

EPILOG = """\
examples:
  bench list --family rl                      what can be run
  bench run cartpole_dqn --seeds 3            train and evaluate 3 seeds, print the leaderboard
  bench run digits_mlp --preset smoke lr=0.01 one quick run with an override
  bench config digits_mlp                     every config key, its value and meaning
  bench tune digits_mlp --trials 30 --workers 2   Optuna search; best config becomes preset tuned:digits_mlp
  bench report --format md,csv,html           leaderboards from all records in results/
  bench run digits_my_cnn --plugin my_models.py   your own model, registered with @register_model

Results go to ./results (or $BENCH_RESULTS); wandb logs offline unless you are logged in.

docs: docs/index.md (`make docs` builds the site); every command's options: docs/cli.md
"""


def common() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks")
    p.add_argument(
        "--plugin",
        action="append",
        default=argparse.SUPPRESS,
        metavar="FILE.py|MODULE",
        help="load models/problems from a file or module (repeatable)",
    )
    return p


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="bench",
        description="benchsuite: train, evaluate and rank classifiers, GANs, autoencoders, forecasters and RL agents.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[common()],
    )
    sub = top.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        try:
            mod = importlib.import_module(f"cli.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"cli.commands.{name}":
                continue
            raise
        mod.add(sub, common())
    return top


def split_overrides(top: argparse.ArgumentParser, args: argparse.Namespace, extra: list[str]) -> None:
    """Every `key=value` word of the line into `args.overrides`, in the order given.

    argparse cannot split `TASK... key=value...` between two positionals (the task list takes both),
    and overrides may also follow options (`run TASK --preset smoke lr=0.1`), where they are left over.
    """
    words = [*getattr(args, "tasks", []), *getattr(args, "overrides", []), *extra]
    overrides = [w for w in words if "=" in w and not w.startswith("-")]
    unknown = [w for w in extra if w not in overrides]
    if unknown or (overrides and not hasattr(args, "overrides")):
        top.error(f"unrecognized arguments: {' '.join(unknown or overrides)}")
    if hasattr(args, "tasks"):
        args.tasks = [w for w in args.tasks if w not in overrides]
    if hasattr(args, "overrides"):
        args.overrides = overrides


def main(argv: list[str] | None = None) -> int:
    from suite.errors import UserError

    argv = sys.argv[1:] if argv is None else argv
    top = parser()
    args, extra = top.parse_known_args(argv)
    split_overrides(top, args, extra)
    debug = getattr(args, "debug", False)
    if not args.command:
        parser().print_help()
        return 2
    import signal

    # SIGTERM (a scheduler, `timeout`) unwinds like Ctrl-C: staging dirs are removed, records kept.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        return args.func(args) or 0
    except UserError as exc:
        if debug:
            raise
        print(f"bench: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("bench: interrupted; finished records are kept", file=sys.stderr)
        return 130


def entry() -> None:
    sys.exit(main())


if __name__ == "__main__":
    entry()
