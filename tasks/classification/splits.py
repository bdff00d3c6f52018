"""The embedded problems' train/val/test splits, stored as row indices beside this file.

They were drawn once with scikit-learn's stratified `train_test_split` (random_state = SPLIT_SEED) and
are kept as data for two reasons: a split must not move when scikit-learn changes its shuffling, and
importing scikit-learn costs a sweep worker 1.4 CPU-seconds before its first digits run trains.
`tests/test_splits.py` redraws them with scikit-learn (`data.drawn_splits`) and checks they are
still what it gives.

    .venv/bin/python scripts/write_splits.py     # redraw and rewrite the files
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import numpy as np

HERE = Path(__file__).parent / "splits"


@functools.cache
def stored(name: str) -> dict[str, np.ndarray]:
    """{"train": idx, "val": idx, ...} of problem `name`, as int64 row indices into its full arrays."""
    raw = json.loads((HERE / f"{name}.json").read_text())
    return {k: np.asarray(v, dtype=np.int64) for k, v in raw["indices"].items()}


def draw_digits(y: np.ndarray, seed: int) -> dict[str, np.ndarray]:
    """60/20/20 stratified: test first (20 %), then a quarter of the rest as validation."""
    from sklearn.model_selection import train_test_split

    rows = np.arange(len(y))
    rest, test = train_test_split(rows, test_size=0.2, stratify=y, random_state=seed)
    train, val = train_test_split(rest, test_size=0.25, stratify=y[rest], random_state=seed)
    return {"train": train, "val": val, "test": test}


def draw_carve(y: np.ndarray, n_val: int, seed: int) -> dict[str, np.ndarray]:
    """`n_val` stratified validation rows carved out of a training set."""
    from sklearn.model_selection import train_test_split

    train, val = train_test_split(np.arange(len(y)), test_size=n_val, stratify=y, random_state=seed)
    return {"train": train, "val": val}
