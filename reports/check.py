"""The regression gate's verdicts: each task's fresh reruns against its shipped records.

    bench check check            # the fast `check` suite; exit 1 on a significant regression

Two kinds of comparison, and the verdict says which applied:
- **exact**: the rerun was made on the machine kind that made the shipped records (suite/envinfo.py:
  machine_kind) with the same config: every seed must give the same metric to 1e-9 relative. Any
  other value is a change, reported with its direction, without a p-value (there is no noise to test).
- **statistical**: on another machine kind, or after a config change, seeds differ by more than rounding.
  Welch's t-test of the reruns against the shipped seeds, two-sided, Holm-adjusted over every task
  tested at once, so the chance of any false alarm over the whole suite stays at α. A task whose
  seeds do not vary on either side (a return at its cap) is compared exactly: equal means, or a change.
A deterministic model (one exact record) is compared exactly on every kind, to a relative 1e-6:
BLAS kernels may differ in the last bits across CPUs, a changed model does not.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from reports.stats import holm

EXACT_RTOL = 1e-9
CROSS_KIND_RTOL = 1e-6


@dataclass
class Verdict:
    task: str
    metric: str
    higher_is_better: bool
    method: str  # "exact" | "statistical" | "deterministic"
    why: str  # why that method: same machine kind, another kind, config changed
    old: list[float]
    new: list[float]
    diff: float  # mean(new) - mean(old)
    interval: tuple[float, float] | None = None  # 95 % Welch interval of diff
    p: float | None = None
    p_adjusted: float | None = None
    outcome: str = "unchanged"  # "unchanged" | "regressed" | "improved"

    @property
    def effect(self) -> float | None:
        """Hedges-free standardised difference: diff over the pooled seed standard deviation."""
        sd = np.sqrt((np.var(self.old, ddof=1) + np.var(self.new, ddof=1)) / 2) if min(len(self.old), len(self.new)) > 1 else 0.0
        return float(self.diff / sd) if sd > 0 else None


def _direction(diff: float, higher_is_better: bool) -> str:
    if diff == 0:
        return "unchanged"
    return "improved" if (diff > 0) == higher_is_better else "regressed"


def _welch(old: np.ndarray, new: np.ndarray) -> tuple[float, tuple[float, float]]:
    from scipy import stats

    res = stats.ttest_ind(new, old, equal_var=False)
    ci = res.confidence_interval(0.95)
    return float(res.pvalue), (float(ci.low), float(ci.high))


def compare(
    task: str, metric: str, higher_is_better: bool, old: list[float], new: list[float], *, exact: bool, why: str, deterministic: bool
) -> Verdict:
    """One task's verdict before the correction over the suite (`decide` applies it)."""
    a, b = np.asarray(old, float), np.asarray(new, float)
    diff = float(b.mean() - a.mean())
    v = Verdict(task, metric, higher_is_better, "exact", why, list(map(float, a)), list(map(float, b)), diff)
    if exact or deterministic or (a.std() == 0 and b.std() == 0):
        close = lambda x, y, rtol: abs(y - x) <= rtol * max(1.0, abs(x))  # noqa: E731
        if exact and len(a) == len(b):  # same kind, same config, same seeds: seed by seed
            same = all(close(x, y, EXACT_RTOL) for x, y in zip(a, b))
        else:
            v.method = "deterministic" if deterministic else "exact"
            same = close(a.mean(), b.mean(), CROSS_KIND_RTOL)
        v.outcome = "unchanged" if same else _direction(diff, higher_is_better) if diff else "changed"
        return v
    v.method = "statistical"
    v.p, v.interval = _welch(a, b)
    return v


def decide(verdicts: list[Verdict], alpha: float = 0.05) -> list[Verdict]:
    """Holm over the statistical comparisons; a significant difference is a regression or an improvement."""
    tested = [v for v in verdicts if v.method == "statistical"]
    for v, adj in zip(tested, holm([v.p for v in tested]).tolist()):
        v.p_adjusted = adj
        v.outcome = _direction(v.diff, v.higher_is_better) if adj < alpha else "unchanged"
    return verdicts


def failed(verdicts: list[Verdict]) -> bool:
    """The gate closes on a regression, and on an exact rerun that changed without a direction."""
    return any(v.outcome in ("regressed", "changed") for v in verdicts)


def table(verdicts: list[Verdict]) -> list[str]:
    """Markdown lines: one row per task, numbers never truncated."""
    rows = [
        "| task | metric | verdict | method | shipped mean (n) | rerun mean (n) | Δ rerun − shipped [95 % CI] | effect (SD) | p | Holm p | why |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    fmt = lambda x: "–" if x is None else f"{x:.4g}"  # noqa: E731
    for v in verdicts:
        ci = f" [{v.interval[0]:.4g}, {v.interval[1]:.4g}]" if v.interval else ""
        mark = {"regressed": "**regressed**", "changed": "**changed**"}.get(v.outcome, v.outcome)
        rows.append(
            f"| {v.task} | {v.metric} {'↑' if v.higher_is_better else '↓'} | {mark} | {v.method} | {np.mean(v.old):.6g} ({len(v.old)}) | "
            f"{np.mean(v.new):.6g} ({len(v.new)}) | {v.diff:+.4g}{ci} | {fmt(v.effect)} | {fmt(v.p)} | {fmt(v.p_adjusted)} | {v.why} |"
        )
    return rows
