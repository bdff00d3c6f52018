"""Images kept beside the record (and mirrored to wandb): sample grids, reconstructions, interpolations, loss curves."""

from __future__ import annotations

import numpy as np

from suite.context import RunContext


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def tile(images: np.ndarray, ncol: int) -> np.ndarray:
    """(N, C, H, W) or (N, H, W) in [0, 1] -> one (rows*(H+1), ncol*(W+1)) grey image with 1-pixel gaps (first channel)."""
    x = np.asarray(images, dtype=np.float32)
    x = x[:, 0] if x.ndim == 4 else x
    n, h, w = x.shape
    rows = -(-n // ncol)
    out = np.zeros((rows * (h + 1) - 1, ncol * (w + 1) - 1), dtype=np.float32)  # white gaps under gray_r
    for i in range(n):
        r, c = divmod(i, ncol)
        out[r * (h + 1) : r * (h + 1) + h, c * (w + 1) : c * (w + 1) + w] = x[i]
    return out


def save_grid(ctx: RunContext, images: np.ndarray, name: str, caption: str, ncol: int = 10) -> None:
    plt = _plt()
    grid = tile(np.clip(images, 0, 1), ncol)
    fig, ax = plt.subplots(figsize=(min(8, 0.6 * ncol + 1), min(8, 0.6 * grid.shape[0] / max(grid.shape[1], 1) * ncol + 1)), dpi=100)
    ax.imshow(grid, cmap="gray_r", vmin=0, vmax=1, interpolation="nearest")
    ax.set_axis_off()
    ax.set_title(f"{ctx.task.id} seed {ctx.seed}: {caption}", fontsize=8)
    fig.tight_layout()
    path = ctx.artifact_path(name)
    fig.savefig(path)
    plt.close(fig)
    ctx.add_artifact(path, "image", caption)


def save_loss_curves(ctx: RunContext, metrics: tuple[str, ...] = ("train/d_loss", "train/g_loss", "val/fd")) -> None:
    """G and D losses per epoch (left) and the FD to the train features (right), from the run's curves; no file
    when the model logged none of them (a plug-in sampler, the VAE)."""
    curves = {m: [(s, v) for s, _, name, v in ctx.curves if name == m] for m in metrics}
    if not any(curves.values()):
        return
    plt = _plt()
    fig, axes = plt.subplots(1, 2, figsize=(8, 3), dpi=100)
    for m, pts in curves.items():
        if pts:
            ax = axes[1] if m == "val/fd" else axes[0]
            ax.plot(*zip(*pts), label=m)
    axes[0].set(xlabel="epoch", title="losses")
    axes[1].set(xlabel="epoch", title="FD to train features (val/fd)", yscale="log")
    for ax in axes:
        ax.legend(fontsize=7)
    fig.tight_layout()
    path = ctx.artifact_path("loss_curves.png")
    fig.savefig(path)
    plt.close(fig)
    ctx.add_artifact(path, "image", "generator/discriminator losses and val/fd per epoch")
