"""Leaderboards, baselines and the files of `bench report`, on synthetic records in the real store format."""

from __future__ import annotations

import base64
import re

import numpy as np
import pandas as pd
import pytest

from benchmarks import synthetic
from cli.main import main as bench
from reports.leaderboard import BoardKey, leaderboards, pareto_mask, suite_leaderboard
from reports.records import load, load_with_baseline

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


DIGITS_KEY = BoardKey("digits", "classification", "standard")


def test_leaderboard_ranks_in_metric_direction_and_marks_ties(results):
    from scipy.stats import ttest_ind

    boards = leaderboards(load(results))
    digits = boards[DIGITS_KEY]
    assert list(digits["model"]) == ["big", "mid", "small"]
    assert list(digits["tied"]) == ["leader", "tied", ""]  # Welch: mid is not told apart from big, small is
    p_mid = ttest_ind([0.96, 0.975, 0.985], [0.97, 0.98, 0.99], equal_var=False).pvalue
    # the pair's own Welch p, and the p adjusted for the board's 3 entries (max-t) that decides
    assert digits.loc[1, "p_unadjusted"] == pytest.approx(p_mid) and digits.loc[1, "p_value"] > p_mid
    assert digits.loc[2, "p_value"] < 0.05 and digits.attrs["compared"] == 3
    assert (
        digits.loc[1, "diff"] == pytest.approx((0.96 + 0.975 + 0.985) / 3 - 0.98)
        and digits.loc[1, "diff_low"] < 0 < digits.loc[1, "diff_high"]
    )
    assert digits.loc[0, "seeds"] == 3 and digits.loc[0, "mean"] == pytest.approx(0.98)
    assert digits.loc[0, "norm"] == pytest.approx((0.98 - 0.1) / 0.9)
    # Pareto: small is fastest, mid faster than big but worse, big best → all three on the front
    assert list(digits["pareto"]) == [True, True, True]
    noise = boards[BoardKey("noise", "classification", "standard")]
    assert list(noise["model"]) == ["big", "small"]  # lower loss ranks first
    cart = boards[BoardKey("cartpole", "rl", "standard")]
    # dqn missed the threshold on 1 of 3 seeds: median of [10, 12, inf] = 12
    assert cart.set_index("model").loc["dqn", "ttt_s"] == 12.0
    assert (cart["hardware"] == "Synthetic CPU ×2").all()


def test_pareto_mask_by_hand():
    # (quality, cost): a (0.9, 10) b (0.8, 20) is dominated by a; c (0.95, 30) is best
    assert list(pareto_mask(np.array([0.9, 0.8, 0.95]), np.array([10, 20, 30]))) == [True, False, True]
    assert list(pareto_mask(np.array([0.9, 0.8]), np.array([10, 5]), higher_is_better=False)) == [False, True]


def test_suite_leaderboard_from_normalised_scores(results):
    suite = suite_leaderboard(load(results))
    # one row per entry within each (family, metric): digits' accuracy and noise's loss are never pooled
    groups = {k: list(g["model"]) for k, g in suite.groupby(["family", "metric"], sort=True)}
    assert groups == {
        ("classification", "test/acc"): ["big", "mid", "small"],
        ("classification", "test/loss"): ["big", "small"],
        ("rl", "eval/mean_return"): ["ppo", "dqn"],
    }
    assert suite.groupby(["family", "metric"])["rank"].apply(list).to_dict()[("classification", "test/loss")] == [1, 2]
    acc = suite[suite["metric"] == "test/acc"].set_index("model")
    big = [(x - 0.1) / 0.9 for x in (0.97, 0.98, 0.99)]
    assert acc.loc["big", "problems"] == 1 and acc.loc["big", "runs"] == 3 and acc.loc["big", "mean"] == pytest.approx(np.mean(big))
    assert acc.loc["big", "iqm_low"] <= acc.loc["big", "iqm"] <= acc.loc["big", "iqm_high"]
    # time-to-target within rl: dqn median 12 s is fastest → 1.0; ppo median 25 → r=25/12 → (4 − 2.083)/3
    rl = suite[suite["family"] == "rl"].set_index("model")
    assert rl.loc["dqn", "ttt_score"] == pytest.approx(1.0)
    assert rl.loc["ppo", "ttt_score"] == pytest.approx((4 - 25 / 12) / 3)


