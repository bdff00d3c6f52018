"""Generation metrics on feature vectors: pure functions of (real, fake) arrays, testable without training.

Fréchet distance and KID come from torchmetrics (given an identity "feature extractor" over
precomputed features, so every metric sees the same features computed once); precision/recall
follow Kynkäänniemi et al. 2019 (k-NN balls, k = 3); class coverage and entropy of the extractor's
predicted classes catch mode collapse, which FD alone can hide behind a good mean.
"""

from __future__ import annotations

import math
import warnings

import torch
from torch import nn

COVERAGE_SHARE = 0.25  # a class counts as covered when it gets at least a quarter of its uniform share of samples


class Precomputed(nn.Module):
    """Identity with `num_features`, so torchmetrics' FID/KID accept feature vectors instead of images."""

    def __init__(self, num_features: int) -> None:
        super().__init__()
        self.num_features = num_features

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x


class FrechetToReference:
    """FD of many fake sets against one real set: the real statistics are accumulated once (used per epoch)."""

    def __init__(self, real: torch.Tensor) -> None:
        from torchmetrics.image.fid import FrechetInceptionDistance

        self.fid = FrechetInceptionDistance(feature=Precomputed(real.shape[1]), reset_real_features=False)
        self.fid.update(real.double(), real=True)

    def __call__(self, fake: torch.Tensor) -> float:
        self.fid.reset()
        self.fid.update(fake.double(), real=False)
        return max(float(self.fid.compute()), 0.0)


def kernel_inception_distance(real: torch.Tensor, fake: torch.Tensor, subsets: int = 50, subset_size: int = 100) -> tuple[float, float]:
    """KID (unbiased MMD², cubic polynomial kernel) mean and std over random subsets; unbiased, so ~0 (±) for equal distributions."""
    from torchmetrics.image.kid import KernelInceptionDistance

    size = min(subset_size, len(real), len(fake))
    with warnings.catch_warnings():  # "will save all extracted features": yes, a few thousand 64-d vectors
        warnings.simplefilter("ignore", UserWarning)
        kid = KernelInceptionDistance(feature=Precomputed(real.shape[1]), subsets=subsets, subset_size=size)
    kid.update(real.double(), real=True)
    kid.update(fake.double(), real=False)
    mean, std = kid.compute()
    return float(mean), float(std)


def _radii(x: torch.Tensor, k: int) -> torch.Tensor:
    """Distance of each row of x (N, D) to its k-th nearest other row: (N,)."""
    d = torch.cdist(x, x)  # (N, N); the diagonal zero is the 0-th neighbour
    return d.kthvalue(k + 1, dim=1).values


def precision_recall(real: torch.Tensor, fake: torch.Tensor, k: int = 3) -> tuple[float, float]:
    """Precision: share of fakes inside some real sample's k-NN ball; recall: share of reals inside some fake's ball."""
    real, fake = real.double(), fake.double()
    d = torch.cdist(fake, real)  # (M, N)
    precision = (d <= _radii(real, k)[None, :]).any(dim=1).double().mean()
    recall = (d <= _radii(fake, k)[:, None]).any(dim=0).double().mean()
    return float(precision), float(recall)


def class_stats(logits: torch.Tensor) -> dict[str, float]:
    """From the extractor's logits (M, K) of generated samples: how many classes appear and how evenly.

    coverage: share of the K classes predicted for ≥ COVERAGE_SHARE/K of the samples (1 = every class);
    entropy: entropy of the predicted-class histogram divided by log K (1 = uniform, 0 = one class);
    confidence: mean max-softmax (low = samples the classifier cannot place, e.g. noise).
    """
    k = logits.shape[1]
    counts = torch.bincount(logits.argmax(1), minlength=k).double()
    p = counts / counts.sum()
    entropy = float(-(p[p > 0] * p[p > 0].log()).sum() / math.log(k)) + 0.0  # + 0.0 turns -0.0 (one class) into 0.0
    return {
        "coverage": float((p >= COVERAGE_SHARE / k).double().mean()),
        "class_entropy": entropy,
        "confidence": float(logits.softmax(1).max(1).values.mean()),
    }
