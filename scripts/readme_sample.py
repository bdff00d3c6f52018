"""The README's sample output of `make bench TASK=cartpole_dqn`, printed by the suite's own code from
the shipped records of seeds 0, 1, 2 (reports/baseline/cartpole_dqn), as if they had just been run.

    python scripts/readme_sample.py            print the sample
    python scripts/readme_sample.py --write    put it into README.md between its markers

The run lines and the boards come from the functions `bench run` prints with (`describe` and
`show_leaderboard`), as they print into a log (`make bench ... | tee log`), so the README shows what
the code prints today. `tests/test_newcomer_readme.py` fails when README.md and this output disagree:
after the baselines are regenerated, run this script with `--write`.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from readme_blocks import cli, marked  # noqa: E402

from reports.records import baseline_dir  # noqa: E402
from suite import store  # noqa: E402
from cli.commands.common import show_leaderboard  # noqa: E402
from suite.executors.progress import describe  # noqa: E402

README = ROOT / "README.md"
BEGIN, END = "<!-- sample:begin (scripts/readme_sample.py --write) -->", "<!-- sample:end -->"
TASK, PROBLEM, PRESET, SEEDS = "cartpole_dqn", "cartpole", "standard", (0, 1, 2)  # `make bench TASK=cartpole_dqn`: SEEDS=3


def shipped_runs() -> list[dict]:
    """The shipped records `make bench TASK=cartpole_dqn` would make: preset standard, seeds 0-2."""
    recs = [r for r in store.iter_records(baseline_dir(), TASK) if r["preset"] == PRESET and r["seed"] in SEEDS]
    recs.sort(key=lambda r: r["seed"])
    if [r["seed"] for r in recs] != list(SEEDS):
        raise SystemExit(f"reports/baseline/{TASK} lacks {PRESET} records of seeds {SEEDS}: found {[r['seed'] for r in recs]}")
    return recs


def sample() -> str:
    """What `bench run cartpole_dqn --seeds 3` prints into a log, from the shipped records."""
    recs = shipped_runs()
    out = io.StringIO()
    with tempfile.TemporaryDirectory() as tmp, contextlib.redirect_stdout(out):
        results = Path(tmp)
        for rec in recs:  # the user's results directory after the three runs
            shutil.copytree(rec["_dir"], results / TASK / Path(rec["_dir"]).name)
            print(describe(rec))
        show_leaderboard(results, {PROBLEM}, PRESET)
    return "\n".join(line.rstrip() for line in out.getvalue().splitlines())


def block() -> str:
    return f"{BEGIN}\n```text\n{sample()}\n```\n{END}"


def readme_block(text: str) -> str | None:
    return marked(text, BEGIN, END)


def main() -> None:
    cli(__doc__, README, BEGIN, END, sample, block, "sample output")


if __name__ == "__main__":
    main()
