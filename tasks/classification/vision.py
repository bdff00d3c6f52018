"""MNIST, Fashion-MNIST and CIFAR-10 read from their real on-disk formats, downloaded by torchvision if missing.

The suite reads the files itself (IDX for the MNISTs, the pickled "python version" batches for
CIFAR-10), laid out as torchvision lays them out under a data directory:

    <data_dir>/MNIST/raw/train-images-idx3-ubyte[.gz]   (and train-labels-idx1-ubyte, t10k-*)
    <data_dir>/FashionMNIST/raw/...                      (same four names)
    <data_dir>/cifar-10-batches-py/data_batch_1..5, test_batch, batches.meta

so torchvision is only needed to download (the optional extra `vision`), and a machine without it
can use files copied from elsewhere. The data directory is the config key `data_dir`, else
$BENCH_DATA, else ~/.cache/benchsuite/data.
"""

from __future__ import annotations

import gzip
import os
import pickle
import struct
from pathlib import Path

import numpy as np

from suite.errors import UserError
from tasks.classification.data import ClassificationData, carve_val

DEFAULT_DATA_DIR = "~/.cache/benchsuite/data"
VAL_SIZE = 5000  # as many validation images as the usual 55k/5k MNIST split; CIFAR-10 uses the same count

IDX_DTYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
MNIST_FILES = {
    "x_train": "train-images-idx3-ubyte",
    "y_train": "train-labels-idx1-ubyte",
    "x_test": "t10k-images-idx3-ubyte",
    "y_test": "t10k-labels-idx1-ubyte",
}
# Normalisation constants: the training sets' pixel mean and std, as in the torchvision examples.
MNIST_STATS = {"MNIST": (0.1307, 0.3081), "FashionMNIST": (0.2860, 0.3530)}
CIFAR10_MEAN = np.array([0.4914, 0.4822, 0.4465], dtype=np.float32)
CIFAR10_STD = np.array([0.2470, 0.2435, 0.2616], dtype=np.float32)
CIFAR10_CLASSES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
FASHION_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


def data_root(data_dir: str | None = None) -> Path:
    return Path(data_dir or os.environ.get("BENCH_DATA") or DEFAULT_DATA_DIR).expanduser()


# -- formats -------------------------------------------------------------------------------------


def read_idx(path: str | Path) -> np.ndarray:
    """An IDX file (gzipped when the name ends in .gz): 2 zero bytes, dtype code, ndim, big-endian uint32 dims, data."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as f:
        raw = f.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in IDX_DTYPES:
        raise ValueError(f"{path} is not an IDX file (magic bytes {raw[:4].hex()})")
    ndim = raw[3]
    shape = struct.unpack(f">{ndim}I", raw[4 : 4 + 4 * ndim])
    dtype = np.dtype(IDX_DTYPES[raw[2]])
    data = np.frombuffer(raw, dtype=dtype, offset=4 + 4 * ndim)
    if data.size != int(np.prod(shape)):
        raise ValueError(f"{path}: header says shape {shape} but holds {data.size} values")
    return data.reshape(shape).astype(dtype.newbyteorder("="))


def find_idx(raw_dir: Path, name: str) -> Path | None:
    """torchvision keeps both the .gz and the extracted file; either will do."""
    for candidate in (raw_dir / name, raw_dir / f"{name}.gz"):
        if candidate.is_file():
            return candidate
    return None


def read_cifar_batch(path: str | Path) -> tuple[np.ndarray, np.ndarray]:
    """One pickled CIFAR-10 batch: {b'data': (N, 3072) uint8 row-major RGB planes, b'labels': [N ints]}.

    Pickle runs code from the file, as torchvision's own reader does: only point data_dir at files you trust.
    """
    with open(path, "rb") as f:
        batch = pickle.load(f, encoding="bytes")
    x = np.asarray(batch[b"data"], dtype=np.uint8).reshape(-1, 3, 32, 32)  # (N, C, H, W)
    y = np.asarray(batch.get(b"labels", batch.get(b"fine_labels")), dtype=np.int64)
    return x, y


# -- download ------------------------------------------------------------------------------------


def _torchvision():
    """torchvision's datasets module, or None: a torchvision built for another torch fails with more than ImportError."""
    try:
        from torchvision import datasets

        return datasets
    except Exception:
        return None


