"""Typed configs: a family's base dataclass + a model's own fields, filled from presets and overrides.

Resolution order, later wins: dataclass defaults → family preset → problem preset
(`<preset>` then `<family>/<preset>`) → model preset (`<preset>` then `<problem>/<preset>`) → the
user's `key=value` overrides. Every key is checked against the dataclass; unknown keys are errors.
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import inspect
import json
import types
import typing
from typing import Any, Literal, Union, get_args, get_origin

from suite.errors import UserError, did_you_mean
from suite.registry import Task, resolve

DEFAULT_PRESET = "standard"
# What Lightning takes for `precision` (its `_PRECISION_INPUT_STR`), for the families that train with it.
PRECISIONS = ("32-true", "16-mixed", "bf16-mixed", "16-true", "bf16-true", "64-true")


def help_of(f: dataclasses.Field) -> str:
    """The field's one-line help, with its valid values when it declares them (`bench config` prints it)."""
    text, valid = f.metadata.get("help", ""), valid_of(f)
    return f"{text} [valid: {valid}]" if valid else text


def valid_of(f: dataclasses.Field) -> str:
    """The bounds or choices a field declares, as a reader writes them: `≥ 1`, `> 0`, `≥ 0 and < 1`, `a|b`; "" if none."""
    m = f.metadata
    if m.get("choices"):
        return "|".join(map(str, m["choices"]))
    low = m.get("above") if m.get("above") is not None else m.get("minimum")
    high = m.get("below") if m.get("below") is not None else m.get("maximum")
    lo_op = ">" if m.get("above") is not None else "≥"
    hi_op = "<" if m.get("below") is not None else "≤"
    if low is not None and high is not None:
        return f"{lo_op} {low} and {hi_op} {high}"
    if low is not None:
        return f"{lo_op} {low}"
    if high is not None:
        return f"{hi_op} {high}"
    return ""


def doc(
    default: Any = dataclasses.MISSING,
    help: str = "",
    neutral: bool = False,
    minimum: float | None = None,
    *,
    maximum: float | None = None,
    above: float | None = None,
    below: float | None = None,
    choices: tuple | None = None,
    budget: bool = False,
    **kw,
) -> Any:
    """A dataclass field with a one-line explanation shown by `bench config TASK`.

    Valid values, checked for every preset and override before any run starts (a value outside them
    is refused in one line), and shown by `bench config`: `minimum`/`maximum` (inclusive), `above`/
    `below` (exclusive: `lr` is `above=0`), `choices` (for a str key that takes a few names). They are
    metadata: declaring them never changes a config hash.

    `budget=True` marks the key that bounds a run's length in the unit of its curve's steps
    (`max_epochs`, `n_timesteps`): the runner prints it with an ETA after the first step.

    `neutral=True` marks a key added after records exist whose default does what runs did before it
    existed: at that default it is left out of the config hash, so those records still count as this
    config (cached, comparable) instead of being orphaned by a key they never needed.
    """
    meta = {
        "help": help,
        "neutral": neutral,
        "minimum": minimum,
        "maximum": maximum,
        "above": above,
        "below": below,
        "choices": tuple(choices) if choices else None,
        "budget": budget,
    }
    if isinstance(default, (list, dict, set)):
        value = default
        return dataclasses.field(default_factory=lambda: type(value)(value), metadata=meta, **kw)
    return dataclasses.field(default=default, metadata=meta, **kw)


def budget_of(cfg: Any) -> tuple[str, int] | None:
    """(key, value) of the config's budget key (`doc(..., budget=True)`) when it is set to a positive number."""
    for f in dataclasses.fields(cfg):
        value = getattr(cfg, f.name)
        if f.metadata.get("budget") and isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
            return f.name, value
    return None


def _signature_fields(fn: Any) -> list[tuple[str, Any, dataclasses.Field]]:
    """Keyword parameters with defaults of a plug-in factory become config fields."""
    fields = []
    try:
        hints = typing.get_type_hints(fn)
    except Exception:
        hints = {}
    for p in inspect.signature(fn).parameters.values():
        if p.default is inspect.Parameter.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        typ = hints.get(p.name, type(p.default) if p.default is not None else Any)
        fields.append((p.name, typ, dataclasses.field(default=p.default, metadata={"help": "model argument"})))
    return fields


def model_field_names(task: Task) -> list[str]:
    """Config keys that belong to the model (passed to its factory), as opposed to training keys."""
    if task.model.config is not None:
        return [f.name for f in dataclasses.fields(resolve(task.model.config))]
    return [name for name, _, _ in _signature_fields(task.model.load())]


