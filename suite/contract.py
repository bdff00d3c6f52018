"""The plug-in door's guard: a model meets its family's contract, or is refused before any run starts.

A family declares its contract as a `typing.Protocol` (`Family.contract`): the methods a model of kind
"trainer" brings, with shapes in their docstrings. This module knows no family. It compares a model's
methods with the Protocol's (names and positional arity), builds a model for a run (the short form goes
through the family's `adapter`), and runs the family's `probe` (a probe batch through the model, so a
wrong output shape is refused in one line before training rather than after it).
"""

from __future__ import annotations

import inspect
from typing import Any

from suite.errors import UserError
from suite.registry import REGISTRY, Task, resolve


def protocol_methods(protocol: type) -> dict[str, inspect.Signature]:
    """The public methods a Protocol declares, by name, in the order written."""
    return {name: inspect.signature(fn) for name, fn in vars(protocol).items() if not name.startswith("_") and inspect.isfunction(fn)}


def _positional(sig: inspect.Signature) -> tuple[int, int, bool]:
    """(required positionals, accepted positionals, takes *args), `self` left out."""
    params = [p for p in sig.parameters.values() if p.name != "self"]
    pos = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    required = [p for p in pos if p.default is p.empty]
    return len(required), len(pos), any(p.kind == p.VAR_POSITIONAL for p in params)


def call_form(name: str, sig: inspect.Signature) -> str:
    """`predict_scores(x)`: how the family calls the method."""
    args = [p.name for p in sig.parameters.values() if p.name != "self"]
    return f"{name}({', '.join(args)})"


def describe(protocol: type) -> str:
    """The contract in one line: `fit(train, val), predict_scores(x)`."""
    return ", ".join(call_form(n, s) for n, s in protocol_methods(protocol).items())


def breaches(obj: Any, protocol: type) -> list[str]:
    """What `obj` (a class or an instance) lacks of `protocol`: a missing method or one the family cannot call."""
    out = []
    for name, want in protocol_methods(protocol).items():
        have = getattr(obj, name, None)
        if have is None or not callable(have):
            out.append(f"no method {call_form(name, want)}")
            continue
        try:
            sig = inspect.signature(have)
        except (TypeError, ValueError):  # a builtin without a signature: trust it
            continue
        need, _, _ = _positional(want)
        req, accepts, star = _positional(sig)
        if (accepts < need and not star) or req > need:
            out.append(f"{name}{sig} cannot be called as {call_form(name, want)}")
    return out


def refusal(task: Task, family: str, problems: list[str]) -> UserError:
    protocol = resolve(REGISTRY.family(family).contract)
    return UserError(
        f"{task.id}: model {task.model.name!r} ({task.model.source}) breaks the {family} contract: {'; '.join(problems)}; "
        f"expected {describe(protocol)} (see `bench contract {family}`)"
    )


def require(obj: Any, task: Task, family: str | None = None) -> Any:
    """`obj` when it meets the contract of `family` (default: the task's), else the one-line refusal."""
    family = family or task.family
    contract = REGISTRY.family(family).contract
    if contract is not None:
        problems = breaches(obj, resolve(contract))
        if problems:
            raise refusal(task, family, problems)
    return obj


def check(task: Task, cfg: Any, probe: bool = True) -> None:
    """Before any run: a trainer class's methods against every contract it is ranked under, then (with
    `probe`) the family's probe batch for every model a catalog did not declare itself (plug-ins, decorator
    built-ins). A model that raises on the probe batch is refused in one line too, not with a traceback."""
    for family in task.families:
        spec = REGISTRY.family(family)
        target = task.model.load()
        if task.model.kind == "trainer" and spec.contract is not None and inspect.isclass(target):
            require(target, task, family)
        if probe and spec.probe is not None and task.model.source != "builtin":
            try:
                resolve(spec.probe)(task, cfg)
            except UserError:
                raise
            except Exception as exc:
                raise UserError(
                    f"{task.id}: model {task.model.name!r} ({task.model.source}) failed on the {family} probe batch before any run: "
                    f"{type(exc).__name__}: {exc} (see `bench contract {family}`)"
                ) from exc


def model_kwargs(task: Task, cfg: Any, **shape: Any) -> dict[str, Any]:
    """The factory's arguments: the problem's shape (only what the factory names, or all of it when it
    takes **kwargs), then the model's config keys."""
    from suite.config import model_field_names

    factory = task.model.load()
    params = inspect.signature(factory).parameters
    takes_all = any(p.kind == p.VAR_KEYWORD for p in params.values())
    kwargs = {k: v for k, v in shape.items() if takes_all or k in params}
    kwargs.update({k: getattr(cfg, k) for k in model_field_names(task)})
    return kwargs


def build(ctx: Any, **shape: Any) -> Any:
    """The run's model as an object of its family's contract: a trainer as built, or the short form
    wrapped by the family's adapter. Which one is declared at registration (`kind`), never guessed."""
    task = ctx.task
    built = task.model.load()(**model_kwargs(task, ctx.config, **shape))
    if task.model.kind == "trainer":
        return require(built, task)
    adapter = REGISTRY.family(task.family).adapter
    if adapter is None:
        raise UserError(f"{task.id}: the {task.family} family has no short form; register the model with kind='trainer'")
    return resolve(adapter)(ctx, built)
