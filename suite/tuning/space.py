"""Search spaces: what a family (and a model) lets `bench tune` vary, in its own config keys.

A family registers one `Space` (objective metric, direction, whether trials stop before the test
phase, distributions per key, extra keys per model); a plug-in model adds keys with
`register_space(family, {...}, model=name)`. The command line narrows or widens a space with
`space.KEY=KIND:ARGS` (`loguniform:1e-4:1e-1`, `uniform:0:0.5`, `int:1:3`, `intlog:16:512`,
`categorical:adam,sgd`) and drops a key with `space.KEY=off`; a plain `KEY=VALUE` override pins the
key, so it leaves the space too. Every distribution is checked against the key's type and declared
bounds before any trial starts: a bad one is one line.
"""

from __future__ import annotations

import dataclasses
import math
import typing
from dataclasses import dataclass, field
from typing import Any

from suite.errors import UserError, did_you_mean

KINDS = ("loguniform", "uniform", "int", "intlog", "categorical")
FORMS = "loguniform:LOW:HIGH, uniform:LOW:HIGH, int:LOW:HIGH, intlog:LOW:HIGH, categorical:A,B,... (A;B,C for lists) or off"


@dataclass(frozen=True)
class Dist:
    kind: str
    low: float | None = None
    high: float | None = None
    choices: tuple = ()

    def text(self) -> str:
        if self.kind == "categorical":
            sep = ";" if any("," in str(c) for c in self.choices) else ","
            return "categorical:" + sep.join(map(str, self.choices))
        return f"{self.kind}:{self.low:g}:{self.high:g}"

    def suggest(self, trial: Any, name: str) -> Any:
        """Ask an Optuna trial for a value of this distribution."""
        if self.kind == "categorical":
            return trial.suggest_categorical(name, list(self.choices))
        if self.kind in ("int", "intlog"):
            return trial.suggest_int(name, int(self.low), int(self.high), log=self.kind == "intlog")
        return trial.suggest_float(name, float(self.low), float(self.high), log=self.kind == "loguniform")


def loguniform(low: float, high: float) -> Dist:
    return Dist("loguniform", low, high)


def uniform(low: float, high: float) -> Dist:
    return Dist("uniform", low, high)


def integer(low: int, high: int, log: bool = False) -> Dist:
    return Dist("intlog" if log else "int", low, high)


def categorical(*choices: Any) -> Dist:
    return Dist("categorical", choices=tuple(choices))


@dataclass
class Space:
    """A family's search space. `skip_test`: the objective is a validation metric, so a trial ends
    where the test phase would begin (`ctx.phase("eval")`) and never reads the test split; RL sets it
    False, its objective being the final evaluation return on tuning seeds (≥ 100)."""

    objective: str
    direction: str  # "maximize" | "minimize"
    skip_test: bool
    params: dict[str, Dist] = field(default_factory=dict)
    models: dict[str, dict[str, Dist]] = field(default_factory=dict)
    source: str = ""  # where the ranges come from, shown by `bench config`


# (family, model or None) -> Space / dict of Dists, or a lazy "module:attr" to one
SPACES: dict[tuple[str, str | None], Any] = {}


def register_space(family: str, space: Any, model: str | None = None) -> None:
    """A family's `Space` (model=None), or a model's extra `{key: Dist}` (lazy "module:attr" targets allowed)."""
    SPACES[(family, model)] = space


def family_space(task) -> Space:
    from suite.registry import resolve

    if task.deterministic:  # a closed-form fit has no training to search over, and no validation curve
        raise UserError(f"no search space for {task.id}: {task.model.name} is a deterministic model, with nothing to tune")
    target = SPACES.get((task.family, None))
    if target is None:
        known = sorted({f for f, _ in SPACES})
        raise UserError(
            f"no search space for {task.id}: family {task.family} declares none; families with one: {', '.join(known) or 'none'}"
        )
    return resolve(target)


