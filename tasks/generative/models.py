"""Generators, discriminators and autoencoders as plain `nn.Module`s built from the problem's input shape.

The networks only; how they are trained (the adversarial game, the (variational) autoencoder loss) and
what the family calls (fit, sample, reconstruct, encode) are in trainers.py. Shapes:
- GANs: `nn.ModuleDict(generator=G, discriminator=D)`, G(z (B, latent_dim)) -> (B, *shape) in [0, 1],
  G has `latent_dim`; D(x) -> (B,) logits (or critic scores).
- autoencoders: `encode(x) -> (B, latent)` and `decode(z) -> (B, *shape) logits`; the VAE's `encode`
  returns (mu, logvar).

Pixels are in [0, 1] everywhere, so generators end in a sigmoid (DCGAN's tanh would need [-1, 1] data).
Conv models need H and W divisible by 4 (8x8 digits: 2x2 bottleneck, 28x28 MNIST: 7x7).
"""

from __future__ import annotations

import math

from torch import nn


class Reshape(nn.Module):
    def __init__(self, *shape: int) -> None:
        super().__init__()
        self.shape = shape

    def forward(self, x):
        return x.reshape(len(x), *self.shape)


class Generator(nn.Module):
    def __init__(self, net: nn.Module, latent_dim: int) -> None:
        super().__init__()
        self.net, self.latent_dim = net, latent_dim

    def forward(self, z):  # (B, latent_dim) -> (B, *shape)
        return self.net(z)


# -- GANs --------------------------------------------------------------------------------------------


def gan(input_shape: tuple[int, ...], latent_dim: int = 64, hidden: int = 256) -> nn.ModuleDict:
    """Goodfellow et al. 2014: MLP generator and discriminator (LeakyReLU instead of maxout, as is usual today)."""
    n = math.prod(input_shape)
    g = nn.Sequential(
        nn.Linear(latent_dim, hidden),
        nn.LeakyReLU(0.2),
        nn.Linear(hidden, hidden),
        nn.LeakyReLU(0.2),
        nn.Linear(hidden, n),
        nn.Sigmoid(),
        Reshape(*input_shape),
    )
    d = nn.Sequential(
        nn.Flatten(),
        nn.Linear(n, hidden),
        nn.LeakyReLU(0.2),
        nn.Linear(hidden, hidden),
        nn.LeakyReLU(0.2),
        nn.Linear(hidden, 1),
        nn.Flatten(0),
    )
    return nn.ModuleDict({"generator": Generator(g, latent_dim), "discriminator": d})


