"""A small UNet shared by the iterative generators (ddpm.py, flow_matching.py): what to move a noisy image by, given the time.

    net(x, t): x (B, C, H, W), t (B,) in [0, 1] -> (B, C, H, W)

The parts of Ho et al. 2020's network (their Appendix B), scaled to 8x8 and 28x28 images: a sinusoidal
time embedding through an MLP, residual blocks with GroupNorm and SiLU that add the embedding, one
downsampling level (8 -> 4, 28 -> 14; a second level would leave 2x2 digits), self-attention at the
low resolution when asked, and a skip connection around the bottleneck. ε-prediction (DDPM) and
velocity prediction (flow matching) are the same network; only the loss and the sampler differ.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

GROUPS = 8  # GroupNorm groups: widths are multiples of 8


def time_embedding(t: torch.Tensor, dim: int) -> torch.Tensor:
    """t (B,) in [0, 1] -> (B, dim) sines and cosines at geometric frequencies (Vaswani et al. 2017; Ho et al. 2020).
    t is scaled by 1000 so the frequencies match those of integer timesteps 0..999."""
    half = dim // 2
    freqs = torch.exp(-math.log(10_000.0) * torch.arange(half, device=t.device, dtype=torch.float32) / half)  # (half,)
    args = 1000.0 * t.float()[:, None] * freqs[None]  # (B, half)
    return torch.cat([args.sin(), args.cos()], dim=1)


class ResBlock(nn.Module):
    """GroupNorm-SiLU-conv twice, the time embedding added in between, plus a (1x1-projected) identity."""

    def __init__(self, cin: int, cout: int, tdim: int) -> None:
        super().__init__()
        self.norm1, self.conv1 = nn.GroupNorm(GROUPS, cin), nn.Conv2d(cin, cout, 3, padding=1)
        self.time = nn.Linear(tdim, cout)
        self.norm2, self.conv2 = nn.GroupNorm(GROUPS, cout), nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x: torch.Tensor, temb: torch.Tensor) -> torch.Tensor:  # (B, cin, H, W), (B, tdim) -> (B, cout, H, W)
        h = self.conv1(F.silu(self.norm1(x)))
        h = h + self.time(temb)[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        return h + self.skip(x)


class Attention(nn.Module):
    """Single-head self-attention over the H*W positions, residual (Ho et al. use it at 16x16)."""

    def __init__(self, c: int) -> None:
        super().__init__()
        self.norm, self.qkv, self.proj = nn.GroupNorm(GROUPS, c), nn.Conv2d(c, 3 * c, 1), nn.Conv2d(c, c, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, C, H, W) -> same
        b, c, h, w = x.shape
        q, k, v = self.qkv(self.norm(x)).flatten(2).transpose(1, 2).chunk(3, dim=2)  # (B, HW, C) each
        out = F.scaled_dot_product_attention(q, k, v)  # (B, HW, C)
        return x + self.proj(out.transpose(1, 2).reshape(b, c, h, w))


class UNet(nn.Module):
    """channels -> width -> (down) 2*width bottleneck -> (up, skip) width -> channels."""

    def __init__(self, channels: int, width: int = 32, attention: bool = False) -> None:
        super().__init__()
        tdim, self.width = 4 * width, width
        self.temb = nn.Sequential(nn.Linear(width, tdim), nn.SiLU(), nn.Linear(tdim, tdim))
        self.inp = nn.Conv2d(channels, width, 3, padding=1)
        self.down = ResBlock(width, width, tdim)
        self.downsample = nn.Conv2d(width, 2 * width, 3, stride=2, padding=1)
        self.mid1, self.mid2 = ResBlock(2 * width, 2 * width, tdim), ResBlock(2 * width, 2 * width, tdim)
        self.attn = Attention(2 * width) if attention else nn.Identity()
        self.upsample = nn.Conv2d(2 * width, width, 3, padding=1)
        self.up = ResBlock(2 * width, width, tdim)
        self.out = nn.Sequential(nn.GroupNorm(GROUPS, width), nn.SiLU(), nn.Conv2d(width, channels, 3, padding=1))
        nn.init.zeros_(self.out[-1].weight)  # starts by predicting 0: the loss begins at the target's variance
        nn.init.zeros_(self.out[-1].bias)

    def forward(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:  # (B, C, H, W), (B,) -> (B, C, H, W)
        temb = self.temb(time_embedding(t, self.width))  # (B, 4w)
        skip = self.down(self.inp(x), temb)  # (B, w, H, W)
        h = self.mid1(self.downsample(skip), temb)  # (B, 2w, ceil(H/2), ceil(W/2))
        h = self.mid2(self.attn(h), temb)
        h = F.interpolate(h, scale_factor=2.0, mode="nearest")[..., : x.shape[2], : x.shape[3]]  # (B, 2w, H, W)
        h = self.up(torch.cat([self.upsample(h), skip], dim=1), temb)  # (B, w, H, W)
        return self.out(h)
