"""Sampling cost of shipped generation records made before the runner measured it (issue 28).

    python scripts/sampling_cost.py            measure the records that lack it, print, write nothing
    python scripts/sampling_cost.py --write    measure them and write the cost into their result.json
    python scripts/sampling_cost.py --check    exit 1 when a shipped generation record lacks it (no measuring)

Runs record `gen/nfe` and `gen/sample_s_per_1000` (tasks/generative/runner.py); the GAN, DCGAN, WGAN-GP
and VAE baselines in reports/baseline/ predate that, and rerunning them costs hours. The records hold no
weights, and they need none: a forward pass costs the same whatever its weight values (dense float ops, no
branch on the data), so each model is rebuilt from its record's config exactly as the runner builds it
(`suite.contract.build` on the problem's data shape, the config hash checked against the record), put in
the state fit leaves it in (eval mode), and its `sample` is timed by the runner's own `timed_sample`: the
judge's number of samples (`judge.eval_size`) in one call, with the evaluation's seed, under no_grad, on
one torch thread as the runs had. One draw warms it up (a run's generator has drawn the per-epoch val
samples before the judged draw; that draw's time is kept in the provenance only); the median of REPEATS
timed draws is written. A run's own number is its one judged draw, right after fit: on digits, runs made
here to compare came out 1.0-2x this median (the tiny networks' per-call overhead weighs most), so an old
record's number is, if anything, the lower one.

The number is this machine's, not the run's: the record's env still names the machine that trained it,
and `info["sampling_cost"]` says where, when and at which commit the cost was measured, so that it is not
read as a number from the run. The record also gains its family's board columns (`rankings[family]
["columns"]`, as suite.record.ranking declares them now), which records of that age lack, so that every
board shows KID, precision, recall, NFE and s/1k samples for old and new entries alike.

Idempotent: a record that has both metrics is left alone.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reports.records import BASELINE_DIR  # noqa: E402
from suite import store  # noqa: E402

COST = ("gen/nfe", "gen/sample_s_per_1000")
REPEATS = 7  # timed draws per record; the median is kept (the machine has other jobs on it)
FAMILY = "generation"


def missing(rec: dict) -> list[str]:
    """What a generation record lacks of the sampling cost and of its family's declared board columns."""
    if FAMILY not in (rec.get("families") or [rec.get("family")]) or rec.get("status") != "ok":
        return []
    out = [k for k in COST if k not in (rec.get("metrics") or {})]
    if "columns" not in ((rec.get("rankings") or {}).get(FAMILY) or {}):
        out.append(f"rankings.{FAMILY}.columns")
    return out


def lacking(results: Path) -> list[dict]:
    """The ok generation records under `results` that lack the cost or the columns."""
    return [r for r in store.iter_records(results) if missing(r)]


def build_sampler(rec: dict):
    """(trainer, judged sample count) for a record: its model rebuilt from its config as the runner builds it."""
    import torch

    from suite.config import config_hash, resolve_config
    from suite.context import RunContext
    from suite.contract import build
    from suite.registry import get_registry
    from tasks.generative.judge import eval_size
    from tasks.generative.runner import load_data

    task = get_registry().task(rec["task"])
    cfg = resolve_config(task, rec["preset"], dict(rec["config"]))
    if config_hash(task.id, rec["preset"], cfg) != rec["config_hash"]:
        raise SystemExit(f"{rec['run_id']}: its config no longer hashes to {rec['config_hash']}; rerun it instead")
    data = load_data(task, cfg)
    torch.manual_seed(rec["seed"])  # weight values do not change the cost; a seed keeps the script repeatable
    with tempfile.TemporaryDirectory() as tmp:
        ctx = RunContext(task=task, config=cfg, seed=rec["seed"], preset=rec["preset"], device="cpu", run_dir=Path(tmp), progress=False)
        trainer = build(ctx, input_shape=data.input_shape)
    for value in vars(trainer).values():  # fit leaves every network in eval mode on the CPU (trainers.py)
        if isinstance(value, torch.nn.Module):
            value.cpu().eval()
    return trainer, eval_size(data)


