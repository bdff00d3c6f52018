"""The generation and autoencoding protocol: data, fit, then judge what the model samples, reconstructs and encodes.

    bench run digits_dcgan digits_vae --seeds 3 --preset standard

The model is a trainer of the family contracts (contract.py): this runner hands it the problem's images
in [0, 1], times its `fit`, and judges `sample` (generation: domain-feature FD, KID, precision/recall,
class coverage, collapse) and `reconstruct` / `encode` (autoencoding: test MSE and BCE, linear probe)
the same way for every model. A model ranked in both families (the VAE) is judged for both from one
run. Optional methods a model declares (contract.Decoder, contract.ExtraMetrics) add interpolation
grids and model-specific metrics. Labels are used only by the linear probe and the feature extractor.
"""

from __future__ import annotations

import dataclasses
import time

import numpy as np
import torch
import torch.nn.functional as F

from suite.context import RunContext
from suite.contract import build, require
from suite.errors import Diverged, UserError
from suite.raw import pack_floats
from tasks.generative import artifacts as A
from tasks.generative.contract import EVAL_SEED, Decoder, ExtraMetrics, FitContext, SamplingCost

COLLAPSE_ENTROPY = 0.2  # below this normalised class entropy the samples are (nearly) one class: mode collapse
COLLAPSE_SPREAD = 0.05  # samples whose per-pixel std is under 5 % of the data's are (nearly) one image
EVAL_BATCH = 1024  # images per call of reconstruct / encode: bounded memory on MNIST's 10k test images


def unit_range(data):
    """Generators end in a sigmoid, so pixels must lie in [0, 1]. Loaders that standardise (MNIST's (x - mean) / std)
    are mapped back by the train split's min and max: exact, as those sets hold pure black and pure white pixels."""
    lo, hi = float(data.x_train.min()), float(data.x_train.max())
    if lo >= 0.0 and hi <= 1.0:
        return data
    f = lambda a: np.clip((a - lo) / (hi - lo), 0.0, 1.0).astype(np.float32)  # noqa: E731
    return dataclasses.replace(data, x_train=f(data.x_train), x_val=f(data.x_val), x_test=f(data.x_test))


def load_data(task, cfg):
    """The classification loader's data (MNIST-like loaders take `data_dir`), subset if asked, pixels in [0, 1]."""
    import inspect

    loader = task.problem.load()
    data = loader(cfg.data_dir or None) if "data_dir" in inspect.signature(loader).parameters else loader()
    if cfg.subset:
        data = data.subset(cfg.subset)
    if len(data.input_shape) != 3:
        raise UserError(f"{task.id}: generative models take (C, H, W) images; {task.problem.name} has shape {data.input_shape}")
    return unit_range(data)


def run(ctx: RunContext) -> None:
    task, families = ctx.task, ctx.task.families
    data = load_data(task, ctx.config)
    trainer = build(ctx, input_shape=data.input_shape)
    for family in families:  # a model ranked in two families meets both contracts
        require(trainer, task, family)
    judge = _judge(ctx, data) if "generation" in families else None
    with ctx.phase("train"):
        trainer.fit(torch.as_tensor(data.x_train), torch.as_tensor(data.x_val), FitContext(ctx, judge))
    if "generation" in families:
        A.save_loss_curves(ctx)  # from the curves the trainer logged (train/d_loss, train/g_loss, val/fd), if any
    with ctx.phase("eval"), torch.no_grad():
        if "autoencoding" in families:
            judge_autoencoder(ctx, trainer, data)
        if "generation" in families:
            # the collapse check is a generation key: a model ranked here beside its first family (the VAE) has none
            check = ctx.config.collapse_check if task.family == "generation" else False
            ctx.metrics["gen/nfe"] = nfe(trainer)  # the sampling cost, every model alike; the time in _judge_generator
            _judge_generator(ctx, judge, data, trainer.sample, check)
            if isinstance(trainer, Decoder):
                gen = torch.Generator().manual_seed(EVAL_SEED + 1)
                z0, z1 = (torch.randn(8, trainer.latent_dim, generator=gen) for _ in range(2))
                _interpolate(ctx, trainer.decode, z0, z1, "latent interpolation", "latent_interpolation.png")


