"""rliable agrees: IQM, optimality gap, P(X > Y) and the score profile of the suite's reports/stats.py,
computed on the shipped records, equal rliable's own (Agarwal et al. 2021; the `dev` extra installs it).

rliable takes a (runs × tasks) matrix, so the check uses families whose entries have the same number
of seeds on every problem: the shipped digits classifiers (5 seeds) and the deep forecasters (5 seeds
on each of six problems). rliable's library module imports `arch` for its bootstrap, which fails to
import beside pandas 3 here; its point estimates need none of it, so `arch` is stubbed for the import.
"""

from __future__ import annotations

import sys
import types

import numpy as np
import pytest

from reports import stats
from reports.records import BASELINE_DIR
from suite import store

metrics = pytest.importorskip("rliable.metrics")


def rliable_library():
    stub = types.ModuleType("arch")
    stub.bootstrap = types.ModuleType("arch.bootstrap")
    stub.bootstrap.IIDBootstrap = stub.bootstrap.IndependentSamplesBootstrap = object  # bases of its bootstrap classes, unused
    saved = {k: sys.modules.get(k) for k in ("arch", "arch.bootstrap")}
    sys.modules.update({"arch": stub, "arch.bootstrap": stub.bootstrap})
    try:
        sys.modules.pop("rliable.library", None)
        from rliable import library

        return library
    finally:
        for k, v in saved.items():
            if v is None:
                sys.modules.pop(k, None)
            else:
                sys.modules[k] = v


def matrix(model: str, problems: list[str], seeds: int = 5) -> np.ndarray:
    """(seeds, problems) normalised scores of `model`'s shipped standard records, seeds in order."""
    cols = []
    for problem in problems:
        recs = sorted(
            (r for r in store.iter_records(BASELINE_DIR, f"{problem}_{model}") if r["preset"] == "standard" and r["status"] == "ok"),
            key=lambda r: r["seed"],
        )[:seeds]
        assert len(recs) == seeds, f"{problem}_{model}"
        ref = recs[0]["reference"]
        raw = np.array([r["metrics"][r["primary_metric"]] for r in recs])
        cols.append(stats.normalized_score(raw, ref["random"], ref["reference"]))
    return np.stack(cols, axis=1)


CASES = [
    ("classification", ["digits"], ["mlp", "cnn", "logreg", "lenet5"]),
    ("forecasting", ["sunspots", "co2", "elnino", "synthetic"], ["mlp", "lstm", "gru", "nbeats"]),
]


@pytest.mark.parametrize("family,problems,models", CASES, ids=[c[0] for c in CASES])
def test_aggregates_equal_rliable_on_the_shipped_records(family, problems, models):
    library = rliable_library()
    taus = np.linspace(-1.0, 1.5, 26)
    scores = {m: matrix(m, problems) for m in models}
    for m, s in scores.items():
        groups = [s[:, j] for j in range(s.shape[1])]
        assert stats.iqm(s.ravel()) == pytest.approx(metrics.aggregate_iqm(s), abs=1e-12), m
        assert stats.optimality_gap(s.ravel()) == pytest.approx(metrics.aggregate_optimality_gap(s), abs=1e-12), m
        assert stats.score_profile(groups, taus) == pytest.approx(library.score_distributions(s, taus), abs=1e-12), m
    x, y = scores[models[0]], scores[models[1]]
    ours, _, _ = stats.probability_of_improvement([x[:, j] for j in range(x.shape[1])], [y[:, j] for j in range(y.shape[1])])
    assert ours == pytest.approx(metrics.probability_of_improvement(x, y), abs=1e-12)
