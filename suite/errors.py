"""Errors a user can cause. The CLI prints them as one line and exits with code 2."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class UserError(Exception):
    """Bad input: an unknown name, a bad override, a missing optional dependency, ..."""


class MissingDependency(UserError):
    """An optional extra the task needs is not installed (`require`); tests skip such tasks with its line."""


class Diverged(Exception):
    """Raised by a family runner when training produced NaN/inf or collapsed; recorded as `diverged`."""


def did_you_mean(name: str, valid: Iterable[str], what: str) -> UserError:
    """An error for an unknown `name`, with the closest valid names, or the list when short."""
    valid = sorted(valid)
    close = difflib.get_close_matches(name, valid, n=3, cutoff=0.5)
    if close:
        hint = "did you mean " + " or ".join(repr(c) for c in close) + "?"
    elif len(valid) <= 12:
        hint = "valid: " + ", ".join(valid)
    else:
        hint = f"see `bench list` for the {len(valid)} valid names"
    return UserError(f"unknown {what} {name!r}; {hint}")


def require(module: str, extra: str | None = None, purpose: str = ""):
    """Import an optional dependency or fail with one line saying how to install it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        how = f"pip install 'benchsuite[{extra}]'" if extra else f"pip install {module}"
        why = f" for {purpose}" if purpose else ""
        raise MissingDependency(f"missing optional dependency {module!r}{why} ({exc}); install it with: {how}") from exc
