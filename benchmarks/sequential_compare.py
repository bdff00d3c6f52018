"""`bench compare --until-decided` replayed on the shipped records: error, power, and seeds saved.

    BENCH_THREADS=1 python benchmarks/sequential_compare.py --replays 4000   # ~30 s of CPU

For each task with varying shipped seeds, the procedure of reports/sequential.py runs as the command
runs it (the task's shipped seeds are the other model's free seeds; looks at 2, 3, 4, ... model seeds;
the last look sized for 80 % power at one margin; margin = 2 % of the problem's random-to-reference
distance) on replayed seeds, drawn two ways: from a normal fit of the task's shipped seeds, and by
resampling the shipped seeds themselves (a bootstrap: ties, skew and a ceiling as they come).
Per task:
- **false better/worse**: the model against itself; the share of replays ending "better" or "worse" (≤ 5 %);
- **power**: the model shifted by one margin in its better direction; the share ending "better";
- **seeds**: what the user trains, the model's seeds plus the other's beyond its shipped ones, averaged
  over the null and the shifted replays, against **the fixed design of the same power**: the fewest
  model seeds n whose single look (the other with max(n, shipped) seeds; Welch at α = 0.05, then TOST
  at α) has 80 % power for "better" at one margin and for "equivalent" at none, found by the same
  normal simulation (reports/sequential.fixed_n), so that both designs deliver the same two verdicts
  at the same error rates and power.
"""

from __future__ import annotations

import argparse
import sys
import time
from functools import partial
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
    "cartpole_dqn",  # the ceiling case: returns at 500 but for one seed at 18.7
)


def shipped(reg, tid: str) -> tuple[np.ndarray, float | None]:
    """The task's shipped standard seeds, oriented so that higher is better, and its margin."""
    recs = [r for r in store.iter_records(baseline_dir(), tid) if r.get("status") == "ok" and r["preset"] == "standard"]
    values = np.array([r["metrics"][r["primary_metric"]] for r in recs], float)
    refs = reg.task(tid).refs()
    sign = 1.0 if recs and recs[0]["higher_is_better"] else -1.0
    return sign * values, sq.default_margin(refs.get("random"), refs.get("reference"))


def cost(verdict_look: np.ndarray, plan, free: int) -> np.ndarray:
    """Seeds trained when stopping at each look index: the model's, plus the other's beyond its free ones."""
    m, o = np.array(plan[0]), np.array(plan[1])
    return m[verdict_look] + np.maximum(o[verdict_look] - free, 0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--replays", type=int, default=4000)
    ap.add_argument("--tasks", default=",".join(TASKS))
    ap.add_argument("--seed", type=int, default=1, help="replays' RNG seed (0 was used to choose the boundary shapes)")
    args = ap.parse_args()
    reg = get_registry()
    rng = np.random.default_rng(args.seed)
    start = time.process_time()
    R = args.replays
    print(f"{R} replays per task and scenario; α = {sq.ALPHA}; normal fit | resampled shipped seeds")
    print(
        "| task | shipped seeds | SD | margin | looks (model seeds) | false better/worse | equivalent under the null | power at 1 margin "
        "| seeds trained (null / shifted) | fixed n (trained) | saved: model seeds | saved: seeds trained |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    saved_model, saved_trained = [], []
    for tid in args.tasks.split(","):
        values, margin = shipped(reg, tid)
        if len(values) < 3 or values.std() == 0 or margin is None:
            continue
        free, sd = len(values), float(values.std(ddof=1))
        plan = sq.design(margin, sd, free)
        m_max, o_max = plan[0][-1], plan[1][-1]

        rows = {}
        for name, draw in (
            ("normal", lambda shape, v=values, s=sd: rng.normal(v.mean(), s, shape)),
            ("resampled", partial(rng.choice, values)),
        ):
            v0, k0 = sq.decide(draw((R, m_max)), draw((R, o_max)), *plan, margin)
            v1, k1 = sq.decide(draw((R, m_max)) + margin, draw((R, o_max)), *plan, margin)
            rows[name] = (
                np.mean(np.abs(v0) == 1),
                np.mean(v0 == sq.EQUIVALENT),
                np.mean(v1 == sq.BETTER),
                cost(k0, plan, free).mean(),
                cost(k1, plan, free).mean(),
                (np.array(plan[0])[k0].mean() + np.array(plan[0])[k1].mean()) / 2,
            )
        n_fixed = sq.fixed_n(margin, sd, free)
        fixed_trained = n_fixed + max(n_fixed - free, 0)
        nm, rs = rows["normal"], rows["resampled"]
        s_model = 1 - nm[5] / n_fixed
        s_trained = 1 - (nm[3] + nm[4]) / 2 / fixed_trained
        capped = m_max >= sq.CAP and n_fixed >= sq.CAP  # the margin asks for more seeds than the command runs
        if not capped:
            saved_model.append(s_model)
            saved_trained.append(s_trained)
        fixed = f"{n_fixed} ({fixed_trained})" if not capped else f"≥ {n_fixed}"
        saved = f"{s_model:+.0%} | {s_trained:+.0%}" if not capped else f"— (capped at {sq.CAP}) | —"
        print(
            f"| {tid} | {free} | {sd:.3g} | {margin:.3g} | {plan[0][0]} … {m_max} ({len(plan[0])}) | {nm[0]:.1%} \\| {rs[0]:.1%} | "
            f"{nm[1]:.1%} \\| {rs[1]:.1%} | {nm[2]:.1%} \\| {rs[2]:.1%} | {nm[3]:.1f} / {nm[4]:.1f} | {fixed} | {saved} |",
            flush=True,
        )
    print(
        f"mean saving over the tasks (normal fit, capped ones left out): model seeds {np.mean(saved_model):+.0%}, "
        f"seeds trained {np.mean(saved_trained):+.0%}; CPU {time.process_time() - start:.0f} s"
    )


if __name__ == "__main__":
    main()
