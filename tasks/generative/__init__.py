"""Generation and autoencoding: the catalog. Names only; the code lives in the modules named by each target.

Every model is a trainer of the family contracts (contract.py: fit, then sample / reconstruct and encode);
the built-ins are in trainers.py, registered here by name, as a plug-in's would be with the decorator
(plugin_example.py, plugin_example_ae.py; `bench contract generation`).

Problems are the classification catalog's image problems (`digits`, and `mnist`/`fashion_mnist`
when registered there): their ProblemSpecs list these two families and carry their refs, because a
problem name is registered once. The runner loads the classification data and ignores labels except
for the linear probe and the domain feature extractor (see features.py, judge.py).

    bench run digits_gan digits_dcgan digits_wgan_gp digits_ae digits_conv_ae digits_vae --seeds 3
"""

from suite.registry import REGISTRY, Family, ModelSpec
from suite.tuning.space import register_space

_HERE = "tasks.generative"

# gen/fd_normalized: 0 = the real test split's own distance to train, 1 = pixel-noise generator (judge.py).
# In a problem's refs put {"random": 1.0, "reference": 0.0} so the report's normalised score is 1 - it.
GENERATION_REFS = {"random": 1.0, "reference": 0.0}

REGISTRY.add_family(
    Family(
        name="generation",
        runner=f"{_HERE}.runner:run",
        config=f"{_HERE}.config:GanConfig",
        primary_metric="gen/fd_normalized",
        higher_is_better=False,
        # Two epochs cannot make a GAN converge: smoke tests the pipeline, not the collapse detector.
        presets={"smoke": {"max_epochs": 2, "early_stopping_patience": 0, "collapse_check": False}},
        description="generative models judged on the problem's own classifier features: Fréchet distance scaled "
        "so 0 = real data and 1 = pixel noise; also KID, k-NN precision/recall, class coverage",
        curve_metric="val/fd",
        # beside the primary FD: the other sample-quality measures, and what sampling costs (judge.py, runner.py)
        board_metrics=(
            {"metric": "gen/kid", "label": "KID", "help": "kernel inception distance (unbiased MMD², cubic kernel) on the same features"},
            {
                "metric": "gen/precision",
                "label": "precision",
                "help": "share of samples inside the k-NN balls (k = 3) of real train features (Kynkäänniemi et al. 2019): fidelity",
            },
            {"metric": "gen/recall", "label": "recall", "help": "share of real features inside the samples' k-NN balls: coverage"},
            {"metric": "gen/nfe", "label": "NFE", "help": "network evaluations per sample (1 for a one-pass generator)"},
            {
                "metric": "gen/sample_s_per_1000",
                "label": "s/1k samples",
                "agg": "median",
                # records older than the metric got it afterwards from scripts/sampling_cost.py, on another machine
                "help": "seconds to draw 1,000 samples on the machine that ran it, timed around sample() "
                "(records older than the metric: measured afterwards, info.sampling_cost names the machine)",
            },
        ),
        contract=f"{_HERE}.contract:Generation",
        example=f"{_HERE}:plugin_example.py",
        probe=f"{_HERE}.probe:generation",
    )
)

REGISTRY.add_family(
    Family(
        name="autoencoding",
        runner=f"{_HERE}.runner:run",
        config=f"{_HERE}.config:AutoencoderConfig",
        primary_metric="test/mse",
        higher_is_better=False,
        presets={"smoke": {"max_epochs": 2, "early_stopping_patience": 0, "iw_samples": 10}},
        description="autoencoders judged by test reconstruction MSE; also BCE, linear-probe accuracy on the codes, VAE ELBO and IW-NLL",
        curve_metric="val/mse",
        contract=f"{_HERE}.contract:Autoencoding",
        example=f"{_HERE}:plugin_example_ae.py",
        probe=f"{_HERE}.probe:autoencoding",
    )
)

