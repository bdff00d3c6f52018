"""Training throughput on the real Fashion-MNIST files, and where a step's time goes.

    .venv/bin/python benchmarks/fashion_throughput.py [--models mlp,cnn] [--steps 200] [--threads 1]

For each model, with its `standard` preset's network and batch size on 55,000 training images:
  lightning: images/s of the suite's own path (the runner's Classifier module, `tensor_loader` and the
             Fabric loop `suite.backends.lightning.fit`), over `--steps` optimizer steps after 10 warm-up steps;
  split:     the same steps in a bare loop over the same loader, timed per phase: taking the batch,
             forward + loss, backward, optimizer (zero_grad + step);
  outside:   the share of a suite step spent outside forward/backward/optimizer (batch slicing, the
             loop's bookkeeping and Fabric's wrappers), = 1 - (forward + backward + optimizer) / Lightning step;
  epoch s:   seconds per epoch this implies: 55k training images plus the 5k validation images' forward.
Needs the files (`make data`); prints one table.
"""

from __future__ import annotations

import argparse
import time


def lightning_images_per_s(task, cfg, module, loader, batch_size: int, steps: int) -> float:
    import tempfile
    from pathlib import Path

    from suite.backends.lightning import fit
    from suite.context import RunContext

    def timed(n: int) -> float:
        with tempfile.TemporaryDirectory() as tmp:
            ctx = RunContext(task=task, config=cfg, seed=0, preset="standard", device="cpu", run_dir=Path(tmp), progress=False)
            t0 = time.perf_counter()
            fit(ctx, module, loader, max_epochs=1, max_steps=n)
            return time.perf_counter() - t0

    timed(10)  # warm-up: first-call allocations, thread pool start
    return steps * batch_size / timed(steps)


def split(module, loader, steps: int) -> dict[str, float]:
    """Seconds per step in each phase of a bare loop over `loader`."""
    import torch.nn.functional as F

    opt = module.configure_optimizers()
    opt = opt["optimizer"] if isinstance(opt, dict) else opt
    totals = dict.fromkeys(("batch", "forward", "backward", "optimizer"), 0.0)
    it = iter(loader)
    module.train()
    for i in range(steps + 10):
        t0 = time.perf_counter()
        try:
            x, y = next(it)
        except StopIteration:
            it = iter(loader)
            x, y = next(it)
        t1 = time.perf_counter()
        loss = F.cross_entropy(module(x), y)
        t2 = time.perf_counter()
        loss.backward()
        t3 = time.perf_counter()
        opt.step()
        opt.zero_grad()
        t4 = time.perf_counter()
        if i >= 10:  # the first steps warm up
            for k, dt in zip(totals, (t1 - t0, t2 - t1, t3 - t2, t4 - t3)):
                totals[k] += dt / steps
    return totals


def eval_images_per_s(net, x) -> float:
    import torch

    net.eval()
    with torch.no_grad():
        net(x[:1024])
        t0 = time.perf_counter()
        for b in x.split(1024):
            net(b)
    net.train()
    return len(x) / (time.perf_counter() - t0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", default="mlp,cnn")
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--preset", default="standard")
    args = ap.parse_args()

    import torch

    from suite.backends.lightning import tensor_loader
    from suite.config import model_field_names, resolve_config
    from suite.registry import get_registry
    from tasks.classification.fabric import make_module
    from tasks.classification.vision import fashion_mnist

    torch.set_num_threads(args.threads)
    data = fashion_mnist()
    x, y = torch.as_tensor(data.x_train), torch.as_tensor(data.y_train)
    reg = get_registry()
    print(f"Fashion-MNIST from {data.notes['source']}: {len(y)} train images, torch threads {args.threads}, {args.steps} steps")
    head = f"{'model':<12} {'batch':>5} {'lightning img/s':>15} {'bare img/s':>10} {'batch %':>7} {'fwd %':>6} {'bwd %':>6} {'opt %':>6}"
    print(head + f" {'outside %':>9} {'epoch s':>8}")
    for name in args.models.split(","):
        task = reg.task(f"fashion_mnist_{name}")
        cfg = resolve_config(task, args.preset, {"augment": False})
        torch.manual_seed(0)
        net = task.model.load()(data.input_shape, data.num_classes, **{k: getattr(cfg, k) for k in model_field_names(task)})
        module = make_module(net, cfg, data)
        loader = tensor_loader(x, y, batch_size=cfg.batch_size, shuffle=True, seed=0)
        ips = lightning_images_per_s(task, cfg, module, loader, cfg.batch_size, args.steps)
        parts = split(module, loader, args.steps)
        bare_step = sum(parts.values())
        lightning_step = cfg.batch_size / ips
        outside = 1 - (parts["forward"] + parts["backward"] + parts["optimizer"]) / lightning_step
        epoch_s = len(y) / ips + len(data.y_val) / eval_images_per_s(net, torch.as_tensor(data.x_val))
        shares = " ".join(
            f"{100 * parts[k] / bare_step:>{w}.1f}" for k, w in (("batch", 7), ("forward", 6), ("backward", 6), ("optimizer", 6))
        )
        print(
            f"{name:<12} {cfg.batch_size:>5} {ips:>15,.0f} {cfg.batch_size / bare_step:>10,.0f} {shares} {100 * outside:>9.1f} {epoch_s:>8.1f}"
        )


if __name__ == "__main__":
    main()