def test_suite_weighs_every_problem_the_same_and_ranks_on_quality_not_coverage(tmp_path):
    """a: 10 seeds at 1.0 on easy, 2 seeds at 0.0 on hard: IQM 0.5 with each problem weighing half (pooling
    the 12 runs gave 1.0). b ran only easy, at 0.8: ranked on its IQM, above a, with problems 1/2 saying so
    (coverage no longer sorts first)."""
    refs = {"random": 0.0, "reference": 1.0}
    for seed in range(10):
        synthetic.write(tmp_path, synthetic.record("easy", "a", seed, 1.0, refs=refs))
    for seed in range(2):
        synthetic.write(tmp_path, synthetic.record("hard", "a", seed, 0.0, refs=refs))
    for seed in range(3):
        synthetic.write(tmp_path, synthetic.record("easy", "b", seed, 0.8 + 0.01 * seed, refs=refs))
    suite = suite_leaderboard(load(tmp_path)).set_index("model")
    assert suite.loc["a", "iqm"] == pytest.approx(0.5) and suite.loc["a", "optimality_gap"] == pytest.approx(0.5)
    assert (suite.loc["a", "normalised"], suite.loc["a", "family_problems"]) == (2, 2)
    assert (suite.loc["b", "normalised"], suite.loc["b", "family_problems"]) == (1, 2)
    assert list(suite.index) == ["b", "a"] and list(suite["rank"]) == [1, 2]


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
    board = leaderboards(runs)[DIGITS_KEY].set_index("model")
    assert board.loc["cnn", "source"] == "baseline" and board.loc["cnn", "hardware"] == "Baseline EPYC ×2"
    assert len(load_with_baseline(user, base, use_baseline=False)) == 2


def test_bench_report_writes_every_format(results, tmp_path, capsys):
    out = tmp_path / "out"
    (results / "digits_evil").mkdir()  # a task directory without records is ignored
    rec = synthetic.record("digits", "<script>alert(1)</script>", 0, 0.3, refs=DIGITS)
    rec["task"], rec["run_id"] = "digits_evil", "digits_evil__standard__c0ffee0000__s0"
    synthetic.write(results, rec)
    # a failed run whose error text and config hold HTML: the page lists failed runs with their error
    bad = synthetic.record("digits", "crash", 0, None, refs=DIGITS, status="failed")
    bad["error"], bad["config"] = "ValueError: <script>alert('err')</script>", {"note": "<script>alert('cfg')</script>"}
    synthetic.write(results, bad)
    assert bench(["report", "--results", str(results), "--out", str(out), "--no-baseline", "--wandb", "disabled"]) == 0
    printed = capsys.readouterr().out
    assert "digits · classification · test/acc" in printed and "suite" in printed
    assert "train s" in printed and "Student-t" in printed and "seeds per side" in printed
    for name in ["leaderboard.md", "leaderboard.csv", "suite.csv", "runs.csv", "leaderboard.parquet", "runs.parquet", "report.html"]:
        assert (out / name).stat().st_size > 0, name
    board = pd.read_parquet(out / "leaderboard.parquet")
    assert board[board["problem"] == "digits"]["model"].tolist() == ["big", "mid", "small", "<script>alert(1)</script>", "crash"]
    csv = pd.read_csv(out / "leaderboard.csv")
    digits = csv[csv["problem"] == "digits"].set_index("model")
    assert {"p_value", "p_unadjusted", "diff", "diff_low", "diff_high", "seeds_needed", "exact", "time_s", "peak_rss_increase_mb"} <= set(
        csv
    )
    assert digits.loc["mid", "p_value"] > 0.05 and digits.loc["mid", "seeds_needed"] > 3 and digits.loc["mid", "tied"] == "tied"
    md = (out / "leaderboard.md").read_text()
    assert "| 1 | big | 3 | 0.98 [" in md
    # the legend names the interval and the tie test; each board states the seeds needed
    assert "Student-t interval of the mean" in md and "Welch's t-test" in md and "α = 0.05" in md
    n_mid = int(digits.loc["mid", "seeds_needed"])
    assert "big vs runner-up mid: mid − big = -0.006667 [simultaneous 95% CI " in md and f"about {n_mid} seeds per side would" in md
    assert (
        f"p = {digits.loc['mid', 'p_value']:.3f} adjusted for the board's 3 entries (max-t; unadjusted 0." in md
        and "| adj. p vs leader | unadjusted p |" in md
    )
    assert "adj. p vs leader" in printed and "adj. p vs leader" in (out / "report.html").read_text()
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
    assert html.count("<script") == 1  # the page's own sorting script, nothing from a record
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "ValueError: &lt;script&gt;alert(&#x27;err&#x27;)" in html
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


