"""The generation and autoencoding contracts (tasks/generative/contract.py): the example plug-ins through the
command line to valid records on the digits boards, broken plug-ins refused in one line before any run,
and the built-in trainers held to the same protocols."""

from __future__ import annotations

import math
import textwrap

import pytest

from suite import store
from suite.contract import breaches
from tests.conftest import ROOT, bench_subprocess

EXAMPLES = {
    "generation": (ROOT / "tasks" / "generative" / "plugin_example.py", "digits_pca_gmm"),
    "autoencoding": (ROOT / "tasks" / "generative" / "plugin_example_ae.py", "digits_pca_ae"),
}


@pytest.fixture(autouse=True)
def _feature_cache(tmp_path_factory, monkeypatch):
    """One extractor cache for the module: trained by the first generation run, hit by the others."""
    monkeypatch.setenv("BENCH_FEATURE_CACHE", str(tmp_path_factory.getbasetemp() / "feature-cache"))


@pytest.mark.parametrize("family", list(EXAMPLES))
def test_the_example_plugin_runs_through_the_cli_to_a_valid_record(family, tmp_path):
    example, task = EXAMPLES[family]
    assert len(example.read_text().splitlines()) <= 30
    printed = bench_subprocess("contract", family)
    assert printed.returncode == 0 and f"class {family.capitalize()}(Protocol)" in printed.stdout, printed.stderr
    assert example.read_text().strip() in printed.stdout
    out = tmp_path / "results"
    done = bench_subprocess(
        "run", task, "--plugin", str(example), "--seeds", "2", "--preset", "smoke", "--results", str(out), "--wandb", "disabled"
    )
    assert done.returncode == 0, done.stderr
    recs = sorted(store.iter_records(out, task), key=lambda r: r["seed"])
    assert all(r["status"] == "ok" and r["family"] == family for r in recs), [r["error"] for r in recs]
    m = recs[0]["metrics"]
    if family == "generation":
        assert [r["seed"] for r in recs] == [0, 1]
        # a mixture in PCA space beats pixel noise (1) by far and is no real data (0); the seed moves EM's start
        assert 0 < m["gen/fd_normalized"] < 0.5 and 0 <= m["gen/precision"] <= 1
        assert m["gen/fd"] != recs[1]["metrics"]["gen/fd"]
    else:
        assert [r["seed"] for r in recs] == [0] and recs[0]["deterministic"]  # one exact record for the two seeds asked
        # 16 principal components of 8x8 digits: far below the mean image, codes a linear probe reads
        assert m["test/mse"] < m["test/mse_mean_image"] / 2 and m["test/probe_acc"] > 0.8
        assert not {"test/elbo", "gen/fd"} & set(m)  # no optional methods, no generation ranking
    assert math.isfinite(m[recs[0]["primary_metric"]]) and recs[0]["timing"]["train_s"] > 0


GEN_HEAD = "def sample(self, n, generator):\n"
# name -> (family, the methods after fit, what the one line must say, whether the probe had to fit it)
BROKEN = {
    "no_sample": ("generation", "", "no method sample(n, generator)", False),
    "old_fit": (
        "generation",
        "def fit(self, train):\n    pass\n" + GEN_HEAD + "    return torch.rand(n, 1, 8, 8)\n",
        "cannot be called as fit(train, val, ctx)",
        False,
    ),
    "flat_sample": ("generation", GEN_HEAD + "    return torch.rand(n, 8, 8)\n", "returned shape (4, 8, 8); expected (4, 1, 8, 8)", True),
    "signed_sample": (
        "generation",
        GEN_HEAD + "    return torch.rand(n, 1, 8, 8) * 2 - 1\n",
        "expected (4, 1, 8, 8), finite, in [0, 1]",
        True,
    ),
    # in range on the probe's 4 samples, out of it on the judged ones: refused at evaluation, still no record
    "late_range": (
        "generation",
        GEN_HEAD + "    return torch.rand(n, 1, 8, 8) * (1 if n <= 4 else 2)\n",
        "the contract's pixels are in [0, 1]",
        True,
    ),
    "no_encode": ("autoencoding", "def reconstruct(self, x):\n    return x\n", "no method encode(x)", False),
    "loose_codes": (
        "autoencoding",
        "def reconstruct(self, x):\n    return x\ndef encode(self, x):\n    return x\n",
        "encode(x of shape (4, 1, 8, 8)) returned shape (4, 1, 8, 8); expected (4, L)",
        True,
    ),
}


@pytest.mark.parametrize("name", list(BROKEN))
def test_a_broken_plugin_is_refused_in_one_line_before_any_run(name, bench, tmp_path, own_registry):
    family, body, says, probed = BROKEN[name]
    fitted = tmp_path / "fitted"
    plugin = tmp_path / f"{name}.py"
    fit = "" if name == "old_fit" else f"def fit(self, train, val, ctx):\n    Path({str(fitted)!r}).touch()\n"
    plugin.write_text(
        "import torch\nfrom pathlib import Path\nfrom suite import register_model\n\n\n"
        f'@register_model("{name}", family="{family}", kind="trainer", requires={{"input": "image"}})\n'
        "class Broken:\n"
        "    def __init__(self, input_shape):\n        pass\n" + textwrap.indent(fit + body, "    ")
    )
    out = tmp_path / "results"
    code, _, err = bench("run", f"digits_{name}", "--plugin", str(plugin), "--seeds", "0,", "--results", str(out), "--wandb", "disabled")
    assert code == 2
    assert err.count("\n") == 1 and err.startswith(f"bench: error: digits_{name}") and says in err, err
    # no record, no file (a breach found at evaluation leaves the task's empty directory: suite/runner.py's, not a run's)
    assert not list(store.iter_records(out)) and not [f for f in out.rglob("*") if f.is_file()]
    # a missing or uncallable method is refused before anything is built; a wrong output needs the probe's fit
    assert fitted.exists() == probed


def test_the_built_in_trainers_meet_their_contracts_and_the_vae_both():
    from tasks.generative import trainers as T
    from tasks.generative.contract import Autoencoding, Decoder, ExtraMetrics, Generation

    assert not breaches(T.VaeTrainer, Generation) and not breaches(T.VaeTrainer, Autoencoding)
    assert not breaches(T.GanTrainer, Generation) and breaches(T.GanTrainer, Autoencoding) == [
        "no method reconstruct(x)",
        "no method encode(x)",
    ]
    assert breaches(T.AutoencoderTrainer, Generation) == ["no method sample(n, generator)"]
    vae, dcgan = T.vae((1, 8, 8), latent_dim=4, hidden=8), T.dcgan((1, 8, 8), latent_dim=4, width=4)
    assert isinstance(vae, Decoder) and isinstance(vae, ExtraMetrics) and isinstance(dcgan, Decoder) and not isinstance(dcgan, ExtraMetrics)
    # the adversarial loss is the model's own declaration, not looked up by its name
    assert (dcgan.loss, T.wgan_gp((1, 8, 8)).loss, T.gan((1, 8, 8)).loss) == ("bce", "wgan_gp", "bce")
