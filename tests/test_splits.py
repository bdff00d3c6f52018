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


def test_mnist1d_is_generated_once_then_read_from_the_cache(tmp_path):
    """The cached arrays are the generated ones; a process that finds them never imports the mnist1d package;
    a corrupt cache file is made again."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "BENCH_DATA_CACHE": str(tmp_path)}
    probe = (
        "import sys, numpy as np\n"
        "from tasks.classification.data import _mnist1d_arrays\n"
        "a = _mnist1d_arrays()\n"
        "print('mnist1d' in sys.modules, a[0].shape, a[0].dtype, float(a[0].sum()), int(a[3].sum()))\n"
    )
    run = lambda: subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True).stdout.split(" ", 1)  # noqa: E731
    made, again = run(), run()
    assert made[0] == "True" and again[0] == "False" and made[1] == again[1]  # generated, then read: the same arrays
    (cached,) = tmp_path.glob("mnist1d-*.npz")
    cached.write_bytes(cached.read_bytes()[:100])  # truncated
    remade = run()
    assert remade[0] == "True" and remade[1] == made[1]
