"""SB3 (torch) against SBX (JAX) on the same task, preset and step budget, through the suite's RL protocol.

    BENCH_THREADS=1 OMP_NUM_THREADS=1 python benchmarks/sb3_vs_sbx.py --seeds 3 --results /work/res-sbx
    python benchmarks/sb3_vs_sbx.py --pairs cartpole_dqn,pendulum_sac --seeds 0-2 n_timesteps=10000

Each pair runs the SB3 task (`<problem>_<algo>`) and its SBX twin (`<problem>_sbx_<algo>`) at their
`standard` preset (the same rl-baselines3-zoo hyperparameters and budget), one run at a time, seeds in
the outer loop so that a stopped benchmark leaves whole seeds for every pair; runs already in the results
directory are not rerun. Printed as a markdown table: training env steps per second and training seconds
(the protocol's, without evaluation; SBX's include JAX's compilation), the final deterministic return
(mean and 95 % t interval over seeds, kept inside the return's bounds as the suite's reports keep it), and the training seconds until a periodic evaluation first met the
problem's threshold (median over the seeds that met it; "k/n" seeds met it).
Needs `pip install 'benchsuite[sbx]'`.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cli.commands.common import parse_seeds  # noqa: E402
from reports.stats import seed_summary  # noqa: E402
from suite import api, store  # noqa: E402
from suite.registry import get_registry  # noqa: E402

PAIRS = ("cartpole_dqn", "cartpole_ppo", "pendulum_sac", "pendulum_td3", "lunarlander_ppo")


def sbx_twin(task_id: str) -> str:
    problem, _, algo = task_id.rpartition("_")
    return f"{problem}_sbx_{algo}"


def summary(records: list[dict], bounds: tuple[float, float]) -> dict[str, str]:
    """One table row's cells from a task's records (one per seed); the interval kept inside the return's bounds."""
    ok = [r for r in records if r["status"] == "ok"]
    if not ok:
        return {"seeds": "0", "steps/s": "-", "train s": "-", "return": "-", "to threshold": "-"}
    returns = [r["metrics"]["eval/mean_return"] for r in ok]
    stats = seed_summary(returns, bounds=bounds)
    mean, lo, hi = stats["mean"], stats["ci_low"], stats["ci_high"]
    reached = [r["info"]["time_to_threshold"]["train_s"] for r in ok if isinstance(r["info"].get("time_to_threshold"), dict)]
    to_threshold = f"{statistics.median(reached):.0f} s ({len(reached)}/{len(ok)})" if reached else f"not met (0/{len(ok)})"
    return {
        "seeds": ",".join(str(r["seed"]) for r in ok),
        "steps/s": f"{statistics.fmean(r['resources']['throughput'] for r in ok):.0f}",
        "train s": f"{statistics.fmean(r['timing']['train_s'] for r in ok):.0f}",
        "return": (f"{mean:.1f} [{lo:.1f}, {hi:.1f}]" if len(returns) > 1 else f"{mean:.1f}")
        + f" ({', '.join(f'{x:.1f}' for x in returns)})",
        "to threshold": to_threshold,
    }


def budget(task_id: str, preset: str, overrides: list[str]) -> int:
    """The task's step budget under the preset and overrides: only records at this budget make its row."""
    from suite.config import resolve_config

    return resolve_config(get_registry().task(task_id), preset, overrides).n_timesteps


def table(pairs: list[str], results: Path, preset: str, overrides: list[str]) -> str:
    cols = ["task", "library", "seeds", "steps/s", "train s", "return", "to threshold"]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for pair in pairs:
        for library, task_id in (("SB3", pair), ("SBX", sbx_twin(pair))):
            steps = budget(task_id, preset, overrides)
            recs = [r for r in store.iter_records(results, task_id) if r["preset"] == preset and r["config"]["n_timesteps"] == steps]
            bounds = tuple(get_registry().task(task_id).refs().get("bounds", (-math.inf, math.inf)))
            row = {"task": f"{pair} ({steps:,} steps)", "library": library, **summary(recs, bounds)}
            lines.append("| " + " | ".join(row[c] for c in cols) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--pairs", default=",".join(PAIRS), help=f"SB3 task ids, comma-separated (default: {','.join(PAIRS)})")
    p.add_argument("--seeds", default="3", help="a count (3 = 0,1,2) or a list/range, as `bench run --seeds`")
    p.add_argument("--preset", default="standard")
    p.add_argument("--results", default="/work/res-sbx")
    p.add_argument("--table-only", action="store_true", help="print the table from the records already there")
    p.add_argument("overrides", nargs="*", help="key=value for both sides, e.g. n_timesteps=10000 (say so when reporting)")
    args = p.parse_args(argv)
    pairs, results = args.pairs.split(","), Path(args.results)
    if not args.table_only:
        for seed in parse_seeds(args.seeds):
            for pair in pairs:
                for task_id in (pair, sbx_twin(pair)):
                    plan = api.plan([task_id], seeds=[seed], preset=args.preset, overrides=args.overrides, results=results)
                    (rec,) = api.run(plan, wandb_mode="disabled", progress=False)
                    print(f"{task_id} seed {seed}: {rec['status']} return {rec['metrics'].get('eval/mean_return')}", flush=True)
    print(table(pairs, results, args.preset, args.overrides))


if __name__ == "__main__":
    main()