def images(out, where: str) -> torch.Tensor:
    """What a model returned as a float32 tensor; a value torch cannot read is one line naming the method."""
    try:
        return torch.as_tensor(out, dtype=torch.float32)
    except (TypeError, ValueError, RuntimeError) as exc:
        raise UserError(f"{where} returned {type(out).__name__}, not a tensor or array: {exc}") from exc


def unit_interval(x: torch.Tensor, where: str) -> None:
    """The contract's pixel range, held at evaluation as the probe held it on 4 images (the built-ins end in a sigmoid)."""
    lo, hi = float(x.min()), float(x.max())
    if lo < 0 or hi > 1:
        raise UserError(f"{where} returned values in [{lo:.3g}, {hi:.3g}]; the contract's pixels are in [0, 1]")


def batched(fn, x: torch.Tensor, where: str) -> torch.Tensor:
    """fn over x in batches of EVAL_BATCH, concatenated."""
    return torch.cat([images(fn(b), where) for b in x.split(EVAL_BATCH)])


def _judge(ctx: RunContext, data):
    from tasks.generative.judge import GenerationJudge

    with ctx.phase("features"):
        judge = GenerationJudge(ctx.task.problem.name, data)
    ctx.info["feature_extractor"] = {k: judge.meta.get(k) for k in ("hash", "path", "cache_hit", "test_acc")}
    return judge


def _inception_fid(ctx: RunContext, data, samples: torch.Tensor) -> None:
    """Inception FID only from a weights file the user gave (torchmetrics loads it; nothing is downloaded)."""
    path = ctx.config.inception_weights
    if not path:
        return
    from pathlib import Path

    from suite.errors import require

    if not Path(path).is_file():
        raise UserError(f"inception_weights={path!r} is not a file")
    require("torch_fidelity", purpose="Inception FID")
    from torchmetrics.image.fid import FrechetInceptionDistance

    fid = FrechetInceptionDistance(feature=2048, normalize=True, feature_extractor_weights_path=path)
    rgb = lambda x: torch.as_tensor(x).float().expand(-1, 3, -1, -1)  # noqa: E731  grey (N,1,H,W) -> (N,3,H,W)
    for b in torch.as_tensor(data.x_train).split(256):
        fid.update(rgb(b), real=True)
    for b in samples.split(256):
        fid.update(rgb(b), real=False)
    ctx.metrics["gen/fid_inception"] = float(fid.compute())


def nfe(trainer) -> float:
    """Network evaluations per sample: what the model declares (contract.SamplingCost), else one pass."""
    return float(trainer.nfe) if isinstance(trainer, SamplingCost) else 1.0


@torch.no_grad()
def timed_sample(generate, n: int, where: str) -> tuple[torch.Tensor, float]:
    """The judged draw: n samples from `generate(n, generator)` with the evaluation's seed, and its seconds per
    1,000 samples, timed around the one call. scripts/sampling_cost.py times the shipped models through this too."""
    t0 = time.perf_counter()
    samples = images(generate(n, torch.Generator().manual_seed(EVAL_SEED)), where)
    return samples, (time.perf_counter() - t0) * 1000 / n


