"""Compact per-unit outcomes in a record (`record["raw"]`): what the family's judge scored, one value per
test sample, origin or episode, so a paired test between any two entries can be recomputed from records.

Bits (right or wrong per test sample) pack 8 to a byte; floats are stored as float32. Both travel as
base64 text in result.json: Fashion-MNIST's 10,000 test samples cost 1.7 kB as bits, 53 kB as floats.
"""

from __future__ import annotations

import base64

import numpy as np


def pack_bits(x) -> dict:
    """A boolean vector (N,) as {"kind": "bits", "n": N, "b64": ...}."""
    x = np.asarray(x, dtype=bool).ravel()
    return {"kind": "bits", "n": int(x.size), "b64": base64.b64encode(np.packbits(x).tobytes()).decode()}


def pack_floats(x) -> dict:
    """A float vector (N,) as {"kind": "float32", "n": N, "b64": ...}."""
    x = np.asarray(x, dtype="<f4").ravel()
    return {"kind": "float32", "n": int(x.size), "b64": base64.b64encode(x.tobytes()).decode()}


def unpack(value: dict | list) -> np.ndarray:
    """The vector a `pack_*` stored (a plain list, as small records keep, is returned as an array)."""
    if isinstance(value, list):
        return np.asarray(value, dtype=float)
    data = base64.b64decode(value["b64"])
    if value["kind"] == "bits":
        return np.unpackbits(np.frombuffer(data, dtype=np.uint8))[: value["n"]].astype(bool)
    return np.frombuffer(data, dtype="<f4").astype(float)
