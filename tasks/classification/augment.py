"""Batch augmentation on tensors: random crop after padding (a random shift) and random horizontal flip.

Done on the whole batch in the training step, so it costs two indexing operations instead of a
per-sample Python transform pipeline, and runs on the GPU when there is one.
"""

from __future__ import annotations

import torch
from torch.nn import functional as F


def pad_for(input_shape: tuple[int, ...]) -> int:
    """Shift range: 1/8 of the side, i.e. CIFAR-10's customary 4 pixels on 32, 3 on 28, 1 on 8, 5 on a 40-long signal."""
    return max(1, input_shape[-1] // 8)


def random_crop(x: torch.Tensor, pad: int) -> torch.Tensor:
    """Shift every sample by up to ±pad along each spatial axis; borders repeat the edge pixel (background for digits).

    x: (N, C, H, W) images or (N, L) signals; returns the same shape.
    """
    n = x.shape[0]
    if x.dim() == 2:  # (N, L)
        padded = F.pad(x.unsqueeze(1), (pad, pad), mode="replicate").squeeze(1)  # (N, L + 2·pad)
        start = torch.randint(0, 2 * pad + 1, (n, 1), device=x.device)
        return padded.gather(1, start + torch.arange(x.shape[1], device=x.device))
    _, c, h, w = x.shape
    padded = F.pad(x, (pad, pad, pad, pad), mode="replicate")  # (N, C, H + 2·pad, W + 2·pad)
    rows = torch.randint(0, 2 * pad + 1, (n, 1), device=x.device) + torch.arange(h, device=x.device)  # (N, H)
    cols = torch.randint(0, 2 * pad + 1, (n, 1), device=x.device) + torch.arange(w, device=x.device)  # (N, W)
    i = torch.arange(n, device=x.device)[:, None, None, None]
    ch = torch.arange(c, device=x.device)[None, :, None, None]
    return padded[i, ch, rows[:, None, :, None], cols[:, None, None, :]]


def random_hflip(x: torch.Tensor) -> torch.Tensor:
    """Mirror half of the images left-right. x: (N, C, H, W)."""
    flip = torch.rand(x.shape[0], device=x.device) < 0.5
    return torch.where(flip[:, None, None, None], x.flip(-1), x)


def augment(x: torch.Tensor, pad: int, hflip: bool) -> torch.Tensor:
    x = random_crop(x, pad)
    return random_hflip(x) if hflip and x.dim() == 4 else x
