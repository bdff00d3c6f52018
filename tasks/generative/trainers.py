"""The built-in generative models as trainers of the family contracts (contract.py), on the suite's Lightning loop.

    bench run digits_gan digits_dcgan digits_wgan_gp digits_ae digits_conv_ae digits_vae --seeds 3

Each factory below is a registered model (tasks/generative/__init__.py, kind "trainer"): it builds the
networks (models.py) and says how they are trained. The adversarial loss is the model's own: wgan_gp
declares the Wasserstein loss with gradient penalty, the others the non-saturating BCE game. The VAE
is one trainer that meets both contracts, so one run ranks it for reconstruction and generation.
Training keys (lr, max_epochs, batch_size, ...) come from the run's config (config.py).
"""

from __future__ import annotations

import time

import torch
from torch import nn

from suite.backends.lightning import fit, tensor_loader
from tasks.generative import models as M
from tasks.generative.contract import EVAL_SEED, FitContext
from tasks.generative.modules import AutoencoderModule, GanModule, vae_elbo_and_nll

EVAL_BATCH = 1024  # images per forward pass at evaluation: bounded memory on MNIST's 10k test images


def _loaders(train: torch.Tensor, val: torch.Tensor, batch_size: int, seed: int):
    return tensor_loader(train, batch_size=batch_size, shuffle=True, seed=seed), tensor_loader(val, batch_size=EVAL_BATCH, shuffle=False)


class GanTrainer:
    """A generator against a discriminator (Generation). loss: "bce" (non-saturating) or "wgan_gp"."""

    def __init__(self, nets: nn.ModuleDict, loss: str) -> None:
        self.nets, self.loss = nets, loss
        self.G = nets["generator"]
        self.latent_dim = self.G.latent_dim

    def fit(self, train: torch.Tensor, val: torch.Tensor, ctx: FitContext) -> None:
        run, cfg = ctx.run, ctx.run.config
        judge = ctx.judge  # val/fd of fixed latents once per epoch; the kept weights are the best epoch's
        module = GanModule(self.nets, cfg, self.loss, judge=judge.fd if judge else None, n_val=judge.n if judge else 256)
        train_batches, val_batches = _loaders(train, val, cfg.batch_size, run.seed)
        t0 = time.perf_counter()
        fitted = fit(
            run,
            module,
            train_batches,
            val_batches if judge else None,  # no judge (the probe): nothing to select on
            max_epochs=cfg.max_epochs,
            precision=cfg.precision,
            early_stopping_patience=cfg.early_stopping_patience,
            monitor="val/fd",
            mode="min",
        )
        run.resources["throughput"] = module.d_steps * cfg.batch_size / max(time.perf_counter() - t0, 1e-9)
        run.info["params"] = {
            "generator": sum(p.numel() for p in module.G.parameters()),
            "discriminator": sum(p.numel() for p in module.D.parameters()),
        }
        run.info["d_steps"] = module.d_steps
        run.info["epochs"] = fitted.epochs
        self.G = module.G.cpu().eval()

    @torch.no_grad()
    def decode(self, z: torch.Tensor) -> torch.Tensor:  # (B, latent_dim) -> (B, C, H, W) in [0, 1]
        return self.G(z)

    def sample(self, n: int, generator: torch.Generator) -> torch.Tensor:  # (n, C, H, W) in [0, 1]
        return self.decode(torch.randn(n, self.latent_dim, generator=generator))


