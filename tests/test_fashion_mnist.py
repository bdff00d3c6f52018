"""Fashion-MNIST where it lies: the search order, Debian's flat layout, one-line errors for missing and
damaged files, the default suite's membership, and runs on the real files when they are installed
(`make data`; without them only the tests marked `real` skip)."""

from __future__ import annotations

import gzip
import json
import math

import numpy as np
import pytest
from classification_fixtures import balanced_labels, digit_images, write_idx, write_mnist

from suite.config import resolve_config
from suite.errors import UserError
from suite.registry import get_registry
from suite.runner import execute
from tasks.classification import locate, vision
from tests.conftest import run_smoke

REAL = locate.find("FashionMNIST")  # looked up before any test moves the search paths
real = pytest.mark.skipif(REAL is None, reason=f"Fashion-MNIST files not installed (make data: apt-get install {locate.DEBIAN_PACKAGE})")
IMAGE_MODELS = {"logreg", "mlp", "cnn", "cnn_dropout", "lenet5", "resnet"}


def write_flat(folder, n_train: int = 100, n_test: int = 20) -> None:
    """The four files as Debian installs them: gzipped, straight in `folder`."""
    y_train, y_test = balanced_labels(n_train), balanced_labels(n_test)
    arrays = {"x_train": digit_images(y_train), "y_train": y_train, "x_test": digit_images(y_test), "y_test": y_test}
    for key, name in locate.MNIST_FILES.items():
        write_idx(folder / name, arrays[key], gz=True)


@pytest.fixture
def nowhere(tmp_path, monkeypatch):
    """No data anywhere: the default directory and the system locations point into an empty tmp dir."""
    monkeypatch.delenv("BENCH_DATA", raising=False)
    monkeypatch.setattr(locate, "DEFAULT_DATA_DIR", str(tmp_path / "default"))
    monkeypatch.setattr(locate, "system_dirs", lambda what: [tmp_path / "system" / what])
    monkeypatch.setattr(vision, "_torchvision", lambda: None)  # offline, as here
    return tmp_path


def test_search_order_data_dir_then_env_then_default_then_system(nowhere, monkeypatch):
    system = nowhere / "system" / "FashionMNIST"
    write_flat(system)
    assert locate.find("FashionMNIST") == system and locate.fashion_mnist_found()
    default = nowhere / "default" / "FashionMNIST" / "raw"
    write_mnist(nowhere / "default", folder="FashionMNIST")
    assert locate.find("FashionMNIST") == default
    env = nowhere / "env" / "fashion-mnist"  # Debian's folder name under a data directory counts too
    write_flat(env)
    monkeypatch.setenv("BENCH_DATA", str(nowhere / "env"))
    assert locate.find("FashionMNIST") == env
    write_mnist(nowhere / "mine", folder="FashionMNIST")
    assert locate.find("FashionMNIST", str(nowhere / "mine")) == nowhere / "mine" / "FashionMNIST" / "raw"
    assert locate.find("MNIST", str(nowhere / "mine")) is None  # Fashion-MNIST's files never stand in for MNIST's


def test_a_partial_directory_is_passed_over(nowhere):
    write_flat(nowhere / "system" / "FashionMNIST")
    write_mnist(nowhere / "default", folder="FashionMNIST")
    (nowhere / "default" / "FashionMNIST" / "raw" / "t10k-labels-idx1-ubyte.gz").unlink()
    assert locate.find("FashionMNIST") == nowhere / "system" / "FashionMNIST"


def test_debian_layout_is_read_in_place(nowhere):
    system = nowhere / "system" / "FashionMNIST"
    write_flat(system, n_train=200, n_test=30)
    data = vision.fashion_mnist()
    assert data.notes["source"] == str(system) and data.input_shape == (1, 28, 28)
    assert len(data.y_train) + len(data.y_val) == 200 and len(data.y_test) == 30
    assert sorted(p.name for p in system.iterdir()) == sorted(f"{n}.gz" for n in locate.MNIST_FILES.values())  # nothing copied


