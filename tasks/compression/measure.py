"""What a compressed model costs: serialised bytes, (non-zero) weights, CPU latency per sample.

Latency is timed on this machine as it is, so it is made comparable rather than absolute: a fixed
thread count, warm-up passes excluded, the parent and the compressed model timed in turns within
the same loop (a neighbour's burst slows both), the median of the repeats, and the load average
before and after kept beside the numbers.
"""

from __future__ import annotations

import os
import statistics
import time

import torch
from torch import nn

from suite import weights

BATCHES = (1, 256)
WARMUP = 3


def size_bytes(model: nn.Module) -> int:
    return weights.nbytes(model.state_dict())


def sparse_bytes(model: nn.Module) -> int:
    """Bytes with every weight matrix (a conv kernel as out × rest) stored as CSR: what pruning can save on disk.

    CSR as plain tensors (values, int16/int32 column indices, int32 row pointers): torch.save of a
    sparse CSR tensor keeps int64 indices and costs more than the dense tensor at 80 % zeros.
    """
    state: dict = {}
    for key, v in model.state_dict().items():
        if isinstance(v, torch.Tensor) and v.dim() >= 2 and v.is_floating_point():
            w = v.reshape(v.shape[0], -1)
            nz = w != 0
            cols = nz.nonzero()[:, 1]
            index = torch.int16 if w.shape[1] <= torch.iinfo(torch.int16).max else torch.int32
            crow = torch.cat([torch.zeros(1, dtype=torch.int64), nz.sum(1).cumsum(0)]).to(torch.int32)
            v = {"values": w[nz].clone(), "col": cols.to(index), "crow": crow, "shape": torch.tensor(v.shape)}
        state[key] = v
    return weights.nbytes(state)


def weight_tensors(model: nn.Module) -> dict[str, torch.Tensor]:
    """Every weight and bias as a tensor, quantized ones included (their packed params unpacked)."""
    out: dict[str, torch.Tensor] = {}
    for name, mod in model.named_modules():
        for pname, p in mod.named_parameters(recurse=False):
            out[f"{name}.{pname}"] = p.detach()
        packed = mod._weight_bias() if callable(getattr(mod, "_weight_bias", None)) else None
        if isinstance(packed, dict):  # dynamic int8 LSTM/GRU: {"weight": {...}, "bias": {...}}
            for tensors in packed.values():
                out.update({f"{name}.{k}": v for k, v in tensors.items() if v is not None})
        elif callable(getattr(mod, "weight", None)):  # quantized Linear/Conv: weight() unpacks
            out[f"{name}.weight"] = mod.weight()
            bias = mod.bias() if callable(getattr(mod, "bias", None)) else None
            if bias is not None:
                out[f"{name}.bias"] = bias
    return out


def counts(model: nn.Module) -> tuple[int, int]:
    """(weights, non-zero weights); a quantized weight counts as zero where it dequantizes to 0."""
    total = nonzero = 0
    for v in weight_tensors(model).values():
        v = v.dequantize() if v.is_quantized else v
        total += v.numel()
        nonzero += int(torch.count_nonzero(v))
    return total, nonzero


def latencies(models: dict[str, nn.Module], x: torch.Tensor, repeats: int, threads: int) -> dict:
    """{name: {batch: seconds per sample}} at batch 1 and 256 (x tiled up to 256 rows), plus how it was timed."""
    if len(x) < max(BATCHES):
        x = x.repeat((max(BATCHES) + len(x) - 1) // len(x), *([1] * (x.dim() - 1)))
    before, prev = _load(), torch.get_num_threads()
    torch.set_num_threads(threads)
    out: dict = {name: {} for name in models}
    try:
        with torch.inference_mode():
            for b in BATCHES:
                xb = x[:b].contiguous()
                for m in models.values():
                    for _ in range(WARMUP):
                        m(xb)
                times: dict[str, list[float]] = {name: [] for name in models}
                for _ in range(repeats):
                    for name, m in models.items():  # in turns: a burst of load slows both alike
                        t0 = time.perf_counter()
                        m(xb)
                        times[name].append(time.perf_counter() - t0)
                for name in models:
                    out[name][b] = statistics.median(times[name]) / b
    finally:
        torch.set_num_threads(prev)
    return {"per_sample_s": out, "threads": threads, "repeats": repeats, "warmup": WARMUP, "load_1m": [before, _load()]}


def _load() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None