def test_time_to_target_read_from_curves_counts_training_time_only(tmp_path):
    from reports.curves import time_to_target

    refs = {"random": 0.1, "reference": 1.0, "threshold": 0.9, "curve_metric": "val/acc"}
    fast = synthetic.curve("val/acc", 0.95, 0.1, 10, 5.0)  # wall_s = 0.1 + 5 t, t = 0, 1/9, ...
    slow = synthetic.curve("val/acc", 0.85, 0.1, 10, 5.0)  # never reaches 0.9
    synthetic.write(tmp_path, synthetic.record("digits", "fast", 0, 0.95, refs=refs, setup_s=0.5), fast)
    synthetic.write(tmp_path, synthetic.record("digits", "slow", 0, 0.85, refs=refs), slow)
    old = synthetic.record("digits", "old", 0, 0.95, refs=refs)
    del old["timing"]["setup_s"]  # a record from before set-up was timed apart
    synthetic.write(tmp_path, old, fast)
    runs = load(tmp_path)
    ttt = dict(zip(runs["model"], time_to_target(runs)))
    first = fast[fast["value"] >= 0.9]["wall_s"].iloc[0]  # seconds since the run started
    assert 0.6 < first < 5.1
    assert ttt["fast"] == pytest.approx(first - 0.5)  # the curve's clock includes the 0.5 s of set-up
    assert ttt["old"] == pytest.approx(first)
    assert ttt["slow"] == np.inf


def test_failed_runs_are_counted_not_ranked(tmp_path):
    for seed in range(2):
        synthetic.write(tmp_path, synthetic.record("digits", "broken", seed, None, status="failed"))
    synthetic.write(tmp_path, synthetic.record("digits", "fine", 0, 0.5))
    board = leaderboards(load(tmp_path))[DIGITS_KEY]
    assert list(board["model"]) == ["fine", "broken"]
    assert list(board["tied"]) == ["?", ""] and list(board["failed"]) == [0, 2]


def _board(tmp_path, scores: dict[str, list[float]], **kw) -> pd.DataFrame:
    for model, values in scores.items():
        for seed, v in enumerate(values):
            synthetic.write(tmp_path, synthetic.record("digits", model, seed, v, refs=DIGITS, **kw))
    return leaderboards(load(tmp_path))[DIGITS_KEY].set_index("model")


def test_ties_come_from_the_test_not_from_overlapping_intervals(tmp_path):
    board = _board(tmp_path, {"a": [0.90, 0.91, 0.92], "b": [0.925, 0.935, 0.945]})
    # The 95 % t intervals overlap ([0.885, 0.935] and [0.910, 0.960]) but Welch's t-test of the
    # difference gives p = 0.037 < 0.05: a is separated from the leader, not tied with it.
    assert board.loc["a", "ci_high"] > board.loc["b", "ci_low"]
    assert board.loc["b", "tied"] == "leader" and board.loc["a", "tied"] == ""
    assert board.loc["a", "p_value"] == pytest.approx(0.0374, abs=1e-3)


def test_one_seed_entry_is_never_leader_or_tied(tmp_path):
    board = _board(tmp_path, {"lucky": [0.99], "steady": [0.95, 0.96, 0.97], "close": [0.94, 0.96], "worse": [0.5]})
    assert list(board.index) == ["lucky", "steady", "close", "worse"]  # ranked by mean
    assert list(board["tied"]) == ["?", "leader", "tied", "?"]
    assert np.isnan(board.loc["lucky", "p_value"]) and np.isnan(board.loc["lucky", "seeds_needed"])


