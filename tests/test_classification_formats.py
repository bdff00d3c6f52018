"""The MNIST / Fashion-MNIST / CIFAR-10 readers on tiny files in the real formats, and the download fallbacks."""

from __future__ import annotations

import gzip
import json
import struct

import numpy as np
import pytest
from classification_fixtures import idx_bytes, write_cifar, write_idx, write_mnist

from suite.errors import UserError
from tasks.classification import locate, vision


@pytest.mark.parametrize("gz", [True, False])
def test_read_idx_round_trip(tmp_path, gz):
    array = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    path = write_idx(tmp_path / "x-idx3-ubyte", array, gz)
    assert path.name.endswith(".gz") == gz
    out = vision.read_idx(path)
    assert out.shape == (2, 3, 4) and out.dtype == np.uint8
    np.testing.assert_array_equal(out, array)


def test_read_idx_big_endian_int32(tmp_path):
    values = np.array([1, -2, 70000], dtype=">i4")
    raw = struct.pack(">BBBB", 0, 0, 0x0C, 1) + struct.pack(">I", 3) + values.tobytes()
    (tmp_path / "ints").write_bytes(raw)
    np.testing.assert_array_equal(vision.read_idx(tmp_path / "ints"), [1, -2, 70000])


def test_read_idx_rejects_bad_magic_and_truncation(tmp_path):
    (tmp_path / "bad").write_bytes(b"\x1f\x8b\x08\x00junk")  # a gzip header in a file not named .gz
    with pytest.raises(ValueError, match="not an IDX"):
        vision.read_idx(tmp_path / "bad")
    (tmp_path / "short.gz").write_bytes(gzip.compress(idx_bytes(np.zeros((4, 2), np.uint8))[:-3]))
    with pytest.raises(ValueError, match="header says"):
        vision.read_idx(tmp_path / "short.gz")


@pytest.mark.parametrize("gz", [True, False])
def test_mnist_loader_reads_torchvision_layout(tmp_path, gz):
    arrays = write_mnist(tmp_path, n_train=200, n_test=50, gz=gz)
    data = vision.mnist(data_dir=str(tmp_path))
    assert data.input_shape == (1, 28, 28) and data.x_train.dtype == np.float32
    assert len(data.y_train) + len(data.y_val) == 200 and len(data.y_val) == 20
    assert sorted(np.bincount(data.y_val)) == [2] * 10  # stratified
    np.testing.assert_array_equal(data.y_test, arrays["y_test"])
    mean, std = vision.MNIST_STATS["MNIST"]
    np.testing.assert_allclose(data.x_test[:, 0], (arrays["x_test"] / 255.0 - mean) / std, rtol=1e-5)
    assert data.num_classes == 10 and not data.hflip


def test_fashion_mnist_uses_its_folder_and_class_names(tmp_path, monkeypatch):
    write_mnist(tmp_path, folder="FashionMNIST", n_train=100, n_test=20)
    monkeypatch.setenv("BENCH_DATA", str(tmp_path))  # no data_dir: the environment decides
    data = vision.fashion_mnist()
    assert data.classes[0] == "T-shirt/top" and len(data.y_test) == 20
    assert vision.data_root(None) == tmp_path


def test_cifar10_loader_reads_pickled_batches(tmp_path):
    write_cifar(tmp_path, n_per_batch=40, n_test=50)
    data = vision.cifar10(data_dir=str(tmp_path))
    assert data.input_shape == (3, 32, 32) and data.hflip
    assert len(data.y_train) + len(data.y_val) == 200 and len(data.y_test) == 50
    assert data.classes[:2] == ["plane", "car"]  # read from batches.meta
    red = data.x_test[:, 0, 0, 0] * vision.CIFAR10_STD[0] + vision.CIFAR10_MEAN[0]  # back to [0, 1]
    np.testing.assert_allclose(red, 25 * data.y_test / 255.0, atol=1e-5)


def test_cifar10_without_meta_uses_standard_names(tmp_path):
    write_cifar(tmp_path, meta=False)
    assert vision.cifar10(data_dir=str(tmp_path)).classes[0] == "airplane"


def test_missing_data_without_torchvision_says_how_to_get_it(tmp_path, monkeypatch):
    monkeypatch.setattr(vision, "_torchvision", lambda: None)
    with pytest.raises(UserError) as err:
        vision.mnist(data_dir=str(tmp_path))
    msg = str(err.value)
    assert "\n" not in msg and "benchsuite[vision]" in msg and str(tmp_path / "MNIST" / "raw") in msg


def test_missing_data_with_failing_download(tmp_path, monkeypatch):
    class Offline:
        def CIFAR10(self, root, train, download):  # noqa: N802 (torchvision's name)
            raise OSError("network is unreachable")

    monkeypatch.setattr(vision, "_torchvision", lambda: Offline())
    with pytest.raises(UserError, match="download failed.*network is unreachable.*benchsuite\\[vision\\]"):
        vision.cifar10(data_dir=str(tmp_path))


def test_missing_data_is_downloaded_with_torchvision(tmp_path, monkeypatch):
    calls = []

    class Fake:
        def MNIST(self, root, train, download):  # noqa: N802 (torchvision's name)
            calls.append((root, train, download))
            write_mnist(root, n_train=100, n_test=20)

    monkeypatch.setattr(vision, "_torchvision", lambda: Fake())
    data = vision.mnist(data_dir=str(tmp_path))
    assert calls and all(c[0] == str(tmp_path) and c[2] for c in calls)
    assert len(data.y_test) == 20


@pytest.mark.parametrize("task_id, write", [("mnist_cnn", write_mnist), ("cifar10_resnet", write_cifar)])
def test_cli_smoke_run_on_files(tmp_path, results, bench, task_id, write):
    write(tmp_path / "data")
    code, out, err = bench("run", task_id, "--preset", "smoke", "--wandb", "disabled", "--no-progress", f"data_dir={tmp_path / 'data'}")
    assert code == 0, err
    (path,) = results.glob(f"{task_id}/*/result.json")
    rec = json.loads(path.read_text())
    assert rec["status"] == "ok" and 0 <= rec["metrics"]["test/acc"] <= 1
    assert rec["info"]["data"]["test"] == 50 and rec["reference"]["threshold"] > 0


def test_cli_reports_missing_data_in_one_line(tmp_path, bench, monkeypatch):
    monkeypatch.setattr(vision, "_torchvision", lambda: None)
    monkeypatch.setattr(locate, "system_dirs", lambda what: [])  # this machine may have Debian's package
    monkeypatch.setattr(locate, "DEFAULT_DATA_DIR", str(tmp_path / "default"))
    code, out, err = bench("run", "fashion_mnist_mlp", "--preset", "smoke", "--no-progress", f"data_dir={tmp_path}")
    assert code == 2 and err.count("\n") == 1 and "benchsuite[vision]" in err
