"""The stored splits (tasks/classification/splits/*.json) are what scikit-learn's stratified split draws.

They are stored so that a split cannot move with scikit-learn's shuffling and a worker need not import
it; this test is where a change would show, with the command that rewrites them.
"""

from __future__ import annotations

import numpy as np

from tasks.classification import splits
from tasks.classification.data import drawn_splits


def test_stored_splits_are_scikit_learns_and_partition_the_rows():
    for name, (split, _) in drawn_splits().items():
        kept = splits.stored(name)
        assert kept.keys() == split.keys(), name
        for part in split:
            assert np.array_equal(kept[part], split[part]), f"{name} {part}: rerun `python scripts/write_splits.py`"
        rows = np.concatenate(list(kept.values()))
        assert len(np.unique(rows)) == len(rows) == rows.max() + 1, name  # disjoint, and every row used


def test_digits_read_without_scikit_learn_match_load_digits():
    from sklearn.datasets import load_digits

    from tasks.classification.data import digits_arrays

    pixels, labels = digits_arrays()
    d = load_digits()
    assert np.array_equal(pixels, d.data) and np.array_equal(labels, d.target)
