"""Classification problems' data as numpy arrays with a fixed split (the split never depends on the run seed).

The embedded problems live here: `digits` (scikit-learn) and `mnist1d` (built locally by the `mnist1d`
package, never downloaded). The downloaded image datasets are in `vision.py`.
"""

from __future__ import annotations

import functools
import os
import random
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

SPLIT_SEED = 0  # one split for every run and every user: differences between runs are the models'


@dataclass
class ClassificationData:
    x_train: np.ndarray  # (N, C, H, W) images or (N, L) signals, float32
    y_train: np.ndarray  # (N,) int64
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    num_classes: int
    classes: list[str]
    hflip: bool = False  # may augmentation mirror the images? (yes for CIFAR-10 objects, no for digits)
    notes: dict[str, str] = field(default_factory=dict)

    @property
    def input_shape(self) -> tuple[int, ...]:
        return tuple(self.x_train.shape[1:])

    def subset(self, n: int) -> ClassificationData:
        """At most `n` samples of every split: the first ones of a fixed permutation, so runs agree."""
        if n <= 0:
            return self
        rng = np.random.default_rng(SPLIT_SEED)

        def take(x, y):
            idx = np.sort(rng.permutation(len(y))[:n])
            return x[idx], y[idx]

        (xtr, ytr), (xva, yva), (xte, yte) = take(self.x_train, self.y_train), take(self.x_val, self.y_val), take(self.x_test, self.y_test)
        return replace(self, x_train=xtr, y_train=ytr, x_val=xva, y_val=yva, x_test=xte, y_test=yte)


def carve_val(x: np.ndarray, y: np.ndarray, n_val: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Split a training set into (train, val) with `n_val` stratified validation samples, seeded by SPLIT_SEED."""
    from tasks.classification.splits import draw_carve

    split = draw_carve(y, n_val, SPLIT_SEED)
    return x[split["train"]], y[split["train"]], x[split["val"]], y[split["val"]]


def digits_arrays() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's 1797 8x8 digits, (N, 64) float64 pixels 0-16 and (N,) labels, read from the file it ships.

    Read as `load_digits` reads it (the CSV's last column is the label), without importing scikit-learn.
    """
    import gzip
    import importlib.util

    spec = importlib.util.find_spec("sklearn")  # finds the package without running its __init__
    if spec is None or not spec.submodule_search_locations:
        from suite.errors import require

        require("sklearn", purpose="the digits dataset")
    path = Path(next(iter(spec.submodule_search_locations))) / "datasets" / "data" / "digits.csv.gz"
    with gzip.open(path, "rt") as f:
        data = np.loadtxt(f, delimiter=",")
    return data[:, :-1], data[:, -1].astype(np.int64)


def digits() -> ClassificationData:
    """8x8 digits scaled to [0, 1], split 60/20/20, stratified (tasks/classification/splits)."""
    from tasks.classification.splits import stored

    pixels, y = digits_arrays()
    x = (pixels.reshape(-1, 8, 8) / 16.0).astype(np.float32)[:, None]  # (1797, 1, 8, 8)
    s = stored("digits")
    return ClassificationData(
        x[s["train"]], y[s["train"]], x[s["val"]], y[s["val"]], x[s["test"]], y[s["test"]], 10, [str(i) for i in range(10)]
    )


MNIST1D_VAL = 400  # 10 % of the 4000 training signals; the published test split (last 1000) stays untouched


MNIST1D_KEYS = ("x", "y", "x_test", "y_test")


def data_cache() -> Path:
    """Where generated datasets are kept between processes ($BENCH_DATA_CACHE, else ~/.cache/benchsuite/generated)."""
    return Path(os.environ.get("BENCH_DATA_CACHE") or Path.home() / ".cache" / "benchsuite" / "generated")


@functools.lru_cache(maxsize=1)
def _mnist1d_arrays() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The paper's frozen dataset, regenerated: `make_dataset(get_dataset_args())`, 4000 train / 1000 test.

    Generating it costs 2.5 CPU-seconds (the package imports matplotlib and scipy), once per sweep worker,
    so the arrays are kept in `data_cache()` under the package's version; a corrupt or partial file is
    made again. `make_dataset` only computes; `get_dataset` would try the network, so it is never used.
    """
    from importlib.metadata import version

    path = data_cache() / f"mnist1d-{version('mnist1d')}.npz"
    try:
        with np.load(path) as f:
            return tuple(f[k] for k in MNIST1D_KEYS)
    except (OSError, KeyError, ValueError, EOFError, zipfile.BadZipFile):
        pass
    arrays = _make_mnist1d()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as f:
            np.savez(f, **dict(zip(MNIST1D_KEYS, arrays)))
        os.replace(tmp, path)  # atomic: a concurrent worker reads the old file or the whole new one
    except OSError:  # a read-only home: generate every time, as before
        pass
    return arrays


def _make_mnist1d() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """`make_dataset` reseeds Python's and numpy's global generators, so their state is saved and restored around it:
    the run's own seeding must not depend on whether the data was built first."""
    from mnist1d.data import get_dataset_args, make_dataset

    py_state, np_state = random.getstate(), np.random.get_state()
    try:
        d = make_dataset(get_dataset_args())
    finally:
        random.setstate(py_state)
        np.random.set_state(np_state)
    return d["x"].astype(np.float32), d["y"].astype(np.int64), d["x_test"].astype(np.float32), d["y_test"].astype(np.int64)


def mnist1d() -> ClassificationData:
    """MNIST-1D signals (N, 40): 3600 train, 400 val carved from the 4000, and the published 1000 test."""
    from tasks.classification.splits import stored

    x, y, x_te, y_te = _mnist1d_arrays()
    s = stored("mnist1d")
    x_tr, y_tr, x_va, y_va = x[s["train"]], y[s["train"]], x[s["val"]], y[s["val"]]
    return ClassificationData(x_tr, y_tr, x_va, y_va, x_te.copy(), y_te.copy(), 10, [str(i) for i in range(10)])


def drawn_splits() -> dict[str, tuple[dict[str, np.ndarray], str]]:
    """Every split stored in tasks/classification/splits as scikit-learn draws it today, with a line on how."""
    from tasks.classification.splits import draw_carve, draw_digits

    _, y_digits = digits_arrays()
    _, y_mnist1d, _, _ = _mnist1d_arrays()
    return {
        "digits": (draw_digits(y_digits, SPLIT_SEED), f"train_test_split(stratify, random_state={SPLIT_SEED}): 20 % test, then 25 % val"),
        "mnist1d": (draw_carve(y_mnist1d, MNIST1D_VAL, SPLIT_SEED), f"{MNIST1D_VAL} val carved from the 4000 training signals"),
    }
