"""The forecasting boards' DM columns: one Diebold-Mariano test per entry against the random walk, on the
entry's per-origin losses averaged over its seeds (records' `raw`), never a median of per-seed p-values;
an entry whose records keep no raw losses shows no value, and the legend says why (issue 27)."""

from __future__ import annotations

import statistics

import numpy as np
import pytest

from reports.leaderboard import NOT_A_TEST, leaderboards
from reports.paired import NO_RAW
from reports.records import records_frame
from reports.render import board_metrics_note
from suite.diebold_mariano import DM_ESTIMATOR, diebold_mariano, over_seeds
from suite.record import ranking
from suite.registry import get_registry

T, H = 31, 3  # sunspots-like: 31 origins


def columns() -> list[dict]:
    """The secondary columns the forecasting family writes into every record now."""
    return ranking(get_registry().task("sunspots_mlp"), "forecasting")["columns"]


def record(model: str, seed: int, loss: np.ndarray, naive: np.ndarray, cols: list[dict], raw: bool = True) -> dict:
    """A forecasting record as the runner writes it: per-seed DM against the random walk in `metrics`,
    the per-origin losses in `raw` (left out for an older record)."""
    stat, p = diebold_mariano(loss, naive, H)
    return {
        "run_id": f"{model}-{seed}",
        "task": f"sunspots_{model}",
        "problem": "sunspots",
        "model": model,
        "family": "forecasting",
        "seed": seed,
        "preset": "standard",
        "status": "ok",
        "metrics": {"test/mase": float(loss.mean()), "test/dm_p_vs_naive": p, "test/dm_stat_vs_naive": stat, "test/directional_acc": 0.5},
        "rankings": {"forecasting": {"primary_metric": "test/mase", "higher_is_better": False, "reference": {}, "columns": cols}},
        "info": {"dm": {"h": H, "origins": T, "estimator": DM_ESTIMATOR}},
        "raw": {"origin_loss": [float(x) for x in loss], "origin_loss_naive": [float(x) for x in naive]} if raw else {},
    }


def seeds_of(model: str, rng: np.random.Generator, naive: np.ndarray, shift: float, cols: list[dict], raw: bool = True) -> list[dict]:
    """Five seeds whose losses share the random walk's and differ by `shift` plus seed noise."""
    return [record(model, s, naive + shift + rng.normal(0, 1.0, T), naive, cols, raw) for s in range(5)]


def board(recs: list[dict]):
    ((_, table),) = leaderboards(records_frame(recs)).items()
    return table.set_index("model"), table


def test_the_dm_column_is_one_test_on_the_seed_averaged_losses_not_a_median_of_p():
    rng = np.random.default_rng(7)
    naive = rng.gamma(2.0, 1.0, T)
    recs = seeds_of("mlp", rng, naive, -0.3, columns())
    rows, table = board(recs)
    loss = [np.array(r["raw"]["origin_loss"]) for r in recs]
    stat, p = over_seeds(loss, [naive] * 5, H)
    assert stat == pytest.approx(diebold_mariano(np.mean(loss, axis=0), naive, H)[0])
    median_p = statistics.median(r["metrics"]["test/dm_p_vs_naive"] for r in recs)
    assert abs(p - median_p) > 0.01, "the case must tell one test from a median of per-seed p"
    assert rows.loc["mlp", "DM p vs RW"] == pytest.approx(p)
    assert rows.loc["mlp", "DM stat"] == pytest.approx(stat)
    note = board_metrics_note(table)
    assert "one test per entry over its seeds" in note and DM_ESTIMATOR in note and "median" not in note.split("direction")[0]


def test_an_entry_without_raw_losses_shows_no_p_and_the_legend_says_why():
    rng = np.random.default_rng(8)
    naive = rng.gamma(2.0, 1.0, T)
    old = seeds_of("gru", rng, naive, -0.3, columns(), raw=False)  # records from before schema 3
    new = seeds_of("mlp", rng, naive, -0.3, columns())
    rows, table = board(old + new)
    assert np.isnan(rows.loc["gru", "DM p vs RW"]) and np.isnan(rows.loc["gru", "DM stat"])
    assert np.isfinite(rows.loc["mlp", "DM p vs RW"])
    assert f"– for gru: {NO_RAW}" in board_metrics_note(table)


def test_older_records_declaring_a_median_of_p_get_no_value_and_the_newer_declaration_wins():
    rng = np.random.default_rng(9)
    naive = rng.gamma(2.0, 1.0, T)
    median_cols = [c | {"agg": "median"} for c in columns()]
    for c in median_cols:
        c.pop("test", None)
    rows, table = board(seeds_of("gru", rng, naive, -0.3, median_cols, raw=False))
    assert np.isnan(rows.loc["gru", "DM p vs RW"])  # a median of per-seed p is never shown
    assert NOT_A_TEST in board_metrics_note(table)
    mixed = seeds_of("gru", rng, naive, -0.3, median_cols, raw=False) + seeds_of("mlp", rng, naive, -0.3, columns())
    rows, table = board(mixed)  # the old records come first: the test declaration still wins
    assert table.attrs["board_metrics"][0]["agg"] == "test"
    assert np.isnan(rows.loc["gru", "DM p vs RW"]) and np.isfinite(rows.loc["mlp", "DM p vs RW"])


def test_compare_runs_the_boards_test_between_two_shipped_forecasters(bench, tmp_path):
    """`bench compare`'s DM lines use the board's one test over seeds: theta against the random walk
    prints the p-value the sunspots board shows for theta (both shipped records keep raw losses)."""
    code, out, err = bench("compare", "theta", "--problems", "sunspots", "--no-run", "--results", str(tmp_path), "--against", "naive")
    assert code == 0, err
    row = next(line for line in out.splitlines() if line.startswith("| naive | 1 / 1 |"))
    from reports.records import BASELINE_DIR, read_records

    recs = read_records(BASELINE_DIR, "sunspots_theta") + read_records(BASELINE_DIR, "sunspots_naive")
    ((_, table),) = leaderboards(records_frame(recs)).items()
    assert float(row.split("|")[-2]) == pytest.approx(table.set_index("model").loc["theta", "DM p vs RW"], rel=1e-2)
