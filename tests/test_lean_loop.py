"""The Fabric training loop (suite/backends/lightning.py): no per-step host sync, the guard, the batches.

A host sync (`.item()`, `float(t)`, `bool(t)`, `.tolist()`, `.cpu()`, `.numpy()` on a device tensor)
stalls a GPU's queue on every step it happens in. This machine has no GPU, so the stand-in counts
those calls made from the suite's own code (suite/, tasks/) and checks that their number depends on
the epochs run, never on the steps per epoch: 2 steps an epoch or 20 must cost the same syncs.
"""

from __future__ import annotations

import math
import sys
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import pytest
import torch
from torch import nn

from suite.backends.lightning import Batches, fit, tensor_loader
from suite.config import resolve_config
from suite.context import RunContext
from suite.errors import Diverged
from suite.registry import get_registry

SYNCS = ("item", "tolist", "__float__", "__int__", "__bool__", "cpu", "numpy")
OURS = (str(Path(__file__).resolve().parents[1] / "suite"), str(Path(__file__).resolve().parents[1] / "tasks"))


@contextmanager
def counted_syncs():
    """Counts sync-forcing tensor calls whose caller is the suite's code (torch's own CPU bookkeeping is not)."""
    counts: Counter = Counter()
    saved = {name: getattr(torch.Tensor, name) for name in SYNCS}

    def counting(name, orig):
        def call(self, *args, **kwargs):
            if sys._getframe(1).f_code.co_filename.startswith(OURS):
                counts[name] += 1
            return orig(self, *args, **kwargs)

        return call

    for name, orig in saved.items():
        setattr(torch.Tensor, name, counting(name, orig))
    try:
        yield counts
    finally:
        for name, orig in saved.items():
            setattr(torch.Tensor, name, orig)


def ctx_for(task_id: str, tmp_path, **overrides) -> RunContext:
    task = get_registry().task(task_id)
    cfg = resolve_config(task, "smoke", [f"{k}={v}" for k, v in overrides.items()])
    return RunContext(task=task, config=cfg, seed=0, preset="smoke", device="cpu", run_dir=tmp_path, progress=False)


def classifier(ctx, n):
    from tasks.classification.fabric import Classifier

    net = nn.Sequential(nn.Flatten(), nn.Linear(16, 32), nn.ReLU(), nn.Dropout(0.2), nn.Linear(32, 3))
    x, y = torch.randn(n, 1, 4, 4), torch.randint(0, 3, (n,))
    return Classifier(net, ctx.config, total_steps=100), (x, y), "val/loss"


def forecaster(ctx, n):
    from tasks.forecasting.deep import Forecaster

    net = nn.Sequential(nn.Linear(8, 16), nn.Tanh(), nn.Linear(16, 2))
    x, t = torch.randn(n, 8), torch.randn(n, 2)
    return Forecaster(net, ctx.config, mase_unit=1.0), (x, t), "val/mase"


def vae(ctx, n):
    from tasks.generative.models import vae as vae_net
    from tasks.generative.modules import AutoencoderModule

    net = vae_net((1, 8, 8), latent_dim=4, hidden=16)
    return AutoencoderModule(net, ctx.config, variational=True), (torch.rand(n, 1, 8, 8),), "val/loss"


def gan(ctx, n):
    from tasks.generative.models import gan as gan_nets
    from tasks.generative.modules import GanModule

    nets = gan_nets((1, 8, 8), latent_dim=4, hidden=16)
    module = GanModule(nets, ctx.config, "bce", judge=lambda fake: float(fake.mean()), n_val=8)
    return module, (torch.rand(n, 1, 8, 8),), "val/fd"


FAMILIES = {"digits_mlp": classifier, "sunspots_mlp": forecaster, "digits_vae": vae, "digits_gan": gan}


def syncs_of(task_id: str, tmp_path, steps_per_epoch: int, epochs: int = 3, make=None) -> Counter:
    torch.manual_seed(0)
    ctx = ctx_for(task_id, tmp_path)
    module, tensors, monitor = (make or FAMILIES[task_id])(ctx, 8 * steps_per_epoch)
    train = tensor_loader(*tensors, batch_size=8, shuffle=True, seed=0)
    val = tensor_loader(*(t[:16] for t in tensors), batch_size=8, shuffle=False)
    with counted_syncs() as counts:
        fit(ctx, module, train, val, max_epochs=epochs, early_stopping_patience=0, monitor=monitor, gradient_clip_val=1.0)
    assert ctx.info["train_steps"] == epochs * steps_per_epoch
    return counts


@pytest.mark.parametrize("task_id", list(FAMILIES))
def test_host_syncs_do_not_grow_with_the_steps(task_id, tmp_path):
    few, many = syncs_of(task_id, tmp_path, 2), syncs_of(task_id, tmp_path, 20)
    assert few == many, f"{task_id}: syncs with 2 steps/epoch {dict(few)}, with 20 {dict(many)}"
    assert sum(few.values()) > 0  # the stand-in does see the loop's once-per-epoch reads


