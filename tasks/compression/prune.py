"""Pruning with torch.nn.utils.prune: global magnitude (unstructured) and L1 channel (structured).

Unstructured pruning zeros weights inside dense tensors: the kernels still multiply every zero, so
it shrinks the model only when stored sparse (measure.sparse_bytes) and does not speed it up (the
leaderboard's speed-up column shows it). Channel pruning picks channels with `ln_structured` and
then rebuilds each convolution with only the kept ones: a smaller dense network that is faster.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils import prune

WEIGHTED = (nn.Linear, nn.Conv1d, nn.Conv2d)
CONV = (nn.Conv1d, nn.Conv2d)
# layers that keep channels apart, so a channel removed before them is removed after them too
PASS = (nn.ReLU, nn.Tanh, nn.MaxPool1d, nn.MaxPool2d, nn.AvgPool1d, nn.AvgPool2d, nn.Dropout)


def targets(net: nn.Module) -> list[tuple[nn.Module, str]]:
    return [(m, "weight") for m in net.modules() if isinstance(m, WEIGHTED)]


def magnitude(net: nn.Module, amount: float) -> None:
    """Zero the `amount` share of smallest-magnitude weights across all Linear/Conv layers at once (masks stay on)."""
    prune.global_unstructured(targets(net), pruning_method=prune.L1Unstructured, amount=amount)


def finish(net: nn.Module) -> None:
    """Make the masks permanent: plain `weight` tensors with their zeros, no reparametrisation left."""
    for m, name in targets(net):
        if prune.is_pruned(m):
            prune.remove(m, name)


def sparsity(net: nn.Module) -> float:
    """Share of zeros among the Linear/Conv weights (the tensors pruning acts on)."""
    ws = [m.weight.detach() for m, _ in targets(net)]
    return float(sum(int((w == 0).sum()) for w in ws) / sum(w.numel() for w in ws))


def channels(net: nn.Module, amount: float) -> dict[str, list[int]]:
    """Remove `amount` of every convolution's output channels (lowest L1 norm), in place; {conv: kept channels}.

    Handles chains conv → (activation, pooling, dropout) → conv, and a last conv → Flatten → Linear,
    the shape of the suite's cnn; anything else between is refused by name.
    """
    owner = {id(m): (parent, name) for parent in net.modules() for name, m in parent.named_children()}
    leaves = [m for m in net.modules() if not list(m.children())]
    kept: dict[str, list[int]] = {}
    names = {id(m): n for n, m in net.named_modules()}
    for i, orig in enumerate(leaves):
        if not isinstance(orig, CONV):
            continue
        conv = owner_now(owner, orig)  # rebuilt with fewer inputs when a conv before it was pruned
        prune.ln_structured(conv, "weight", amount=amount, n=1, dim=0)
        keep = conv.weight_mask.flatten(1).sum(1).nonzero().flatten()
        prune.remove(conv, "weight")
        _replace(owner, conv, _slice_conv(conv, keep, out=True))
        kept[names[id(orig)]] = keep.tolist()
        _shrink_consumer(owner, leaves[i + 1 :], keep, conv)
    return kept


def _shrink_consumer(owner, after: list[nn.Module], keep: torch.Tensor, conv: nn.Module) -> None:
    flattened = False
    for m in after:
        m = owner_now(owner, m) if id(m) in owner else m
        if isinstance(m, CONV):
            _replace(owner, m, _slice_conv(m, keep, out=False))
            return
        if isinstance(m, nn.Flatten):
            flattened = True
        elif isinstance(m, nn.Linear) and flattened:
            per = m.in_features // conv.out_channels  # spatial positions per channel after the flatten
            w = m.weight.detach().reshape(m.out_features, conv.out_channels, per)[:, keep].reshape(m.out_features, -1)
            new = nn.Linear(w.shape[1], m.out_features, bias=m.bias is not None)
            with torch.no_grad():
                new.weight.copy_(w)
                if m.bias is not None:
                    new.bias.copy_(m.bias)
            _replace(owner, m, new)
            return
        elif not isinstance(m, PASS):
            raise ValueError(f"channel pruning handles conv → activation/pool/dropout → conv or flatten → linear; found {type(m).__name__}")
    raise ValueError("channel pruning found no layer that reads the last convolution's channels")


def _slice_conv(conv, keep: torch.Tensor, out: bool):
    w = conv.weight.detach()[keep] if out else conv.weight.detach()[:, keep]
    new = type(conv)(
        w.shape[1] * conv.groups, w.shape[0], conv.kernel_size, stride=conv.stride, padding=conv.padding, bias=conv.bias is not None
    )
    with torch.no_grad():
        new.weight.copy_(w)
        if conv.bias is not None:
            new.bias.copy_(conv.bias.detach()[keep] if out else conv.bias.detach())
    return new


def owner_now(owner, module: nn.Module) -> nn.Module:
    """The module now in `module`'s place (itself, unless it was replaced)."""
    parent, name = owner[id(module)]
    return getattr(parent, name)


def _replace(owner, old: nn.Module, new: nn.Module) -> None:
    parent, name = owner[id(old)]
    setattr(parent, name, new)
    owner[id(new)] = (parent, name)
