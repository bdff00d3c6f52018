"""`bench compare --until-decided` replayed on the shipped records: error, power, and seeds saved.

    BENCH_THREADS=1 python benchmarks/sequential_compare.py --replays 4000            # ~2 min of CPU
    BENCH_THREADS=1 python benchmarks/sequential_compare.py --replays 4000 --strict   # the strict design

For each task with varying shipped seeds, the procedure of reports/sequential.py runs as the command
runs it (the task's shipped seeds are the other model's free seeds; looks at 2, 3, 4, ... model seeds;
the last look sized for 80 % power at one margin from the shipped spread, or, from the look where the
replayed seeds so far are clearly noisier, pooled with theirs; margin = 2 % of the problem's random-to-reference
distance) on replayed seeds, drawn two ways: from a normal fit of the task's shipped seeds, and by
resampling the shipped seeds themselves (a bootstrap: ties, skew and a ceiling as they come), spread
around their mean by √(n / (n - 1)) so that their variance is the shipped SD's both designs plan from.
Per task:
- **false better/worse**: the model against itself; the share of replays ending "better" or "worse" (≤ 5 %);
- **equivalent / futile under the null**: the shares ending with the two verdicts of "no difference";
- **power**: the model shifted by one margin in its better direction; the share ending "better";
- **futile at 1 margin**: the share of those shifted replays ending "futile" or "equivalent" (≤ 20 %);
- **seeds**: what the user trains, the model's seeds plus the other's beyond its shipped ones, averaged
  over the null and the shifted replays, against **the fixed design of the same power**: the fewest
  model seeds n whose single look (the other with max(n, shipped) seeds; Welch at α = 0.05) has 80 %
  power for "better" at one margin, found by simulation on the replays' own law (reports/sequential.fixed_n):
  normal seeds, or the resampled ones.
  With --strict, the strict design (no futility; 80 % power for "equivalent" at Δ = 0 too) against the
  fixed design that also has that power (TOST at α), so that both deliver the same verdicts.
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


def replay(
    a: np.ndarray, b: np.ndarray, sd: float, margin: float, free: int, strict: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The command's procedure on pre-drawn seeds (a: (R, CAP) model, b: (R, CAP) other, oriented), plan
    re-sizing included -> (verdict codes, seeds trained, the model's seeds, the final plan's last look), each (R,)."""
    verdict, model, other, last = sq.decide_resized(a, b, sd, margin, free, strict=strict)
    return verdict, model + np.maximum(other - free, 0), model, last


def trained(n_fixed: int, free: int) -> int:
    """The seeds a user trains for the fixed design: n of the model and the other's beyond its free ones."""
    return n_fixed + max(n_fixed - free, 0)


