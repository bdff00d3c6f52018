"""The results tables of tasks/forecasting/README.md (the four classic problems; msft and msft_volume),
computed from the shipped records.

    python scripts/forecasting_table.py            print the tables
    python scripts/forecasting_table.py --write    put them into tasks/forecasting/README.md between its markers

Per model: test MASE (mean with its Student-t 95 % interval and every seed; a deterministic
baseline is one exact value), directional accuracy with a Wilson 95 % interval over the test
origins, and the Diebold-Mariano test against the random walk: one test per model, on its per-origin
losses averaged over its seeds (the boards' own, `reports.paired.entry_value`), never a median of
per-seed p; a model whose records keep no raw losses gets none. `tests/test_readme_numbers.py` fails
when the README and the records disagree.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from readme_blocks import cli, marked  # noqa: E402

from reports.leaderboard import records_interval  # noqa: E402
from reports.paired import entry_value, paired_inputs  # noqa: E402
from reports.records import BASELINE_DIR  # noqa: E402
from suite import store  # noqa: E402
from tasks.forecasting.metrics import wilson_interval  # noqa: E402

README = ROOT / "tasks" / "forecasting" / "README.md"
BEGIN, END = "<!-- msft:begin (scripts/forecasting_table.py --write) -->", "<!-- msft:end -->"
CLASSIC_BEGIN, CLASSIC_END = "<!-- results:begin (scripts/forecasting_table.py --write) -->", "<!-- results:end -->"
PROBLEMS = ("msft", "msft_volume")
CLASSIC = ("sunspots", "co2", "elnino", "synthetic")
MODELS = ("naive", "seasonal_naive", "drift", "ets", "arima", "auto_arima", "theta", "lstm", "gru", "mlp", "nbeats")


def _p(p: float) -> str:
    return f"{p:.1e}" if p < 0.001 else f"{p:.3f}"


def shipped(task: str) -> list[dict]:
    """The task's ok `standard` records in reports/baseline/, by seed."""
    recs = (r for r in store.iter_records(BASELINE_DIR, task) if r["preset"] == "standard" and r["status"] == "ok")
    return sorted(recs, key=lambda r: r["seed"])


def mase_cell(recs: list[dict]) -> str:
    """Mean MASE with its t interval, or the one exact value of a deterministic model."""
    if not recs:
        return "no shipped record"
    mase = [r["metrics"]["test/mase"] for r in recs]
    if recs[0].get("deterministic"):
        return f"{mase[0]:.3f} (exact)"
    low, high = records_interval(recs, "test/mase")
    return f"{statistics.fmean(mase):.3f} [{low:.3f}, {high:.3f}]"


def classic_table() -> str:
    """Test MASE of every model on the four classic problems: the mean [95 % t] of 5 seeds, or exact."""
    out = ["| model | " + " | ".join(CLASSIC) + " |", "|---|" + "---|" * len(CLASSIC)]
    out += [f"| {m} | " + " | ".join(mase_cell(shipped(f"{p}_{m}")) for p in CLASSIC) + " |" for m in MODELS]
    return "\n".join(out)


def row(problem: str, model: str) -> str:
    recs = shipped(f"{problem}_{model}")
    if not recs:
        return f"| {model} | no shipped record | | | | | |"
    m = [r["metrics"] for r in recs]
    mase = [x["test/mase"] for x in m]
    n = recs[0]["info"]["directional"]["n"]  # origins with a direction; the same for every model of a problem
    share = statistics.fmean(x["test/directional_acc"] for x in m)
    lo, hi = wilson_interval(share, n)
    stat, p = dm_cells(recs)
    train = statistics.median(r["timing"]["train_s"] for r in recs)
    if recs[0].get("deterministic"):
        value, seeds = f"{mase[0]:.4f} (exact)", "exact"
    else:
        low, high = records_interval(recs, "test/mase")
        value = f"{statistics.fmean(mase):.4f} [{low:.4f}, {high:.4f}] ({', '.join(f'{v:.4f}' for v in mase)})"
        seeds = f"{recs[0]['seed']}–{recs[-1]['seed']}"
    return f"| {model} | {seeds} | {value} | {share:.3f} [{lo:.3f}, {hi:.3f}] | {stat} | {p} | {train:.1f} |"


def dm_cells(recs: list[dict]) -> tuple[str, str]:
    """(DM stat, DM p) of one test against the random walk over the model's seeds, as the boards run it
    from the records' raw per-origin losses; '–' and the reason where the records keep none."""
    spec = next(c for c in recs[0]["rankings"]["forecasting"]["columns"] if c["metric"] == "test/dm_p_vs_naive")
    test = spec.get("test") or {}
    inputs = [paired_inputs(r, test) if test else None for r in recs]
    stat, why = entry_value(inputs, test | {"value": "stat"})
    p, _ = entry_value(inputs, test | {"value": "p"})
    if why:
        return "–", "– (no raw losses: rerun)"
    return f"{stat:+.2f}", _p(p)


def table() -> str:
    out = []
    for problem in PROBLEMS:
        out += [
            f"**{problem}**",
            "",
            "| model | seeds | test MASE: mean [95 % t interval] (per seed) | directional accuracy [Wilson 95 %] | DM stat | DM p | train s |",
            "|---|---|---|---|---|---|---|",
            *(row(problem, model) for model in MODELS),
            "",
        ]
    return "\n".join(out).rstrip()


def block() -> str:
    return f"{BEGIN}\n{table()}\n{END}"


def classic_block() -> str:
    return f"{CLASSIC_BEGIN}\n{classic_table()}\n{CLASSIC_END}"


def readme_block(text: str) -> str | None:
    return marked(text, BEGIN, END)


def readme_classic_block(text: str) -> str | None:
    return marked(text, CLASSIC_BEGIN, CLASSIC_END)


def main() -> None:
    if "--write" not in sys.argv[1:]:
        print(classic_table() + "\n\n" + table())
        return
    cli(__doc__, README, CLASSIC_BEGIN, CLASSIC_END, classic_table, classic_block, "results table")
    cli(__doc__, README, BEGIN, END, table, block, "msft table")


if __name__ == "__main__":
    main()
