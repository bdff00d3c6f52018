"""The scikit-learn results table of tasks/classification/README.md, computed from run records.

    python scripts/sklearn_table.py                          print it from the shipped records (reports/baseline)
    python scripts/sklearn_table.py --results /work/res-cls  print it from another results directory
    python scripts/sklearn_table.py --write                  put it into the README between its markers

Per task: test accuracy (mean with the boards' 95 % interval and every seed, or the one exact value of a
deterministic model) and the median train seconds of `fit` with its CPU seconds, beside the published
figure of the matching configuration (PUBLISHED, with its source in the README's text).
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from readme_blocks import replace  # noqa: E402

from reports.leaderboard import records_interval  # noqa: E402
from reports.records import BASELINE_DIR  # noqa: E402
from suite import store  # noqa: E402

README = ROOT / "tasks" / "classification" / "README.md"
BEGIN, END = "<!-- sklearn:begin (scripts/sklearn_table.py --write) -->", "<!-- sklearn:end -->"
PROBLEMS = ("digits", "mnist1d", "fashion_mnist")
MODELS = ("sk_logreg", "random_forest", "hist_gb", "svc")
# Fashion-MNIST: Table 3 of Xiao et al. 2017 (Zalando's benchmark); MNIST-1D: the table of greydanus/mnist1d.
PUBLISHED = {
    "mnist1d_sk_logreg": "32 % (logistic regression, MNIST-1D paper)",
    "fashion_mnist_sk_logreg": "84.1 % (`LogisticRegression` C=1, L2, one-vs-rest)",
    "fashion_mnist_random_forest": "87.2 % (`RandomForestClassifier` 100 trees, gini, max_depth=100)",
    "fashion_mnist_hist_gb": "86.2 % / 88.0 % (`GradientBoostingClassifier` 100 trees, max_depth 3 / 10)",
    "fashion_mnist_svc": "87.9 % (`SVC` C=1, RBF); 89.7 % with C=10",
}
EXCLUDED = {"fashion_mnist_svc": "excluded: one fit ≈ 80 min here"}


def records(results: Path, task: str) -> list[dict]:
    """The task's ok `standard` records, by seed."""
    recs = (r for r in store.iter_records(results, task) if r["preset"] == "standard" and r["status"] == "ok")
    return sorted(recs, key=lambda r: r["seed"])


def row(problem: str, model: str, recs: list[dict]) -> str:
    task = f"{problem}_{model}"
    published = PUBLISHED.get(task, "–")
    if task in EXCLUDED:
        return f"| {problem} | {model} | – | {EXCLUDED[task]} | – | {published} |"
    if not recs:
        return f"| {problem} | {model} | – | no record | – | {published} |"
    acc = [100 * r["metrics"]["test/acc"] for r in recs]
    train = statistics.median(r["timing"]["train_s"] for r in recs)
    cpu = statistics.median(r["resources"]["train_cpu_s"] for r in recs)
    seconds = f"{train:.2g} ({cpu:.2g})" if train < 10 else f"{train:.0f} ({cpu:.0f})"
    if recs[0].get("deterministic"):
        return f"| {problem} | {model} | exact | {acc[0]:.2f} % | {seconds} | {published} |"
    low, high = records_interval(recs, "test/acc")
    each = ", ".join(f"{a:.2f}" for a in acc)
    return f"| {problem} | {model} | {len(recs)} | {statistics.fmean(acc):.2f} % [{100 * low:.2f}, {100 * high:.2f}] ({each}) | {seconds} | {published} |"


def table(results: Path) -> str:
    head = ["| problem | model | seeds | test acc | train s (CPU s) | published, matching configuration |", "|---|---|---|---|---|---|"]
    return "\n".join(head + [row(p, m, records(results, f"{p}_{m}")) for p in PROBLEMS for m in MODELS])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--results", type=Path, default=BASELINE_DIR, help="records to read (default: the shipped baselines)")
    ap.add_argument("--write", action="store_true", help=f"replace the table in {README.name}")
    args = ap.parse_args()
    if not args.write:
        print(table(args.results))
        return
    replace(README, BEGIN, END, f"{BEGIN}\n{table(args.results)}\n{END}")
    print(f"{README.relative_to(ROOT)}: the scikit-learn table rewritten from {args.results}")


if __name__ == "__main__":
    main()
