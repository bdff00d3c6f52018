"""Deep forecasters as plain `nn.Module`s: a window of `window` scaled values in, `horizon` values out.

All of them forecast the whole horizon at once (the direct multi-output strategy), so no model
feeds its own errors back as inputs. Input (B, window), output (B, H); the Lightning wrapper in
`deep.py` handles scaling and per-window level normalisation around them.
"""

from __future__ import annotations

import torch
from torch import nn


class RNNForecaster(nn.Module):
    """Encoder RNN over the window; its last hidden state goes through a linear head to H outputs."""

    def __init__(self, cell: type[nn.RNNBase], window: int, horizon: int, hidden: int, layers: int, dropout: float) -> None:
        super().__init__()
        self.rnn = cell(1, hidden, num_layers=layers, batch_first=True, dropout=dropout if layers > 1 else 0.0)
        self.head = nn.Linear(hidden, horizon)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # x (B, W)
        out, _ = self.rnn(x.unsqueeze(-1))  # (B, W, hidden)
        return self.head(out[:, -1])  # (B, H)


def lstm(window: int, horizon: int, hidden: int = 64, layers: int = 2, dropout: float = 0.0) -> nn.Module:
    """The classic LSTM forecaster: 2 layers of 64 (small series: a few hundred training windows)."""
    return RNNForecaster(nn.LSTM, window, horizon, hidden, layers, dropout)


def gru(window: int, horizon: int, hidden: int = 64, layers: int = 2, dropout: float = 0.0) -> nn.Module:
    """Like `lstm` with GRU cells (fewer gates, often as good on short series)."""
    return RNNForecaster(nn.GRU, window, horizon, hidden, layers, dropout)


def mlp(window: int, horizon: int, hidden: int = 128, layers: int = 2, dropout: float = 0.1) -> nn.Module:
    """Window in, horizon out through `layers` hidden ReLU layers: the strong simple deep baseline."""
    dims = [window] + [hidden] * layers
    body: list[nn.Module] = []
    for a, b in zip(dims[:-1], dims[1:]):
        body += [nn.Linear(a, b), nn.ReLU(), nn.Dropout(dropout)]
    return nn.Sequential(*body, nn.Linear(dims[-1], horizon))


class NBeatsBlock(nn.Module):
    """One generic N-BEATS block: an FC stack whose output splits into a backcast and a forecast."""

    def __init__(self, window: int, horizon: int, width: int, layers: int) -> None:
        super().__init__()
        dims = [window] + [width] * layers
        self.fc = nn.Sequential(*[m for a, b in zip(dims[:-1], dims[1:]) for m in (nn.Linear(a, b), nn.ReLU())])
        self.backcast = nn.Linear(width, window)
        self.forecast = nn.Linear(width, horizon)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:  # x (B, W)
        h = self.fc(x)  # (B, width)
        return self.backcast(h), self.forecast(h)  # (B, W), (B, H)


class NBeats(nn.Module):
    """N-BEATS, generic architecture (Oreshkin et al. 2020): each block explains part of the window
    (subtracted from what the next block sees) and adds its share of the forecast."""

    def __init__(self, window: int, horizon: int, width: int, blocks: int, layers: int) -> None:
        super().__init__()
        self.blocks = nn.ModuleList(NBeatsBlock(window, horizon, width, layers) for _ in range(blocks))

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # x (B, W)
        residual, forecast = x, 0.0
        for block in self.blocks:
            back, fore = block(residual)
            residual = residual - back
            forecast = forecast + fore
        return forecast  # (B, H)


def nbeats(window: int, horizon: int, width: int = 128, blocks: int = 3, layers: int = 4) -> nn.Module:
    """N-BEATS generic: 3 blocks of 4 FC layers of 128, a CPU-sized cut of the paper's 30 × 4 × 512."""
    return NBeats(window, horizon, width, blocks, layers)