def test_missing_everywhere_is_one_line_naming_the_three_ways(nowhere, bench):
    with pytest.raises(UserError) as err:
        vision.fashion_mnist()
    msg = str(err.value)
    assert "\n" not in msg
    assert "apt-get install dataset-fashion-mnist" in msg and "benchsuite[vision]" in msg and "data_dir=DIR" in msg
    assert str(nowhere / "system" / "FashionMNIST") in msg  # says where it looked
    code, _, err_text = bench("run", "fashion_mnist_mlp", "--preset", "smoke", "--no-progress")
    assert code == 2 and err_text.count("\n") == 1 and "apt-get install dataset-fashion-mnist" in err_text


def test_mnist_error_offers_no_package_that_does_not_exist(nowhere):
    with pytest.raises(UserError) as err:
        vision.mnist()
    assert "apt-get" not in str(err.value) and "benchsuite[vision]" in str(err.value)


@pytest.mark.parametrize("cut", ["gzip stream", "idx body"])
def test_truncated_file_is_one_line_naming_it(nowhere, cut):
    system = nowhere / "system" / "FashionMNIST"
    write_flat(system)
    path = system / "train-images-idx3-ubyte.gz"
    if cut == "gzip stream":
        path.write_bytes(path.read_bytes()[:-40])  # a download cut short
    else:
        path.write_bytes(gzip.compress(gzip.decompress(path.read_bytes())[:-28]))  # whole gzip, short payload
    with pytest.raises(UserError) as err:
        vision.fashion_mnist()
    msg = str(err.value)
    assert "\n" not in msg and str(path) in msg and "--reinstall dataset-fashion-mnist" in msg
    assert ("truncated" in msg) if cut == "gzip stream" else ("header says" in msg)


def test_labels_that_do_not_match_the_images_are_refused(nowhere):
    system = nowhere / "system" / "FashionMNIST"
    write_flat(system)
    write_idx(system / "t10k-labels-idx1-ubyte", balanced_labels(19), gz=True)  # 20 test images
    with pytest.raises(UserError, match="t10k-labels-idx1-ubyte: expected 20 labels"):
        vision.fashion_mnist()
    write_idx(system / "t10k-labels-idx1-ubyte", np.full(20, 10, np.uint8), gz=True)
    with pytest.raises(UserError, match="labels must lie in 0..9"):
        vision.fashion_mnist()


def test_default_suite_has_fashion_mnist_only_where_its_files_are(nowhere):
    reg = get_registry()
    assert not [t for t in reg.suite("default") if t.startswith("fashion_mnist_")]
    write_flat(nowhere / "system" / "FashionMNIST")

    def builtin(suite: str) -> set[str]:  # plug-in models that earlier tests registered join image problems too
        return {t for t in reg.suite(suite) if t.startswith("fashion_mnist_") and reg.task(t).model.source == "builtin"}

    assert builtin("default") == {f"fashion_mnist_{m}" for m in IMAGE_MODELS | {"gan", "dcgan", "wgan_gp", "ae", "conv_ae", "vae"}}
    assert builtin("classification") == {f"fashion_mnist_{m}" for m in IMAGE_MODELS}
    assert not [t for t in reg.suite("default") if t.startswith(("mnist_", "cifar10_"))]  # no files for those


def test_recipes_are_presets_of_their_own():
    reg = get_registry()
    mlp = resolve_config(reg.task("fashion_mnist_mlp"), "classic")
    assert (mlp.hidden, mlp.layers, mlp.optimizer, mlp.batch_size, mlp.restore) == (64, 1, "adam", 32, "last")
    cnn = resolve_config(reg.task("fashion_mnist_cnn"), "classic")
    assert (cnn.optimizer, cnn.early_stopping_patience, cnn.restore) == ("adam", 3, "last")
    drop = resolve_config(reg.task("fashion_mnist_cnn_dropout"), "classic")
    assert (drop.optimizer, drop.momentum, drop.lr, drop.batch_size) == ("sgd", 0.5, 0.01, 64)
    assert resolve_config(reg.task("fashion_mnist_lenet5"), "classic").optimizer == "sgd"
    with pytest.raises(UserError, match="unknown preset"):
        resolve_config(reg.task("digits_mlp"), "classic")  # scoped to Fashion-MNIST


