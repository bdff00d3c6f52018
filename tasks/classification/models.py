"""Classifier networks as plain `nn.Module`s built from the problem's input shape and class count.

Every factory takes `(input_shape, num_classes, **keys)`; its keyword defaults are config keys
(`bench config digits_cnn`). Input shapes: (L,) for 1-D signals such as MNIST-1D, (C, H, W) for
images (8x8 digits, 28x28 MNIST, 3x32x32 CIFAR-10). Convolutional models use 1-D convolutions on
signals, the natural analogue (the MNIST-1D paper's CNN is 1-D), and 2-D ones on images.
"""

from __future__ import annotations

import math

import torch
from torch import nn

CONV = {1: nn.Conv1d, 2: nn.Conv2d}
MAXPOOL = {1: nn.MaxPool1d, 2: nn.MaxPool2d}


def layout(input_shape: tuple[int, ...]) -> tuple[int, int]:
    """(spatial dims, channels): a signal (L,) is 1-D with one channel, an image (C, H, W) is 2-D with C."""
    if len(input_shape) == 1:
        return 1, 1
    if len(input_shape) == 3:
        return 2, input_shape[0]
    raise ValueError(f"expected a signal (L,) or an image (C, H, W), got input shape {input_shape}")


class AddChannel(nn.Module):
    """(N, L) signals → (N, 1, L), so 1-D convolutions see one input channel; images pass unchanged."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.unsqueeze(1) if x.dim() == 2 else x


def flat_size(features: nn.Module, input_shape: tuple[int, ...]) -> int:
    """Features per sample after `features`, found by running one zero input (no shape arithmetic to get wrong)."""
    with torch.no_grad():
        return features(torch.zeros(1, *input_shape)).numel()


def logreg(input_shape: tuple[int, ...], num_classes: int) -> nn.Module:
    """Multinomial logistic regression: one linear layer on the flattened input."""
    return nn.Sequential(nn.Flatten(), nn.Linear(math.prod(input_shape), num_classes))


def mlp(input_shape: tuple[int, ...], num_classes: int, hidden: int = 64, layers: int = 1, dropout: float = 0.0) -> nn.Module:
    """Flatten → `layers` × (Linear(hidden) → ReLU → Dropout) → Linear(classes); 64 hidden as in the classic 784-64-10."""
    blocks: list[nn.Module] = [nn.Flatten()]
    width = math.prod(input_shape)
    for _ in range(layers):
        blocks += [nn.Linear(width, hidden), nn.ReLU(), nn.Dropout(dropout)]
        width = hidden
    return nn.Sequential(*blocks, nn.Linear(width, num_classes))


def cnn(input_shape: tuple[int, ...], num_classes: int, width: int = 32, fc: int = 128, dropout: float = 0.0) -> nn.Module:
    """The classic handwritten-digit CNN: conv3 `width` → pool → conv3 2·`width` → pool → FC `fc` → FC classes.

    32/64 channels and FC 128 as in the Keras MNIST example; padding 1 keeps 8x8 digits big enough for two poolings.
    """
    dims, channels = layout(input_shape)
    conv, pool = CONV[dims], MAXPOOL[dims]
    features = nn.Sequential(
        AddChannel(),
        conv(channels, width, 3, padding=1),
        nn.ReLU(),
        pool(2),  # (N, width, H/2, W/2) or (N, width, L/2)
        conv(width, 2 * width, 3, padding=1),
        nn.ReLU(),
        pool(2),  # (N, 2·width, H/4, W/4)
        nn.Flatten(),
    )
    head = nn.Sequential(nn.Linear(flat_size(features, input_shape), fc), nn.ReLU(), nn.Dropout(dropout), nn.Linear(fc, num_classes))
    return nn.Sequential(features, head)


def cnn_dropout(
    input_shape: tuple[int, ...], num_classes: int, width: int = 32, fc: int = 128, dropout_conv: float = 0.25, dropout: float = 0.5
) -> nn.Module:
    """The PyTorch MNIST example: conv3 32 → conv3 64 → max-pool → dropout 0.25 → FC 128 → dropout 0.5 → FC classes.

    Unpadded convolutions as in the example (28 → 26 → 24 → pool 12, so FC 9216 → 128 on MNIST).
    """
    dims, channels = layout(input_shape)
    conv = CONV[dims]
    features = nn.Sequential(
        AddChannel(),
        conv(channels, width, 3),
        nn.ReLU(),
        conv(width, 2 * width, 3),
        nn.ReLU(),
        MAXPOOL[dims](2),
        nn.Dropout(dropout_conv),
        nn.Flatten(),
    )
    head = nn.Sequential(nn.Linear(flat_size(features, input_shape), fc), nn.ReLU(), nn.Dropout(dropout), nn.Linear(fc, num_classes))
    return nn.Sequential(features, head)


def lenet5(input_shape: tuple[int, ...], num_classes: int) -> nn.Module:
    """LeNet-5 (LeCun et al. 1998): conv5 6 → avg-pool → conv5 16 → avg-pool → FC 120 → FC 84 → FC classes, tanh.

    The original reads 32x32; smaller images get padding 2 in the first convolution (28x28 MNIST, as
    is customary) and also in the second when below 16 pixels, so 8x8 digits keep a 2x2 map.
    """
    dims, channels = layout(input_shape)
    if dims != 2:
        raise ValueError(f"lenet5 reads images (C, H, W), got input shape {input_shape}")
    side = min(input_shape[1:])
    features = nn.Sequential(
        nn.Conv2d(channels, 6, 5, padding=2 if side < 32 else 0),
        nn.Tanh(),
        nn.AvgPool2d(2),  # (N, 6, 14, 14) on MNIST and CIFAR-10
        nn.Conv2d(6, 16, 5, padding=2 if side < 16 else 0),
        nn.Tanh(),
        nn.AvgPool2d(2),  # (N, 16, 5, 5)
        nn.Flatten(),
    )
    head = nn.Sequential(
        nn.Linear(flat_size(features, input_shape), 120), nn.Tanh(), nn.Linear(120, 84), nn.Tanh(), nn.Linear(84, num_classes)
    )
    return nn.Sequential(features, head)


class SignalGRU(nn.Module):
    """A GRU reads the signal one value per time step; every step's output feeds one linear classifier."""

    def __init__(self, length: int, num_classes: int, hidden: int, bidirectional: bool) -> None:
        super().__init__()
        self.gru = nn.GRU(1, hidden, batch_first=True, bidirectional=bidirectional)
        self.linear = nn.Linear(length * hidden * (2 if bidirectional else 1), num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.gru(x.unsqueeze(-1))  # (N, L, 1) → (N, L, dirs·hidden)
        return self.linear(out.flatten(1))  # (N, L·dirs·hidden) → (N, classes)


def gru(input_shape: tuple[int, ...], num_classes: int, hidden: int = 6, bidirectional: bool = True) -> nn.Module:
    """Sequence classifier for 1-D signals; 6 hidden units each way as in the MNIST-1D paper (≈5k parameters)."""
    if len(input_shape) != 1:
        raise ValueError(f"gru reads 1-D signals (L,), got input shape {input_shape}")
    return SignalGRU(input_shape[0], num_classes, hidden, bidirectional)
