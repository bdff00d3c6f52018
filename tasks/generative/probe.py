"""Before any run of a plug-in: build it, fit it on a few images, and hold what it returns to the contract.

A breach is one line (suite.errors.UserError, exit 2, no record) naming the method, what it returned and
what is expected, instead of a failure after minutes of training. The cost is one `fit` on 32 train
images with `max_epochs=1` (the family's key; a trainer that ignores it runs its own budget on those 32
images): milliseconds for a scikit-learn sampler, about a second for a small torch model.
"""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

import torch

from suite.context import RunContext
from suite.contract import model_kwargs, require
from suite.errors import UserError
from tasks.generative.contract import FitContext
from tasks.generative.runner import load_data

N_FIT = 32  # train images the probe fits on
N_OUT = 4  # images sampled, reconstructed and encoded


def _fitted(task, cfg, family: str, tmp: str):
    """The plug-in built for the problem's images and fitted on N_FIT of them; (trainer, x (N_OUT, C, H, W))."""
    data = load_data(task, cfg)
    cfg = dataclasses.replace(cfg, max_epochs=1)
    trainer = require(task.model.load()(**model_kwargs(task, cfg, input_shape=data.input_shape)), task, family)
    run = RunContext(task=task, config=cfg, seed=0, preset="probe", device="cpu", run_dir=Path(tmp), progress=False)
    train, val = torch.as_tensor(data.x_train[:N_FIT]), torch.as_tensor(data.x_val[:N_OUT])
    try:
        trainer.fit(train, val, FitContext(run, judge=None))
    except Exception as exc:
        raise UserError(f"{task.id}: probe fit(train, val, ctx) on {N_FIT} images failed: {type(exc).__name__}: {exc}") from exc
    return trainer, torch.as_tensor(data.x_test[:N_OUT])


def _check(task, family: str, call: str, out, want: tuple, unit: bool) -> None:
    """`out` is a float tensor (or array) of shape `want` (a str entry: any size), finite, and in [0, 1] when `unit`."""
    shape = "(" + ", ".join(map(str, want)) + ")"
    expected = f"expected {shape}{', finite, in [0, 1]' if unit else ', finite'} (see `bench contract {family}`)"
    try:
        t = torch.as_tensor(out, dtype=torch.float32)
    except (TypeError, ValueError, RuntimeError):
        raise UserError(f"{task.id}: {call} returned {type(out).__name__}, not a tensor or array; {expected}") from None
    if t.dim() != len(want) or any(isinstance(w, int) and w != n for w, n in zip(want, t.shape)):
        raise UserError(f"{task.id}: {call} returned shape {tuple(t.shape)}; {expected}")
    if not torch.isfinite(t).all():
        raise UserError(f"{task.id}: {call} returned non-finite values; {expected}")
    if unit and (t.min() < 0 or t.max() > 1):
        raise UserError(f"{task.id}: {call} returned values in [{float(t.min()):.3g}, {float(t.max()):.3g}]; {expected}")


def generation(task, cfg) -> None:
    """sample(4, generator) of a plug-in fitted on 32 images is (4, C, H, W), finite, in [0, 1]."""
    with tempfile.TemporaryDirectory() as tmp:
        trainer, x = _fitted(task, cfg, "generation", tmp)
        with torch.no_grad():
            out = trainer.sample(N_OUT, torch.Generator().manual_seed(0))
        _check(task, "generation", f"sample({N_OUT}, generator)", out, tuple(x.shape), unit=True)


def autoencoding(task, cfg) -> None:
    """reconstruct(x) and encode(x) of 4 test images are (4, C, H, W) in [0, 1] and (4, L), finite."""
    with tempfile.TemporaryDirectory() as tmp:
        trainer, x = _fitted(task, cfg, "autoencoding", tmp)
        with torch.no_grad():
            recon, codes = trainer.reconstruct(x), trainer.encode(x)
        _check(task, "autoencoding", f"reconstruct(x of shape {tuple(x.shape)})", recon, tuple(x.shape), unit=True)
        _check(task, "autoencoding", f"encode(x of shape {tuple(x.shape)})", codes, (N_OUT, "L"), unit=False)