def measure(rec: dict, repeats: int = REPEATS) -> dict:
    """{gen/nfe, gen/sample_s_per_1000, per-draw times, n} of one record's model on this machine, one thread."""
    import torch

    from tasks.generative.runner import nfe, timed_sample

    torch.set_num_threads(1)
    trainer, n = build_sampler(rec)
    where = f"{rec['task']}: sample({n}, generator)"
    first = timed_sample(trainer.sample, n, where)[1]  # warm-up: kept in the provenance, not in the median
    draws = [timed_sample(trainer.sample, n, where)[1] for _ in range(repeats)]
    return {"gen/nfe": nfe(trainer), "gen/sample_s_per_1000": statistics.median(draws), "draws": draws, "first": first, "n": n}


def provenance(cost: dict, rec: dict) -> dict:
    """Where and how the cost was measured, for `info["sampling_cost"]`."""
    import os

    import torch  # noqa: F401  envinfo reads torch's kernels only once it is loaded

    from suite import envinfo
    from suite.record import now

    env = envinfo.collect()
    ran = rec.get("env") or {}
    return {
        "measured_by": "scripts/sampling_cost.py",
        "at": env.get("git_sha"),
        "measured_at": now(),
        "machine": {k: env.get(k) for k in ("cpu", "cpu_count", "machine_kind", "torch", "torch_cpu_capability")},
        "load_1m": round(os.getloadavg()[0], 2),
        "threads": 1,
        "n_samples": cost["n"],
        "s_per_1000_per_draw": [round(d, 6) for d in cost["draws"]],
        "s_per_1000_warm_up": round(cost["first"], 6),
        "note": (
            f"measured after the run, from the architecture rebuilt from the record's config (untrained weights: the cost of a "
            f"forward pass does not depend on their values); median of {len(cost['draws'])} draws after one warm-up. "
            f"The run's machine was {ran.get('cpu')} x{ran.get('cpu_count')}; the number is this machine's, not the run's."
        ),
    }


def fill(rec: dict, cost: dict | None) -> dict:
    """The record with the cost (when measured) and its family's current board columns added; nothing else changes."""
    from suite.record import ranking
    from suite.registry import get_registry

    out = {k: v for k, v in rec.items() if k != "_dir"}
    if cost is not None:
        out["metrics"] = {**out["metrics"], **{k: cost[k] for k in COST}}
        out["info"] = {**(out.get("info") or {}), "sampling_cost": provenance(cost, rec)}
    rank = out["rankings"][FAMILY]
    if "columns" not in rank:
        columns = ranking(get_registry().task(rec["task"]), FAMILY).get("columns")
        out["rankings"] = {**out["rankings"], FAMILY: {**rank, "columns": columns}}
    return out


def run(results: Path, write: bool, repeats: int = REPEATS) -> list[tuple[dict, dict | None]]:
    """Measure (and with `write`, fill in) every record under `results` that lacks the cost; [(record, cost)]."""
    done = []
    for rec in lacking(results):
        needs_cost = any(k in missing(rec) for k in COST)
        cost = measure(rec, repeats) if needs_cost else None
        if write:
            store.write_json_atomic(Path(rec["_dir"]) / store.RESULT_FILE, fill(rec, cost))
        done.append((rec, cost))
    return done


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--results", type=Path, default=BASELINE_DIR, help="records to fill in (default: the shipped baselines)")
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help="write the measured cost into each record")
    mode.add_argument("--check", action="store_true", help="exit 1 if a generation record lacks the cost; measures nothing")
    ap.add_argument("--repeats", type=int, default=REPEATS, help=f"timed draws per record, median kept (default {REPEATS})")
    a = ap.parse_args()
    if a.check:
        bad = [f"{r['run_id']}: no {', '.join(missing(r))}" for r in lacking(a.results)]
        print("\n".join(bad) or f"every generation record under {a.results} has its sampling cost")
        raise SystemExit(1 if bad else 0)
    done = run(a.results, a.write, a.repeats)
    for rec, cost in done:
        what = f"nfe {cost['gen/nfe']:g}, {cost['gen/sample_s_per_1000']:.4f} s / 1000 samples (n {cost['n']})" if cost else "columns only"
        print(f"{rec['run_id']}: {what}", flush=True)
    verb = "filled in" if a.write else "measured (not written: --write)"
    print(f"{len(done)} record(s) {verb} under {a.results}")


if __name__ == "__main__":
    main()
