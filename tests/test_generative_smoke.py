"""The generative catalog, the built-ins' own marks on smoke (every task against its family protocol is in
tests/test_contract.py), and a GAN driven to NaN recorded as `diverged` instead of failing the sweep."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from suite.registry import get_registry
from tests.conftest import run_smoke

FAMILIES = ("generation", "autoencoding")
TASKS = sorted({t.id for f in FAMILIES for t in get_registry().tasks(family=f) if not t.problem.traits.get("optional")})
FAST = {"digits_gan", "digits_vae"}  # the fast tier's: an adversarial generator, and a VAE ranked in both families


@pytest.fixture(autouse=True)
def _cache(feature_cache):
    """One extractor cache for the whole session (tests/conftest.py)."""


def run(task_id: str, results, overrides: dict | None = None) -> dict:
    return run_smoke(task_id, results, overrides=overrides)


def test_the_catalog():
    reg = get_registry()
    want = {f"digits_{m}" for m in ("gan", "dcgan", "wgan_gp", "ae", "conv_ae", "vae")}
    assert want <= set(TASKS)
    assert reg.task("digits_vae").families == ("autoencoding", "generation")
    for name in ("mnist", "fashion_mnist"):
        p = reg.problem(name)
        assert p.traits["optional"] is True and {"generation", "autoencoding"} <= set(p.families)
    digits = reg.problem("digits").refs
    assert digits["generation"] == {"random": 1.0, "reference": 0.0}
    assert 0.07 < digits["autoencoding"]["random"] < 0.08  # the mean-image MSE measured by the vae smoke test below
    assert reg.family("generation").higher_is_better is False and reg.family("autoencoding").higher_is_better is False


@pytest.mark.parametrize("task_id", sorted(FAST))
def test_smoke_run(task_id, results):
    """The built-ins' own marks (GAN curves, the VAE's two rankings and bound); every task against the
    family protocol runs in tests/test_contract.py."""
    rec = run_smoke(task_id, results)
    assert rec["status"] == "ok", rec["error"] or rec["traceback"]
    m = rec["metrics"]
    for fam, rank in rec["rankings"].items():
        assert math.isfinite(m[rank["primary_metric"]]), fam
    run_dir = results / task_id / rec["run_id"]
    arts = {a["path"].split("/")[-1] for a in rec["artifacts"]}
    for a in rec["artifacts"]:
        assert (run_dir / a["path"]).stat().st_size > 2_000, a
    curves = pd.read_parquet(run_dir / "curves.parquet")
    if "generation" in rec["families"]:
        assert {"samples.png", "latent_interpolation.png"} <= arts  # every built-in has a latent space (contract.Decoder)
        assert m["gen/nfe"] == 1 and m["gen/sample_s_per_1000"] > 0  # one pass of the decoder, timed by the runner
        assert m["gen/fd_floor"] < m["gen/fd_ceiling"] < m["gen/fd_trivial_mean"]
        assert m["gen/fd_normalized"] == pytest.approx((m["gen/fd"] - m["gen/fd_floor"]) / (m["gen/fd_ceiling"] - m["gen/fd_floor"]))
        for key in ("gen/precision", "gen/recall", "gen/coverage", "gen/class_entropy"):
            assert 0 <= m[key] <= 1, key
    if rec["family"] == "generation":
        assert {"train/d_loss", "train/g_loss", "val/fd"} <= set(curves["metric"])
        assert "loss_curves.png" in arts
        assert rec["info"]["epochs"] == 2
    if "autoencoding" in rec["families"]:
        assert {"reconstructions.png", "interpolation.png"} <= arts
        assert m["test/mse_mean_image"] == pytest.approx(get_registry().problem("digits").refs["autoencoding"]["random"], abs=1e-4)
        assert 0 <= m["test/probe_acc"] <= 1 and m["test/bce"] > 0
        assert {"train/loss", "val/loss"} <= set(curves["metric"])
    if task_id == "digits_vae":
        assert set(rec["rankings"]) == {"autoencoding", "generation"}
        assert rec["rankings"]["generation"]["primary_metric"] == "gen/fd_normalized"
        # Importance weighting tightens the bound: the IW estimate of -log p(x) is below -ELBO.
        assert m["test/nll_iw"] <= -m["test/elbo"] + 1e-3


def test_nan_gan_is_diverged_and_recorded(results):
    rec = run("digits_gan", results, {"lr": 1e30})  # the first D step blows its weights up: inf logits, NaN loss
    assert rec["status"] == "diverged", (rec["status"], rec["error"])
    assert "non-finite" in rec["error"]
    assert rec["traceback"] is None
