"""How often `bench check` cries wolf, and how often it catches a real regression, at the check suite's shapes.

    python benchmarks/check_false_alarms.py --replays 5000

For every task of the `check` suite with shipped seeds that vary, "reruns" are drawn from the task's
own shipped seeds: by a normal fit (mean and SD of the shipped seeds) and by resampling the shipped
values with replacement (ties and discreteness as they are). Unchanged code, both sides from the same
distribution: the share of replays in which the gate fails (any task flagged regressed, after Holm) is
its false-alarm rate, to be ≤ 5 % (≥ 19 clean passes in 20). Power: one task shifted worse by `--shift`
shipped standard deviations, the share of replays in which that task is flagged.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reports import check  # noqa: E402
from reports.records import baseline_dir  # noqa: E402
from suite import store  # noqa: E402
from suite.registry import get_registry  # noqa: E402


def shipped(task_ids: list[str]) -> dict[str, tuple[np.ndarray, bool]]:
    out = {}
    for tid in task_ids:
        recs = [r for r in store.iter_records(baseline_dir(), tid) if r.get("status") == "ok"]
        if len(recs) < 2:
            continue
        metric = recs[0]["primary_metric"]
        values = np.array([r["metrics"][metric] for r in recs], float)
        if values.std() > 0:
            out[tid] = (values, recs[0]["higher_is_better"])
    return out


def gate(tasks: dict, draw, rng: np.random.Generator, worse: str | None = None, shift: float = 0.0) -> tuple[bool, bool]:
    """One replay: (the gate failed, the shifted task was flagged)."""
    verdicts = []
    for tid, (values, hib) in tasks.items():
        old, new = draw(values, rng), draw(values, rng)
        if tid == worse:
            new = new + (-shift if hib else shift) * values.std(ddof=1)
        verdicts.append(check.compare(tid, "m", hib, list(old), list(new), exact=False, why="", deterministic=False))
    check.decide(verdicts)
    return check.failed(verdicts), any(v.task == worse and v.outcome == "regressed" for v in verdicts)


def normal(values: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    return rng.normal(values.mean(), values.std(ddof=1), len(values))


def resample(values: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    return rng.choice(values, len(values), replace=True)


def main() -> None:
    warnings.filterwarnings("ignore", message="Precision loss")  # resampled seeds can be all equal on one side
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--replays", type=int, default=5000)
    ap.add_argument("--shift", default="2,3,4", help="regressions to catch, in shipped SDs (the lr x10 run was 1.9); comma-separated")
    args = ap.parse_args()
    tasks = shipped(get_registry().suite("check"))
    rng = np.random.default_rng(0)
    print(f"check suite, tasks tested statistically: {', '.join(f'{t} (n={len(v)})' for t, (v, _) in tasks.items())}")
    shifts = [float(x) for x in args.shift.split(",")]
    target = next(iter(tasks))
    print(f"power: {target} shifted worse by k shipped SDs, flagged after Holm over all {len(tasks)}")
    print("| draw | false alarms, unchanged code | clean passes in 20 | " + " | ".join(f"power at {k:g} SD" for k in shifts) + " |")
    print("|---|---|---|" + "---|" * len(shifts))
    for name, draw in (("normal fit", normal), ("resampled seeds", resample)):
        alarms = np.mean([gate(tasks, draw, rng)[0] for _ in range(args.replays)])
        power = [np.mean([gate(tasks, draw, rng, target, k)[1] for _ in range(args.replays)]) for k in shifts]
        print(f"| {name} | {alarms:.2%} | {20 * (1 - alarms):.1f} | " + " | ".join(f"{p:.1%}" for p in power) + " |")


if __name__ == "__main__":
    main()
