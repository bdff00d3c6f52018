"""`bench compare --until-decided` replayed on the shipped records: error, power, and seeds saved.

    python benchmarks/sequential_compare.py --replays 1000

For each task with varying shipped seeds, the procedure of reports/sequential.py runs as the command
runs it (looks at 3, 5, ... up to the seeds that give 80 % power at one margin; margin = 2 % of the
problem's random-to-reference distance) on replayed seeds: both sides drawn from a normal fit of the
task's shipped seeds. Three numbers per task:
- **false verdicts**: the model against itself; the share of replays ending "better" or "worse" (≤ 5 %);
- **power**: one side shifted by one margin in its better direction; the share ending "better";
- **seeds**: the mean seeds a side used, against the fixed design that decides as much at α = 0.05: 80 %
  power for a difference of one margin (Welch) and for equivalence when there is none (TOST); the saving
  is averaged over the null and the shifted replays.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reports import sequential as sq  # noqa: E402
from reports.records import baseline_dir  # noqa: E402
from suite import store  # noqa: E402
from suite.registry import get_registry  # noqa: E402

TASKS = (
    "digits_mlp",
    "digits_cnn",
    "mnist1d_logreg",
    "mnist1d_mlp",
    "sunspots_mlp",
    "sunspots_lstm",
    "co2_lstm",
    "elnino_mlp",
    "digits_vae",
    "digits_gan",
)


def replay(a: np.ndarray, b: np.ndarray, plan: list[int], margin: float, hib: bool) -> tuple[str, int]:
    """The procedure on pre-drawn seeds: (verdict, seeds a side used)."""
    for k, n in enumerate(plan):
        v = sq.look(a, b, k, plan, margin, hib)
        if v.verdict != "continue":
            return v.verdict, n
    return "undecided", plan[-1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--replays", type=int, default=1000)
    ap.add_argument("--tasks", default=",".join(TASKS))
    args = ap.parse_args()
    reg = get_registry()
    rng = np.random.default_rng(0)
    print(f"{args.replays} replays per task and scenario; α = {sq.ALPHA}; normal fit of the shipped seeds")
    print(
        "| task | seeds shipped | SD | margin | last look | false better/worse | equivalent under the null | power at 1 margin | mean seeds (null / shifted) | fixed n (80 % power, difference and equivalence) | seeds saved |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    savings = []
    for tid in args.tasks.split(","):
        task = reg.task(tid)
        recs = [r for r in store.iter_records(baseline_dir(), tid) if r.get("status") == "ok" and r["preset"] == "standard"]
        values = np.array([r["metrics"][r["primary_metric"]] for r in recs], float)
        refs = task.refs()
        margin = sq.default_margin(refs.get("random"), refs.get("reference"))
        if len(values) < 3 or values.std() == 0 or margin is None:
            continue
        hib = recs[0]["higher_is_better"]
        sd = values.std(ddof=1)
        plan = sq.looks(3, 2, sq.max_seeds_for(margin, sd))
        n_max = plan[-1]
        null = [replay(*rng.normal(values.mean(), sd, (2, n_max)), plan, margin, hib) for _ in range(args.replays)]
        shifted = values.mean() + (margin if hib else -margin)
        alt = [replay(rng.normal(shifted, sd, n_max), rng.normal(values.mean(), sd, n_max), plan, margin, hib) for _ in range(args.replays)]
        false = np.mean([v in ("better", "worse") for v, _ in null])
        equivalent = np.mean([v == "equivalent" for v, _ in null])
        power = np.mean([v == "better" for v, _ in alt])
        used_null, used_alt = np.mean([n for _, n in null]), np.mean([n for _, n in alt])
        # the fixed design that decides as much: 80 % power for a difference of one margin, and for
        # equivalence when there is none (two one-sided tests), at α = 0.05
        n_fixed = max(sq.fixed_n(margin, sd), sq.fixed_n_equivalence(margin, sd))
        saved = 1 - (used_null + used_alt) / 2 / n_fixed
        savings.append(saved)
        print(
            f"| {tid} | {len(values)} | {sd:.3g} | {margin:.3g} | {n_max} | {false:.1%} | {equivalent:.1%} | {power:.1%} | "
            f"{used_null:.1f} / {used_alt:.1f} | {n_fixed} | {saved:+.0%} |",
            flush=True,
        )
    print(f"mean saving over the tasks: {np.mean(savings):+.0%}")


if __name__ == "__main__":
    main()