def test_deterministic_entry_is_exact_counted_once_and_tested_one_sample(tmp_path):
    from scipy.stats import ttest_1samp

    from reports.render import board_note, to_markdown

    mase = {"metric": "test/mase", "higher_is_better": False, "refs": {"random": 1.0, "reference": 0.0}}
    for seed in range(3):  # shipped as three "seeds" of one deterministic config: one observation
        synthetic.write(tmp_path, synthetic.record("sun", "naive", seed, 0.6325, deterministic=True, **mase))
    for seed, v in enumerate([0.60, 0.62, 0.64]):
        synthetic.write(tmp_path, synthetic.record("sun", "lstm", seed, v, **mase))
    for seed, v in enumerate([0.80, 0.81]):
        synthetic.write(tmp_path, synthetic.record("sun", "gru", seed, v, **mase))
    runs = load(tmp_path)
    boards = leaderboards(runs)
    board = boards[BoardKey("sun", "classification", "standard")].set_index("model")
    assert board.loc["naive", "seeds"] == 1 and board.loc["naive", "exact"] and np.isnan(board.loc["naive", "ci_low"])
    assert list(board.index) == ["lstm", "naive", "gru"] and list(board["tied"]) == ["leader", "tied", ""]
    # against an exact value the test is one-sample: the leader's seeds against 0.6325 (then adjusted for 3 entries)
    assert board.loc["naive", "p_unadjusted"] == pytest.approx(ttest_1samp([0.60, 0.62, 0.64], 0.6325).pvalue)
    assert "| 2 | naive | 1 | 0.6325 (exact) |" in to_markdown(boards)
    assert "seeds of lstm would separate them" in board_note(board.reset_index())
    assert suite_leaderboard(runs).set_index("model").loc["naive", "runs"] == 1
    # an exact entry can lead; the stochastic ones are then tested against its value
    synthetic.write(tmp_path, synthetic.record("sun", "oracle", 0, 0.1, deterministic=True, **mase))
    boards = leaderboards(load(tmp_path))
    board = boards[BoardKey("sun", "classification", "standard")].set_index("model")
    assert board.loc["oracle", "tied"] == "leader" and board.loc["lstm", "tied"] == ""
    assert board.loc["lstm", "p_unadjusted"] == pytest.approx(ttest_1samp([0.60, 0.62, 0.64], 0.1).pvalue)
    # both exact and different: one evaluation each, so the difference is shown as measured, never tested
    assert board.loc["naive", "tied"] == "untested" and np.isnan(board.loc["naive", "p_value"])
    assert board.loc["naive", "diff"] == pytest.approx(
        0.6325 - 0.1
    ) and "| 3 | naive | 1 | 0.6325 (exact) | – | ○ | – | – |" in to_markdown(boards)


def test_intervals_respect_declared_and_natural_bounds(tmp_path):
    """CartPole's return declares [0, 500] in its record (reference.bounds): 3 seeds all at 500 get
    [184.2, 500], not [500, 500]; an accuracy's interval stops at 1 with no declaration."""
    from reports.render import to_markdown

    cart = {"family": "rl", "metric": "eval/mean_return", "refs": {"random": 23.68, "reference": 500.0, "bounds": [0.0, 500.0]}}
    for seed, (ppo, dqn) in enumerate([(500.0, 18.7), (500.0, 500.0), (500.0, 500.0)]):
        synthetic.write(tmp_path, synthetic.record("cartpole", "ppo", seed, ppo, **cart))
        synthetic.write(tmp_path, synthetic.record("cartpole", "dqn", seed, dqn, **cart))
    for seed, v in enumerate([0.983, 1.0, 1.0]):
        synthetic.write(tmp_path, synthetic.record("digits", "cnn", seed, v, refs=DIGITS))
    boards = leaderboards(load(tmp_path))
    cp = boards[BoardKey("cartpole", "rl", "standard")].set_index("model")
    assert cp.loc["ppo", "ci_low"] == pytest.approx(500 * 0.05 ** (1 / 3)) and cp.loc["ppo", "ci_high"] == 500.0
    assert cp.loc["dqn", "ci_low"] == 0.0 and cp.loc["dqn", "ci_high"] == 500.0  # the t interval is [-350.7, 1030]
    assert (cp.loc["ppo", "bound_low"], cp.loc["ppo", "bound_high"]) == (0.0, 500.0)
    digits = boards[DIGITS_KEY].set_index("model")
    assert digits.loc["cnn", "ci_high"] == 1.0 and digits.loc["cnn", "ci_low"] < 0.98
    assert "| 1 | ppo | 3 | 500 [184.2, 500] |" in to_markdown(boards)


