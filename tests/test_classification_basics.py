"""Classification pieces without training: network shapes, augmentation, schedules, config keys, MNIST-1D data."""

from __future__ import annotations

import random
import socket
from dataclasses import replace

import numpy as np
import pytest
import torch

from suite.config import resolve_config
from suite.errors import UserError
from suite.registry import get_registry, resolve
from tasks.classification import augment as aug
from tasks.classification import data as cdata
from tasks.classification import models, resnet
from tasks.classification.fabric import Classifier, make_module, schedule_factor, xavier_init

SIGNAL, DIGITS, MNIST, CIFAR = (40,), (1, 8, 8), (1, 28, 28), (3, 32, 32)
FACTORIES = {
    "logreg": (models.logreg, [SIGNAL, DIGITS, MNIST, CIFAR]),
    "mlp": (models.mlp, [SIGNAL, DIGITS, MNIST, CIFAR]),
    "cnn": (models.cnn, [SIGNAL, DIGITS, MNIST, CIFAR]),
    "cnn_dropout": (models.cnn_dropout, [SIGNAL, DIGITS, MNIST, CIFAR]),
    "lenet5": (models.lenet5, [DIGITS, MNIST, CIFAR]),
    "gru": (models.gru, [SIGNAL]),
    "resnet": (resnet.resnet, [DIGITS, MNIST, CIFAR]),
}
CASES = [(name, shape) for name, (_, shapes) in FACTORIES.items() for shape in shapes]


@pytest.mark.parametrize("name, shape", CASES, ids=[f"{n}-{'x'.join(map(str, s))}" for n, s in CASES])
def test_output_shape(name, shape):
    net = FACTORIES[name][0](shape, 7)
    net.eval()
    out = net(torch.randn(3, *shape))
    assert out.shape == (3, 7) and torch.isfinite(out).all()


def test_models_refuse_the_wrong_input_kind():
    with pytest.raises(ValueError, match="images"):
        models.lenet5(SIGNAL, 10)
    with pytest.raises(ValueError, match="1-D signals"):
        models.gru(DIGITS, 10)
    with pytest.raises(ValueError, match="images"):
        resnet.resnet(SIGNAL, 10)


def test_known_architectures_have_their_published_sizes():
    count = lambda net: sum(p.numel() for p in net.parameters())  # noqa: E731
    assert count(models.cnn_dropout(MNIST, 10)) == 1_199_882  # the PyTorch MNIST example
    assert count(models.lenet5((1, 32, 32), 10)) == 61_706  # LeNet-5
    assert count(models.gru(SIGNAL, 10)) == 5_134  # the MNIST-1D paper's GRU
    assert 0.26e6 < count(resnet.resnet(CIFAR, 10)) < 0.28e6  # ResNet-20: 0.27M
    assert count(models.mlp((784,), 10)) == 784 * 64 + 64 + 64 * 10 + 10  # 784-64-10


def test_cnn_uses_1d_convolutions_on_signals():
    net = models.cnn(SIGNAL, 10)
    assert any(isinstance(m, torch.nn.Conv1d) for m in net.modules())
    assert not any(isinstance(m, torch.nn.Conv2d) for m in net.modules())


def test_xavier_init_resets_weights_and_zeroes_biases():
    torch.manual_seed(0)
    net = models.cnn(DIGITS, 10)
    before = [p.clone() for p in net.parameters()]
    xavier_init(net)
    linear = [m for m in net.modules() if isinstance(m, torch.nn.Linear)][0]
    assert torch.count_nonzero(linear.bias) == 0
    assert not all(torch.equal(a, b) for a, b in zip(before, net.parameters()))
    gru = models.gru(SIGNAL, 10)
    xavier_init(gru)
    assert torch.count_nonzero(gru.gru.bias_ih_l0) == 0


def test_random_crop_shifts_and_keeps_shape():
    torch.manual_seed(0)
    x = torch.arange(2 * 3 * 8 * 8, dtype=torch.float32).reshape(2, 3, 8, 8)
    out = aug.random_crop(x, pad=2)
    assert out.shape == x.shape
    assert set(out.unique().tolist()) <= set(x.unique().tolist())  # replicate padding: no new values
    signals = torch.arange(40, dtype=torch.float32).repeat(64, 1)  # (64, 40)
    shifted = aug.random_crop(signals, pad=5)
    assert shifted.shape == (64, 40) and not torch.equal(shifted, signals)
    starts = shifted[:, 5] - 5  # how far each row moved
    assert starts.abs().max() <= 5 and len(starts.unique()) > 3


def test_hflip_only_where_allowed():
    torch.manual_seed(0)
    x = torch.randn(64, 1, 4, 4)
    flipped = aug.augment(x, pad=1, hflip=True)
    assert flipped.shape == x.shape
    mirrored = aug.random_hflip(x)
    same = [torch.equal(a, b) for a, b in zip(mirrored, x)]
    assert 10 < sum(same) < 54  # about half are mirrored
    assert all(torch.equal(m, b) or torch.equal(m, b.flip(-1)) for m, b in zip(mirrored, x))
    assert aug.pad_for((3, 32, 32)) == 4 and aug.pad_for((1, 8, 8)) == 1


