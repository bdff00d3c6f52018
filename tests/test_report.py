"""Leaderboards, baselines and the files of `bench report`, on synthetic records in the real store format."""

from __future__ import annotations

import base64
import re

import numpy as np
import pandas as pd
import pytest

from reports import synthetic
from reports.leaderboard import leaderboards, pareto_mask, suite_leaderboard
from reports.records import load, load_with_baseline
from suite.cli import main as bench

DIGITS = {"random": 0.1, "reference": 1.0}
LOSS = {"random": 2.0, "reference": 0.0}
CART = {"random": 22.0, "reference": 500.0, "threshold": 475.0}
PNG_1PX = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==")


def write_suite(results, preset="standard"):
    """digits: big > mid ≈ small-ish; a lower-is-better problem; cartpole with times to threshold."""
    accs = {"big": [0.97, 0.98, 0.99], "mid": [0.96, 0.975, 0.985], "small": [0.50, 0.52, 0.51]}
    for model, values in accs.items():
        for seed, v in enumerate(values):
            art = [{"path": "artifacts/cm.png", "kind": "image", "caption": "confusion <matrix>"}]
            rec = synthetic.record(
                "digits", model, seed, v, refs=DIGITS, preset=preset, wall_s={"big": 30, "mid": 5, "small": 1}[model], artifacts=art
            )
            synthetic.write(results, rec, synthetic.curve("val/acc", v, 0.1, 10, 5.0), files={"artifacts/cm.png": PNG_1PX})
    for model, values in {"big": [0.2, 0.25], "small": [1.5, 1.4]}.items():
        for seed, v in enumerate(values):
            rec = synthetic.record("noise", model, seed, v, metric="test/loss", higher_is_better=False, refs=LOSS, preset=preset)
            synthetic.write(results, rec)
    for model, secs in {"dqn": [10.0, 12.0, None], "ppo": [20.0, 30.0, 25.0]}.items():
        for seed, s in enumerate(secs):
            extra = {"eval/threshold": 475.0} | ({"eval/seconds_to_threshold": s} if s is not None else {})
            rec = synthetic.record(
                "cartpole",
                model,
                seed,
                480.0 if s else 300.0,
                family="rl",
                metric="eval/mean_return",
                refs=CART,
                preset=preset,
                extra_metrics=extra,
            )
            synthetic.write(results, rec, synthetic.curve("eval/mean_return", 480.0, 20.0, 20, 40.0, step_scale=500))


@pytest.fixture()
def results(tmp_path):
    synthetic_dir = tmp_path / "results"
    write_suite(synthetic_dir)
    return synthetic_dir


def test_leaderboard_ranks_in_metric_direction_and_marks_ties(results):
    boards = leaderboards(load(results))
    digits = boards[("digits", "classification")]
    assert list(digits["model"]) == ["big", "mid", "small"]
    assert list(digits["tied"]) == ["leader", "tied", ""]  # mid's interval overlaps big's; small's does not
    assert digits.loc[0, "seeds"] == 3 and digits.loc[0, "mean"] == pytest.approx(0.98)
    assert digits.loc[0, "norm"] == pytest.approx((0.98 - 0.1) / 0.9)
    # Pareto: small is fastest, mid faster than big but worse, big best → all three on the front
    assert list(digits["pareto"]) == [True, True, True]
    noise = boards[("noise", "classification")]
    assert list(noise["model"]) == ["big", "small"]  # lower loss ranks first
    cart = boards[("cartpole", "rl")]
    # dqn missed the threshold on 1 of 3 seeds: median of [10, 12, inf] = 12
    assert cart.set_index("model").loc["dqn", "ttt_s"] == 12.0
    assert (cart["hardware"] == "Synthetic CPU ×2").all()


def test_pareto_mask_by_hand():
    # (quality, cost): a (0.9, 10) b (0.8, 20) is dominated by a; c (0.95, 30) is best
    assert list(pareto_mask(np.array([0.9, 0.8, 0.95]), np.array([10, 20, 30]))) == [True, False, True]
    assert list(pareto_mask(np.array([0.9, 0.8]), np.array([10, 5]), higher_is_better=False)) == [False, True]


def test_suite_leaderboard_from_normalised_scores(results):
    suite = suite_leaderboard(load(results)).set_index("model")
    # big: digits norm (0.97..0.99-0.1)/0.9 and noise norm (2-0.2)/2=0.9, (2-0.25)/2=0.875
    assert suite.loc["big", "problems"] == 2 and suite.loc["big", "runs"] == 5
    big = [(x - 0.1) / 0.9 for x in (0.97, 0.98, 0.99)]
    assert suite.loc["big", "mean"] == pytest.approx((np.mean(big) + np.mean([0.9, 0.875])) / 2)
    assert suite.loc["big", "iqm_low"] <= suite.loc["big", "iqm"] <= suite.loc["big", "iqm_high"]
    assert suite.index[0] == "big"
    # time-to-target within rl: dqn median 12 s is fastest → 1.0; ppo median 25 → r=25/12 → (4 − 2.083)/3
    assert suite.loc["dqn", "ttt_score"] == pytest.approx(1.0)
    assert suite.loc["ppo", "ttt_score"] == pytest.approx((4 - 25 / 12) / 3)