@torch.no_grad()
def _judge_generator(ctx: RunContext, judge, data, generate, check_collapse: bool) -> torch.Tensor:
    """Generation metrics of n = |test| samples from `generate(z)`; raises Diverged on NaN or collapse (after recording them)."""
    where = f"{ctx.task.id}: sample({judge.n}, generator)"
    samples, ctx.metrics["gen/sample_s_per_1000"] = timed_sample(generate, judge.n, where)  # (n, *shape); on the machine that ran it
    if samples.shape != (judge.n, *data.x_train.shape[1:]):
        raise UserError(f"{where} returned shape {tuple(samples.shape)}; expected {(judge.n, *data.x_train.shape[1:])}")
    if not torch.isfinite(samples).all():
        raise Diverged("generator produced non-finite samples")
    unit_interval(samples, where)
    ctx.metrics.update(judge.evaluate(samples))
    _inception_fid(ctx, data, samples)
    A.save_grid(ctx, samples[:64].numpy(), "samples.png", f"64 samples; FD norm {ctx.metrics['gen/fd_normalized']:.3f}", ncol=8)
    spread = float(samples.std(0).mean()) / max(float(np.asarray(data.x_train).std(0).mean()), 1e-12)
    ctx.metrics["gen/spread"] = spread
    if check_collapse and (ctx.metrics["gen/class_entropy"] < COLLAPSE_ENTROPY or spread < COLLAPSE_SPREAD):
        raise Diverged(f"mode collapse: class entropy {ctx.metrics['gen/class_entropy']:.3f}, sample spread {spread:.3f} of the data's")
    return samples


@torch.no_grad()
def _interpolate(ctx: RunContext, decode, z0: torch.Tensor, z1: torch.Tensor, caption: str, name: str = "interpolation.png") -> None:
    """Rows of 10 images decoded along straight lines between pairs of latents z0[i] -> z1[i]."""
    t = torch.linspace(0, 1, 10)[None, :, None]  # (1, 10, 1)
    z = (z0[:, None] * (1 - t) + z1[:, None] * t).flatten(0, 1)  # (rows*10, L)
    A.save_grid(ctx, images(decode(z), f"{ctx.task.id}: decode(z)").numpy(), name, caption)


# -- autoencoding -------------------------------------------------------------------------------------


def linear_probe(z_train: np.ndarray, y_train: np.ndarray, z_test: np.ndarray, y_test: np.ndarray) -> float:
    """Test accuracy of a logistic regression on standardised codes: how linearly readable the classes are."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    clf = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))  # lbfgs converges within 2000 on 8x8 and 28x28 codes
    clf.fit(z_train, y_train)
    return float(clf.score(z_test, y_test))


def judge_autoencoder(ctx: RunContext, trainer, data) -> None:
    x = torch.as_tensor(data.x_test)  # (N, C, H, W)
    z_test = batched(trainer.encode, x, f"{ctx.task.id}: encode(x)")  # (N, L)
    recon = batched(trainer.reconstruct, x, f"{ctx.task.id}: reconstruct(x)")  # (N, C, H, W)
    if recon.shape != x.shape:
        raise UserError(f"{ctx.task.id}: reconstruct(x) returned shape {tuple(recon.shape)} for x of shape {tuple(x.shape)}")
    unit_interval(recon, f"{ctx.task.id}: reconstruct(x)")
    ctx.metrics["test/mse"] = float(F.mse_loss(recon, x))
    ctx.raw["mse"] = pack_floats(((recon - x) ** 2).flatten(1).mean(1).numpy())  # per test image, for paired tests
    ctx.metrics["test/bce"] = float(F.binary_cross_entropy(recon.clamp(1e-6, 1 - 1e-6), x))
    mean_img = torch.as_tensor(data.x_train).mean(0, keepdim=True)
    ctx.metrics["test/mse_mean_image"] = float(F.mse_loss(mean_img.expand_as(x), x))  # the trivial baseline
    z_train = batched(trainer.encode, torch.as_tensor(data.x_train), f"{ctx.task.id}: encode(x)")
    ctx.metrics["test/probe_acc"] = linear_probe(z_train.flatten(1).numpy(), data.y_train, z_test.flatten(1).numpy(), data.y_test)
    if isinstance(trainer, ExtraMetrics):
        ctx.metrics.update(trainer.extra_metrics(x))
    pairs = torch.stack([x[:50], recon[:50]], 1).reshape(10, 10, *x.shape[1:])  # rows: input, recon, input, ...
    A.save_grid(ctx, pairs.reshape(100, *x.shape[1:]).numpy(), "reconstructions.png", "test inputs (odd columns) and their reconstructions")
    if isinstance(trainer, Decoder):
        idx = torch.arange(8)
        _interpolate(ctx, trainer.decode, z_test[idx], z_test[idx + 8], "interpolation between encoded test images")
