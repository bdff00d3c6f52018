"""Where the image datasets' files lie on this machine: the data directory's layouts, then system locations.

Only paths and file names, no numpy: the suites ask `found(...)` to decide whether Fashion-MNIST joins
the default suite, and `bench list` must answer at once.

Search order (the first directory that holds every file wins; the files are read where they lie):
1. the config key `data_dir`, 2. $BENCH_DATA, 3. ~/.cache/benchsuite/data (torchvision downloads there),
each in torchvision's layout (`FashionMNIST/raw/`) or in the Debian package's name (`fashion-mnist/`);
4. the system locations below.

System locations, as of Debian 13 (`apt-cache search mnist`, `apt-cache search cifar`): only
`dataset-fashion-mnist` ships one of these datasets, flat and gzipped in /usr/share/datasets/fashion-mnist/.
Keras's download cache (~/.keras/datasets, or $KERAS_HOME/datasets) holds Fashion-MNIST in the same
flat form and CIFAR-10 as the pickled `cifar-10-batches-py/`; its MNIST is one `mnist.npz`, another
format, so MNIST has no system location here.
"""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_DATA_DIR = "~/.cache/benchsuite/data"
DEBIAN_DATASETS = "/usr/share/datasets"
DEBIAN_PACKAGE = "dataset-fashion-mnist"

MNIST_FILES = {
    "x_train": "train-images-idx3-ubyte",
    "y_train": "train-labels-idx1-ubyte",
    "x_test": "t10k-images-idx3-ubyte",
    "y_test": "t10k-labels-idx1-ubyte",
}
CIFAR10_FILES = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]

# dataset -> (sub-directories of a data directory, in the order tried; names torchvision's download uses first)
LAYOUTS = {
    "MNIST": ("MNIST/raw",),
    "FashionMNIST": ("FashionMNIST/raw", "fashion-mnist"),
    "CIFAR10": ("cifar-10-batches-py",),
}


def keras_datasets() -> Path:
    return Path(os.environ.get("KERAS_HOME") or "~/.keras").expanduser() / "datasets"


def system_dirs(what: str) -> list[Path]:
    """Well-known places outside the suite's data directories where `what`'s files may already be."""
    if what == "FashionMNIST":
        return [Path(DEBIAN_DATASETS) / "fashion-mnist", keras_datasets() / "fashion-mnist"]
    if what == "CIFAR10":
        return [keras_datasets() / "cifar-10-batches-py"]
    return []


def data_roots(data_dir: str | None = None) -> list[Path]:
    """The data directories in the order searched: data_dir, $BENCH_DATA, the default (duplicates dropped)."""
    roots = []
    for d in (data_dir, os.environ.get("BENCH_DATA"), DEFAULT_DATA_DIR):
        if d and Path(d).expanduser() not in roots:
            roots.append(Path(d).expanduser())
    return roots


def download_root(data_dir: str | None = None) -> Path:
    """Where torchvision downloads to: the first data directory of the search order."""
    return data_roots(data_dir)[0]


def idx_file(folder: Path, name: str) -> Path | None:
    """torchvision keeps both the .gz and the extracted file, Debian only the .gz: either will do."""
    for candidate in (folder / name, folder / f"{name}.gz"):
        if candidate.is_file():
            return candidate
    return None


def complete(what: str, folder: Path) -> bool:
    if what == "CIFAR10":
        return all((folder / n).is_file() for n in CIFAR10_FILES)
    return all(idx_file(folder, n) is not None for n in MNIST_FILES.values())


def candidates(what: str, data_dir: str | None = None) -> list[Path]:
    """Every directory searched for `what`, in order."""
    return [root / sub for root in data_roots(data_dir) for sub in LAYOUTS[what]] + system_dirs(what)


def find(what: str, data_dir: str | None = None) -> Path | None:
    """The first directory holding all of `what`'s files, or None."""
    return next((d for d in candidates(what, data_dir) if complete(what, d)), None)


def found(what: str) -> bool:
    """Are `what`'s files on this machine without any configuration (the suites' question)?"""
    return find(what) is not None


def fashion_mnist_found() -> bool:
    return found("FashionMNIST")
