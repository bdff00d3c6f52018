"""Tiny datasets written in the real on-disk formats, so the real MNIST and CIFAR-10 readers are exercised.

IDX (MNIST, Fashion-MNIST): 2 zero bytes, a dtype code (0x08 = unsigned byte), the number of dimensions,
each dimension as a big-endian uint32, then the values; torchvision keeps them under <root>/MNIST/raw/.
CIFAR-10 "python version": pickled dicts {b'data': (N, 3072) uint8, b'labels': [N ints]} in
<root>/cifar-10-batches-py/data_batch_1..5 and test_batch, class names in batches.meta.
"""

from __future__ import annotations

import gzip
import pickle
import struct
from pathlib import Path

import numpy as np

from tasks.classification.vision import MNIST_FILES


def idx_bytes(array: np.ndarray) -> bytes:
    """An unsigned-byte IDX file's bytes."""
    array = np.asarray(array, dtype=np.uint8)
    return struct.pack(">BBBB", 0, 0, 0x08, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape) + array.tobytes()


def write_idx(path: Path, array: np.ndarray, gz: bool) -> Path:
    path = Path(str(path) + ".gz") if gz else Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = idx_bytes(array)
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def balanced_labels(n: int, num_classes: int = 10) -> np.ndarray:
    return (np.arange(n) % num_classes).astype(np.uint8)


def digit_images(labels: np.ndarray, side: int = 28) -> np.ndarray:
    """Images whose label is readable: class k lights row block k, so a model can learn them in a few steps."""
    images = np.zeros((len(labels), side, side), dtype=np.uint8)
    band = side // 10
    for i, k in enumerate(labels):
        images[i, k * band : (k + 1) * band, :] = 255
    return images


def write_mnist(root: Path, folder: str = "MNIST", n_train: int = 200, n_test: int = 50, gz: bool = True) -> dict[str, np.ndarray]:
    """The four IDX files under root/folder/raw; returns the arrays written."""
    y_train, y_test = balanced_labels(n_train), balanced_labels(n_test)
    arrays = {"x_train": digit_images(y_train), "y_train": y_train, "x_test": digit_images(y_test), "y_test": y_test}
    for key, name in MNIST_FILES.items():
        write_idx(Path(root) / folder / "raw" / name, arrays[key], gz)
    return arrays


def cifar_batch(labels: np.ndarray) -> dict:
    """Class k is a red level of 25·k over the whole image, green and blue random."""
    rng = np.random.default_rng(len(labels))
    data = rng.integers(0, 256, size=(len(labels), 3, 32, 32), dtype=np.uint8)
    data[:, 0] = (25 * labels).astype(np.uint8)[:, None, None]
    return {b"batch_label": b"fixture", b"labels": [int(k) for k in labels], b"data": data.reshape(len(labels), 3072), b"filenames": []}


def write_cifar(root: Path, n_per_batch: int = 40, n_test: int = 50, meta: bool = True) -> Path:
    folder = Path(root) / "cifar-10-batches-py"
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(1, 6):
        with open(folder / f"data_batch_{i}", "wb") as f:
            pickle.dump(cifar_batch(balanced_labels(n_per_batch)), f)
    with open(folder / "test_batch", "wb") as f:
        pickle.dump(cifar_batch(balanced_labels(n_test)), f)
    if meta:
        names = [b"plane", b"car", b"bird", b"cat", b"deer", b"dog", b"frog", b"horse", b"ship", b"truck"]
        with open(folder / "batches.meta", "wb") as f:
            pickle.dump({b"label_names": names, b"num_vis": 3072}, f)
    return folder
