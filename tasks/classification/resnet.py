"""The small CIFAR ResNet of He et al. 2016 (section 4.2): 6n+2 layers, widths 16/32/64; n=3 is ResNet-20.

Global average pooling makes it indifferent to the image side (8x8 digits, 28x28 MNIST, 32x32 CIFAR-10).
Shortcuts that change shape use a 1x1 convolution (the paper's option B) rather than zero padding: simpler,
and a few hundred parameters more.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F


class BasicBlock(nn.Module):
    """conv3 → BN → ReLU → conv3 → BN, plus the input (projected when stride or width change), then ReLU."""

    def __init__(self, c_in: int, c_out: int, stride: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(c_in, c_out, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(c_out)
        self.conv2 = nn.Conv2d(c_out, c_out, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(c_out)
        self.shortcut = (
            nn.Identity()
            if stride == 1 and c_in == c_out
            else nn.Sequential(nn.Conv2d(c_in, c_out, 1, stride=stride, bias=False), nn.BatchNorm2d(c_out))
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


class CifarResNet(nn.Module):
    def __init__(self, channels: int, num_classes: int, blocks: int, width: int) -> None:
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(channels, width, 3, padding=1, bias=False), nn.BatchNorm2d(width), nn.ReLU())
        layers, c_in = [], width
        for stage in range(3):  # (N, w, H, W) → (N, 2w, H/2, W/2) → (N, 4w, H/4, W/4)
            c_out = width * 2**stage
            for i in range(blocks):
                layers.append(BasicBlock(c_in, c_out, stride=2 if stage > 0 and i == 0 else 1))
                c_in = c_out
        self.layers = nn.Sequential(*layers)
        self.head = nn.Linear(c_in, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.layers(self.stem(x))  # (N, 4w, H/4, W/4)
        return self.head(h.mean(dim=(2, 3)))  # global average pool → (N, classes)


def resnet(input_shape: tuple[int, ...], num_classes: int, blocks: int = 3, width: int = 16) -> nn.Module:
    """CIFAR ResNet-(6·blocks+2); the defaults give ResNet-20 (≈0.27M parameters), the paper's smallest."""
    if len(input_shape) != 3:
        raise ValueError(f"resnet reads images (C, H, W), got input shape {input_shape}")
    return CifarResNet(input_shape[0], num_classes, blocks, width)