def _conv_generator(input_shape, latent_dim: int, width: int) -> Generator:
    c, h, w = input_shape
    g = nn.Sequential(
        nn.Linear(latent_dim, 4 * width * (h // 4) * (w // 4)),
        Reshape(4 * width, h // 4, w // 4),
        nn.BatchNorm2d(4 * width),
        nn.ReLU(),
        nn.ConvTranspose2d(4 * width, 2 * width, 4, 2, 1),  # (B, 2w, h/2, w/2)
        nn.BatchNorm2d(2 * width),
        nn.ReLU(),
        nn.ConvTranspose2d(2 * width, c, 4, 2, 1),  # (B, c, h, w)
        nn.Sigmoid(),
    )
    return Generator(g, latent_dim)


def _conv_critic(input_shape, width: int, batchnorm: bool) -> nn.Module:
    c, h, w = input_shape
    return nn.Sequential(
        nn.Conv2d(c, 2 * width, 4, 2, 1),  # (B, 2w, h/2, w/2)
        nn.LeakyReLU(0.2),
        nn.Conv2d(2 * width, 4 * width, 4, 2, 1),  # (B, 4w, h/4, w/4)
        nn.BatchNorm2d(4 * width) if batchnorm else nn.Identity(),
        nn.LeakyReLU(0.2),
        nn.Flatten(),
        nn.Linear(4 * width * (h // 4) * (w // 4), 1),
        nn.Flatten(0),
    )


def dcgan(input_shape: tuple[int, ...], latent_dim: int = 64, width: int = 32) -> nn.ModuleDict:
    """Radford et al. 2016: transposed-conv G with BatchNorm/ReLU, strided-conv D with LeakyReLU (two stages for small images)."""
    return nn.ModuleDict(
        {"generator": _conv_generator(input_shape, latent_dim, width), "discriminator": _conv_critic(input_shape, width, True)}
    )


def wgan_gp(input_shape: tuple[int, ...], latent_dim: int = 64, width: int = 32) -> nn.ModuleDict:
    """Gulrajani et al. 2017: the DCGAN generator against a critic without BatchNorm (the penalty is per sample)."""
    return nn.ModuleDict(
        {"generator": _conv_generator(input_shape, latent_dim, width), "discriminator": _conv_critic(input_shape, width, False)}
    )


# -- autoencoders ------------------------------------------------------------------------------------


class Autoencoder(nn.Module):
    def __init__(self, encoder: nn.Module, decoder: nn.Module, latent_dim: int) -> None:
        super().__init__()
        self.encoder, self.decoder, self.latent_dim = encoder, decoder, latent_dim

    def encode(self, x):  # (B, *shape) -> (B, latent)
        return self.encoder(x)

    def decode(self, z):  # (B, latent) -> (B, *shape) logits
        return self.decoder(z)


class VAE(Autoencoder):
    """Kingma & Welling 2014: Gaussian q(z|x), N(0, I) prior, Bernoulli p(x|z) (logits)."""

    def encode(self, x):  # (B, *shape) -> mu (B, latent), logvar (B, latent)
        mu, logvar = self.encoder(x).chunk(2, dim=1)
        return mu, logvar.clamp(-12, 8)  # keeps exp() finite early in training


def _mlp_pair(input_shape, latent_out: int, latent_dim: int, hidden: int):
    n = math.prod(input_shape)
    enc = nn.Sequential(nn.Flatten(), nn.Linear(n, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, latent_out))
    dec = nn.Sequential(
        nn.Linear(latent_dim, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, n), Reshape(*input_shape)
    )
    return enc, dec


def ae(input_shape: tuple[int, ...], latent_dim: int = 16, hidden: int = 256) -> Autoencoder:
    """MLP autoencoder, two hidden layers each side; 16 latents = a 4x compression of 8x8 digits."""
    return Autoencoder(*_mlp_pair(input_shape, latent_dim, latent_dim, hidden), latent_dim)


def vae(input_shape: tuple[int, ...], latent_dim: int = 16, hidden: int = 256) -> VAE:
    """MLP VAE with the same body as `ae`, so the two differ only by the probabilistic bottleneck."""
    return VAE(*_mlp_pair(input_shape, 2 * latent_dim, latent_dim, hidden), latent_dim)


def conv_ae(input_shape: tuple[int, ...], latent_dim: int = 16, width: int = 32) -> Autoencoder:
    """Strided-conv encoder, transposed-conv decoder around a linear bottleneck."""
    c, h, w = input_shape
    flat = 2 * width * (h // 4) * (w // 4)
    enc = nn.Sequential(
        nn.Conv2d(c, width, 3, 2, 1),  # (B, w, h/2, w/2)
        nn.ReLU(),
        nn.Conv2d(width, 2 * width, 3, 2, 1),  # (B, 2w, h/4, w/4)
        nn.ReLU(),
        nn.Flatten(),
        nn.Linear(flat, latent_dim),
    )
    dec = nn.Sequential(
        nn.Linear(latent_dim, flat),
        Reshape(2 * width, h // 4, w // 4),
        nn.ReLU(),
        nn.ConvTranspose2d(2 * width, width, 4, 2, 1),
        nn.ReLU(),
        nn.ConvTranspose2d(width, c, 4, 2, 1),  # (B, c, h, w) logits
    )
    return Autoencoder(enc, dec, latent_dim)
