"""The plug-in door's probe for classifiers: a wrong output shape is refused in one line before any run starts.

`suite.contract.check` has already compared a trainer class's methods with the Protocol (contract.py);
this runs the model on a few real samples of the problem. A torch network (kind "module") forwards a
probe batch of 2 and must give (2, K) finite logits. A trainer fits on a tiny stratified slice of the
training split (PER_CLASS samples of each class) and scores a slice of the validation split, which must
come back (n, K) and finite. Neither touches the test split; the run that follows starts afresh.
"""

from __future__ import annotations

import numpy as np

from suite import contract
from suite.errors import UserError
from suite.registry import Task
from tasks.classification.contract import Split, score_problem

PER_CLASS = 5  # samples of each class the probe fits on: enough for a scikit-learn estimator's internal CV


def stratified(y: np.ndarray, per_class: int) -> np.ndarray:
    """Indices of the first `per_class` samples of each class, in order: the same slice every time."""
    return np.sort(np.concatenate([np.flatnonzero(y == c)[:per_class] for c in np.unique(y)]))


def probe(task: Task, cfg) -> None:
    from tasks.classification.runner import problem_data

    data = problem_data(task, cfg)
    k, shape = data.num_classes, data.input_shape
    factory = task.model.load()
    kwargs = contract.model_kwargs(task, cfg, input_shape=shape, num_classes=k)
    who = f"{task.id}: model {task.model.name!r} ({task.model.source})"
    if task.model.kind == "module":
        _probe_network(who, factory, kwargs, data.x_train[:2], k)
        return
    tr, va = stratified(data.y_train, PER_CLASS), stratified(data.y_val, 1)
    hflip = getattr(data, "hflip", False)
    train, val = Split(data.x_train[tr], data.y_train[tr], k, hflip), Split(data.x_val[va], data.y_val[va], k, hflip)
    step = "building it"
    try:
        model = contract.require(factory(**kwargs), task)
        step = f"fit on a probe slice of {len(tr)} samples"
        model.fit(train, val)
        step = f"predict_scores on a probe batch {val.x.shape}"
        scores = model.predict_scores(val.x)
    except UserError:
        raise
    except Exception as exc:
        raise UserError(f"{who} failed the classification probe: {step} raised {type(exc).__name__}: {_first_line(exc)}") from exc
    wrong = score_problem(scores, len(va), k)
    if wrong is not None:
        raise contract.refusal(task, "classification", [f"{step} returned {wrong}; expected ({len(va)}, {k}) finite class scores"])


def _probe_network(who: str, factory, kwargs: dict, x: np.ndarray, k: int) -> None:
    import torch

    try:
        net = factory(**kwargs)
    except Exception as exc:
        raise UserError(f"{who} failed the classification probe: building it raised {type(exc).__name__}: {_first_line(exc)}") from exc
    if not isinstance(net, torch.nn.Module):
        raise UserError(
            f"{who} is registered as a torch module factory (kind 'module') but returned a {type(net).__name__}; "
            "a model with its own fit and predict_scores registers with kind='trainer' (see `bench contract classification`)"
        )
    try:
        net.eval()
        with torch.no_grad():
            out = net(torch.as_tensor(x))  # (2, K) logits expected
    except Exception as exc:
        raise UserError(
            f"{who} breaks the classification contract: its network cannot forward a probe batch {x.shape}: "
            f"{type(exc).__name__}: {_first_line(exc)}"
        ) from exc
    wrong = score_problem(out, len(x), k)
    if wrong is not None:
        raise UserError(
            f"{who} breaks the classification contract: its network maps a probe batch {x.shape} to {wrong}; "
            f"expected ({len(x)}, {k}) finite class logits (see `bench contract classification`)"
        )


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [""])[0]
