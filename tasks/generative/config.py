"""Training keys of the two generative families (`bench config digits_dcgan` prints them with values).

A task takes the config of its model's first family: GANs get `GanConfig`, autoencoders and the VAE
get `AutoencoderConfig` (the VAE is also ranked for generation with the same run).
"""

from __future__ import annotations

from dataclasses import dataclass

from suite.config import PRECISIONS, doc


@dataclass
class EvalConfig:
    subset: int = doc(0, "use at most this many samples of every split, a fixed subset; 0 = all (smoke runs on MNIST)", minimum=0)
    data_dir: str = doc("", "where downloaded datasets live; empty = $BENCH_DATA or ~/.cache/benchsuite/data")
    inception_weights: str = doc(
        "",
        "path to a torch-fidelity Inception-v3 weights file (pt_inception-2015-12-05-*.pth); when set, gen/fid_inception is "
        "also computed. Never downloaded: empty = domain features only",
    )


@dataclass
class GanConfig(EvalConfig):
    max_epochs: int = doc(300, "passes over the train split; the weights with the best val/fd are kept", minimum=1, budget=True)
    batch_size: int = doc(64, "real samples per discriminator step (DCGAN's 128 is too coarse for 1078 digits)", minimum=1)
    lr: float = doc(2e-4, "Adam learning rate of G and D (DCGAN paper)", above=0)
    beta1: float = doc(0.5, "Adam beta1; 0.5 (DCGAN) damps the oscillation that 0.9 causes in the minimax game", minimum=0, below=1)
    beta2: float = doc(0.999, "Adam beta2", minimum=0, below=1)
    n_critic: int = doc(1, "discriminator steps per generator step (5 for wgan_gp, as in Gulrajani et al.)", minimum=1)
    gp_weight: float = doc(10.0, "gradient-penalty weight lambda; wgan_gp only", minimum=0)
    early_stopping_patience: int = doc(0, "stop after this many epochs without a better val/fd; 0 = train all epochs", minimum=0)
    collapse_check: bool = doc(True, "mark the run diverged when the samples collapse to (nearly) one class or one image")
    precision: str = doc("32-true", "Lightning precision", choices=PRECISIONS)


@dataclass
class AutoencoderConfig(EvalConfig):
    max_epochs: int = doc(100, "epochs at most; early stopping on val/loss may end sooner", minimum=1, budget=True)
    batch_size: int = doc(64, "samples per optimizer step", minimum=1)
    lr: float = doc(1e-3, "Adam learning rate (Adam's default)", above=0)
    recon_loss: str = doc("bce", "training reconstruction loss: bce (Bernoulli likelihood, as the VAE) or mse", choices=("bce", "mse"))
    kl_weight: float = doc(1.0, "weight of the KL term; vae only (1 = the true ELBO, beta-VAE otherwise)", minimum=0)
    iw_samples: int = doc(100, "importance samples for the VAE's test NLL estimate (Burda et al.)", minimum=1)
    early_stopping_patience: int = doc(15, "stop after this many epochs without a better val/loss; 0 = off (best weights kept)", minimum=0)
    precision: str = doc("32-true", "Lightning precision", choices=PRECISIONS)