# -- on the real files ----------------------------------------------------------------------------


@real
def test_real_files_have_the_published_sizes():
    data = vision.fashion_mnist()
    assert (len(data.y_train), len(data.y_val), len(data.y_test)) == (55_000, 5_000, 10_000)
    assert data.x_train.shape[1:] == (1, 28, 28) and data.x_train.dtype == np.float32
    assert np.bincount(data.y_val).tolist() == [500] * 10 and np.bincount(data.y_test).tolist() == [1000] * 10
    assert abs(float(data.x_train.mean())) < 0.01 and abs(float(data.x_train.std()) - 1) < 0.01  # MNIST_STATS fit the data


@real
def test_truncated_copy_of_the_real_labels(tmp_path):
    copy = tmp_path / "fashion-mnist"
    copy.mkdir()
    for name in locate.MNIST_FILES.values():
        (copy / f"{name}.gz").symlink_to(locate.idx_file(REAL, name))
    labels = copy / "train-labels-idx1-ubyte.gz"
    raw = labels.read_bytes()
    labels.unlink()
    labels.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(UserError, match="truncated") as err:
        vision.fashion_mnist(data_dir=str(tmp_path))
    assert "\n" not in str(err.value) and str(labels) in str(err.value)


@real
def test_mlp_learns_from_the_real_files_in_one_epoch(results):
    """One epoch of the whole training set: the real pipeline end to end, a few seconds."""
    task = get_registry().task("fashion_mnist_mlp")
    cfg = resolve_config(task, "standard", {"max_epochs": 1})
    rec = execute(task, cfg, preset="standard", seed=0, results=results, wandb_mode="disabled", progress=False)
    assert rec["status"] == "ok", rec["error"]
    assert rec["info"]["data"] == {"train": 55_000, "val": 5_000, "test": 10_000, "input_shape": [1, 28, 28]}
    assert 0.8 < rec["metrics"]["test/acc"] < 0.95 and rec["resources"]["throughput"] > 5_000


@real
@pytest.mark.parametrize("task_id", ["fashion_mnist_cnn", pytest.param("fashion_mnist_lenet5", marks=pytest.mark.slow)])
def test_smoke_on_a_real_subset(task_id, results):
    task = get_registry().task(task_id)
    rec = run_smoke(task.id, results)
    assert rec["status"] == "ok", rec["error"]
    assert rec["info"]["data"]["train"] == 256 and math.isfinite(rec["metrics"]["test/acc"])
    saved = json.loads((results / task_id / rec["run_id"] / "result.json").read_text())
    assert saved["metrics"]["test/acc"] == rec["metrics"]["test/acc"]


@real
@pytest.mark.parametrize(
    "task_id",
    [
        "fashion_mnist_ae",
        *(pytest.param(f"fashion_mnist_{m}", marks=pytest.mark.slow) for m in ("conv_ae", "vae", "gan", "dcgan", "wgan_gp")),
    ],
)
def test_generative_smoke_on_a_real_subset(task_id, results, tmp_path_factory, monkeypatch):
    """The 28x28 generative path on 2000 real images; the slow ones train the subset's feature extractor once."""
    monkeypatch.setenv("BENCH_FEATURE_CACHE", str(tmp_path_factory.getbasetemp() / "fashion-feature-cache"))
    task = get_registry().task(task_id)
    rec = run_smoke(task.id, results)
    assert rec["status"] == "ok", rec["error"]
    m = rec["metrics"]
    arts = {a["path"].split("/")[-1] for a in rec["artifacts"]}
    if "autoencoding" in rec["families"]:
        assert m["test/mse_mean_image"] == pytest.approx(task.refs("autoencoding")["random"], abs=0.005)
        if task.model.name != "vae":  # a smoke-budget VAE's decoder can still be blurrier than the mean image
            assert m["test/mse"] < m["test/mse_mean_image"]
        assert "reconstructions.png" in arts
    if "generation" in rec["families"]:
        assert m["gen/fd_floor"] < m["gen/fd_ceiling"] < m["gen/fd_trivial_mean"] and "samples.png" in arts


# -- the data pipeline at 55k images ----------------------------------------------------------------
