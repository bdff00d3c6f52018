"""MNIST, Fashion-MNIST and CIFAR-10 read from their real on-disk formats, wherever they already lie.

The suite reads the files itself (IDX for the MNISTs, the pickled "python version" batches for
CIFAR-10), so torchvision is only needed to download (the optional extra `vision`). `locate.py` says
where they are looked for: the config key `data_dir`, $BENCH_DATA, ~/.cache/benchsuite/data (each in
torchvision's layout, `<dir>/FashionMNIST/raw/...`, `<dir>/cifar-10-batches-py/...`), then system
locations such as Debian's `dataset-fashion-mnist` (/usr/share/datasets/fashion-mnist/, read in place).
Only when none holds the files does torchvision download them into the first data directory.

Every file is checked as it is read: an IDX file's size must match its header, a gzip stream must end
whole, and images and labels must have the dataset's shapes; anything else is one line naming the file.
"""

from __future__ import annotations

import gzip
import pickle
import struct
import zlib
from pathlib import Path

import numpy as np

from suite.errors import UserError
from tasks.classification import locate
from tasks.classification.data import ClassificationData, carve_val
from tasks.classification.locate import MNIST_FILES

VAL_SIZE = 5000  # as many validation images as the usual 55k/5k MNIST split; CIFAR-10 uses the same count

IDX_DTYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
# Normalisation constants: the training sets' pixel mean and std, as in the torchvision examples.
MNIST_STATS = {"MNIST": (0.1307, 0.3081), "FashionMNIST": (0.2860, 0.3530)}
CIFAR10_MEAN = np.array([0.4914, 0.4822, 0.4465], dtype=np.float32)
CIFAR10_STD = np.array([0.2470, 0.2435, 0.2616], dtype=np.float32)
CIFAR10_CLASSES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
FASHION_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
NAMES = {"MNIST": "MNIST", "FashionMNIST": "Fashion-MNIST", "CIFAR10": "CIFAR-10"}


def data_root(data_dir: str | None = None) -> Path:
    """The first data directory searched (and the one torchvision downloads into)."""
    return locate.download_root(data_dir)


# -- formats -------------------------------------------------------------------------------------


def read_idx(path: str | Path) -> np.ndarray:
    """An IDX file (gzipped when the name ends in .gz): 2 zero bytes, dtype code, ndim, big-endian uint32 dims, data."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as f:
            raw = f.read()
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:  # a cut or damaged download
        raise ValueError(f"{path} is truncated or corrupt ({type(exc).__name__}: {exc})") from exc
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in IDX_DTYPES:
        raise ValueError(f"{path} is not an IDX file (magic bytes {raw[:4].hex()})")
    ndim = raw[3]
    if len(raw) < 4 + 4 * ndim:
        raise ValueError(f"{path} is truncated: {len(raw)} bytes, shorter than its own header")
    shape = struct.unpack(f">{ndim}I", raw[4 : 4 + 4 * ndim])
    dtype = np.dtype(IDX_DTYPES[raw[2]])
    body = len(raw) - 4 - 4 * ndim
    if body != int(np.prod(shape)) * dtype.itemsize:
        raise ValueError(f"{path}: header says shape {shape} but holds {body // dtype.itemsize} values")
    data = np.frombuffer(raw, dtype=dtype, offset=4 + 4 * ndim)
    return data.reshape(shape).astype(dtype.newbyteorder("="))


def check_mnist_arrays(arrays: dict[str, np.ndarray], folder: Path, num_classes: int) -> None:
    """28x28 uint8 images, one label in [0, classes) per image: a foreign or mismatched file fails here, by name."""
    for split in ("train", "test"):
        x, y = arrays[f"x_{split}"], arrays[f"y_{split}"]
        xname, yname = MNIST_FILES[f"x_{split}"], MNIST_FILES[f"y_{split}"]
        if x.ndim != 3 or x.shape[1:] != (28, 28) or x.dtype != np.uint8:
            raise ValueError(f"{folder / xname}: expected (N, 28, 28) unsigned bytes, found {x.dtype} {x.shape}")
        if y.ndim != 1 or len(y) != len(x):
            raise ValueError(f"{folder / yname}: expected {len(x)} labels (one per image of {xname}), found shape {y.shape}")
        if len(y) and not (0 <= int(y.min()) and int(y.max()) < num_classes):
            raise ValueError(f"{folder / yname}: labels must lie in 0..{num_classes - 1}, found {int(y.min())}..{int(y.max())}")


def read_cifar_batch(path: str | Path) -> tuple[np.ndarray, np.ndarray]:
    """One pickled CIFAR-10 batch: {b'data': (N, 3072) uint8 row-major RGB planes, b'labels': [N ints]}.

    Pickle runs code from the file, as torchvision's own reader does: only point data_dir at files you trust.
    """
    try:
        with open(path, "rb") as f:
            batch = pickle.load(f, encoding="bytes")
        x = np.asarray(batch[b"data"], dtype=np.uint8).reshape(-1, 3, 32, 32)  # (N, C, H, W)
        y = np.asarray(batch.get(b"labels", batch.get(b"fine_labels")), dtype=np.int64)
    except (EOFError, pickle.UnpicklingError, KeyError, ValueError, TypeError) as exc:
        raise ValueError(f"{path} is truncated or not a CIFAR-10 batch ({type(exc).__name__}: {exc})") from exc
    if y.shape != (len(x),):
        raise ValueError(f"{path}: {len(x)} images but labels of shape {y.shape}")
    return x, y


# -- finding or downloading ----------------------------------------------------------------------


def _torchvision():
    """torchvision's datasets module, or None: a torchvision built for another torch fails with more than ImportError."""
    try:
        from torchvision import datasets

        return datasets
    except Exception:
        return None