def config_class(task: Task) -> type:
    """The task's typed config: family base fields, then the model's (model fields win)."""
    from suite.registry import REGISTRY

    family = REGISTRY.family(task.family)
    base = resolve(family.config)
    fields: dict[str, tuple[str, Any, dataclasses.Field]] = {}
    hints = typing.get_type_hints(base)
    for f in dataclasses.fields(base):
        fields[f.name] = (f.name, hints.get(f.name, f.type), _copy_field(f))
    if task.model.config is not None:
        mcls = resolve(task.model.config)
        mhints = typing.get_type_hints(mcls)
        for f in dataclasses.fields(mcls):
            fields[f.name] = (f.name, mhints.get(f.name, f.type), _copy_field(f))
    else:
        for name, typ, f in _signature_fields(task.model.load()):
            fields[name] = (name, typ, f)
    return dataclasses.make_dataclass(f"{task.id}_config", list(fields.values()), frozen=False)


def _copy_field(f: dataclasses.Field) -> dataclasses.Field:
    if f.default_factory is not dataclasses.MISSING:
        return dataclasses.field(default_factory=f.default_factory, metadata=f.metadata)
    return dataclasses.field(default=f.default, metadata=f.metadata)


def preset_layers(task: Task, preset: str) -> list[tuple[str, dict[str, Any]]]:
    """The override dictionaries that make up `preset`, in the order they apply."""
    from suite.registry import REGISTRY

    family = REGISTRY.family(task.family)
    p, m = task.problem, task.model
    layers = [
        (f"family {family.name}", family.presets.get(preset)),
        (f"problem {p.name}", p.presets.get(preset)),
        (f"problem {p.name}", p.presets.get(f"{task.family}/{preset}")),
        (f"model {m.name}", m.presets.get(preset)),
        (f"model {m.name}", m.presets.get(f"{p.name}/{preset}")),
    ]
    return [(who, d) for who, d in layers if d is not None]


def preset_names(task: Task) -> list[str]:
    from suite.registry import REGISTRY

    names = {"smoke", "standard"}
    family = REGISTRY.family(task.family)
    for key in [*family.presets, *task.problem.presets, *task.model.presets]:
        scope, _, name = key.rpartition("/")
        if not scope or scope in (task.family, task.problem.name):
            names.add(name)
    return sorted(names)


def resolve_config(
    task: Task, preset: str = DEFAULT_PRESET, overrides: dict[str, Any] | list[str] | None = None, results: Any = None
) -> Any:
    """Build the config instance for `task` under `preset` with `overrides` applied.

    `tuned:<study>` is the study's base preset plus its saved overrides and best parameters
    (suite/tuning/preset.py), read from `results` (default $BENCH_RESULTS or ./results).
    """
    from suite.tuning import preset as tuned

    if tuned.is_tuned(preset):
        saved = tuned.load(preset, task.id, results)
        cfg = resolve_config(task, saved["base_preset"], [*saved.get("overrides", []), *_as_words(saved["params"])])
        if overrides:
            _apply(cfg, parse_overrides(overrides) if isinstance(overrides, list) else overrides, "override")
        return cfg
    if preset not in preset_names(task):
        raise did_you_mean(preset, preset_names(task), f"preset for {task.id}")
    cls = config_class(task)
    cfg = cls()
    for who, layer in preset_layers(task, preset):
        _apply(cfg, layer, f"preset {preset!r} of {who}")
    if overrides:
        _apply(cfg, parse_overrides(overrides) if isinstance(overrides, list) else overrides, "override")
    return cfg


def _as_words(params: dict[str, Any]) -> list[str]:
    return [f"{k}={v}" for k, v in params.items()]


def parse_overrides(items: list[str]) -> dict[str, str]:
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise UserError(f"bad override {item!r}: expected key=value, e.g. lr=0.001")
        out[key.strip()] = value
    return out


def _apply(cfg: Any, values: dict[str, Any], where: str) -> None:
    hints = typing.get_type_hints(type(cfg))
    fields = {f.name: f for f in dataclasses.fields(cfg)}
    valid = list(fields)
    for key, raw in values.items():
        if key not in hints:
            err = did_you_mean(key, valid, f"config key in {where}")
            raise UserError(f"{err}; valid keys: {', '.join(valid)}")
        if _wants_int(hints[key]) and _float_literal(raw):
            whole = _whole(raw)
            hint = f"write {whole} (or {whole:_})" if whole is not None else "give a whole number"
            raise UserError(f"bad value for {key} in {where}: {raw!r} is a float and {key} is an integer; {hint}")
        try:
            value = coerce(raw, hints[key])
        except (ValueError, TypeError) as exc:
            raise UserError(f"bad value for {key} in {where}: {raw!r} is not {type_name(hints[key])} ({exc})") from None
        check_valid(fields[key], value, where)
        setattr(cfg, key, value)