def test_baseline_fills_only_tasks_the_user_has_not_run(tmp_path):
    user, base = tmp_path / "user", tmp_path / "base"
    synthetic.write(user, synthetic.record("digits", "mine", 0, 0.9, refs=DIGITS))
    synthetic.write(user, synthetic.record("digits", "mlp", 0, 0.5, refs=DIGITS))
    for seed in range(3):
        env = {"cpu": "Baseline EPYC", "cpu_count": 2}
        synthetic.write(base, synthetic.record("digits", "mlp", seed, 0.95, refs=DIGITS, env=env))
        synthetic.write(base, synthetic.record("digits", "cnn", seed, 0.97, refs=DIGITS, env=env))
    runs = load_with_baseline(user, base)
    assert sorted(set(runs["task"])) == ["digits_cnn", "digits_mine", "digits_mlp"]
    assert list(runs[runs["task"] == "digits_mlp"]["source"]) == ["results"]  # the user's mlp wins, never mixed
    board = leaderboards(runs)[("digits", "classification")].set_index("model")
    assert board.loc["cnn", "source"] == "baseline" and board.loc["cnn", "hardware"] == "Baseline EPYC ×2"
    assert len(load_with_baseline(user, base, use_baseline=False)) == 2


def test_bench_report_writes_every_format(results, tmp_path, capsys):
    out = tmp_path / "out"
    (results / "digits_evil").mkdir()  # a task directory without records is ignored
    rec = synthetic.record("digits", "<script>alert(1)</script>", 0, 0.3, refs=DIGITS)
    rec["task"], rec["run_id"] = "digits_evil", "digits_evil__standard__c0ffee0000__s0"
    synthetic.write(results, rec)
    assert bench(["report", "--results", str(results), "--out", str(out), "--no-baseline", "--wandb", "disabled"]) == 0
    printed = capsys.readouterr().out
    assert "digits · classification · test/acc" in printed and "suite" in printed
    for name in ["leaderboard.md", "leaderboard.csv", "suite.csv", "runs.csv", "leaderboard.parquet", "runs.parquet", "report.html"]:
        assert (out / name).stat().st_size > 0, name
    board = pd.read_parquet(out / "leaderboard.parquet")
    assert board[board["problem"] == "digits"]["model"].tolist() == ["big", "mid", "small", "<script>alert(1)</script>"]
    md = (out / "leaderboard.md").read_text()
    assert "| 1 | big | 3 | 0.98 [" in md
    for fig in [
        "interval_estimates",
        "probability_of_improvement",
        "score_profile",
        "time_profile",
        "pareto",
        "curves_digits_classification",
        "curves_cartpole_rl",
    ]:
        assert (out / "plots" / f"{fig}.png").is_file() and (out / "plots" / f"{fig}.svg").is_file(), fig
    html = (out / "report.html").read_text()
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "confusion &lt;matrix&gt;" in html  # artifact captions escaped and gathered in
    assert not re.search(r"(src|href)=\"(https?:)?//", html)  # nothing fetched from the network
    assert html.count('src="data:image/png;base64,') >= 8


def test_report_preset_filter_and_empty(tmp_path, capsys):
    results = tmp_path / "r"
    synthetic.write(results, synthetic.record("digits", "mlp", 0, 0.9, refs=DIGITS, preset="smoke"))
    assert bench(["report", "--results", str(results), "--format", "md", "--no-baseline", "--wandb", "disabled"]) == 0
    assert "no runs of preset 'standard'" in capsys.readouterr().out
    assert bench(["report", "--results", str(results), "--format", "md", "--preset", "smoke", "--no-baseline", "--wandb", "disabled"]) == 0
    assert "| 1 | mlp | 1 | 0.9 |" in (results / "report" / "leaderboard.md").read_text()
    assert bench(["report", "--results", str(results), "--format", "pdf", "--wandb", "disabled"]) == 2


def test_ship_baseline_copies_records_and_small_images(results, tmp_path):
    from reports.ship_baseline import ship

    dest = tmp_path / "baseline"
    assert ship(results, dest) == len(load(results))
    shipped = load(dest)
    assert set(shipped["task"]) == set(load(results)["task"])
    cm = list(dest.glob("digits_big/*/artifacts/cm.png"))
    assert len(cm) == 3 and cm[0].read_bytes() == PNG_1PX
    assert list(dest.glob("digits_big/*/curves.parquet"))
    assert ship(results, tmp_path / "none", presets=("smoke",)) == 0


def test_time_to_target_read_from_curves_when_the_runner_did_not_report_it(tmp_path):
    from reports.curves import time_to_target

    refs = {"random": 0.1, "reference": 1.0, "threshold": 0.9, "curve_metric": "val/acc"}
    fast = synthetic.curve("val/acc", 0.95, 0.1, 10, 5.0)  # wall_s = 0.1 + 5 t, t = 0, 1/9, ...
    slow = synthetic.curve("val/acc", 0.85, 0.1, 10, 5.0)  # never reaches 0.9
    synthetic.write(tmp_path, synthetic.record("digits", "fast", 0, 0.95, refs=refs), fast)
    synthetic.write(tmp_path, synthetic.record("digits", "slow", 0, 0.85, refs=refs), slow)
    runs = load(tmp_path)
    ttt = dict(zip(runs["model"], time_to_target(runs)))
    first = fast[fast["value"] >= 0.9]["wall_s"].iloc[0]
    assert ttt["fast"] == pytest.approx(first) and 0.1 < first < 5.1
    assert ttt["slow"] == np.inf


def test_failed_runs_are_counted_not_ranked(tmp_path):
    for seed in range(2):
        synthetic.write(tmp_path, synthetic.record("digits", "broken", seed, None, status="failed"))
    synthetic.write(tmp_path, synthetic.record("digits", "fine", 0, 0.5))
    board = leaderboards(load(tmp_path))[("digits", "classification")]
    assert list(board["model"]) == ["fine", "broken"]
    assert list(board["tied"]) == ["leader", ""] and list(board["failed"]) == [0, 2]