def how_to_get(what: str, data_dir: str | None) -> str:
    """The ways to get `what`'s files, as one clause: the system package (where there is one), torchvision, a directory."""
    root = data_root(data_dir)
    ways = [f"apt-get install {locate.DEBIAN_PACKAGE} (Debian/Ubuntu, offline; `make data`)"] if what == "FashionMNIST" else []
    ways.append(f"pip install 'benchsuite[vision]' and run once online to download them into {root}")
    ways.append(f"put the files in DIR/{locate.LAYOUTS[what][0]} and pass data_dir=DIR or set $BENCH_DATA=DIR")
    return "; or ".join(ways)


def find_or_fetch(what: str, data_dir: str | None) -> Path:
    """The directory holding `what`'s files: found by `locate`, else downloaded with torchvision, else one line saying how."""
    folder = locate.find(what, data_dir)
    if folder is not None:
        return folder
    root = data_root(data_dir)
    looked = ", ".join(str(d) for d in locate.candidates(what, data_dir))
    missing = f"{NAMES[what]} files not found (looked in {looked})"
    datasets = _torchvision()
    if datasets is None:
        raise UserError(f"{missing} and torchvision is not importable; get them with: {how_to_get(what, data_dir)}")
    try:
        for train in (True, False):
            getattr(datasets, what)(root=str(root), train=train, download=True)
    except Exception as exc:
        raise UserError(
            f"{missing} and the download failed ({type(exc).__name__}: {exc}); get them with: {how_to_get(what, data_dir)}"
        ) from exc
    folder = locate.find(what, data_dir)
    if folder is None:
        raise UserError(f"{missing}, even after torchvision's download into {root}; get them with: {how_to_get(what, data_dir)}")
    return folder


def _bad_file(what: str, exc: ValueError) -> UserError:
    fix = f"apt-get install --reinstall {locate.DEBIAN_PACKAGE}" if what == "FashionMNIST" else "delete it and download again"
    return UserError(f"bad {NAMES[what]} file: {exc}; replace it ({fix}, or point data_dir at a good copy)")


# -- problems ------------------------------------------------------------------------------------


def _mnist_like(what: str, classes: list[str], data_dir: str | None) -> ClassificationData:
    folder = find_or_fetch(what, data_dir)
    try:
        arrays = {key: read_idx(locate.idx_file(folder, name)) for key, name in MNIST_FILES.items()}
        check_mnist_arrays(arrays, folder, len(classes))
    except ValueError as exc:
        raise _bad_file(what, exc) from exc
    mean, std = MNIST_STATS[what]

    def images(a: np.ndarray) -> np.ndarray:
        return ((a.astype(np.float32) / 255.0 - mean) / std)[:, None]  # (N, 1, 28, 28)

    y = arrays["y_train"].astype(np.int64)
    x_tr, y_tr, x_va, y_va = carve_val(arrays["x_train"], y, val_size(len(y), len(classes)))  # split uint8: 4x less memory
    x_te, y_te = images(arrays["x_test"]), arrays["y_test"].astype(np.int64)
    data = ClassificationData(images(x_tr), y_tr, images(x_va), y_va, x_te, y_te, len(classes), classes)
    data.notes["source"] = str(folder)
    return data


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
    folder = find_or_fetch("CIFAR10", data_dir)
    try:
        parts = [read_cifar_batch(folder / n) for n in locate.CIFAR10_FILES[:-1]]
        x_te, y_te = read_cifar_batch(folder / "test_batch")
    except ValueError as exc:
        raise _bad_file("CIFAR10", exc) from exc
    x = np.concatenate([p[0] for p in parts])
    y = np.concatenate([p[1] for p in parts])
    classes = CIFAR10_CLASSES
    if (folder / "batches.meta").is_file():
        with open(folder / "batches.meta", "rb") as f:
            meta = pickle.load(f, encoding="bytes")
        classes = [c.decode() if isinstance(c, bytes) else str(c) for c in meta.get(b"label_names", classes)]

    def images(a: np.ndarray) -> np.ndarray:
        return (a.astype(np.float32) / 255.0 - CIFAR10_MEAN[:, None, None]) / CIFAR10_STD[:, None, None]  # (N, 3, 32, 32)

    x_tr, y_tr, x_va, y_va = carve_val(x, y, val_size(len(y), len(classes)))  # split uint8: 4x less memory
    data = ClassificationData(images(x_tr), y_tr, images(x_va), y_va, images(x_te), y_te, len(classes), classes, hflip=True)
    data.notes["source"] = str(folder)
    return data
