"""What `bench tune` varies for the two generative families, in their own config keys.

generation (gan, dcgan, wgan_gp, ddpm, flow_matching): the objective is val/fd, the domain-feature Fréchet distance of
samples from fixed latents to the train split, of the epoch whose weights are kept. The test split
is never generated against in a trial: the run ends where the judged evaluation would start.
Ranges: Adam's rate and beta1 around the DCGAN paper's 2e-4 and 0.5 (Radford et al. 2016), and
Gulrajani et al.'s n_critic 5 and lambda 10 inside wgan_gp's own ranges. ddpm and flow_matching log
val/fd every `eval_every` epochs from the EMA weights and keep the best (tasks/generative/iterative.py).

autoencoding (ae, conv_ae, vae): the objective is val/mse, the pixel reconstruction error, because
it means the same whatever else a trial sets; val/loss would not (a VAE's kl_weight or an AE's
recon_loss change what the loss is), so those keys are not searched.
"""

from suite.tuning.space import Space, categorical, integer, loguniform

GENERATION = Space(
    objective="val/fd",
    direction="minimize",
    skip_test=True,
    params={
        "lr": loguniform(5e-5, 1e-3),
        "beta1": categorical(0.0, 0.5, 0.9),
        "batch_size": categorical(32, 64, 128),
    },
    models={
        "gan": {"latent_dim": categorical(32, 64, 128), "hidden": categorical(128, 256, 512)},
        "dcgan": {"latent_dim": categorical(32, 64, 128), "width": categorical(16, 32, 64)},
        "wgan_gp": {"width": categorical(16, 32, 64), "n_critic": integer(1, 5), "gp_weight": loguniform(1.0, 30.0)},
        # the iterative samplers: the network's size and the weight average; the sampler (steps, solver, eta) is held at
        # the preset's, since val/fd at equal sampling cost is what a trial should compare
        "ddpm": {"width": categorical(16, 32, 64), "ema": categorical(0.99, 0.999, 0.9999), "schedule": categorical("linear", "cosine")},
        "flow_matching": {"width": categorical(16, 32, 64), "ema": categorical(0.99, 0.999, 0.9999)},
    },
    source="family defaults in tasks/generative/space.py",
)

AUTOENCODING = Space(
    objective="val/mse",
    direction="minimize",
    skip_test=True,
    params={"lr": loguniform(1e-4, 3e-3), "batch_size": categorical(32, 64, 128)},
    models={
        "ae": {"latent_dim": categorical(8, 16, 32), "hidden": categorical(128, 256, 512)},
        "vae": {"latent_dim": categorical(8, 16, 32), "hidden": categorical(128, 256, 512)},
        "conv_ae": {"latent_dim": categorical(8, 16, 32), "width": categorical(16, 32, 64)},
    },
    source="family defaults in tasks/generative/space.py",
)