class AutoencoderTrainer:
    """An encoder and a decoder of logits trained to reconstruct (Autoencoding), optionally variational."""

    variational = False

    def __init__(self, net: M.Autoencoder) -> None:
        self.net, self.latent_dim = net, net.latent_dim

    def fit(self, train: torch.Tensor, val: torch.Tensor, ctx: FitContext) -> None:
        run, cfg = ctx.run, ctx.run.config
        self.cfg = cfg
        module = AutoencoderModule(self.net, cfg, self.variational)
        t0 = time.perf_counter()
        fitted = fit(
            run,
            module,
            *_loaders(train, val, cfg.batch_size, run.seed),
            max_epochs=cfg.max_epochs,
            precision=cfg.precision,
            early_stopping_patience=cfg.early_stopping_patience,
        )
        run.resources["throughput"] = fitted.steps * cfg.batch_size / max(time.perf_counter() - t0, 1e-9)
        self.net = self.net.cpu().eval()

    @torch.no_grad()
    def encode(self, x: torch.Tensor) -> torch.Tensor:  # (B, C, H, W) -> (B, latent_dim)
        return self.net.encode(x)

    @torch.no_grad()
    def decode(self, z: torch.Tensor) -> torch.Tensor:  # (B, latent_dim) -> (B, C, H, W) in [0, 1]
        return self.net.decode(z).sigmoid()

    def reconstruct(self, x: torch.Tensor) -> torch.Tensor:  # (B, C, H, W) -> (B, C, H, W) in [0, 1]
        return self.decode(self.encode(x))


class VaeTrainer(AutoencoderTrainer):
    """Kingma & Welling 2014: meets Autoencoding (codes are the posterior mean) and Generation (z ~ N(0, I) decoded)."""

    variational = True

    @torch.no_grad()
    def encode(self, x: torch.Tensor) -> torch.Tensor:  # (B, C, H, W) -> posterior mean (B, latent_dim)
        return self.net.encode(x)[0]

    def sample(self, n: int, generator: torch.Generator) -> torch.Tensor:  # (n, C, H, W) in [0, 1]
        return self.decode(torch.randn(n, self.latent_dim, generator=generator))

    def extra_metrics(self, x_test: torch.Tensor) -> dict[str, float]:
        """Test ELBO and importance-weighted NLL per example in nats, on their own seeded draws."""
        elbo, nll = vae_elbo_and_nll(self.net, x_test, self.cfg.iw_samples, torch.Generator().manual_seed(EVAL_SEED))
        return {"test/elbo": elbo, "test/nll_iw": nll}


# -- the registered models: keyword defaults are config keys (`bench config digits_dcgan`) ------------


def gan(input_shape: tuple[int, ...], latent_dim: int = 64, hidden: int = 256) -> GanTrainer:
    """Goodfellow et al. 2014: MLP generator and discriminator, non-saturating loss."""
    return GanTrainer(M.gan(input_shape, latent_dim, hidden), loss="bce")


def dcgan(input_shape: tuple[int, ...], latent_dim: int = 64, width: int = 32) -> GanTrainer:
    """Radford et al. 2016: transposed-conv generator, strided-conv discriminator with BatchNorm."""
    return GanTrainer(M.dcgan(input_shape, latent_dim, width), loss="bce")


def wgan_gp(input_shape: tuple[int, ...], latent_dim: int = 64, width: int = 32) -> GanTrainer:
    """Gulrajani et al. 2017: the DCGAN generator against a BatchNorm-free critic, Wasserstein loss with gradient penalty."""
    return GanTrainer(M.wgan_gp(input_shape, latent_dim, width), loss="wgan_gp")


def ae(input_shape: tuple[int, ...], latent_dim: int = 16, hidden: int = 256) -> AutoencoderTrainer:
    """MLP autoencoder, 16-d code."""
    return AutoencoderTrainer(M.ae(input_shape, latent_dim, hidden))


def conv_ae(input_shape: tuple[int, ...], latent_dim: int = 16, width: int = 32) -> AutoencoderTrainer:
    """Convolutional autoencoder, 16-d code."""
    return AutoencoderTrainer(M.conv_ae(input_shape, latent_dim, width))


def vae(input_shape: tuple[int, ...], latent_dim: int = 16, hidden: int = 256) -> VaeTrainer:
    """MLP VAE with the body of `ae`: the two differ only by the probabilistic bottleneck."""
    return VaeTrainer(M.vae(input_shape, latent_dim, hidden))