def saving(row: tuple, n_fixed: int, free: int) -> tuple[float, float]:
    """(model seeds, seeds trained) saved against the fixed design of n_fixed model seeds, averaged over
    the null and the shifted replays of one scenario's row."""
    return 1 - row[5] / n_fixed, 1 - (row[3] + row[4]) / 2 / trained(n_fixed, free)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--replays", type=int, default=4000)
    ap.add_argument("--tasks", default=",".join(TASKS))
    ap.add_argument("--seed", type=int, default=1, help="replays' RNG seed (0 was used to choose the boundary shapes)")
    ap.add_argument("--strict", action="store_true", help="the strict design: equivalence shown at α, no futility stop")
    ap.add_argument(
        "--spread-ratio",
        type=float,
        default=1.0,
        help="the model's seeds spread this many times the shipped ones (around the same mean): the error and power "
        "against a noisier (> 1) or steadier (< 1) model; the fixed design stays the one for equal spreads",
    )
    args = ap.parse_args()
    reg = get_registry()
    rng = np.random.default_rng(args.seed)
    start = time.process_time()
    R = args.replays
    print(
        f"{R} replays per task and scenario; α = {sq.ALPHA}; {'strict' if args.strict else 'default'} design; normal fit | resampled shipped seeds"
        + (f"; the model's seeds spread {args.spread_ratio:g}× the shipped ones" if args.spread_ratio != 1 else "")
    )
    print(
        f"| task | shipped seeds | SD | margin | model seeds at the looks: {sq.PILOT} … last (median; range) | false better/worse | equivalent \\| futile under the null "
        "| power at 1 margin | futile at 1 margin | seeds trained (null / shifted) | fixed n (trained) | saved: model seeds | saved: seeds trained |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    saved, room = [], []
    for tid in args.tasks.split(","):
        values, margin = shipped(reg, tid)
        if len(values) < 3 or values.std() == 0 or margin is None:
            continue
        free, sd = len(values), float(values.std(ddof=1))
        # resampled around their mean, scaled by √(n / (n - 1)): plain resampling of n values has (n - 1) / n of
        # their variance (4/5 for 5 seeds), a world steadier than the spread both designs are planned from
        pool = values.mean() + (values - values.mean()) * np.sqrt(free / (free - 1))
        rows, lasts = {}, []
        for name, draw in (
            ("normal", lambda shape, v=values, s=sd: rng.normal(v.mean(), s, shape)),
            ("resampled", partial(rng.choice, pool)),
        ):
            centre, ratio = values.mean(), args.spread_ratio
            v0, t0, n0, l0 = replay(
                centre + ratio * (draw((R, sq.CAP)) - centre), draw((R, max(sq.CAP, free))), sd, margin, free, args.strict
            )
            v1, t1, n1, l1 = replay(
                centre + ratio * (draw((R, sq.CAP)) - centre) + margin, draw((R, max(sq.CAP, free))), sd, margin, free, args.strict
            )
            rows[name] = (
                np.mean(np.abs(v0) == 1),
                np.mean(v0 == sq.EQUIVALENT),
                np.mean(v1 == sq.BETTER),
                t0.mean(),
                t1.mean(),
                (n0.mean() + n1.mean()) / 2,
                np.mean(v0 == sq.FUTILE),
                np.mean((v1 == sq.FUTILE) | (v1 == sq.EQUIVALENT)),
            )
            lasts += [l0, l1] if name == "normal" else []
        n_fixed = sq.fixed_n(margin, sd, free, strict=args.strict)
        n_fixed_rs = sq.fixed_n(margin, sd, free, strict=args.strict, draw=lambda rng, shape, v=pool: rng.choice(v, shape))
        nm, rs = rows["normal"], rows["resampled"]
        savings = [saving(row, n, free) for row, n in ((nm, n_fixed), (rs, n_fixed_rs))]
        m_max = int(np.median(np.concatenate(lasts)))
        capped = m_max >= sq.CAP and n_fixed >= sq.CAP  # the margin asks for more seeds than the command runs
        if not capped:
            saved.append([x for pair in savings for x in pair])
            room.append(n_fixed > sq.PILOT)  # a fixed design of 2 seeds leaves nothing to stop early for
        fixed = f"{n_fixed} ({trained(n_fixed, free)}) \\| {n_fixed_rs} ({trained(n_fixed_rs, free)})"
        shown = " | ".join(" \\| ".join(f"{round(s[j], 2) + 0.0:+.0%}" for s in savings) for j in (0, 1))
        print(
            f"| {tid} | {free} | {sd:.3g} | {margin:.3g} | {sq.PILOT} … {m_max} ({np.concatenate(lasts).min()}–{np.concatenate(lasts).max()}) | {nm[0]:.1%} \\| {rs[0]:.1%} | "
            f"{nm[1]:.1%} \\| {nm[6]:.1%} (resampled {rs[1]:.1%} \\| {rs[6]:.1%}) | {nm[2]:.1%} \\| {rs[2]:.1%} | {nm[7]:.1%} \\| {rs[7]:.1%} "
            f"| {nm[3]:.1f} / {nm[4]:.1f} \\| {rs[3]:.1f} / {rs[4]:.1f} | {fixed if not capped else f'≥ {n_fixed}'} | {shown if not capped else f'— (capped at {sq.CAP}) | —'} |",
            flush=True,
        )
    room_, saved_ = np.array(room, bool), np.array(saved).reshape(-1, 4)
    line = "mean saving over the tasks (capped ones left out), seeds trained (model seeds): " + ", ".join(
        f"{name} {np.mean(saved_[:, j + 1]):+.1%} ({np.mean(saved_[:, j]):+.1%})" for name, j in (("normal fit", 0), ("resampled", 2))
    )
    if room_.any() and not room_.all():  # the tasks whose fixed design needs more than the first look
        line += f"; over the {room_.sum()} whose fixed design needs more than {sq.PILOT} seeds: " + ", ".join(
            f"{name} {np.mean(saved_[room_, j + 1]):+.1%}" for name, j in (("normal fit", 0), ("resampled", 2))
        )
    print(f"{line}; CPU {time.process_time() - start:.0f} s")


if __name__ == "__main__":
    main()
