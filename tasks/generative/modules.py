"""Training modules (suite.backends.lightning.StepModule): the adversarial game (GAN, DCGAN, WGAN-GP) and (variational) autoencoder training.

Networks are plain modules from `models.py`; these wrappers hold only the losses and optimizers.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import nn

from suite.backends.lightning import StepModule
from suite.errors import Diverged


class GanModule(StepModule):
    """One discriminator step per batch, one generator step every `n_critic` batches (manual optimization).

    loss "bce": the non-saturating GAN loss (Goodfellow et al. 2014, §3); "wgan_gp": the Wasserstein
    critic loss with a gradient penalty on random interpolates (Gulrajani et al. 2017).
    `judge(samples)` -> FD on the domain features; it is logged as val/fd once per epoch for model selection.
    """

    def __init__(self, nets: nn.ModuleDict, cfg, loss: str, judge: Callable[[torch.Tensor], float] | None = None, n_val: int = 256) -> None:
        super().__init__()
        self.manual_optimization = True
        self.G, self.D = nets["generator"], nets["discriminator"]
        self.cfg, self.loss_kind, self.judge, self.n_val = cfg, loss, judge, n_val
        self.d_steps = 0
        # Fixed latents for the per-epoch FD: epochs are compared on the same z, so selection sees less noise.
        self.register_buffer(
            "z_val", torch.randn(n_val, self.G.latent_dim, generator=torch.Generator().manual_seed(1234)), persistent=False
        )

    def configure_optimizers(self):
        betas = (self.cfg.beta1, self.cfg.beta2)
        return [
            torch.optim.Adam(self.G.parameters(), lr=self.cfg.lr, betas=betas),
            torch.optim.Adam(self.D.parameters(), lr=self.cfg.lr, betas=betas),
        ]

    def _gradient_penalty(self, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
        eps = torch.rand(len(real), *[1] * (real.dim() - 1), device=real.device)  # (B, 1, 1, 1)
        mix = (eps * real + (1 - eps) * fake).requires_grad_(True)
        (grad,) = torch.autograd.grad(self.D(mix).sum(), mix, create_graph=True)
        return ((grad.flatten(1).norm(dim=1) - 1) ** 2).mean()

    def training_step(self, batch, batch_idx):
        (x,) = batch  # (B, *shape) real images; labels are not used
        opt_g, opt_d = self.optimizers()
        z = torch.randn(len(x), self.G.latent_dim, device=x.device)
        fake = self.G(z)  # (B, *shape)

        if self.loss_kind == "wgan_gp":
            d_loss = self.D(fake.detach()).mean() - self.D(x).mean() + self.cfg.gp_weight * self._gradient_penalty(x, fake.detach())
        else:
            d_real, d_fake = self.D(x), self.D(fake.detach())
            d_loss = F.binary_cross_entropy_with_logits(d_real, torch.ones_like(d_real)) + F.binary_cross_entropy_with_logits(
                d_fake, torch.zeros_like(d_fake)
            )
        opt_d.zero_grad(set_to_none=True)
        self.backward(d_loss)
        opt_d.step()
        self.d_steps += 1
        out = {"d_loss": d_loss.detach()}  # non-finite values are caught by the loop at the epoch's end

        if self.d_steps % self.cfg.n_critic == 0:
            d_out = self.D(fake)
            g_loss = -d_out.mean() if self.loss_kind == "wgan_gp" else F.binary_cross_entropy_with_logits(d_out, torch.ones_like(d_out))
            opt_g.zero_grad(set_to_none=True)
            self.backward(g_loss)
            opt_g.step()
            out["g_loss"] = g_loss.detach()
        return out

    def validation_step(self, batch, batch_idx):
        """val/fd of samples from fixed latents, once per epoch (the val images themselves are not needed)."""
        if self.judge is None or batch_idx > 0:
            return {}
        fake = self.G(self.z_val).float().cpu()
        if not torch.isfinite(fake).all():
            raise Diverged(f"generator produced non-finite samples at epoch {self.current_epoch + 1}")
        return {"fd": torch.tensor(self.judge(fake))}


class AutoencoderModule(StepModule):
    """Reconstruction loss, plus the KL term for a VAE (then val/loss is the negative ELBO per example, in nats)."""

    def __init__(self, net: nn.Module, cfg, variational: bool) -> None:
        super().__init__()
        self.net, self.cfg, self.variational = net, cfg, variational

    def configure_optimizers(self):
        return torch.optim.Adam(self.net.parameters(), lr=self.cfg.lr)

    def losses(self, x: torch.Tensor, with_mse: bool) -> dict[str, torch.Tensor]:
        """The loss (and its VAE terms); with `with_mse` the pixel MSE too, which training does not need."""
        if self.variational:
            mu, logvar = self.net.encode(x)  # (B, latent) each
            z = mu + torch.randn_like(mu) * (0.5 * logvar).exp()
            logits = self.net.decode(z)
            rec = F.binary_cross_entropy_with_logits(logits, x, reduction="sum") / len(x)  # -log p(x|z) per example
            kl = 0.5 * (mu.pow(2) + logvar.exp() - 1 - logvar).sum(1).mean()
            out = {"loss": rec + self.cfg.kl_weight * kl, "rec": rec, "kl": kl}
        else:
            logits = self.net.decode(self.net.encode(x))
            bce = self.cfg.recon_loss == "bce"
            out = {"loss": F.binary_cross_entropy_with_logits(logits, x) if bce else F.mse_loss(logits.sigmoid(), x)}
        if with_mse:
            out["mse"] = F.mse_loss(logits.sigmoid(), x)
        return out

    def training_step(self, batch, batch_idx):
        return self.losses(batch[0], with_mse=False)  # a sigmoid and an MSE per step cost 10 % of a digits step

    def validation_step(self, batch, batch_idx):
        return self.losses(batch[0], with_mse=True)


@torch.no_grad()
def vae_elbo_and_nll(net: nn.Module, x: torch.Tensor, k: int, gen: torch.Generator) -> tuple[float, float]:
    """Test ELBO and importance-weighted NLL (Burda et al. 2016, k samples from q(z|x)), both per example in nats.

    log p(x) ≈ logmeanexp_k [log p(x|z_k) + log p(z_k) - log q(z_k|x)], z_k ~ q(z|x); the bound tightens with k.
    """
    elbos, nlls = [], []
    log2pi = math.log(2 * math.pi)
    for xb in x.split(64):
        mu, logvar = net.encode(xb)  # (B, L)
        std = (0.5 * logvar).exp()
        eps = torch.randn(k, *mu.shape, generator=gen)  # (k, B, L)
        z = mu + eps * std
        logits = net.decode(z.flatten(0, 1)).reshape(k, len(xb), -1)  # (k, B, D)
        target = xb.flatten(1).expand(k, -1, -1)
        log_px_z = -F.binary_cross_entropy_with_logits(logits, target, reduction="none").sum(-1)  # (k, B)
        log_pz = -0.5 * (z.pow(2) + log2pi).sum(-1)
        log_qz = -0.5 * (eps.pow(2) + log2pi + logvar).sum(-1)
        log_w = log_px_z + log_pz - log_qz  # (k, B)
        elbos.append(log_w.mean(0))
        nlls.append(-(torch.logsumexp(log_w, 0) - math.log(k)))
    return float(torch.cat(elbos).mean()), float(torch.cat(nlls).mean())