def test_the_stand_in_sees_a_per_step_sync(tmp_path, monkeypatch):
    """The counter is not blind: a module that reads its loss every step is caught."""
    from tasks.classification.fabric import Classifier

    class Chatty(Classifier):
        def training_step(self, batch, i):
            out = super().training_step(batch, i)
            float(out["loss"].detach())  # a per-step host sync
            return out

    def chatty(ctx, n):
        module, tensors, monitor = classifier(ctx, n)
        return Chatty(module.net, ctx.config, 100), tensors, monitor

    monkeypatch.setattr(sys.modules[__name__], "OURS", (*OURS, __file__))  # Chatty's own sync counts too
    few, many = (syncs_of("digits_mlp", tmp_path, n, make=chatty) for n in (2, 20))
    assert many["__float__"] - few["__float__"] == 3 * (20 - 2)


@pytest.mark.parametrize("task_id", ["digits_mlp", "digits_gan"])
def test_the_cpu_float32_path_gives_fabrics_weights_bit_for_bit(task_id, tmp_path):
    """On a CPU at 32-bit the loop skips Fabric's import; the weights must be what Fabric would have made."""
    finals = []
    for force in (False, True):
        torch.manual_seed(0)
        ctx = ctx_for(task_id, tmp_path)
        module, tensors, monitor = FAMILIES[task_id](ctx, 48)
        train = tensor_loader(*tensors, batch_size=8, shuffle=True, seed=0)
        fit(ctx, module, train, max_epochs=2, gradient_clip_val=0.5, force_fabric=force)
        finals.append(module.state_dict())
    assert finals[0].keys() == finals[1].keys()
    for k in finals[0]:
        assert torch.equal(finals[0][k], finals[1][k]), k


def test_a_nan_loss_marks_the_run_diverged_within_its_epoch(tmp_path):
    ctx = ctx_for("digits_mlp", tmp_path)
    module, (x, y), _ = classifier(ctx, 64)
    x[40] = math.nan  # a poisoned sample: the loss of its batch is NaN in epoch 1
    with pytest.raises(Diverged, match=r"non-finite train/loss in epoch 1"):
        fit(ctx, module, tensor_loader(x, y, batch_size=8, shuffle=True), max_epochs=5)


def test_early_stopping_restores_the_best_weights(tmp_path):
    """Patience 2 on a validation loss that rises after epoch 1: stops at epoch 3, keeps epoch 1's weights."""
    from tasks.classification.fabric import Classifier

    ctx = ctx_for("digits_mlp", tmp_path, lr=0.5, optimizer="sgd", momentum=0.0)
    net = nn.Sequential(nn.Flatten(), nn.Linear(4, 2))
    x = torch.randn(64, 1, 2, 2)
    y = (x.flatten(1).sum(1) > 0).long()
    seen = []

    class Spy(Classifier):
        def validation_step(self, batch, i):
            seen.append({k: v.clone() for k, v in self.net.state_dict().items()})
            return {"loss": torch.tensor(float(len(seen)))}  # 1, 2, 3: epoch 1 is the best

    module = Spy(net, ctx.config, total_steps=100)
    fit(
        ctx,
        module,
        tensor_loader(x, y, batch_size=8, shuffle=True),
        tensor_loader(x, y, batch_size=64, shuffle=False),
        max_epochs=10,
        early_stopping_patience=2,
    )
    assert (ctx.info["stopped_epoch"], ctx.info["best_epoch"], ctx.info["kept_epoch"]) == (3, 1, 1)
    for k, v in net.state_dict().items():
        assert torch.equal(v, seen[0][k])
    assert not torch.equal(seen[0]["1.weight"], seen[2]["1.weight"])  # training did move the weights


def test_batches_slice_device_tensors_in_a_seeded_order():
    x = torch.arange(10)
    a = [b[0].tolist() for b in Batches(x, batch_size=4, shuffle=True, seed=3)]
    again = [b[0].tolist() for b in Batches(x, batch_size=4, shuffle=True, seed=3)]
    assert a == again and sorted(sum(a, [])) == list(range(10)) and [len(b) for b in a] == [4, 4, 2]
    loader = Batches(x, batch_size=4, shuffle=True, seed=3)
    first, second = ([b[0].tolist() for b in loader] for _ in range(2))
    assert first != second  # a new shuffle each pass
    assert [b[0].tolist() for b in Batches(x, batch_size=4, shuffle=False)] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]


@pytest.mark.parametrize("n", [10, 12])  # a short last batch, and none
def test_batches_draw_what_the_trainer_path_drew(n):
    """The shipped baselines were made by a Trainer reading DataLoader(RandomSampler(generator)) for len(loader)
    batches an epoch: the same orders and the same global draws, epoch after epoch."""
    from itertools import islice

    from torch.utils.data import BatchSampler, DataLoader, RandomSampler, TensorDataset

    x = torch.arange(n)
    ds = TensorDataset(x)
    old = DataLoader(ds, batch_size=None, sampler=BatchSampler(RandomSampler(ds, generator=torch.Generator().manual_seed(5)), 4, False))
    new = Batches(x, batch_size=4, shuffle=True, seed=5)
    assert len(new) == len(old)
    for _ in range(3):  # three epochs: a missed or extra draw of the sampler shifts every later epoch
        torch.manual_seed(0)
        want = [b[0].tolist() for b in islice(old, len(old))], torch.rand(1)
        torch.manual_seed(0)
        got = [b[0].tolist() for b in new], torch.rand(1)
        assert want[0] == got[0] and torch.equal(want[1], got[1])
