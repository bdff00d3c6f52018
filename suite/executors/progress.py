"""Live progress of a sweep: done / running / failed / remaining and an ETA.

On a terminal a rich progress bar stays at the bottom and one line per finished run scrolls above it;
in a log file (CI, nohup) each finished run prints one line with the same counts, so both read alike.
"""

from __future__ import annotations

import time

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.text import Text


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}h{m:02d}m" if h else f"{m}m{s:02d}s" if m else f"{s}s"


def describe(rec: dict) -> str:
    """One finished run, e.g. `digits_mlp seed 0: ok test/acc = 0.97 in 4.1 s`."""
    metrics = rec.get("metrics") or {}
    score = metrics.get(rec.get("primary_metric", ""))
    value = f" {rec['primary_metric']} = {score:.4g}" if isinstance(score, (int, float)) else ""
    state = "cached" if rec.get("cached") else rec.get("status", "?")
    wall = (rec.get("timing") or {}).get("wall_s") or 0.0
    tail = f" ({rec['error']})" if rec.get("status") != "ok" and rec.get("error") else ""
    return f"{rec.get('task')} seed {rec.get('seed')}: {state}{value} in {wall:.1f} s{tail}"


class Display:
    def __init__(
        self,
        total: int,
        title: str = "sweep",
        console: Console | None = None,
        live: bool | None = None,
        expected: dict[str, float] | None = None,
        pending: list | None = None,
    ) -> None:
        self.total = total
        self.expected = expected or {}  # task -> seconds one run took before (for the ETA)
        self.pending = {s.run_id: s.task for s in pending or []}  # runs not started yet -> task
        self.speed: list[tuple[float, float]] = []  # (expected, actual) seconds of runs finished in this sweep
        self.slots = 1
        self.console = console or Console(highlight=False)
        self.live = self.console.is_terminal if live is None else live
        self.ok = self.failed = self.cached = 0
        self.running: dict[str, tuple[float, str]] = {}  # run id -> (start time, task)
        self.executed = 0  # finished runs that actually ran in this sweep (cached ones say nothing about speed)
        self.t0 = time.perf_counter()
        self.t_end: float | None = None
        self.first_start: float | None = None
        # The first ETA this display could give, and when (seconds in): the closing note checks it.
        self.first_eta: float | None = None
        self.first_eta_at = 0.0
        self._bar: Progress | None = None
        if self.live:
            self._bar = Progress(
                SpinnerColumn(),
                TextColumn(f"[bold]{title}"),
                BarColumn(),
                MofNCompleteColumn(),
                _StatusColumn(self),
                TimeElapsedColumn(),
                console=self.console,
                transient=False,
            )
            self._task = self._bar.add_task(title, total=total)
            self._bar.start()

    # -- counts ------------------------------------------------------------------------------------
    @property
    def finished(self) -> int:
        return self.ok + self.failed

    @property
    def remaining(self) -> int:
        return self.total - self.finished - len(self.running)

    def eta(self) -> float | None:
        """Seconds left. From past run times when every run left has one (scaled by how fast this machine
        is going compared with them), else from this sweep's throughput in runs finished per second."""
        left = list(self.pending.values()) + [task for _, task in self.running.values()]
        if left and all(task in self.expected for task in left):
            now = time.perf_counter()
            pace = sum(a for _, a in self.speed) / sum(e for e, _ in self.speed) if self.speed else 1.0
            work = sum(self.expected[task] * pace for task in self.pending.values())
            work += sum(max(self.expected[task] * pace - (now - t0), 0.0) for t0, task in self.running.values())
            return work / max(self.slots, 1)
        if not self.executed or self.first_start is None:
            return None
        rate = self.executed / (time.perf_counter() - self.first_start)
        return (self.remaining + len(self.running)) / rate if rate > 0 else None

    def elapsed(self) -> float:
        return (self.t_end if self.t_end is not None else time.perf_counter()) - self.t0

    def _keep_first_eta(self) -> None:
        if self.first_eta is None and self.remaining + len(self.running) > 0:
            eta = self.eta()
            if eta is not None:
                self.first_eta, self.first_eta_at = eta, self.elapsed()

    def closing(self) -> str:
        """The first ETA against the time the sweep took, for its closing line ("" if it never had one)."""
        if self.first_eta is None:
            return ""
        took = _duration(self.elapsed())
        if self.first_eta_at < 1.0:
            return f"ETA at the start {_duration(self.first_eta)}, finished in {took}"
        at, total = _duration(self.first_eta_at), _duration(self.first_eta_at + self.first_eta)
        return f"first ETA {_duration(self.first_eta)} at {at}, so {total} in all; finished in {took}"

    def status(self) -> str:
        eta = self.eta()
        left = self.remaining + len(self.running)
        eta_text = "–" if left == 0 else (_duration(eta) if eta is not None else "?")
        cached = f" ({self.cached} cached)" if self.cached else ""
        return f"done {self.ok}{cached} · running {len(self.running)} · failed {self.failed} · remaining {self.remaining} · ETA {eta_text}"

    # -- events ------------------------------------------------------------------------------------
    def start(self, spec) -> None:
        if self.first_start is None:
            self.first_start = time.perf_counter()
        self.running[spec.run_id] = (time.perf_counter(), spec.task)
        self.pending.pop(spec.run_id, None)
        self._keep_first_eta()
        self._refresh()

    def done(self, spec, rec: dict) -> None:
        started = self.running.pop(spec.run_id, None)
        self.pending.pop(spec.run_id, None)
        if rec.get("cached"):
            self.cached += 1
        else:
            self.executed += 1
            if started is not None and spec.task in self.expected and rec.get("status") == "ok":
                self.speed.append((self.expected[spec.task], time.perf_counter() - started[0]))
        if rec.get("status") == "ok":
            self.ok += 1
        else:
            self.failed += 1
        if not rec.get("cached"):  # a resumed sweep would otherwise reprint every finished run
            self._keep_first_eta()
            self.note(f"[{self.finished}/{self.total}] {describe(rec)}", style=None if rec.get("status") == "ok" else "red")
        self._refresh()

    def note(self, line: str, style: str | None = None) -> None:
        """A line above the bar on a terminal; in a log, the line followed by the current counts."""
        if self._bar is not None:
            self._bar.console.print(line, markup=False, highlight=False, style=style)
        else:
            print(f"{line}  | {self.status()}", flush=True)

    def _refresh(self) -> None:
        if self._bar is not None:
            self._bar.update(self._task, completed=self.finished)

    def stop(self) -> None:
        if self.t_end is None:
            self.t_end = time.perf_counter()
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


class _StatusColumn(ProgressColumn):
    """Recomputed at every refresh, so the ETA moves between events."""

    def __init__(self, display: Display) -> None:
        super().__init__()
        self.display = display

    def render(self, task) -> Text:
        return Text(self.display.status())