# Standard budgets are per model: the `digits` problem's own standard preset (200 epochs, batch 32,
# patience 20) is tuned for classifiers and every key of it is overridden here. Epochs were chosen on
# digits (17 batches per epoch) where val/fd flattens: ~2.5k discriminator steps for the conv GANs,
# ~4k for the MLP GAN, each within the 5-minute budget on one CPU thread.
_GAN_STANDARD = {"batch_size": 64, "early_stopping_patience": 0}
_AE_STANDARD = {"max_epochs": 150, "batch_size": 64, "early_stopping_patience": 15}
_IMAGE = {"input": "image"}
# The 28x28 problems (optional: their files must be on disk). Smoke: a fixed 2000-image slice of each split, one epoch.
# mnist standard: a GPU-sized budget (55k images per epoch), untested on this CPU.
# fashion_mnist standard: at most 15 minutes per run on this 2-core CPU (one torch thread, other jobs on the
# machine: load 4-6). Epochs = what fits, from images/s measured on one epoch of a fixed 5000-image slice
# (`subset=5000 max_epochs=1`, per-epoch val/fd included) scaled to 55k images: gan 1,255 images/s (44 s per
# epoch), dcgan 181 (300 s), wgan_gp 167 (330 s), ae ~4,500 (12 s), conv_ae 1,070 (51 s), vae 2,640 (21 s).
# A budget, not a convergence point: the conv GANs get 2 epochs (1,700 discriminator steps at batch 64).
_VISION = ("mnist", "fashion_mnist")
FASHION_EPOCHS = {"gan": 15, "dcgan": 2, "wgan_gp": 2, "ae": 50, "conv_ae": 12, "vae": 30}


def _vision(name: str, epochs: int, **extra) -> dict:
    return {
        **{f"{p}/smoke": {"subset": 2000, "max_epochs": 1} for p in _VISION},
        "mnist/standard": {"max_epochs": epochs, "batch_size": 64, **extra},
        "fashion_mnist/standard": {"max_epochs": FASHION_EPOCHS[name], "batch_size": 64, **extra},
    }


for name, desc, presets in [
    (
        "gan",
        "Goodfellow et al. 2014: MLP generator and discriminator, non-saturating loss",
        # lr on the val split, best val/fd, mean of seeds 0-2: 0.025 at 1e-3 vs 0.307 at DCGAN's 2e-4.
        {"standard": {**_GAN_STANDARD, "max_epochs": 250, "lr": 1e-3}, **_vision("gan", 30)},
    ),
    (
        "dcgan",
        "Radford et al. 2016: transposed-conv generator, strided-conv discriminator with BatchNorm",
        {"standard": {**_GAN_STANDARD, "max_epochs": 150}, **_vision("dcgan", 20)},
    ),
    (
        "wgan_gp",
        "Gulrajani et al. 2017: DCGAN generator, BatchNorm-free critic, gradient penalty, 5 critic steps per G step",
        {
            # The paper's Adam (lr 1e-4, betas 0/0.9) and n_critic 5.
            "smoke": {"n_critic": 5, "lr": 1e-4, "beta1": 0.0, "beta2": 0.9},
            "standard": {**_GAN_STANDARD, "max_epochs": 200, "n_critic": 5, "lr": 1e-4, "beta1": 0.0, "beta2": 0.9},
            **_vision("wgan_gp", 40),
        },
    ),
]:
    REGISTRY.add_model(
        ModelSpec(
            name=name,
            families=("generation",),
            target=f"{_HERE}.trainers:{name}",
            description=desc,
            presets=presets,
            requires=_IMAGE,
            kind="trainer",
        )
    )

for name, families, desc in [
    ("ae", ("autoencoding",), "MLP autoencoder, 16-d code"),
    ("conv_ae", ("autoencoding",), "convolutional autoencoder, 16-d code"),
    ("vae", ("autoencoding", "generation"), "Kingma & Welling 2014: MLP VAE, Bernoulli decoder; ranked for reconstruction and generation"),
]:
    REGISTRY.add_model(
        ModelSpec(
            name=name,
            families=families,
            target=f"{_HERE}.trainers:{name}",
            description=desc,
            presets={"standard": _AE_STANDARD, **_vision(name, 30, early_stopping_patience=5)},
            requires=_IMAGE,
            kind="trainer",
        )
    )

# Through the public decorator, as a plug-in would come: diffusion (DDPM sampled with DDIM) and flow matching.
from tasks.generative import ddpm, flow_matching  # noqa: E402, F401

# `bench tune`: tasks/generative/space.py
register_space("generation", f"{_HERE}.space:GENERATION")
register_space("autoencoding", f"{_HERE}.space:AUTOENCODING")