def test_time_columns_are_training_seconds(tmp_path):
    from reports.render import to_markdown

    recs = []
    for seed, (model, score, wall, train) in enumerate([("a", 0.9, 100.0, 10.0), ("b", 0.8, 20.0, 16.0)] * 2):
        rec = synthetic.record("digits", model, seed // 2, score + 0.001 * seed, refs=DIGITS, wall_s=wall)
        rec["timing"]["train_s"] = train
        recs.append(rec)
    old = synthetic.record("digits", "old", 0, 0.5, refs=DIGITS, wall_s=7.0)
    old["timing"] = {"wall_s": 7.0}  # before train_s was recorded
    for rec in [*recs, old]:
        synthetic.write(tmp_path, rec)
    boards = leaderboards(load(tmp_path))
    board = boards[DIGITS_KEY].set_index("model")
    assert board.loc["a", "time_s"] == 10.0 and board.loc["b", "time_s"] == 16.0
    # by training time a is better and faster, so b is off the front (by wall time b would be on it)
    assert bool(board.loc["a", "pareto"]) and not board.loc["b", "pareto"]
    assert board.loc["old", "time_s"] == 7.0 and board.loc["old", "time_from_wall"] and not board.loc["a", "time_from_wall"]
    md = to_markdown(boards)
    assert "| train s |" in md and "| wall s |" not in md
    assert re.search(r"\| 3 \| old \|.*\| 7\.0\* \|", md) and re.search(r"\| 1 \| a \|.*\| 10\.0 \|", md)


def test_memory_is_the_runs_own_peak(tmp_path):
    from reports.render import to_markdown

    synthetic.write(tmp_path, synthetic.record("digits", "new", 0, 0.9, refs=DIGITS))  # peak_rss_increase_mb 120
    old = synthetic.record("digits", "old", 0, 0.8, refs=DIGITS)
    old["resources"] = {"params": 1000, "peak_rss_mb": 589.96, "device": "cpu"}  # the process's high-water mark
    synthetic.write(tmp_path, old)
    boards = leaderboards(load(tmp_path))
    board = boards[DIGITS_KEY].set_index("model")
    assert board.loc["new", "peak_rss_increase_mb"] == 120.0 and np.isnan(board.loc["old", "peak_rss_increase_mb"])
    md = to_markdown(boards)
    assert "Δ peak RSS MB" in md and "590" not in md and "peak_rss_mb" not in board


def test_curve_axis_and_metric_come_from_the_record(tmp_path):
    from reports.build import compute
    from reports.plots import learning_curves
    from reports.records import curve_spec

    rl = {"family": "rl", "metric": "eval/mean_return", "refs": CART, "curve": {"axis": "env steps", "metric": "eval/return"}}
    for seed in range(2):
        rec = synthetic.record("cartpole", "dqn", seed, 480.0, **rl)
        synthetic.write(tmp_path, rec, synthetic.curve("eval/return", 480.0, 20.0, 20, 40.0, step_scale=500))
        old = synthetic.record("digits", "mlp", seed, 0.9, refs=DIGITS)
        del old["curve"]  # an old record: axis "step", the primary metric's val/ twin
        synthetic.write(tmp_path, old, synthetic.curve("val/acc", 0.9, 0.1, 10, 5.0))
    assert curve_spec({}, {"primary_metric": "test/acc"}) == ("step", "val/acc")
    rep = compute(load(tmp_path), "standard")
    figs = learning_curves(rep.runs, rep.boards, tmp_path)
    svg = {f.name: f.svg.read_text() for f in figs}
    assert "env steps" in svg["curves_cartpole_rl"] and ">eval/return<" in svg["curves_cartpole_rl"].replace(" ", "")
    assert ">step<" in svg["curves_digits_classification"].replace(" ", "") and "val/acc" in svg["curves_digits_classification"]


def test_boards_are_keyed_by_data_across_presets(tmp_path):
    from reports.render import to_markdown

    for preset, values in {"standard": [0.9, 0.92, 0.91], "smoke": [0.3, 0.35]}.items():
        for seed, v in enumerate(values):
            synthetic.write(tmp_path, synthetic.record("digits", "mlp", seed, v, refs=DIGITS, preset=preset))
    boards = leaderboards(load(tmp_path), preset=None)
    assert set(boards) == {BoardKey("digits", "classification", "standard"), BoardKey("digits", "classification", "smoke")}
    assert boards[BoardKey("digits", "classification", "smoke")].loc[0, "seeds"] == 2
    md = to_markdown(boards)
    assert "## digits [smoke] · classification · test/acc" in md and "## digits [standard] · classification" in md
    suite = suite_leaderboard(load(tmp_path), preset=None)
    assert set(zip(suite["entry"], suite["preset"])) == {("mlp", "smoke"), ("mlp", "standard")}