def check_valid(f: dataclasses.Field, value: Any, where: str) -> None:
    """Refuse a value outside the bounds or choices the field declares, in one line naming what is valid."""
    m = f.metadata
    if value is None or isinstance(value, bool):
        return
    choices = m.get("choices")
    if choices and value not in choices:
        close = difflib.get_close_matches(str(value), list(map(str, choices)), n=2, cutoff=0.5)
        hint = f"; did you mean {' or '.join(map(repr, close))}?" if close else ""
        raise UserError(f"bad value for {f.name} in {where}: {value!r}; valid: {'|'.join(map(str, choices))}{hint} ({m.get('help', '')})")
    if not isinstance(value, (int, float)):
        return
    low, above, high, below = m.get("minimum"), m.get("above"), m.get("maximum"), m.get("below")
    if low is None and above is None and high is None and below is None:
        return
    out = (
        (low is not None and value < low)
        or (above is not None and value <= above)
        or (high is not None and value > high)
        or (below is not None and value >= below)
        or value != value  # NaN passes no bound
    )
    if not out:
        return
    if low is not None and high is None and above is None and below is None:
        valid = f"{low} or more"  # the wording tests and users already know for `minimum`
    else:
        valid = valid_of(f)
    raise UserError(f"bad value for {f.name} in {where}: {value!r}; valid: {valid} ({m.get('help', '')})")


def _wants_int(typ: Any) -> bool:
    """An int key (or int | None), where a float value would be silently truncated or rounded."""
    if typ is int:
        return True
    if get_origin(typ) in (Union, types.UnionType):
        args = get_args(typ)
        return int in args and float not in args
    return False


def _float_literal(raw: Any) -> bool:
    """A value written as a float: 1e9, 2.0, 1.5 (a preset's Python float, or such text on the command line)."""
    if isinstance(raw, float):
        return True
    if not isinstance(raw, str):
        return False
    try:
        int(raw)
        return False
    except ValueError:
        pass
    try:
        float(raw)
    except ValueError:
        return False
    return raw.strip().lower() not in ("nan", "inf", "-inf", "+inf", "infinity", "-infinity")


def _whole(raw: Any) -> int | None:
    try:
        x = float(raw)
    except (TypeError, ValueError):
        return None
    return int(x) if x == x and abs(x) != float("inf") and x.is_integer() else None


def type_name(typ: Any) -> str:
    origin = get_origin(typ)
    if origin is Literal:
        return "one of " + "|".join(map(str, get_args(typ)))
    if origin in (Union, types.UnionType):
        return " or ".join(type_name(a) for a in get_args(typ))
    if origin in (list, tuple):
        args = get_args(typ)
        return f"a list of {type_name(args[0])}" if args else "a list"
    return getattr(typ, "__name__", str(typ))


def coerce(raw: Any, typ: Any) -> Any:
    """Turn an override (a string from the command line, or a preset's Python value) into `typ`."""
    origin = get_origin(typ)
    if typ is Any:
        return raw
    if origin in (Union, types.UnionType):
        args = get_args(typ)
        if raw is None or (isinstance(raw, str) and raw.lower() in ("none", "null")):
            if type(None) in args:
                return None
        errors = []
        for arg in args:
            if arg is type(None):
                continue
            try:
                return coerce(raw, arg)
            except (ValueError, TypeError) as exc:
                errors.append(str(exc))
        raise ValueError("; ".join(errors))
    if origin is Literal:
        choices = get_args(typ)
        for c in choices:
            if raw == c or (isinstance(raw, str) and str(c) == raw):
                return c
        raise ValueError(f"expected one of {', '.join(map(str, choices))}")
    if origin in (list, tuple):
        (arg, *_) = get_args(typ) or (Any,)
        if isinstance(raw, str):
            raw = json.loads(raw) if raw.strip().startswith("[") else [x for x in raw.split(",") if x.strip()]
        if not isinstance(raw, (list, tuple)):
            raise TypeError("expected a list")
        items = [coerce(x, arg) for x in raw]
        return items if origin is list else tuple(items)
    if origin is dict:
        if isinstance(raw, str):
            raw = json.loads(raw)
        if not isinstance(raw, dict):
            raise TypeError("expected a JSON object")
        return raw
    if typ is bool:
        if isinstance(raw, bool):
            return raw
        s = str(raw).lower()
        if s in ("1", "true", "yes", "on"):
            return True
        if s in ("0", "false", "no", "off"):
            return False
        raise ValueError("expected true or false")
    if typ is int:
        if isinstance(raw, bool):
            raise TypeError("expected an integer")
        if isinstance(raw, float) and raw.is_integer():
            return int(raw)
        return int(float(raw)) if isinstance(raw, str) and ("e" in raw.lower()) and float(raw).is_integer() else int(raw)
    if typ is float:
        return float(raw)
    if typ is str:
        return str(raw)
    return raw


def config_dict(cfg: Any) -> dict[str, Any]:
    return dataclasses.asdict(cfg)


def config_hash(task_id: str, preset: str, cfg: Any) -> str:
    """Identity of a run's setup, seed excluded: equal hashes mean a cached run can be reused."""
    values = config_dict(cfg)
    for f in dataclasses.fields(cfg):
        if f.metadata.get("neutral") and values.get(f.name) == f.default:
            del values[f.name]
    blob = json.dumps({"task": task_id, "preset": preset, "config": values}, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:10]
