"""tasks/compression/README.md's measured tables, computed from the shipped compression records.

    python scripts/compression_table.py            print the tables
    python scripts/compression_table.py --write    put them into tasks/compression/README.md between its markers

One table per problem: each method's primary metric over its seeds (mean and 95 % t interval), its
drop from the parent of the same seed, serialised size, non-zero weights, CPU latency per sample at
batch 1 and 256 (median over seeds of each run's median) and the speed-ups against the parent timed
in the same run. `tests/test_readme_numbers.py` fails when the README and the records disagree.
"""

from __future__ import annotations

import statistics
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from readme_blocks import cli, marked  # noqa: E402

from reports.leaderboard import metric_bounds  # noqa: E402
from reports.records import BASELINE_DIR  # noqa: E402
from reports.stats import bounded_intervals  # noqa: E402
from suite import store  # noqa: E402

README = ROOT / "tasks" / "compression" / "README.md"
BEGIN, END = "<!-- compression:begin (scripts/compression_table.py --write) -->", "<!-- compression:end -->"
HEAD = (
    "| method | seeds | {metric} mean [95 % t] | Δ vs parent | bytes | × smaller | non-zero | µs b1 | µs/sample b256 "
    "| speed-up b1 | speed-up b256 |"
)


def _records() -> dict[str, dict[str, list[dict]]]:
    by: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for r in store.iter_records(BASELINE_DIR):
        if r.get("family") == "compression" and r.get("status") == "ok" and r.get("preset") == "standard":
            by[r["problem"]][r["model"]].append(r)
    return by


def _mean_ci(values: list[float], metric: str = "") -> str:
    """Mean and 95 % t interval, kept inside `metric`'s range where one is named (a gain is unbounded)."""
    m = statistics.fmean(values)
    if len(values) < 2:
        return f"{m:.4f} (1 seed)"
    (lo,), (hi,) = bounded_intervals(np.asarray([values], float), *metric_bounds(metric))
    return f"{m:.4f} [{lo:.4f}, {hi:.4f}]"


def row(model: str, recs: list[dict]) -> str:
    metric = recs[0]["primary_metric"]

    def c(key: str) -> list[float]:
        return [r["metrics"][f"compress/{key}"] for r in recs]

    mean, med = statistics.fmean, statistics.median
    return (
        f"| {model} | {len(recs)} | {_mean_ci([r['metrics'][metric] for r in recs], metric)} | {mean(c('drop')):+.4f} "
        f"| {mean(c('size_bytes')):,.0f} | {mean(c('ratio')):.2f} | {mean(c('nonzero')):,.0f} | {med(c('latency_b1_us')):.1f} "
        f"| {med(c('latency_b256_us')):.2f} | {med(c('speedup_b1')):.2f} | {med(c('speedup_b256')):.2f} |"
    )


def problem_table(problem: str, models: dict[str, list[dict]]) -> str:
    first = next(iter(models.values()))[0]
    parents = sorted({(r["info"]["parent"]["task"], r["seed"], r["info"]["parent"]["metric"]) for rs in models.values() for r in rs})
    runs = [r for rs in models.values() for r in rs]
    loads = [x for r in runs for x in r["info"]["latency"]["load_1m"]]
    threads = "/".join(str(t) for t in sorted({r["info"]["latency"]["threads"] for r in runs}))
    cores = "/".join(str(c) for c in sorted({r["env"].get("cpu_count") for r in runs}, key=str))
    lines = [f"**{problem}** ({first['primary_metric']}, {'higher' if first['higher_is_better'] else 'lower'} is better)", ""]
    lines += [HEAD.format(metric=first["primary_metric"]), "|" + "---|" * 11]
    lines += [row(m, models[m]) for m in sorted(models)]
    per_parent: dict[str, list[float]] = defaultdict(list)
    for task, _, metric in parents:
        per_parent[task].append(metric)
    lines += [
        "",
        "Parents (same seeds): " + "; ".join(f"`{t}` {_mean_ci(v, first['primary_metric'])}" for t, v in sorted(per_parent.items())) + ".",
    ]
    kd = models.get("mlp_kd")
    if kd:
        gain = [r["metrics"]["compress/kd_gain"] for r in kd]
        alone = [r["metrics"]["compress/student_metric"] for r in kd]
        lines += [
            f"`mlp_kd`: Δ, size and speed-up are against its teacher; against the same student trained alone "
            f"({_mean_ci(alone, first['primary_metric'])}) it gains {_mean_ci(gain)}."
        ]
    lines += [f"Load average while timing: {min(loads):.1f}–{max(loads):.1f} ({threads} thread(s) per timing, {cores} cores)."]
    return "\n".join(lines)


def tables() -> str:
    by = _records()
    if not by:
        return "No shipped compression records."
    return "\n\n".join(problem_table(p, by[p]) for p in sorted(by))


def block() -> str:
    return f"{BEGIN}\n{tables()}\n{END}"


def readme_block(text: str) -> str | None:
    return marked(text, BEGIN, END)


def main() -> None:
    cli(__doc__, README, BEGIN, END, tables, block, "compression tables")


if __name__ == "__main__":
    main()
