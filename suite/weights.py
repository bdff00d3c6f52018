"""A run's final weights, kept in its run directory: written once, loaded back without unpickling code.

A family runner calls `save(ctx, net)` with the network it evaluated; the config key `keep_weights`
(on by default where a family declares it) decides. The file is a `state_dict`: safetensors when the
package is installed and every value is a plain tensor, else `torch.save`. Both load back with
`load(run_dir)`, torch's with `weights_only=True`, so a record's weights never run code when read.
Another run (a compression method, say) finds them through the parent's record directory.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from suite.context import RunContext

NAMES = ("weights.safetensors", "weights.pt")  # looked for in this order


def find(run_dir: Path) -> Path | None:
    """The weights file of a published (or staging) run directory, or None when it kept none."""
    for name in NAMES:
        path = Path(run_dir) / name
        if path.is_file():
            return path
    return None


def save(ctx: RunContext, net: Any) -> Path | None:
    """Write `net`'s state_dict into the run directory when `ctx.config.keep_weights` is set; its path."""
    if not getattr(ctx.config, "keep_weights", False):
        return None
    import torch

    # on the CPU: loadable without the GPU it trained on (quantized layers also hold non-tensor entries)
    state = {k: v.cpu() if isinstance(v, torch.Tensor) else v for k, v in net.state_dict().items()}
    path = write(state, ctx.run_dir)
    ctx.add_artifact(path, "file", "final weights (state_dict) of the evaluated network")
    ctx.info["weights"] = {"file": path.name, "bytes": path.stat().st_size}
    return path


def write(state: dict[str, Any], run_dir: Path) -> Path:
    import torch

    plain = all(isinstance(v, torch.Tensor) and not v.is_quantized and v.layout == torch.strided for v in state.values())
    if plain and _safetensors() is not None:
        path = Path(run_dir) / NAMES[0]
        # safetensors refuses tensors that share memory or are not contiguous: give it owned copies
        _safetensors().save_file({k: v.detach().contiguous().clone() for k, v in state.items()}, str(path))
        return path
    path = Path(run_dir) / NAMES[1]
    torch.save(state, path)
    return path


def load(run_dir: Path) -> dict[str, Any]:
    """The state_dict a run kept; FileNotFoundError names the directory when it kept none."""
    path = find(run_dir)
    if path is None:
        raise FileNotFoundError(f"no weights file ({' or '.join(NAMES)}) in {run_dir}")
    if path.suffix == ".safetensors":
        return dict(_safetensors().load_file(str(path)))
    import torch

    return torch.load(path, map_location="cpu", weights_only=True)


def nbytes(state: dict[str, Any]) -> int:
    """Bytes of `state` serialised with torch.save: the size a model takes on disk, packed int8 included."""
    import torch

    buf = io.BytesIO()
    torch.save(state, buf)
    return buf.tell()


def _safetensors():
    try:
        import safetensors.torch

        return safetensors.torch
    except ImportError:
        return None
