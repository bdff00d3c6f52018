"""Generation metrics on deterministic inputs, the judge's scale, the feature-extractor cache, collapse detection."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from tasks.generative import metrics as M


@pytest.fixture(autouse=True)
def _feature_cache(tmp_path_factory, monkeypatch):
    """The session's extractor cache (shared with the smoke tests), and one torch thread as the runner uses:
    two threads on a machine shared by other jobs made training the extractor 20x slower."""
    monkeypatch.setenv("BENCH_FEATURE_CACHE", str(tmp_path_factory.getbasetemp() / "feature-cache"))
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def gaussian(n: int = 400, d: int = 8, seed: int = 0) -> torch.Tensor:
    return torch.randn(n, d, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)


def test_frechet_distance_is_zero_on_identical_sets_and_grows_with_shift():
    x = gaussian()
    fd = M.FrechetToReference(x)  # the real statistics once, as the judge keeps them for every epoch
    assert fd(x) == pytest.approx(0.0, abs=1e-6)
    # Equal covariances: FD is exactly the squared distance of the means (d * shift²).
    assert fd(x + 0.5) == pytest.approx(8 * 0.25, rel=1e-6)
    assert fd(x + 1.0) == pytest.approx(8 * 1.0, rel=1e-6)
    # A scaled copy differs only in covariance: tr(S + 4S - 2*2S) = tr(S) > 0.
    assert fd(2 * x) == pytest.approx(float(torch.cov(x.T).trace()), rel=1e-2)  # up to the covariance estimator
    assert fd(x) == pytest.approx(0.0, abs=1e-6), "the fake statistics are reset between calls"


def test_kid_precision_recall_and_class_stats():
    x, y = gaussian(seed=0), gaussian(seed=1)
    kid_same, _ = M.kernel_inception_distance(x, y)
    kid_far, _ = M.kernel_inception_distance(x, y + 2.0)
    assert abs(kid_same) < 0.05 < kid_far
    assert M.precision_recall(x, x) == (1.0, 1.0)
    p, r = M.precision_recall(x, y)
    assert 0.5 < p <= 1 and 0.5 < r <= 1  # two samples of one distribution mostly cover each other
    assert M.precision_recall(x, y + 100.0) == (0.0, 0.0)
    one_class = torch.zeros(50, 10)
    one_class[:, 3] = 10.0
    assert M.class_stats(one_class)["coverage"] == pytest.approx(0.1) and M.class_stats(one_class)["class_entropy"] == 0.0
    uniform = torch.eye(10).repeat(5, 1) * 10  # 5 samples of each class
    assert M.class_stats(uniform)["coverage"] == 1.0 and M.class_stats(uniform)["class_entropy"] == pytest.approx(1.0)


def test_feature_extractor_cache_hit_and_miss_leave_the_run_rng_alike(tmp_path, monkeypatch):
    from tasks.classification.data import digits
    from tasks.generative import features as F

    monkeypatch.setenv("BENCH_FEATURE_CACHE", str(tmp_path))
    monkeypatch.setitem(F.RECIPE, "steps", 30)  # a cheap recipe: a different hash, so its own file
    data = digits()
    torch.manual_seed(123)
    net1, meta1 = F.load_extractor("digits", data)
    after_miss = torch.rand(3)
    assert meta1["cache_hit"] is False and list(tmp_path.glob("digits-*.pt")) == [tmp_path / f"digits-{meta1['hash']}.pt"]
    torch.manual_seed(123)
    net2, meta2 = F.load_extractor("digits", data)
    # a run draws the same numbers after a warm and a cold cache (a GAN's training noise comes next)
    assert torch.equal(torch.rand(3), after_miss), "a cache miss and a hit must leave the run's RNG in the same state"
    assert meta2["cache_hit"] is True and meta2["hash"] == meta1["hash"]
    x = torch.as_tensor(data.x_test[:20])
    assert torch.equal(net1.features(x), net2.features(x))
    # Deterministic: retraining from scratch reproduces the cached weights exactly.
    net3 = F.train_extractor(data.x_train, data.y_train, data.num_classes)
    assert torch.allclose(net3.features(x), net1.features(x), atol=1e-5)
    # The key covers the data: other data, other file.
    assert F.data_hash(data.x_train[:-1], data.y_train[:-1]) != meta1["hash"]


def test_judge_scale_floor_is_zero_ceiling_is_one():
    from tasks.classification.data import digits
    from tasks.generative.judge import GenerationJudge, trivial_samples

    data = digits()
    judge = GenerationJudge("digits", data)
    assert judge.meta["test_acc"] > 0.9  # the extractor really knows the digits
    real = judge.evaluate(torch.as_tensor(data.x_test))
    assert real["gen/fd_normalized"] == pytest.approx(0.0, abs=1e-9)
    assert real["gen/coverage"] == 1.0 and real["gen/class_entropy"] > 0.95
    noise = judge.evaluate(torch.as_tensor(trivial_samples(data.x_train, judge.n, "pixels")))
    assert noise["gen/fd_normalized"] == pytest.approx(1.0, abs=1e-9)
    assert real["gen/kid"] < noise["gen/kid"] and real["gen/precision"] > noise["gen/precision"]


def test_collapsed_generator_is_diverged_with_metrics_kept(tmp_path):
    from suite.config import resolve_config
    from suite.context import RunContext
    from suite.errors import Diverged
    from suite.registry import get_registry
    from tasks.classification.data import digits
    from tasks.generative.judge import GenerationJudge
    from tasks.generative.runner import _judge_generator

    task = get_registry().task("digits_gan")
    ctx = RunContext(task=task, config=resolve_config(task, "smoke"), seed=0, preset="smoke", device="cpu", run_dir=tmp_path)
    data = digits()
    judge = GenerationJudge("digits", data)
    mean = torch.as_tensor(data.x_train.mean(0, keepdims=True))
    with pytest.raises(Diverged, match="mode collapse"):
        _judge_generator(ctx, judge, data, lambda n, gen: mean.expand(n, -1, -1, -1), check_collapse=True)
    assert ctx.metrics["gen/class_entropy"] < 0.2 and np.isfinite(ctx.metrics["gen/fd"])
    # The same samples pass when the check is off (smoke runs of two epochs).
    _judge_generator(ctx, judge, data, lambda n, gen: mean.expand(n, -1, -1, -1), check_collapse=False)
