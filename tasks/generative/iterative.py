"""What the two iterative generators share (ddpm.py, flow_matching.py): the training loop, not the model.

A subclass says how a clean batch becomes a loss (`loss`) and how noise becomes images in `steps`
network evaluations (`solve`); this base trains the shared UNet (unet.py) with Adam on the run's
device, keeps an exponential moving average of its weights (the network every paper samples from),
and selects the kept weights on the family's validation FD: every `eval_every` epochs the EMA network
samples judge.n images from fixed noise (seed VAL_SEED, never the evaluation's) with the configured
sampler, `ctx.judge.fd` measures them against the train features and the best epoch's EMA weights
are kept, as the GANs' per-epoch val/fd does. Those weights are saved in the run directory
(`keep_weights`, suite/weights.py) so that scripts/fd_vs_steps.py can sample them again.

This module imports torch only inside functions: the catalog imports the models that subclass it.
"""

from __future__ import annotations

import copy
import time
from typing import Any

VAL_SEED = 1234  # the fixed noise of the per-epoch val/fd (the GANs' z_val seed)
SAMPLE_BATCH = 1000  # images per solver pass: bounded memory for 28x28


class IterativeGenerator:
    """A UNet trained by a subclass's loss and sampled by its solver (Generation contract; contract.SamplingCost)."""

    def __init__(
        self, input_shape: tuple[int, ...], width: int, attention: bool, steps: int, ema: float, eval_every: int, keep_weights: bool
    ) -> None:
        from tasks.generative.unet import UNet

        self.shape = tuple(input_shape)  # (C, H, W)
        self.net = UNet(self.shape[0], width, attention)
        self.steps, self.ema, self.eval_every, self.keep_weights = steps, ema, eval_every, keep_weights
        self.device = "cpu"

    # -- what a subclass defines ------------------------------------------------------------------

    def loss(self, net: Any, x: Any, gen: Any) -> Any:
        """x (B, C, H, W) in [-1, 1] -> scalar training loss, every random draw from `gen` (on x's device)."""
        raise NotImplementedError

    def solve(self, net: Any, noise: Any, gen: Any) -> Any:
        """noise (B, C, H, W) ~ N(0, I) -> images (B, C, H, W) in about [-1, 1], in `nfe` network evaluations."""
        raise NotImplementedError

    @property
    def nfe(self) -> int:
        """Network evaluations per sample (contract.SamplingCost)."""
        return self.steps

    # -- the contract ------------------------------------------------------------------------------

    def fit(self, train: Any, val: Any, ctx: Any) -> None:
        import torch

        from suite import weights
        from suite.errors import Diverged

        run, cfg, judge = ctx.run, ctx.run.config, ctx.judge
        self.device = run.device
        net = self.net.to(self.device).train()
        ema = copy.deepcopy(net).eval().requires_grad_(False)
        opt = torch.optim.Adam(net.parameters(), lr=cfg.lr, betas=(cfg.beta1, cfg.beta2))
        gen = torch.Generator(self.device).manual_seed(run.seed)  # batch order and training noise
        x = train.to(self.device) * 2 - 1  # (N, C, H, W) in [-1, 1], the scale both papers train on
        best, best_state, kept, bad, step = float("inf"), None, 0, 0, 0
        t0 = time.perf_counter()
        for epoch in range(1, cfg.max_epochs + 1):
            total = 0.0
            for idx in torch.randperm(len(x), generator=gen, device=self.device).split(cfg.batch_size):
                loss = self.loss(net, x[idx], gen)
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
                step += 1
                decay = min(self.ema, (1 + step) / (10 + step))  # warm-up: a short run is not the average of its random init
                with torch.no_grad():
                    for pe, p in zip(ema.parameters(), net.parameters(), strict=True):
                        pe.lerp_(p, 1 - decay)
                total += float(loss.detach()) * len(idx)
            run.log("train/loss", total / len(x), epoch)
            if total != total or abs(total) == float("inf"):
                raise Diverged(f"training loss is {total} at epoch {epoch}")
            if judge is None or (epoch % self.eval_every and epoch != cfg.max_epochs):
                continue
            self.net = ema
            fd = judge.fd(self.sample(judge.n, torch.Generator().manual_seed(VAL_SEED)))
            run.log("val/fd", fd, epoch)
            if fd < best:
                best, best_state, kept, bad = fd, copy.deepcopy(ema.state_dict()), epoch, 0
            else:
                bad += 1
                if cfg.early_stopping_patience and bad >= cfg.early_stopping_patience:
                    break
        if best_state is not None:
            ema.load_state_dict(best_state)
        self.net = ema
        run.resources["throughput"] = step * cfg.batch_size / max(time.perf_counter() - t0, 1e-9)
        run.resources["params"] = sum(p.numel() for p in net.parameters())
        run.info.update(steps=step, epochs=epoch, kept_epoch=kept or epoch)
        weights.save(run, ema)  # only when the run's keep_weights is on

    def sample(self, n: int, generator: Any) -> Any:  # -> (n, C, H, W) in [0, 1]
        import torch

        out = []
        with torch.no_grad():
            for size in [SAMPLE_BATCH] * (n // SAMPLE_BATCH) + [n % SAMPLE_BATCH] * bool(n % SAMPLE_BATCH):
                noise = torch.randn(size, *self.shape, generator=generator).to(self.device)  # drawn on the CPU: any device, same noise
                out.append(self.solve(self.net, noise, generator).clamp(-1, 1).add(1).div(2).cpu())
        return torch.cat(out)

    def load(self, state: dict[str, Any]) -> None:
        """Weights a run kept (suite/weights.py) into the sampling network."""
        self.net.load_state_dict(state)
        self.net.eval()
