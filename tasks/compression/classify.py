"""Compression of a classifier: rebuild the parent from its weights, apply the method, evaluate and
time it exactly as the classification family evaluates its own runs (tasks/classification/runner.py).

The classification code reads training keys from the config it is handed: here that is the
parent's config (a view of this run's context), so data, fine-tuning and evaluation match the
parent's; this run's own keys (method, timing) stay on `ctx.config`.
"""

from __future__ import annotations

import copy
import dataclasses

import torch

from suite import weights
from suite.backends.lightning import tensor_loader
from suite.config import model_field_names
from suite.context import RunContext
from tasks.classification.fabric import Classifier, fit_by_config, make_module, xavier_init
from tasks.classification.models import AddChannel
from tasks.classification.runner import evaluate, load_data
from tasks.compression import costs, distill, prune, quantize
from tasks.compression.parents import Parent, obtain
from tasks.compression.spec import Method


def build(parent_task, cfg, data) -> torch.nn.Module:
    kwargs = {k: getattr(cfg, k) for k in model_field_names(parent_task)}
    return parent_task.model.load()(data.input_shape, data.num_classes, **kwargs)


def run(ctx: RunContext, method: Method, parent: Parent) -> None:
    view = dataclasses.replace(ctx, config=parent.config, on_first_step=None)  # shares metrics, curves, timing
    data = load_data(view)
    base = build(parent.task, parent.config, data)
    base.load_state_dict(parent.state)
    base.eval()
    x = torch.as_tensor(data.x_train)
    if method.kind in ("prune", "chprune"):
        model = copy.deepcopy(base)
        if method.kind == "prune":
            prune.magnitude(model, method.amount)
        else:
            ctx.info["kept_channels"] = prune.channels(model, method.amount)
        finetune(ctx, view, model, data)
        prune.finish(model)
        ctx.metrics["compress/sparsity"] = prune.sparsity(model)
    elif method.kind == "dynq":
        model = quantize.dynamic(copy.deepcopy(base))
        ctx.info["note"] = quantize.NOTE
    elif method.kind == "staticq":
        with ctx.phase("train"):  # calibration: the only data this method sees
            batches = [x[i : i + 128] for i in range(0, min(len(x), 128 * ctx.config.calib_batches), 128)]
            model = quantize.static(copy.deepcopy(base), x[:1], batches, leaves=(AddChannel,))
        ctx.info["note"] = quantize.NOTE
    else:
        model = distilled(ctx, base, data)
    model.eval()
    with ctx.phase("eval"):
        evaluate(ctx, Classifier(model, parent.config, 1), data)
    weights.save(ctx, model)
    costs.record(ctx, parent, base, model, torch.as_tensor(data.x_test), sparse=method.kind == "prune")


def finetune(ctx: RunContext, view: RunContext, model: torch.nn.Module, data) -> None:
    """A short run of the parent's own training (its optimizer, batch, augmentation) at a lower rate; masks held."""
    epochs = ctx.config.finetune_epochs
    if epochs == 0:
        return
    model.train()  # a copy of the parent, which was put in eval mode
    pcfg = view.config
    cfg = dataclasses.replace(pcfg, max_epochs=epochs, max_steps=-1, early_stopping_patience=0, lr=pcfg.lr * ctx.config.finetune_lr_scale)
    ft = dataclasses.replace(view, config=cfg)
    module = make_module(model, cfg, data)
    t = torch.as_tensor
    train = tensor_loader(t(data.x_train), t(data.y_train), batch_size=cfg.batch_size, shuffle=True, seed=ctx.seed)
    val = tensor_loader(t(data.x_val), t(data.y_val), batch_size=1024, shuffle=False)
    fit_by_config(ft, module, train, val, cfg)  # cfg: `epochs`, no step cap, no early stopping


def distilled(ctx: RunContext, teacher: torch.nn.Module, data) -> torch.nn.Module:
    """The student trained from scratch with the plain student's config (same budget), on the KD loss."""
    student = obtain(ctx, ctx.task.model.load().base, need_weights=False)  # its record: the no-teacher comparison
    ctx.info["student"] = student.summary()
    scfg = student.config
    net = build(student.task, scfg, data)
    if scfg.init == "xavier":
        xavier_init(net)
    module = distill.Distiller(make_module(net, scfg, data), teacher, ctx.config.temperature, ctx.config.alpha)
    t = torch.as_tensor
    train = tensor_loader(t(data.x_train), t(data.y_train), batch_size=scfg.batch_size, shuffle=True, seed=ctx.seed)
    val = tensor_loader(t(data.x_val), t(data.y_val), batch_size=1024, shuffle=False)
    fit_by_config(dataclasses.replace(ctx, config=scfg, on_first_step=None), module, train, val, scfg)
    ctx.metrics["compress/student_metric"] = student.metric
    ctx.info["kd_steps"] = ctx.info.get("train_steps")
    return net
