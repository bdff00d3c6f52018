"""Train a GAN or an autoencoder with Lightning; judge generation on domain features, reconstruction on the test split.

    bench run digits_dcgan digits_vae --seeds 3 --preset standard

One runner serves both families: the model's factory output decides the path (a ModuleDict with a
`generator` is a GAN). The VAE's single run fills the metrics of both families it is ranked in.
Data come from the classification loaders; labels are used only by the linear probe and by the
feature extractor (class coverage).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from suite.backends.lightning import fit, tensor_loader
from suite.config import model_field_names
from suite.context import RunContext
from suite.errors import Diverged, UserError
from tasks.generative import artifacts as A
from tasks.generative.models import VAE
from tasks.generative.modules import AutoencoderModule, GanModule, vae_elbo_and_nll

GAN_LOSS = {"wgan_gp": "wgan_gp"}  # every other generation model plays the non-saturating BCE game
EVAL_SEED = 10_000  # sampling for evaluation has its own RNG: metrics differ between seeds only by the model
COLLAPSE_ENTROPY = 0.2  # below this normalised class entropy the samples are (nearly) one class: mode collapse
COLLAPSE_SPREAD = 0.05  # samples whose per-pixel std is under 5 % of the data's are (nearly) one image


def unit_range(data):
    """Generators end in a sigmoid, so pixels must lie in [0, 1]. Loaders that standardise (MNIST's (x - mean) / std)
    are mapped back by the train split's min and max: exact, as those sets hold pure black and pure white pixels."""
    lo, hi = float(data.x_train.min()), float(data.x_train.max())
    if lo >= 0.0 and hi <= 1.0:
        return data
    f = lambda a: np.clip((a - lo) / (hi - lo), 0.0, 1.0).astype(np.float32)  # noqa: E731
    return dataclasses.replace(data, x_train=f(data.x_train), x_val=f(data.x_val), x_test=f(data.x_test))


def load_data(ctx: RunContext):
    """The classification loader's data (MNIST-like loaders take `data_dir`), subset if asked, pixels in [0, 1]."""
    import inspect

    loader = ctx.task.problem.load()
    data = loader(ctx.config.data_dir or None) if "data_dir" in inspect.signature(loader).parameters else loader()
    if ctx.config.subset:
        data = data.subset(ctx.config.subset)
    return unit_range(data)


def run(ctx: RunContext) -> None:
    data = load_data(ctx)
    if len(data.input_shape) != 3:
        raise UserError(f"{ctx.task.id}: generative models take (C, H, W) images; {ctx.task.problem.name} has shape {data.input_shape}")
    kwargs = {k: getattr(ctx.config, k) for k in model_field_names(ctx.task)}
    net = ctx.task.model.load()(data.input_shape, **kwargs)
    if isinstance(net, nn.ModuleDict) and "generator" in net:
        run_gan(ctx, net, data)
    else:
        run_autoencoder(ctx, net, data)


def _loaders(ctx: RunContext, data, batch_size: int):
    train = tensor_loader(torch.as_tensor(data.x_train), batch_size=batch_size, shuffle=True, seed=ctx.seed)
    val = tensor_loader(torch.as_tensor(data.x_val), batch_size=1024, shuffle=False)
    return train, val


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


@torch.no_grad()
def _judge_generator(ctx: RunContext, judge, data, generate, check_collapse: bool) -> torch.Tensor:
    """Generation metrics of n = |test| samples from `generate(z)`; raises Diverged on NaN or collapse (after recording them)."""
    samples = generate(judge.n, torch.Generator().manual_seed(EVAL_SEED))  # (n, *shape)
    if not torch.isfinite(samples).all():
        raise Diverged("generator produced non-finite samples")
    ctx.metrics.update(judge.evaluate(samples))
    _inception_fid(ctx, data, samples)
    A.save_grid(ctx, samples[:64].numpy(), "samples.png", f"64 samples; FD norm {ctx.metrics['gen/fd_normalized']:.3f}", ncol=8)
    spread = float(samples.std(0).mean()) / max(float(np.asarray(data.x_train).std(0).mean()), 1e-12)
    ctx.metrics["gen/spread"] = spread
    if check_collapse and (ctx.metrics["gen/class_entropy"] < COLLAPSE_ENTROPY or spread < COLLAPSE_SPREAD):
        raise Diverged(f"mode collapse: class entropy {ctx.metrics['gen/class_entropy']:.3f}, sample spread {spread:.3f} of the data's")
    return samples


@torch.no_grad()
def _interpolate(ctx: RunContext, decode, z0: torch.Tensor, z1: torch.Tensor, caption: str) -> None:
    """Rows of 10 images decoded along straight lines between pairs of latents z0[i] -> z1[i]."""
    t = torch.linspace(0, 1, 10)[None, :, None]  # (1, 10, 1)
    z = (z0[:, None] * (1 - t) + z1[:, None] * t).flatten(0, 1)  # (rows*10, L)
    A.save_grid(ctx, decode(z).numpy(), "interpolation.png", caption)


# -- GANs --------------------------------------------------------------------------------------------


def run_gan(ctx: RunContext, nets: nn.ModuleDict, data) -> None:
    cfg = ctx.config
    judge = _judge(ctx, data)
    module = GanModule(nets, cfg, GAN_LOSS.get(ctx.task.model.name, "bce"), judge=judge.fd, n_val=judge.n)
    train, val = _loaders(ctx, data, cfg.batch_size)
    fitted = fit(
        ctx,
        module,
        train,
        val,
        max_epochs=cfg.max_epochs,
        precision=cfg.precision,
        early_stopping_patience=cfg.early_stopping_patience,
        monitor="val/fd",
        mode="min",
    )
    ctx.resources["throughput"] = module.d_steps * cfg.batch_size / max(ctx.timing["train_s"], 1e-9)
    ctx.info["params"] = {
        "generator": sum(p.numel() for p in module.G.parameters()),
        "discriminator": sum(p.numel() for p in module.D.parameters()),
    }
    ctx.info["d_steps"] = module.d_steps
    ctx.info["epochs"] = fitted.epochs
    A.save_loss_curves(ctx)
    G = module.G.cpu().eval()
    with ctx.phase("eval"):
        _judge_generator(ctx, judge, data, lambda n, gen: G(torch.randn(n, G.latent_dim, generator=gen)), cfg.collapse_check)
        gen = torch.Generator().manual_seed(EVAL_SEED + 1)
        _interpolate(
            ctx, G, torch.randn(8, G.latent_dim, generator=gen), torch.randn(8, G.latent_dim, generator=gen), "latent interpolation"
        )


# -- autoencoders ------------------------------------------------------------------------------------


@torch.no_grad()
def _codes(net: nn.Module, x: np.ndarray) -> torch.Tensor:
    """Deterministic latent codes (the posterior mean for a VAE): (N, latent)."""
    out = [net.encode(b) for b in torch.as_tensor(x).split(1024)]
    return torch.cat([o[0] if isinstance(o, tuple) else o for o in out])


def linear_probe(z_train: np.ndarray, y_train: np.ndarray, z_test: np.ndarray, y_test: np.ndarray) -> float:
    """Test accuracy of a logistic regression on standardised codes: how linearly readable the classes are."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    clf = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))  # lbfgs converges within 2000 on 8x8 and 28x28 codes
    clf.fit(z_train, y_train)
    return float(clf.score(z_test, y_test))


def run_autoencoder(ctx: RunContext, net: nn.Module, data) -> None:
    cfg = ctx.config
    variational = isinstance(net, VAE)
    generates = "generation" in ctx.task.families
    judge = _judge(ctx, data) if generates else None
    module = AutoencoderModule(net, cfg, variational)
    train, val = _loaders(ctx, data, cfg.batch_size)
    fitted = fit(
        ctx, module, train, val, max_epochs=cfg.max_epochs, precision=cfg.precision, early_stopping_patience=cfg.early_stopping_patience
    )
    ctx.resources["throughput"] = fitted.steps * cfg.batch_size / max(ctx.timing["train_s"], 1e-9)
    net = net.cpu().eval()

    with ctx.phase("eval"), torch.no_grad():
        x = torch.as_tensor(data.x_test)
        z_test = _codes(net, data.x_test)
        logits = torch.cat([net.decode(b) for b in z_test.split(1024)])  # (N, *shape)
        recon = logits.sigmoid()
        ctx.metrics["test/mse"] = float(F.mse_loss(recon, x))
        ctx.metrics["test/bce"] = float(F.binary_cross_entropy(recon.clamp(1e-6, 1 - 1e-6), x))
        mean_img = torch.as_tensor(data.x_train).mean(0, keepdim=True)
        ctx.metrics["test/mse_mean_image"] = float(F.mse_loss(mean_img.expand_as(x), x))  # the trivial baseline
        ctx.metrics["test/probe_acc"] = linear_probe(_codes(net, data.x_train).numpy(), data.y_train, z_test.numpy(), data.y_test)
        if variational:
            gen = torch.Generator().manual_seed(EVAL_SEED)
            elbo, nll = vae_elbo_and_nll(net, x, cfg.iw_samples, gen)
            ctx.metrics["test/elbo"], ctx.metrics["test/nll_iw"] = elbo, nll
        pairs = torch.stack([x[:50], recon[:50]], 1).reshape(10, 10, *x.shape[1:])  # rows: input, recon, input, ...
        A.save_grid(
            ctx, pairs.reshape(100, *x.shape[1:]).numpy(), "reconstructions.png", "test inputs (odd columns) and their reconstructions"
        )
        idx = torch.arange(8)
        _interpolate(ctx, lambda z: net.decode(z).sigmoid(), z_test[idx], z_test[idx + 8], "interpolation between encoded test images")
        if generates:
            _judge_generator(
                ctx, judge, data, lambda n, gen: net.decode(torch.randn(n, net.latent_dim, generator=gen)).sigmoid(), check_collapse=False
            )
