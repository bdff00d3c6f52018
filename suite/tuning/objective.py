"""The number a trial is judged by, read from the run itself (no optuna here: the runner imports it).

A validation objective is the value at the epoch whose weights the run keeps (`kept_epoch`, set by
the Lightning backend: the epoch early stopping restored, else the last), because those are the
weights that would go on to the test split. Without it (another backend) the last point counts.
"""

from __future__ import annotations


def kept_value(curves: list[tuple[float, float, str, float]], metric: str, kept_epoch: int | None) -> float | None:
    points = [(step, value) for step, _, name, value in curves if name == metric]
    if not points:
        return None
    if kept_epoch is not None:
        at = [v for step, v in points if step == kept_epoch]
        if at:
            return at[-1]
    return points[-1][1]


def mean_objective(records: list[dict], metric: str) -> float | None:
    """The mean of `metric` over a trial's seeds; None when a seed lacks it."""
    values = [(r.get("metrics") or {}).get(metric) for r in records]
    if not values or any(v is None for v in values):
        return None
    return float(sum(values) / len(values))
