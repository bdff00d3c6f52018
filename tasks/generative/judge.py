"""Judging generated samples of one problem on its domain features, with an honest scale.

Every distance is measured against the train split's features. Every evaluated set has the size of the
test split, because the Fréchet distance is biased upwards for small sets and only equal sizes compare:
- floor: the real test split itself (what a perfect generator would score, sampling noise included);
- ceiling: a trivial generator that draws every pixel independently from its marginal over the train
  images ("pixel noise": right intensities, no strokes). It is the strongest of the trivial baselines
  (also recorded: the mean image repeated, and uniform noise, which are far easier to beat).
gen/fd_normalized = (fd - floor) / (ceiling - floor): 0 = as good as real data, 1 = no better than
pixel noise. The catalog's refs (random 1, reference 0) make the report's normalised score 1 - that.

Features are divided by one scalar (the RMS spread of the train features) so that the numbers of
different problems have similar magnitudes and KID's cubic kernel stays well conditioned; a scalar
keeps the geometry, so precision/recall and the normalised FD are unchanged by it.
"""

from __future__ import annotations

import numpy as np
import torch

from tasks.generative import metrics as M
from tasks.generative.features import load_extractor

PR_K = 3  # k of the k-NN balls for precision/recall (Kynkäänniemi et al. use 3)
N_EVAL_MAX = 2000  # evaluated set size cap: MNIST's 10k test images would need 800 MB for the k-NN distance matrix


def trivial_samples(x_train: np.ndarray, n: int, kind: str, seed: int = 0) -> np.ndarray:
    """n samples (n, *shape) of a trivial generator: 'pixels' (independent marginals), 'mean' or 'uniform'."""
    rng = np.random.default_rng(seed)
    flat = x_train.reshape(len(x_train), -1)  # (N, D)
    if kind == "mean":
        out = np.repeat(flat.mean(0, keepdims=True), n, 0)
    elif kind == "uniform":
        out = rng.random((n, flat.shape[1]))
    else:
        out = flat[rng.integers(0, len(flat), (n, flat.shape[1])), np.arange(flat.shape[1])]
    return out.reshape(n, *x_train.shape[1:]).astype(np.float32)


def eval_size(data) -> int:
    """How many samples are judged: the test split's size, capped (scripts/sampling_cost.py times this many too)."""
    return min(len(data.x_test), N_EVAL_MAX)


class GenerationJudge:
    """Built once per run: the extractor, the train features, and the floor and ceiling distances."""

    def __init__(self, problem: str, data) -> None:
        self.net, self.meta = load_extractor(problem, data)
        train = self._raw(data.x_train)
        self.scale = float(train.var(0).sum().sqrt()) or 1.0  # RMS norm of the centred train features
        self.train = train / self.scale  # (N, F)
        self.n = eval_size(data)
        # Precision/recall compare equal-size sets: a fixed train subset the size of the test split.
        self.pr_real = self.train[torch.randperm(len(self.train), generator=torch.Generator().manual_seed(0))[: self.n]]
        self.fd_to_train = M.FrechetToReference(self.train)
        self.floor = self.fd_to_train(self.features(data.x_test[: self.n]))
        self.trivial = {
            kind: self.fd_to_train(self.features(trivial_samples(data.x_train, self.n, kind))) for kind in ("pixels", "mean", "uniform")
        }
        self.ceiling = self.trivial["pixels"]

    @torch.no_grad()
    def _raw(self, x) -> torch.Tensor:
        x = torch.as_tensor(np.asarray(x, dtype=np.float32))
        return torch.cat([self.net.features(b) for b in x.split(2048)])

    def features(self, x) -> torch.Tensor:  # (M, *shape) -> (M, F), scaled
        return self._raw(x) / self.scale

    def fd(self, samples: torch.Tensor) -> float:
        """Raw FD of samples to the train features (the per-epoch val/fd; compare only at equal sample counts)."""
        return self.fd_to_train(self.features(samples))

    def normalized(self, fd: float) -> float:
        return (fd - self.floor) / max(self.ceiling - self.floor, 1e-12)

    @torch.no_grad()
    def evaluate(self, samples: torch.Tensor) -> dict[str, float]:
        """All generation metrics of `samples` (n, *shape), n = size of the test split."""
        f = self.features(samples)
        fd = self.fd_to_train(f)
        kid, kid_std = M.kernel_inception_distance(self.train, f)
        precision, recall = M.precision_recall(self.pr_real, f, k=PR_K)
        out = {
            "gen/fd_normalized": self.normalized(fd),
            "gen/fd": fd,
            "gen/fd_floor": self.floor,
            "gen/fd_ceiling": self.ceiling,
            "gen/fd_trivial_mean": self.trivial["mean"],
            "gen/fd_trivial_uniform": self.trivial["uniform"],
            "gen/kid": kid,
            "gen/kid_std": kid_std,
            "gen/precision": precision,
            "gen/recall": recall,
        }
        stats = M.class_stats(self.net.head(f * self.scale))
        out.update({f"gen/{k}": v for k, v in stats.items()})
        return out
