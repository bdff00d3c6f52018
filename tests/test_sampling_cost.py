"""Sampling cost on the generation boards (issue 28): every shipped generation record has it, the records
older than the metric got it from scripts/sampling_cost.py through the runner's own timing, and every
report format shows KID, precision, recall, NFE and s/1k samples for every generation entry."""

from __future__ import annotations

import io
import json
import shutil
import sys

import pytest
import torch

from reports import build
from reports.html import page
from reports.records import BASELINE_DIR, read_records, records_frame
from reports.render import board_header, print_terminal, to_markdown
from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import sampling_cost  # noqa: E402

COLUMNS = ("KID", "precision", "recall", "NFE", "s/1k samples")


@pytest.fixture(scope="module")
def report():
    """The shipped records' generation boards, as `bench report` computes them."""
    runs = records_frame(read_records(BASELINE_DIR, check=True, on_problems=None), source="baseline")
    return build.compute(runs[runs["family"] == "generation"], "standard")


def test_every_shipped_generation_record_has_its_sampling_cost():
    lacking = [f"{r['run_id']}: {', '.join(sampling_cost.missing(r))}" for r in sampling_cost.lacking(BASELINE_DIR)]
    assert not lacking, f"run `python scripts/sampling_cost.py --write`: {lacking}"


def test_a_cost_measured_after_the_run_says_where():
    measured = [r for r in read_records(BASELINE_DIR, on_problems=None) if "sampling_cost" in (r.get("info") or {})]
    assert measured, "no shipped record has a cost measured by scripts/sampling_cost.py"
    for rec in measured:
        how = rec["info"]["sampling_cost"]
        assert how["measured_by"] == "scripts/sampling_cost.py" and how["machine"]["cpu"] and how["at"]
        assert rec["env"]["cpu"] in how["note"], "the note names the run's own machine"
        draws = sorted(how["s_per_1000_per_draw"])
        assert rec["metrics"]["gen/sample_s_per_1000"] == pytest.approx(draws[len(draws) // 2], abs=1e-6)  # the median draw


def test_every_generation_board_shows_quality_and_cost_in_every_format(report, tmp_path):
    from suite.registry import get_registry

    assert [c["label"] for c in get_registry().family("generation").board_metrics] == list(COLUMNS)  # what new records declare
    boards = report.boards
    assert {k.problem for k in boards} >= {"digits", "fashion_mnist"}
    for key, table in boards.items():
        for label in COLUMNS:
            assert label in board_header(table) and label in board_header(table, terminal=True), f"{key}: no {label} column"
            gaps = list(table["model"][table[label].isna()])
            assert not gaps, f"{key}: {label} is – for {gaps}"
    out = io.StringIO()
    from rich.console import Console

    print_terminal(boards, Console(file=out, width=400))
    md = to_markdown(boards)
    html = page(boards, report.suite, [], report.runs)
    for label in COLUMNS:
        assert out.getvalue().count(label) >= len(boards), f"terminal: {label}"
        assert md.count(f" {label} |") >= len(boards), f"markdown: {label}"
        assert html.count(f"<th>{label}</th>") >= len(boards), f"html: {label}"
    build.write(report, tmp_path, ["csv"])
    import pandas as pd

    csv = pd.read_csv(tmp_path / "leaderboard.csv")
    assert csv[list(COLUMNS)].notna().all().all(), "csv: a generation entry without a column's value"


def _as_old(src, dest):
    """A copy of a shipped record's directory as records were before the cost: no metrics, provenance or columns."""
    shutil.copytree(src, dest)
    path = dest / "result.json"
    rec = json.loads(path.read_text())
    for k in sampling_cost.COST:
        rec["metrics"].pop(k, None)
    rec["info"].pop("sampling_cost", None)
    rec["rankings"]["generation"].pop("columns", None)
    path.write_text(json.dumps(rec, indent=2))
    return rec


def _without_cost(rec: dict) -> dict:
    """The record less what the script adds."""
    gen = {k: v for k, v in rec["rankings"]["generation"].items() if k != "columns"}
    return {
        **rec,
        "metrics": {k: v for k, v in rec["metrics"].items() if k not in sampling_cost.COST},
        "info": {k: v for k, v in rec["info"].items() if k != "sampling_cost"},
        "rankings": {**rec["rankings"], "generation": gen},
    }


@pytest.fixture()
def old_record(tmp_path):
    src = sorted((BASELINE_DIR / "digits_gan").iterdir())[0]
    rec = _as_old(src, tmp_path / "digits_gan" / src.name)
    return tmp_path, rec


def test_the_script_times_through_the_runner_and_writes_once(old_record, monkeypatch):
    from tasks.generative import runner

    results, before = old_record
    calls = []

    def fake(generate, n, where):  # the runner's timing, stood in for: the script must call it, not a copy
        calls.append(n)
        return torch.zeros(n, 1, 8, 8), [9.0, 1.0, 3.0, 2.0][len(calls) - 1]

    monkeypatch.setattr(runner, "timed_sample", fake)
    assert [r["run_id"] for r in sampling_cost.lacking(results)] == [before["run_id"]]
    done = sampling_cost.run(results, write=True, repeats=3)
    assert len(done) == 1 and calls == [360] * 4  # digits' judged sample count; one warm-up, then 3 timed draws
    after = json.loads(next(results.glob("digits_gan/*/result.json")).read_text())
    assert after["metrics"]["gen/sample_s_per_1000"] == 2.0 and after["metrics"]["gen/nfe"] == 1.0  # median of 1, 3, 2
    assert after["info"]["sampling_cost"]["s_per_1000_warm_up"] == 9.0
    labels = [c["label"] for c in after["rankings"]["generation"]["columns"]]
    assert labels == list(COLUMNS)
    assert _without_cost(after) == before  # nothing else in the record changed
    assert sampling_cost.lacking(results) == [] and sampling_cost.run(results, write=True) == []  # idempotent


def test_check_mode_fails_on_a_record_without_the_cost(old_record, monkeypatch, capsys):
    results, before = old_record
    monkeypatch.setattr(sys, "argv", ["sampling_cost.py", "--check", "--results", str(results)])
    with pytest.raises(SystemExit) as exit_:
        sampling_cost.main()
    assert exit_.value.code == 1 and before["run_id"] in capsys.readouterr().out
