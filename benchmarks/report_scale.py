"""How long `bench report` takes over 10,000 (or 1,000,000) run records with curves, and how much memory it needs.

    .venv/bin/python benchmarks/report_scale.py [--runs 10000] [--keep DIR]

Builds synthetic records in the real store layout (benchmarks/synthetic.py) in a temporary directory:
40 problems (30 classification-like with reference points, 10 RL-like with a threshold and the
runner's seconds_to_threshold metric) × 25 models × 10 seeds, each with a curves.parquet, then runs
`bench report --format md,csv,html` as a child process and prints its wall time and peak RSS
twice, as a user would: the first reads every record and caches each task's rows (reports/row_cache.py),
the next reads the rows of unchanged tasks from that cache. It prints each one's wall time and peak RSS
(targets: ≤ 60 s and ≤ 2 GB at 1,000,000 records), and an in-process breakdown by phase.

    .venv/bin/python benchmarks/report_scale.py --runs 1000000 --keep /tmp/rs1m   # 40 × 25 entries × 1,000 seeds
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import synthetic  # noqa: E402
from suite import store  # noqa: E402

PROBLEMS, MODELS, SEEDS = 40, 25, 10
RL_PROBLEMS = 10


def curve_bytes(kind: str, final: float, variant: int) -> bytes:
    """A curves.parquet as bytes: 30 epochs of val/acc + val/loss, or 50 RL evaluations."""
    import pandas as pd

    if kind == "rl":
        df = synthetic.curve("eval/mean_return", final, 20.0, 50, 30.0 + variant, step_scale=1000)
    else:
        df = pd.concat(
            [synthetic.curve("val/acc", final, 0.1, 30, 20.0 + variant), synthetic.curve("val/loss", 0.2, 2.3, 30, 20.0 + variant)]
        )
    buf = io.BytesIO()
    df.to_parquet(buf, index=False)
    return buf.getvalue()


def build(results: Path, runs: int, index: bool = True) -> int:
    """`runs` records: every problem × model entry gets ceil(runs / 1,000) seeds (10 at 10,000 runs, 1,000 at 1M),
    written plainly (no fsync, no staging: synthetic data need no crash safety, and 1M records must build in minutes),
    each task's run index with them, as runs append it (`--no-index`: without, as records written before it existed)."""
    rng = np.random.default_rng(0)
    seeds = max(SEEDS, -(-runs // (PROBLEMS * MODELS)))
    cls_curves = [curve_bytes("cls", 0.5 + 0.02 * m, m) for m in range(MODELS)]
    rl_curves = [curve_bytes("rl", 100 + 16 * m, m) for m in range(MODELS)]
    n = 0
    for p in range(PROBLEMS):
        rl = p < RL_PROBLEMS
        for m in range(MODELS):
            skill = 0.5 + 0.02 * m
            lines: list[str] = []
            for s in range(seeds):
                if n >= runs:
                    break
                if rl:
                    ret = float(np.clip(100 + 16 * m + rng.normal(0, 30), 0, 500))
                    secs = float(20 + 400 / (m + 1) + rng.normal(0, 3)) if ret > 350 else None
                    extra = {"eval/threshold": 450.0} | ({"eval/seconds_to_threshold": secs} if secs else {})
                    rec = synthetic.record(
                        f"env{p:02d}", f"algo{m:02d}", s, ret, family="rl", metric="eval/mean_return",
                        refs={"random": 10.0, "reference": 500.0, "threshold": 450.0}, extra_metrics=extra,
                        wall_s=60.0 + m, params=10_000 * (m + 1),
                    )  # fmt: skip
                    data = rl_curves[m]
                else:
                    acc = float(np.clip(skill + rng.normal(0, 0.02), 0, 1))
                    rec = synthetic.record(
                        f"data{p:02d}", f"net{m:02d}", s, acc, refs={"random": 0.1, "reference": 1.0}, wall_s=5.0 + m, params=1000 * (m + 1)
                    )
                    data = cls_curves[m]
                if rng.random() < 0.01:
                    rec["status"], rec["metrics"] = "failed", {}
                d = store.run_path(results, rec["task"], rec["run_id"])
                d.mkdir(parents=True, exist_ok=True)
                (d / store.CURVES_FILE).write_bytes(data)
                (d / store.RESULT_FILE).write_text(text := json.dumps(rec))
                lines.append(store.index_line(d, text))  # the run index's line, as `store.publish` appends it
                n += 1
                if n % 100_000 == 0:
                    print(f"  {n:,} records", flush=True)
            if lines and index:  # the task's run index, one write for its runs
                Path(store.index_path(d.parent)).parent.mkdir(exist_ok=True)
                with open(store.index_path(d.parent), "a", encoding="utf-8") as f:
                    f.write("".join(lines))
            if n >= runs:
                return n
    return n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=PROBLEMS * MODELS * SEEDS)
    ap.add_argument("--keep", default=None, help="build the records here and keep them (default: a temporary directory)")
    ap.add_argument("--build-only", action="store_true", help="build the records (with --keep) and stop")
    ap.add_argument("--no-index", action="store_true", help="no run index (records written before the index existed): every record is read")
    a = ap.parse_args()
    tmp = Path(a.keep) if a.keep else Path(tempfile.mkdtemp(prefix="report-scale-"))
    results = tmp / "results"
    try:
        t0 = time.perf_counter()
        if not results.is_dir():
            n = build(results, a.runs, index=not a.no_index)
            print(f"built {n} records with curves in {time.perf_counter() - t0:.1f} s under {results}")
        if a.build_only:
            return
        bench = Path(sys.executable).parent / "bench"
        cmd = [
            str(bench),
            "report",
            "--results",
            str(results),
            "--out",
            str(tmp / "report"),
            "--format",
            "md,csv,html",
            "--no-baseline",
            "--wandb",
            "disabled",
        ]
        # The row cache (reports/row_cache.py) of these records goes beside them, not into the user's.
        env = {**os.environ, "WANDB_MODE": "disabled", "COLUMNS": "120", "BENCH_ROWS_CACHE": str(tmp / "row-cache")}
        os.environ["BENCH_ROWS_CACHE"] = env["BENCH_ROWS_CACHE"]
        for label in ("first report (records read, rows cached)", "next report (rows from the cache)"):
            t0 = time.perf_counter()
            with tempfile.TemporaryFile() as log:
                proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
                _, status, usage = os.wait4(proc.pid, 0)  # this child's own peak RSS, not the largest child's so far
                secs = time.perf_counter() - t0
                proc.returncode = os.waitstatus_to_exitcode(status)
                if proc.returncode != 0:
                    log.seek(0)
                    print(log.read()[-3000:].decode(errors="replace"))
                    raise SystemExit(f"bench report failed with exit code {proc.returncode}")
            peak_mb = usage.ru_maxrss / 1024
            # On a shared machine wall time includes waiting for a core: the load average says how much.
            load = os.getloadavg()[0]
            ok = "OK" if secs <= 60 and peak_mb <= 2048 else "MISSED"
            print(
                f"{label}: {a.runs:,} records in {secs:.1f} s wall, peak RSS {peak_mb:.0f} MB (targets ≤ 60 s, ≤ 2048 MB: {ok}); load {load:.1f} on {os.cpu_count()} cores"
            )
        html = tmp / "report" / "report.html"
        print(f"  report.html {html.stat().st_size / 1e6:.1f} MB")
        breakdown(results, tmp / "report-inproc")
    finally:
        if not a.keep:
            shutil.rmtree(tmp, ignore_errors=True)


def breakdown(results: Path, out: Path) -> None:
    """The same report in-process, timed by phase, to show where the seconds go."""
    t0 = time.perf_counter()
    from reports import build as rbuild
    from reports.records import load

    t1 = time.perf_counter()
    runs = load(results)
    t2 = time.perf_counter()
    rep = rbuild.compute(runs, "standard")
    t3 = time.perf_counter()
    rbuild.write(rep, out, ["md", "csv", "html"])
    t4 = time.perf_counter()
    print(
        f"  in-process (cache warm): imports {t1 - t0:.2f} s, read {t2 - t1:.2f} s, tables+statistics {t3 - t2:.2f} s, "
        f"files+plots {t4 - t3:.2f} s (plots {rep.seconds.get('plots', 0):.2f} s, html {rep.seconds.get('html', 0):.2f} s)"
    )


if __name__ == "__main__":
    main()