def space_for(task, cfg: Any, cli: list[str] | None = None, pinned: set[str] | frozenset = frozenset()) -> tuple[Space, dict[str, Dist]]:
    """The task's family space, its model's keys, then `space.KEY=...` words; keys pinned by overrides leave it."""
    from suite.registry import resolve

    space = family_space(task)
    dists = dict(space.params)
    dists.update(space.models.get(task.model.name, {}))
    extra = SPACES.get((task.family, task.model.name))
    if extra is not None:
        dists.update(resolve(extra))
    fields = {f.name: f for f in dataclasses.fields(cfg)}
    dists = {k: d for k, d in dists.items() if k in fields}  # family keys a model does not have (no dropout in logreg)
    for word in cli or []:
        key, _, text = word.partition("=")
        key = key.removeprefix("space.")
        if key not in fields:
            raise UserError(f"{did_you_mean(key, list(fields), f'config key in space.{key}')}; valid keys: {', '.join(fields)}")
        if text.strip().lower() == "off":
            dists.pop(key, None)
            continue
        dists[key] = parse_dist(key, text)
    for key in pinned:
        dists.pop(key, None)
    hints = typing.get_type_hints(type(cfg))
    for key, dist in dists.items():
        dists[key] = check_dist(fields[key], hints[key], dist)
    if not dists:
        raise UserError(f"the search space of {task.id} is empty: every key is pinned or off; add one with space.KEY={FORMS.split(',')[0]}")
    return space, dists


def parse_dist(key: str, text: str) -> Dist:
    kind, _, rest = text.partition(":")
    if kind not in KINDS:
        raise UserError(f"{did_you_mean(kind, list(KINDS), f'distribution in space.{key}={text}')}; forms: {FORMS}")
    if kind == "categorical":
        sep = ";" if ";" in rest else ","  # list-valued keys: categorical:64;64,64;256,256
        choices = tuple(c for c in rest.split(sep) if c.strip())
        if not choices:
            raise UserError(f"bad space.{key}={text}: categorical needs at least one choice, e.g. categorical:adam,sgd")
        return Dist(kind, choices=choices)
    parts = rest.split(":")
    try:
        low, high = (float(p) for p in parts)
    except ValueError:
        raise UserError(f"bad space.{key}={text}: {kind} takes two numbers, e.g. {kind}:1e-4:1e-1") from None
    return Dist(kind, low, high)


def check_dist(f: dataclasses.Field, typ: Any, dist: Dist) -> Dist:
    """The distribution with values of the key's type, or one line saying what is wrong with it."""
    from suite.config import check_valid, coerce, type_name

    where = f"space.{f.name}={dist.text()}"
    if dist.kind == "categorical":
        out = []
        for c in dist.choices:
            try:
                value = coerce(c, typ)
            except (ValueError, TypeError) as exc:
                raise UserError(f"bad {where}: {c!r} is not {type_name(typ)} ({exc})") from None
            check_valid(f, value, where)
            # Optuna stores None, bool, int, float and str: a list value (net_arch) travels as its text
            out.append(value if value is None or isinstance(value, (bool, int, float, str)) else ",".join(map(str, value)))
        return Dist("categorical", choices=tuple(out))
    numeric = _numeric(typ)
    if numeric is None:
        raise UserError(f"bad {where}: {f.name} is {type_name(typ)}, not a number; use categorical:A,B")
    if dist.kind in ("int", "intlog") and numeric is not int:
        raise UserError(f"bad {where}: {f.name} is a float; use uniform or loguniform")
    if dist.kind in ("uniform", "loguniform") and numeric is int:
        raise UserError(f"bad {where}: {f.name} is an integer; use int or intlog")
    low, high = dist.low, dist.high
    if not (math.isfinite(low) and math.isfinite(high)) or low >= high:
        raise UserError(f"bad {where}: empty or inverted range ({low:g} ≥ {high:g}); give LOW < HIGH")
    if dist.kind in ("loguniform", "intlog") and low <= 0:
        raise UserError(f"bad {where}: a log range needs LOW > 0 (got {low:g})")
    if numeric is int and (low != int(low) or high != int(high)):
        raise UserError(f"bad {where}: {f.name} is an integer; give whole-number bounds")
    for bound in (low, high):
        check_valid(f, int(bound) if numeric is int else bound, where)
    return Dist(dist.kind, int(low) if numeric is int else low, int(high) if numeric is int else high)


def _numeric(typ: Any) -> type | None:
    """int or float when the key holds that number (`float | str` keys such as a schedule take floats)."""
    if typ in (int, float):
        return typ
    args = typing.get_args(typ)
    for t in (float, int):
        if t in args:
            return t
    return None


def describe(space: Space, dists: dict[str, Dist]) -> list[str]:
    """Lines for `bench config`: objective, then one key per line."""
    how = "trials end before the test phase" if space.skip_test else "on tuning seeds ≥ 100"
    lines = [f"search space (bench tune): {space.direction} {space.objective} ({how}){'; ' + space.source if space.source else ''}"]
    lines += [f"  space.{k:18} {d.text()}" for k, d in dists.items()]
    return lines
