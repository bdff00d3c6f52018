"""The zoo's schedule strings ("lin_0.001") as SB3 schedules: callables of progress_remaining (1 → 0)."""

from __future__ import annotations

from collections.abc import Callable

from suite.errors import UserError


class LinearSchedule:
    """Linear decay from `initial` at the start of training to 0 at the end, as the zoo's `lin_<x>`.

    A class rather than a closure so that SB3 can pickle a model that holds it.
    """

    def __init__(self, initial: float) -> None:
        self.initial = initial

    def __call__(self, progress_remaining: float) -> float:
        return progress_remaining * self.initial

    def __repr__(self) -> str:
        return f"lin_{self.initial}"


def parse_schedule(value: float | str, key: str = "value") -> float | Callable[[float], float]:
    """A number stays a number; "lin_<x>" becomes LinearSchedule(x); a plain numeric string a float."""
    if not isinstance(value, str):
        return float(value)
    text = value.strip()
    kind, sep, number = text.partition("_")
    try:
        if not sep:
            return float(text)
        if kind == "lin":
            return LinearSchedule(float(number))
    except ValueError:
        pass
    raise UserError(f"bad {key} {value!r}: give a number or a linear schedule like lin_0.001")
