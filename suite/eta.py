"""The ETA line: after a run's first curve point, its budget and when it will end at that pace.

A large budget is allowed (`max_epochs=1_000_000_000`), but then nobody should wait for it unaware.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

from suite.context import RunContext

# The line is printed when a run has at least this much left: a minute with a progress bar (the bar
# counts too, this says the budget in words), an hour without one (a sweep's workers, --no-progress).
ETA_LINE_S = 60.0
LONG_RUN_S = 3600.0


def announcer(ctx: RunContext, total: int | None = None) -> Callable[[float], None] | None:
    """What `ctx` calls at its first curve step: prints one line on stderr when the run has long to go.

    The budget is the config key declared with `doc(..., budget=True)` (`max_epochs`, `n_timesteps`):
    it counts in the unit of the curve's steps. None when the config declares no budget. `total`
    overrides its value when a backend knows the run ends sooner (a step cap inside an epoch budget).
    """
    from suite.config import budget_of

    budget = budget_of(ctx.config)
    if budget is None:
        return None
    key, total = budget[0], budget[1] if total is None else total

    def first_step(step: float) -> None:
        if step >= total:
            return
        took = time.perf_counter() - (ctx.started + ctx.timing.get("setup_s", 0.0))
        left = took / step * (total - step)
        if left >= (ETA_LINE_S if ctx.progress else LONG_RUN_S):
            line = f"{ctx.task.id} seed {ctx.seed}: {key} {step:,.0f} of {total:,} done in {took:.3g} s; ETA {duration(left)}"
            if "tqdm" in sys.modules:  # a progress bar is drawn on stderr: print above it, not into it
                from tqdm import tqdm

                tqdm.write(line, file=sys.stderr)
            else:
                print(line, file=sys.stderr, flush=True)

    return first_step


def duration(seconds: float) -> str:
    """A span as people say it: 42 s, 3 min 20 s, 5 h 07 min, 12 d 4 h, 31.7 years."""
    if seconds < 60:
        return f"{seconds:.0f} s"
    if seconds < 3600:
        return f"{seconds // 60:.0f} min {seconds % 60:02.0f} s"
    if seconds < 86400:
        return f"{seconds // 3600:.0f} h {seconds % 3600 // 60:02.0f} min"
    if seconds < 365 * 86400:
        return f"{seconds // 86400:.0f} d {seconds % 86400 // 3600:.0f} h"
    return f"{seconds / (365.25 * 86400):,.1f} years"