def fetch(what: str, root: Path, need: str) -> None:
    """Download `what` ("MNIST", "FashionMNIST", "CIFAR10") into root with torchvision, or explain how to get it."""
    datasets = _torchvision()
    how = f"pip install 'benchsuite[vision]' and run once online to download it, or place the files in {root / need}"
    if datasets is None:
        raise UserError(f"{what} data not found in {root / need} and torchvision is not importable; {how} (data_dir=DIR or $BENCH_DATA)")
    try:
        for train in (True, False):
            getattr(datasets, what)(root=str(root), train=train, download=True)
    except Exception as exc:
        raise UserError(f"{what} data not found in {root / need} and the download failed ({type(exc).__name__}: {exc}); {how}") from exc


# -- problems ------------------------------------------------------------------------------------


def _mnist_like(folder: str, classes: list[str], data_dir: str | None) -> ClassificationData:
    root = data_root(data_dir)
    raw = root / folder / "raw"
    if any(find_idx(raw, name) is None for name in MNIST_FILES.values()):
        fetch(folder, root, f"{folder}/raw")
    arrays = {key: read_idx(find_idx(raw, name)) for key, name in MNIST_FILES.items()}
    mean, std = MNIST_STATS[folder]

    def images(a: np.ndarray) -> np.ndarray:
        return ((a.astype(np.float32) / 255.0 - mean) / std)[:, None]  # (N, 1, 28, 28)

    y = arrays["y_train"].astype(np.int64)
    x_tr, y_tr, x_va, y_va = carve_val(arrays["x_train"], y, val_size(len(y), len(classes)))  # split uint8: 4x less memory
    x_te, y_te = images(arrays["x_test"]), arrays["y_test"].astype(np.int64)
    return ClassificationData(images(x_tr), y_tr, images(x_va), y_va, x_te, y_te, len(classes), classes)


def val_size(n_train: int, num_classes: int) -> int:
    """VAL_SIZE, shrunk for tiny files (tests) so the stratified split still has every class on each side."""
    return min(VAL_SIZE, max(num_classes, n_train // 10))


def mnist(data_dir: str | None = None) -> ClassificationData:
    """MNIST 28x28, standardised; 55k train, 5k val carved from train, the official 10k test."""
    return _mnist_like("MNIST", [str(i) for i in range(10)], data_dir)


def fashion_mnist(data_dir: str | None = None) -> ClassificationData:
    """Fashion-MNIST 28x28, standardised; 55k train, 5k val carved from train, the official 10k test."""
    return _mnist_like("FashionMNIST", FASHION_CLASSES, data_dir)


def cifar10(data_dir: str | None = None) -> ClassificationData:
    """CIFAR-10 32x32x3, standardised per channel; 45k train, 5k val carved from train, the official 10k test."""
    root = data_root(data_dir)
    folder = root / "cifar-10-batches-py"
    names = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]
    if any(not (folder / n).is_file() for n in names):
        fetch("CIFAR10", root, "cifar-10-batches-py")
    parts = [read_cifar_batch(folder / n) for n in names[:-1]]
    x = np.concatenate([p[0] for p in parts])
    y = np.concatenate([p[1] for p in parts])
    x_te, y_te = read_cifar_batch(folder / "test_batch")
    classes = CIFAR10_CLASSES
    if (folder / "batches.meta").is_file():
        with open(folder / "batches.meta", "rb") as f:
            meta = pickle.load(f, encoding="bytes")
        classes = [c.decode() if isinstance(c, bytes) else str(c) for c in meta.get(b"label_names", classes)]

    def images(a: np.ndarray) -> np.ndarray:
        return (a.astype(np.float32) / 255.0 - CIFAR10_MEAN[:, None, None]) / CIFAR10_STD[:, None, None]  # (N, 3, 32, 32)

    x_tr, y_tr, x_va, y_va = carve_val(x, y, val_size(len(y), len(classes)))  # split uint8: 4x less memory
    return ClassificationData(images(x_tr), y_tr, images(x_va), y_va, images(x_te), y_te, len(classes), classes, hflip=True)