def test_schedules():
    cos = schedule_factor("cosine", 100)
    assert cos(0) == 1 and abs(cos(50) - 0.5) < 1e-9 and cos(100) == 0
    step = schedule_factor("step", 90)
    assert [step(0), step(30), step(60), step(89)] == [1, pytest.approx(0.1), pytest.approx(0.01), pytest.approx(0.01)]
    assert schedule_factor("none", 10) is None


def task_config(task_id: str, *overrides: str, preset: str = "smoke"):
    task = get_registry().task(task_id)
    return resolve_config(task, preset, list(overrides))


def optimizer_of(cfg) -> torch.optim.Optimizer:
    module = Classifier(models.mlp(DIGITS, 10), cfg, total_steps=10)
    out = module.configure_optimizers()
    return out["optimizer"] if isinstance(out, dict) else out


def test_optimizer_keys():
    sgd = optimizer_of(task_config("digits_mlp", "optimizer=sgd", "lr=0.05", "momentum=0.8", "weight_decay=1e-4"))
    assert isinstance(sgd, torch.optim.SGD)
    assert sgd.defaults["lr"] == 0.05 and sgd.defaults["momentum"] == 0.8 and sgd.defaults["weight_decay"] == 1e-4
    assert isinstance(optimizer_of(task_config("digits_mlp")), torch.optim.Adam)
    cfg = task_config("digits_mlp", "schedule=cosine")
    out = Classifier(models.mlp(DIGITS, 10), cfg, total_steps=10).configure_optimizers()
    assert out["lr_scheduler"]["interval"] == "step"
    with pytest.raises(UserError, match="optimizer"):
        task_config("digits_mlp", "optimizer=rmsprop")


def test_augment_key_reaches_the_training_step():
    data = cdata.digits().subset(16)
    plain = make_module(models.cnn(DIGITS, 10), task_config("digits_cnn"), data)
    assert plain.augment_pad == 0
    module = make_module(models.cnn(DIGITS, 10), task_config("digits_cnn", "augment=true"), data)
    assert module.augment_pad == 1 and module.hflip is False  # digits are not mirrored
    seen = []
    module.net.register_forward_hook(lambda mod, inp, out: seen.append(inp[0]))
    x = torch.as_tensor(data.x_train)
    module.training_step((x, torch.as_tensor(data.y_train)), 0)
    assert seen[0].shape == x.shape and not torch.equal(seen[0], x)
    assert make_module(models.cnn(CIFAR, 10), task_config("digits_cnn", "augment=true"), replace(data, hflip=True)).hflip


def test_schedule_horizon_counts_steps():
    data = cdata.digits()  # 1078 training images
    assert make_module(models.logreg(DIGITS, 10), task_config("digits_mlp", "batch_size=100", "max_epochs=3"), data).total_steps == 33
    assert make_module(models.logreg(DIGITS, 10), task_config("digits_mlp", "max_steps=5", "max_epochs=3"), data).total_steps == 5


def test_presets_resolve_to_the_mnist1d_recipe():
    cfg = task_config("mnist1d_mlp", preset="standard")
    assert (cfg.lr, cfg.batch_size, cfg.max_steps, cfg.restore) == (0.01, 100, 8000, "last")
    assert (cfg.hidden, cfg.layers) == (256, 2)
    assert task_config("cifar10_resnet", preset="standard").optimizer == "sgd"
    assert task_config("mnist_cnn").subset > 0  # smoke on big data uses a slice


def test_mnist1d_is_built_offline_and_leaves_global_rngs_alone(monkeypatch):
    def no_network(*a, **k):
        raise AssertionError("mnist1d tried the network")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    cdata._mnist1d_arrays.cache_clear()
    random.seed(123)
    np.random.seed(123)
    expected = (random.random(), np.random.rand())
    random.seed(123)
    np.random.seed(123)
    d = cdata.mnist1d()
    assert (random.random(), np.random.rand()) == expected
    assert d.x_train.shape == (3600, 40) and d.x_val.shape == (400, 40) and d.x_test.shape == (1000, 40)
    assert d.x_train.dtype == np.float32 and d.y_train.dtype == np.int64
    assert np.bincount(d.y_val).min() >= 35  # stratified: about 40 of each class
    assert abs(float(np.concatenate([d.x_train, d.x_val, d.x_test]).std()) - 1) < 1e-3  # the package standardises


def test_subset_is_fixed_and_small():
    d = cdata.digits()
    a, b = d.subset(50), d.subset(50)
    assert len(a.y_train) == len(a.y_val) == len(a.y_test) == 50
    np.testing.assert_array_equal(a.x_train, b.x_train)
    assert d.subset(0) is d


def test_model_config_dataclasses_match_the_factories():
    import dataclasses
    import inspect

    reg = get_registry()
    for model in reg.all_models():
        if model.families != ("classification",) or model.source != "builtin":
            continue
        params = inspect.signature(model.load()).parameters
        fields = {f.name: f.default for f in dataclasses.fields(resolve(model.config))}
        defaults = {k: p.default for k, p in params.items() if p.default is not inspect.Parameter.empty}
        assert fields == defaults, model.name
