"""The built-in classifiers' own config keys, with the one-line help `bench config TASK` prints.

Each dataclass mirrors the keyword defaults of its factory in models.py / resnet.py (a test checks
they agree); the runner passes its fields to the factory by name.
"""

from __future__ import annotations

from dataclasses import dataclass

from suite.config import doc


@dataclass
class MLPConfig:
    hidden: int = doc(64, "units per hidden layer; 64 as in the classic 784-64-10 network", minimum=1)
    layers: int = doc(1, "hidden layers; 0 = a linear classifier", minimum=0)
    dropout: float = doc(0.0, "dropout after each hidden layer", minimum=0, below=1)


@dataclass
class CNNConfig:
    width: int = doc(32, "channels of the first convolution; the second has twice as many (32/64 as in the classic CNN)", minimum=1)
    fc: int = doc(128, "units of the hidden fully connected layer", minimum=1)
    dropout: float = doc(0.0, "dropout before the last layer", minimum=0, below=1)


@dataclass
class CNNDropoutConfig:
    width: int = doc(32, "channels of the first convolution; the second has twice as many", minimum=1)
    fc: int = doc(128, "units of the hidden fully connected layer", minimum=1)
    dropout_conv: float = doc(0.25, "dropout after the pooled convolutions (PyTorch MNIST example: 0.25)", minimum=0, below=1)
    dropout: float = doc(0.5, "dropout before the last layer (PyTorch MNIST example: 0.5)", minimum=0, below=1)


@dataclass
class GRUConfig:
    hidden: int = doc(6, "GRU units per direction; 6 as in the MNIST-1D paper", minimum=1)
    bidirectional: bool = doc(True, "read the signal both ways, as the MNIST-1D paper's GRU does")


@dataclass
class ResNetConfig:
    blocks: int = doc(3, "basic blocks per stage: depth 6·blocks+2 (3 = ResNet-20)", minimum=1)
    width: int = doc(16, "channels of the first stage; the next two have 2x and 4x", minimum=1)


@dataclass
class NoConfig:
    """logreg and lenet5 have nothing to set."""
