"""The tuning part of the report: each `bench tune` study's tuned entry beside its base preset, with
the tuning budget it spent (trials, CPU hours: AlgoPerf declares budgets so), and per study the
optimisation history and parameter importances drawn by Optuna's own matplotlib functions.

Reads the study summaries (`<results>/tuning/<study>.json`, written by `bench tune`) and run records
only: reports → suite (the record schema), never tasks. optuna is imported only to draw the figures.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from suite import store

FINAL_SEEDS_MAX = 100  # reporting seeds only: tuning seeds (≥ 100) never count in the comparison


def load_studies(results: Path) -> list[dict[str, Any]]:
    d = Path(results) / "tuning"
    out = []
    for p in sorted(d.glob("*.json")) if d.is_dir() else []:
        try:
            out.append(json.loads(p.read_text()))
        except (OSError, ValueError):
            continue
    return out


def interval(values: list[float]) -> tuple[float, float, float] | None:
    """Mean and 95 % Student-t interval; (mean, nan, nan) for one value."""
    if not values:
        return None
    from scipy import stats

    n = len(values)
    mean = sum(values) / n
    if n < 2:
        return mean, math.nan, math.nan
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
    half = stats.t.ppf(0.975, n - 1) * sd / math.sqrt(n)
    return mean, mean - half, mean + half


def test_values(results: Path, summary: dict, which: str) -> list[float]:
    """The primary metric on reporting seeds of the base ('base') or tuned ('tuned') config of a study."""
    want = (summary.get("config_hash") or {}).get(which)
    out = []
    for rec in store.iter_records(Path(results), summary["task"]):
        if rec.get("config_hash") == want and rec.get("status") == "ok" and rec.get("seed", FINAL_SEEDS_MAX) < FINAL_SEEDS_MAX:
            value = (rec.get("metrics") or {}).get(rec.get("primary_metric"))
            if value is not None:
                out.append(float(value))
    return out


def rows(results: Path, studies: list[dict]) -> list[dict[str, Any]]:
    out = []
    for s in studies:
        row = {
            "study": s["study"],
            "task": s["task"],
            "objective": s.get("objective"),
            "base": s.get("base_preset"),
            "base_val": s.get("base_value"),
            "tuned_val": s.get("best_value"),
            "trials": sum((s.get("trials") or {}).get(k, 0) for k in ("complete", "pruned", "fail")),
            "pruned": (s.get("trials") or {}).get("pruned", 0),
            "cpu_hours": s.get("cpu_hours"),
            "wall_s": s.get("study_wall_s"),
        }
        for which in ("base", "tuned"):
            vals = test_values(results, s, which)
            row[f"{which}_test"] = interval(vals)
            row[f"{which}_n"] = len(vals)
        out.append(row)
    return out


def _ci(x) -> str:
    if x is None:
        return "–"
    mean, lo, hi = x
    return f"{mean:.4g}" if math.isnan(lo) else f"{mean:.4g} [{lo:.4g}, {hi:.4g}]"


def _num(x) -> str:
    return "–" if x is None else f"{x:.4g}"


HEADER = [
    "study",
    "task",
    "objective (val)",
    "base val",
    "tuned val",
    "base test",
    "tuned test",
    "trials (pruned)",
    "CPU h",
    "study wall s",
]


def table_cells(r: dict) -> list[str]:
    return [
        r["study"],
        r["task"],
        str(r["objective"]),
        f"{_num(r['base_val'])} ({r['base']})",
        _num(r["tuned_val"]),
        f"{_ci(r['base_test'])} n={r['base_n']}",
        f"{_ci(r['tuned_test'])} n={r['tuned_n']}",
        f"{r['trials']} ({r['pruned']})",
        _num(r["cpu_hours"]),
        _num(r["wall_s"]),
    ]


def markdown(results: Path, studies: list[dict]) -> str:
    if not studies:
        return ""
    lines = [
        "## Tuned presets (`bench tune`)",
        "",
        "Validation objective on tuning seeds (≥ 100); test metric on reporting seeds (< 100) with 95 % t intervals. "
        "Budget: trials run (pruned among them) and CPU hours (trial wall seconds × torch threads).",
        "",
        "| " + " | ".join(HEADER) + " |",
        "|" + "---|" * len(HEADER),
    ]
    lines += ["| " + " | ".join(table_cells(r)) + " |" for r in rows(results, studies)]
    return "\n".join(lines) + "\n"


def comparison_lines(results: Path, summary: dict) -> list[str]:
    """The closing lines of `bench tune`: tuned against base on the reporting seeds, said plainly."""
    r = rows(results, [summary])[0]
    higher = (summary.get("direction") or "maximize") == "maximize"
    out = [f"test, reporting seeds: {summary.get('base_preset')} {_ci(r['base_test'])} (n={r['base_n']}) vs tuned:{summary['study']} "
           f"{_ci(r['tuned_test'])} (n={r['tuned_n']})"]  # fmt: skip
    if r["base_test"] and r["tuned_test"]:
        b, t = r["base_test"], r["tuned_test"]
        better = t[0] > b[0] if _test_higher(results, summary, higher) else t[0] < b[0]
        overlap = not (math.isnan(t[1]) or math.isnan(b[1])) and t[1] <= b[2] and b[1] <= t[2]
        verdict = "tuned is better on test" if better else "tuning did NOT beat the base preset on test"
        out.append(f"{verdict}{' (the intervals overlap)' if overlap else ''}")
    return out


def _test_higher(results: Path, summary: dict, default: bool) -> bool:
    for rec in store.iter_records(Path(results), summary["task"]):
        if "higher_is_better" in rec:
            return bool(rec["higher_is_better"])
    return default


def html(results: Path, studies: list[dict], out: Path) -> str:
    """The section of report.html: the table, then per study Optuna's history and importance plots (PNG, embedded)."""
    if not studies:
        return ""
    from html import escape

    from reports.html import data_uri

    parts = [
        "<h2 id='tuning'>Tuned presets (bench tune)</h2>",
        f"<p class='legend'>{escape(markdown(results, studies).splitlines()[2])}</p>",
    ]
    head = "".join(f"<th>{escape(h)}</th>" for h in HEADER)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in table_cells(r)) + "</tr>" for r in rows(results, studies))
    parts.append(f"<table class='tuning'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
    for s in studies:
        for path, caption in figures(s, out / "plots"):
            parts.append(f"<figure><img src='{data_uri(path)}' alt='{escape(caption)}'><figcaption>{escape(caption)}</figcaption></figure>")
    return "\n".join(parts)


def figures(summary: dict, pdir: Path) -> list[tuple[Path, str]]:
    """Optuna's optimisation history and parameter importances of one study, as PNG files."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        import optuna
        from optuna.visualization import matplotlib as ovm
    except ImportError:
        return []
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    try:
        study = optuna.load_study(study_name=summary["study"], storage=summary["storage"])
    except Exception:
        return []
    pdir.mkdir(parents=True, exist_ok=True)
    out = []
    import warnings

    for name, draw in (("history", ovm.plot_optimization_history), ("importances", ovm.plot_param_importances)):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # "experimental" warnings of optuna's matplotlib backend
                ax = draw(study)
            fig = ax.figure
            fig.set_size_inches(6.5, 4)
            fig.tight_layout()
            path = pdir / f"tune_{summary['study']}_{name}.png"
            fig.savefig(path, dpi=100)
            plt.close(fig)
            out.append(
                (
                    path,
                    f"{summary['study']} ({summary['task']}): optimisation {name}"
                    if name == "history"
                    else f"{summary['study']}: parameter importances",
                )
            )
        except Exception:  # too few trials for importances, say: the table still stands
            continue
    return out
