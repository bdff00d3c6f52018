"""Golden values for the generation judge's metrics (tasks/generative/metrics.py).

- FD of two Gaussians equals the closed form ||mu1 - mu2||² + tr(S1 + S2 - 2 (S1 S2)^½), on point sets
  built to have exactly the chosen means and covariances;
- FD and KID on the suite's own feature arrays (the digits judge's) agree with torchmetrics' functional
  helpers, and with a plain numpy computation, fed the same arrays;
- precision and recall (Kynkäänniemi et al. 2019) on point sets whose answer is known: a copy of the data,
  a set that drops one of two modes (recall halves), and one that adds far-off noise (precision halves).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

from tasks.generative import metrics as M


def exact_gaussian(mean: np.ndarray, cov: np.ndarray, n: int = 500, seed: int = 0) -> torch.Tensor:
    """n points whose sample mean is `mean` and unbiased sample covariance is `cov`, exactly (whitened, then coloured)."""
    x = np.random.default_rng(seed).standard_normal((n, len(mean)))
    x -= x.mean(0)
    x = x @ np.linalg.inv(np.linalg.cholesky(np.cov(x.T))).T  # identity covariance
    return torch.as_tensor(x @ np.linalg.cholesky(cov).T + mean)


def test_fd_of_two_gaussians_is_the_closed_form():
    rng = np.random.default_rng(1)
    d = 6
    mu1, mu2 = rng.normal(size=d), rng.normal(size=d)
    a = rng.normal(size=(d, d))
    s = a @ a.T + d * np.eye(d)  # a full, well-conditioned covariance
    # S2 = c S1 commutes with S1, so (S1 S2)^½ = √c S1 and the trace term is (1 - √c)² tr(S1)
    for c in (1.0, 4.0, 0.25):
        fd = M.FrechetToReference(exact_gaussian(mu1, s, seed=2))(exact_gaussian(mu2, c * s, seed=3))
        assert fd == pytest.approx(float(((mu1 - mu2) ** 2).sum() + (1 - np.sqrt(c)) ** 2 * np.trace(s)), rel=1e-9)
    # diagonal covariances: sum of (√a_i - √b_i)²
    va, vb = rng.uniform(0.5, 3, d), rng.uniform(0.5, 3, d)
    fd = M.FrechetToReference(exact_gaussian(mu1, np.diag(va)))(exact_gaussian(mu1, np.diag(vb), seed=4))
    assert fd == pytest.approx(float(((np.sqrt(va) - np.sqrt(vb)) ** 2).sum()), rel=1e-9)


@pytest.fixture(scope="module")
def digits_features(tmp_path_factory):
    """The digits judge's scaled features: real train (N, F), a train subset of the test size, and the test split's."""
    import os

    from suite.config import resolve_config
    from suite.registry import get_registry
    from tasks.generative.judge import GenerationJudge
    from tasks.generative.runner import load_data

    os.environ.setdefault("BENCH_FEATURE_CACHE", str(tmp_path_factory.getbasetemp() / "feature-cache"))
    task = get_registry().task("digits_gan")
    data = load_data(task, resolve_config(task, "smoke"))
    judge = GenerationJudge("digits", data)
    return judge.train.double(), judge.pr_real.double(), judge.features(data.x_test[: judge.n]).double()


def test_fd_matches_torchmetrics_and_numpy_on_suite_features(digits_features):
    from scipy import linalg
    from torchmetrics.image.fid import _compute_fid

    train, _, fake = digits_features
    ours = M.FrechetToReference(train)(fake)
    mu_r, mu_f = train.mean(0), fake.mean(0)
    cov_r, cov_f = torch.cov(train.T), torch.cov(fake.T)  # unbiased, as torchmetrics accumulates them
    assert ours == pytest.approx(float(_compute_fid(mu_f, cov_f, mu_r, cov_r)), rel=1e-6, abs=1e-9)
    r, f = train.numpy(), fake.numpy()
    with warnings.catch_warnings():  # the 64 features have dead (constant) units: a singular product, whose root is still fine
        warnings.simplefilter("ignore", linalg.LinAlgWarning)
        covmean = linalg.sqrtm(np.cov(f.T) @ np.cov(r.T)).real
    plain = ((r.mean(0) - f.mean(0)) ** 2).sum() + np.trace(np.cov(r.T) + np.cov(f.T) - 2 * covmean)
    assert ours == pytest.approx(float(plain), rel=1e-6, abs=1e-9)


def test_kid_matches_torchmetrics_and_numpy_on_suite_features(digits_features):
    from torchmetrics.image.kid import poly_mmd

    _, real, fake = digits_features  # equal sizes: one subset of the full size is every point, in some order
    n = len(real)
    mean, std = M.kernel_inception_distance(real, fake, subsets=3, subset_size=n)
    assert mean == pytest.approx(float(poly_mmd(real, fake)), rel=1e-6, abs=1e-12)
    assert std == pytest.approx(0.0, abs=1e-12)  # the unbiased MMD² does not depend on the order
    r, f = real.numpy(), fake.numpy()
    k = lambda a, b: (a @ b.T / a.shape[1] + 1.0) ** 3  # noqa: E731  the cubic polynomial kernel of Bińkowski et al. 2018
    kxx, kyy, kxy = k(r, r), k(f, f), k(r, f)
    plain = (kxx.sum() - np.trace(kxx) + kyy.sum() - np.trace(kyy)) / (n * (n - 1)) - 2 * kxy.mean()
    assert mean == pytest.approx(float(plain), rel=1e-6, abs=1e-12)


def clusters(n_per: int = 100, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Two tight, far-apart modes in 2-d: (n_per, 2) around (0, 0) and around (100, 0)."""
    g = torch.Generator().manual_seed(seed)
    a = torch.randn(n_per, 2, generator=g, dtype=torch.float64)
    return a, torch.randn(n_per, 2, generator=g, dtype=torch.float64) + torch.tensor([100.0, 0.0], dtype=torch.float64)


def test_precision_recall_known_answers():
    a, b = clusters()
    real = torch.cat([a, b])  # (200, 2)
    assert M.precision_recall(real, real.clone()) == (1.0, 1.0)  # a perfect copy
    # drops a mode: every fake is a real point of mode A (inside its own ball); no fake's ball reaches mode B
    drop = torch.cat([a, a])
    assert M.precision_recall(real, drop) == (1.0, 0.5)
    # adds noise: the real points, plus as many again spread far from both modes (outside every real ball)
    g = torch.Generator().manual_seed(1)
    noise = torch.rand(200, 2, generator=g, dtype=torch.float64) * 1000 + torch.tensor([0.0, 500.0], dtype=torch.float64)
    precision, recall = M.precision_recall(real, torch.cat([real, noise]))
    assert (precision, recall) == (0.5, 1.0)
