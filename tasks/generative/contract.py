"""The generation and autoencoding contracts: what a model brings, while the family keeps the protocol.

The family owns the data (the problem's images in [0, 1], its train/val/test split), the evaluation
seed, the judge (domain-feature FD, KID, precision/recall, class coverage; test MSE/BCE and the linear
probe) and the record. A model of kind "trainer" brings an object with the methods below; the built-in
GANs, autoencoders and the VAE (tasks/generative/trainers.py) are such trainers. `bench contract
generation` prints this file's protocols with a working example (plugin_example.py).

    bench run digits_pca_gmm --plugin tasks/generative/plugin_example.py --seeds 3
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    import torch

    from suite.context import RunContext

EVAL_SEED = 10_000  # evaluation draws (samples, the VAE's importance samples) come from generators seeded with it


@dataclass
class FitContext:
    """What `fit` gets besides the images.

    run: the run's context: `run.config` (every key `bench config TASK` lists: the family's training keys
      such as max_epochs, batch_size, lr, and the model's own), `run.seed`, `run.device`, and
      `run.log(metric, value, step)` for learning curves (`val/fd`, `train/loss`, ...).
    judge: the family's generation judge, for model selection on samples: `judge.fd(samples)` is the
      Fréchet distance of (judge.n, C, H, W) samples to the train features. None when the task is not
      ranked for generation, and in the probe before a run.
    """

    run: RunContext
    judge: Any = None


class Generation(Protocol):
    """A generative model of images: fit on the train split, then sample."""

    def fit(self, train: torch.Tensor, val: torch.Tensor, ctx: FitContext) -> None:
        """Learn from train (N, C, H, W) float32 in [0, 1]; val (M, C, H, W) is for model selection.
        ctx: FitContext: ctx.run.seed, ctx.run.config, ctx.run.log(metric, value, step), ctx.judge.
        Time spent here is charged to training."""

    def sample(self, n: int, generator: torch.Generator) -> torch.Tensor:
        """n images (n, C, H, W) in [0, 1] (a tensor, or an array `torch.as_tensor` takes). Draw every random
        number from `generator`: the family seeds it, so samples of two runs differ only by the model."""


class Autoencoding(Protocol):
    """A model that compresses images to codes and restores them: fit, then reconstruct and encode."""

    def fit(self, train: torch.Tensor, val: torch.Tensor, ctx: FitContext) -> None:
        """Learn from train (N, C, H, W) float32 in [0, 1]; val (M, C, H, W) is for early stopping.
        ctx: FitContext: ctx.run.seed, ctx.run.config, ctx.run.log(metric, value, step)."""

    def reconstruct(self, x: torch.Tensor) -> torch.Tensor:
        """x (B, C, H, W) in [0, 1] -> its reconstruction (B, C, H, W) in [0, 1]; judged by test MSE and BCE."""

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """x (B, C, H, W) -> deterministic codes (B, L) (a VAE's posterior mean); a linear probe reads the
        classes from them."""


@runtime_checkable
class Decoder(Protocol):
    """Optional, either family: a latent space of `latent_dim` dimensions the family draws interpolations in
    (between encoded test images; for a generator, between draws of z ~ N(0, I))."""

    latent_dim: int

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """z (B, latent_dim) -> images (B, C, H, W) in [0, 1]."""


@runtime_checkable
class SamplingCost(Protocol):
    """Optional, generation: how many network evaluations `sample` spends per image (an iterative sampler's
    steps; 2 per step for Heun's method). Recorded as gen/nfe; a model without it draws in one pass: 1."""

    nfe: int


@runtime_checkable
class ExtraMetrics(Protocol):
    """Optional, either family: metrics only this model can compute (a VAE's ELBO and importance-weighted NLL),
    recorded beside the family's own."""

    def extra_metrics(self, x_test: torch.Tensor) -> dict[str, float]:
        """x_test (N, C, H, W) in [0, 1] -> {"test/<name>": value}."""
