"""Bare PyTorch loops that do the same work as a suite run of one task: the `bare` side of overhead.py.

Same network (the task's own factory), data (the problem's loader), batch order (one permutation per
epoch from a generator seeded like the run's), batch size, steps, validation cadence (once per epoch,
the same metric) and test pass (the same metric functions), with nothing else: no record, no curves,
no best-weights copy, no artifacts. Each function returns its wall seconds, data loading included
since the suite's run loads its data too, and the seconds of its epoch loop alone (training and the
per-epoch validation), to set beside the run's `train_s`.
"""

from __future__ import annotations

import time

import torch
import torch.nn.functional as F


def _factory_kwargs(task, cfg) -> dict:
    from suite.config import model_field_names

    return {k: getattr(cfg, k) for k in model_field_names(task)}


def _batches(n: int, batch_size: int, seed: int):
    """Per epoch, the index batches of a seeded shuffle (what the suite's loader draws)."""
    gen = torch.Generator().manual_seed(seed)
    while True:
        yield torch.randperm(n, generator=gen).split(batch_size)


def classification(task, cfg) -> tuple[float, float]:
    """Adam on cross-entropy; val loss each epoch; test logits at the end."""
    t0 = time.perf_counter()
    d = task.problem.load()()
    x, y = torch.as_tensor(d.x_train), torch.as_tensor(d.y_train)
    xv, yv = torch.as_tensor(d.x_val), torch.as_tensor(d.y_val)
    net = task.model.load()(d.input_shape, d.num_classes, **_factory_kwargs(task, cfg))
    opt = torch.optim.Adam(net.parameters(), lr=cfg.lr)
    steps, budget = 0, cfg.max_steps if cfg.max_steps > 0 else float("inf")
    epochs = _batches(len(x), cfg.batch_size, 0)
    t_train = time.perf_counter()
    for _ in range(cfg.max_epochs):
        net.train()
        for idx in next(epochs):
            loss = F.cross_entropy(net(x[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            steps += 1
            if steps >= budget:
                break
        net.eval()
        with torch.no_grad():
            F.cross_entropy(net(xv), yv)
        if steps >= budget:
            break
    train_s = time.perf_counter() - t_train
    with torch.no_grad():
        net(torch.as_tensor(d.x_test)).argmax(-1)
    return time.perf_counter() - t0, train_s


def _image_data(task):
    from tasks.generative.judge import GenerationJudge
    from tasks.generative.runner import unit_range

    d = unit_range(task.problem.load()())
    return d, GenerationJudge(task.problem.name, d)


def gan(task, cfg) -> tuple[float, float]:
    """The non-saturating GAN game, one D and one G step per batch; FD of fixed latents each epoch; judged samples."""
    t0 = time.perf_counter()
    d, judge = _image_data(task)
    nets = task.model.load()(d.input_shape, **_factory_kwargs(task, cfg))
    G, D = nets["generator"], nets["discriminator"]
    opt_g = torch.optim.Adam(G.parameters(), lr=cfg.lr, betas=(cfg.beta1, cfg.beta2))
    opt_d = torch.optim.Adam(D.parameters(), lr=cfg.lr, betas=(cfg.beta1, cfg.beta2))
    x = torch.as_tensor(d.x_train)
    z_val = torch.randn(judge.n, G.latent_dim, generator=torch.Generator().manual_seed(1234))
    epochs = _batches(len(x), cfg.batch_size, 0)
    bce = F.binary_cross_entropy_with_logits
    t_train = time.perf_counter()
    for _ in range(cfg.max_epochs):
        for idx in next(epochs):
            real = x[idx]
            fake = G(torch.randn(len(real), G.latent_dim))
            d_real, d_fake = D(real), D(fake.detach())
            d_loss = bce(d_real, torch.ones_like(d_real)) + bce(d_fake, torch.zeros_like(d_fake))
            opt_d.zero_grad()
            d_loss.backward()
            opt_d.step()
            out = D(fake)
            g_loss = bce(out, torch.ones_like(out))
            opt_g.zero_grad()
            g_loss.backward()
            opt_g.step()
        with torch.no_grad():
            judge.fd(G(z_val))
    train_s = time.perf_counter() - t_train
    with torch.no_grad():
        judge.evaluate(G(torch.randn(judge.n, G.latent_dim)))
    return time.perf_counter() - t0, train_s


def vae(task, cfg) -> tuple[float, float]:
    """The negative ELBO; val ELBO each epoch; test MSE, IW-NLL, linear probe and judged samples."""
    from tasks.generative.modules import vae_elbo_and_nll
    from tasks.generative.runner import linear_probe

    t0 = time.perf_counter()
    d, judge = _image_data(task)
    net = task.model.load()(d.input_shape, **_factory_kwargs(task, cfg))
    opt = torch.optim.Adam(net.parameters(), lr=cfg.lr)
    x, xv, xt = (torch.as_tensor(a) for a in (d.x_train, d.x_val, d.x_test))

    def neg_elbo(xb):
        mu, logvar = net.encode(xb)
        z = mu + torch.randn_like(mu) * (0.5 * logvar).exp()
        rec = F.binary_cross_entropy_with_logits(net.decode(z), xb, reduction="sum") / len(xb)
        return rec + 0.5 * (mu.pow(2) + logvar.exp() - 1 - logvar).sum(1).mean()

    epochs = _batches(len(x), cfg.batch_size, 0)
    t_train = time.perf_counter()
    for _ in range(cfg.max_epochs):
        for idx in next(epochs):
            loss = neg_elbo(x[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        with torch.no_grad():
            neg_elbo(xv)
    train_s = time.perf_counter() - t_train
    with torch.no_grad():
        codes = lambda a: net.encode(torch.as_tensor(a))[0]  # noqa: E731
        F.mse_loss(net.decode(codes(xt)).sigmoid(), xt)
        vae_elbo_and_nll(net, xt, cfg.iw_samples, torch.Generator().manual_seed(0))
        linear_probe(codes(d.x_train).numpy(), d.y_train, codes(xt).numpy(), d.y_test)
        judge.evaluate(net.decode(torch.randn(judge.n, net.latent_dim)).sigmoid())
    return time.perf_counter() - t0, train_s


def forecaster(task, cfg) -> tuple[float, float]:
    """Adam on MSE of last-value-normalised windows with gradient clipping; val MASE each epoch; the rolling backtest."""
    from tasks.forecasting import protocol
    from tasks.forecasting.deep import network

    t0 = time.perf_counter()
    s = task.problem.load()()
    window = cfg.window or s.window
    scaler = protocol.Scaler.fit(s.y[: s.train_end])
    z = scaler.transform(s.y)
    f32 = lambda a: torch.as_tensor(a, dtype=torch.float32)  # noqa: E731
    x, t = (f32(a) for a in protocol.windows(z, protocol.train_origins(s, window), window, s.horizon))
    xv, tv = (f32(a) for a in protocol.windows(z, protocol.val_origins(s, window), window, s.horizon))

    class _Ctx:  # network() reads only the task and its config
        pass

    ctx = _Ctx()
    ctx.task, ctx.config = task, cfg
    net = network(ctx, s, window)
    forward = lambda xb: net(xb - xb[:, -1:]) + xb[:, -1:]  # noqa: E731
    opt = torch.optim.Adam(net.parameters(), lr=cfg.lr)
    epochs = _batches(len(x), cfg.batch_size, 0)
    t_train = time.perf_counter()
    for _ in range(cfg.max_epochs):
        for idx in next(epochs):
            loss = F.mse_loss(forward(x[idx]), t[idx])
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), cfg.gradient_clip)
            opt.step()
        with torch.no_grad():
            (forward(xv) - tv).abs().mean()
    train_s = time.perf_counter() - t_train
    net.eval()

    @torch.no_grad()
    def predict(history, horizon):
        xb = f32(scaler.transform(history[-window:]))[None]
        return scaler.inverse(forward(xb)[0, :horizon].double().numpy())

    protocol.backtest(predict, s.y, protocol.backtest_origins(s, cfg.stride or s.stride), s.horizon)
    return time.perf_counter() - t0, train_s
