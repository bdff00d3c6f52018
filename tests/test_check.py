"""`bench check`, the regression gate: verdicts per task, Holm over the suite, exit 1 on a regression."""

from __future__ import annotations

import numpy as np
import pytest

from reports import check, stats
from tests.conftest import ROOT


def test_holm_matches_statsmodels():
    from statsmodels.stats.multitest import multipletests

    p = [0.01, 0.04, 0.03, 0.5, 0.002]
    assert stats.holm(p).tolist() == pytest.approx(multipletests(p, method="holm")[1].tolist())
    rows = np.array([p, p[::-1]])  # row by row, nan left out of the family
    assert stats.holm(rows)[1].tolist() == pytest.approx(multipletests(p[::-1], method="holm")[1].tolist())
    assert np.isnan(stats.holm([0.01, np.nan, 0.02])[1]) and stats.holm([0.01, np.nan, 0.02])[2] == pytest.approx(0.02)


def test_exact_rerun_compares_seed_by_seed_without_a_p_value():
    same = check.compare("t", "acc", True, [0.9, 0.95], [0.9, 0.95], exact=True, why="same kind", deterministic=False)
    assert same.outcome == "unchanged" and same.method == "exact" and same.p is None
    worse = check.compare("t", "acc", True, [0.9, 0.95], [0.9, 0.9499], exact=True, why="same kind", deterministic=False)
    assert worse.outcome == "regressed" and worse.p is None
    swapped = check.compare("t", "acc", True, [0.9, 0.95], [0.95, 0.9], exact=True, why="same kind", deterministic=False)
    assert swapped.outcome == "changed"  # same mean, other per-seed values: still not the same code
    assert check.failed([swapped]) and check.failed([worse]) and not check.failed([same])


def test_deterministic_and_capped_entries_are_compared_exactly_across_kinds():
    det = check.compare("t", "mase", False, [2.0], [2.0 + 1e-9], exact=False, why="other kind", deterministic=True)
    assert det.outcome == "unchanged" and det.method == "deterministic"
    det = check.compare("t", "mase", False, [2.0], [2.1], exact=False, why="other kind", deterministic=True)
    assert det.outcome == "regressed"
    capped = check.compare("t", "ret", True, [500.0] * 3, [500.0] * 3, exact=False, why="other kind", deterministic=False)
    assert capped.outcome == "unchanged" and capped.p is None


def test_holm_over_the_suite_keeps_a_lone_small_p_from_failing_it():
    rng = np.random.default_rng(0)
    vs = [
        check.compare(
            f"t{i}", "acc", True, list(rng.normal(0.9, 0.01, 5)), list(rng.normal(0.9, 0.01, 5)), exact=False, why="x", deterministic=False
        )
        for i in range(5)
    ]
    vs[0].p = 0.02  # significant alone, not after Holm over five
    check.decide(vs)
    assert vs[0].p_adjusted == pytest.approx(0.1) and vs[0].outcome == "unchanged"


def test_bench_check_passes_on_unchanged_deterministic_tasks(bench, tmp_path):
    code, out, err = bench("check", "sunspots_ets", "sunspots_naive", "--results", str(tmp_path / "r"), "--no-progress")
    assert code == 0, err
    # "exact" where the shipped records come from this machine kind, "deterministic" (1e-6) from another
    assert "0 regressed" in out and out.count("| unchanged | deterministic |") + out.count("| unchanged | exact |") == 2, out


def test_bench_check_refuses_seeds_and_preset(bench):
    code, _, err = bench("check", "check", "--seeds", "3")
    assert code == 2 and "--max-seeds" in err and len(err.strip().splitlines()) == 1


@pytest.mark.slow
def test_bench_check_flags_an_injected_regression(bench, tmp_path):
    """sunspots_mlp with a learning rate 10× too high (tests/plugins/degrade_mlp.py): MASE 1.31 against 1.16."""
    plugin = str(ROOT / "tests" / "plugins" / "degrade_mlp.py")
    code, out, _ = bench("check", "sunspots_mlp", "--plugin", plugin, "--results", str(tmp_path / "r"), "--no-progress")
    assert code == 1
    assert "| sunspots_mlp | test/mase ↓ | **regressed** | statistical |" in out
