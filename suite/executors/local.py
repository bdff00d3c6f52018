"""Local executor: K long-lived worker processes, one run at a time each.

Why this shape:
- spawn, not fork: a forked torch/OpenMP runtime can deadlock, and spawn behaves the same on macOS.
- long-lived workers: importing torch + Lightning costs seconds, more than a smoke run; a worker pays it once.
- one pipe per worker: the driver always knows which run each worker holds, so the display's "running"
  is exact, and a worker that dies (segfault, OOM killer, kill -9) shows as EOF on its pipe; the run is
  then recorded as failed and a fresh worker takes the next run.
- threads: each run takes its family's measured default (suite/runner.py:threads_for), capped by
  BENCH_THREADS_MAX = cores // workers so K workers × T threads never oversubscribe the machine;
  --threads sets BENCH_THREADS for every run instead. Each worker is also pinned to its own cores
  (core_sets): a library that sizes its thread pool by itself keeps it there. JAX does: its XLA Eigen
  pool spun two extra threads per SBX run (an SBX DQN at "one thread" used 1.18 cores, 2,059 steps/s;
  pinned to one core 1.00 and 2,698 steps/s), and two such workers on 2 cores held the load at 4.6.
- workers ignore SIGINT: Ctrl-C reaches the whole process group, and the driver alone decides to stop;
  it then sends SIGTERM, which a worker turns into KeyboardInterrupt so the runner removes its staging dir.
- workers die with the driver (Linux PR_SET_PDEATHSIG): a SIGKILLed driver leaves no orphan training on.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import time
import traceback
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection, wait

from suite.sweep import RunSpec, cores, not_recorded, record_crash, signal_name

THREAD_VARS = ("BENCH_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")


def _die_with_parent(parent: int) -> None:
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the pipe's EOF still ends an idle worker
        pass
    if os.getppid() != parent:  # the driver died before prctl took effect
        os._exit(1)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def core_sets(allowed: list[int], workers: int, per_worker: int) -> list[tuple[int, ...] | None]:
    """Each worker's own cores, in order, when the workers' threads fit the cores without sharing; else
    None for every worker (the user asked for more threads than cores: the OS places them)."""
    if workers < 2 or workers * per_worker > len(allowed):
        return [None] * workers
    return [tuple(allowed[i * per_worker : (i + 1) * per_worker]) for i in range(workers)]


def worker_main(conn: Connection, threads: int | None, parent: int, cap: int = 1, cpus: tuple[int, ...] | None = None) -> None:
    """Loop: receive a RunSpec, run it, send back ("record", rec) or ("error", message)."""
    _die_with_parent(parent)
    if cpus:
        try:
            os.sched_setaffinity(0, cpus)  # before torch or JAX loads and sizes its pool
        except (AttributeError, OSError):  # not Linux, or a core taken away since: the OS places it
            pass
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _interrupt)
    os.environ["BENCH_THREADS_MAX"] = str(cap)
    if threads:
        for var in THREAD_VARS:  # before torch is imported, so OpenMP sizes its pool once
            os.environ[var] = str(threads)
    from suite.sweep import run_spec

    while True:
        try:
            spec = conn.recv()
        except (EOFError, KeyboardInterrupt, OSError):
            return
        if spec is None:
            return
        try:
            out = ("record", run_spec(spec))
        except KeyboardInterrupt:
            return
        except BaseException as exc:  # a UserError or an import failure in this worker: report, keep serving
            out = ("error", f"{type(exc).__name__}: {exc}", traceback.format_exc())
        try:
            conn.send(out)
        except (BrokenPipeError, OSError):
            return


@dataclass
class _Worker:
    proc: mp.Process
    conn: Connection
    slot: int
    spec: RunSpec | None = None
    started: float = 0.0


class LocalExecutor:
    def __init__(self, workers: int | None = None, threads: int | None = None) -> None:
        self.slots = max(1, workers or cores())
        # threads per run: None leaves each run its family's default, capped at cores ÷ workers (at least 1)
        self.threads = threads
        self.cap = max(1, cores() // self.slots)
        try:
            allowed = sorted(os.sched_getaffinity(0))
        except AttributeError:  # not Linux: no pinning
            allowed = []
        self.cpus = core_sets(allowed, self.slots, self.threads or self.cap)
        self._pool: list[_Worker] = []

    def _spawn(self) -> _Worker:
        ctx = mp.get_context("spawn")
        ours, theirs = ctx.Pipe()
        slot = min(set(range(self.slots)) - {w.slot for w in self._pool})  # a replaced worker takes its cores
        args = (theirs, self.threads, os.getpid(), self.cap, self.cpus[slot])
        proc = ctx.Process(target=worker_main, args=args, daemon=True, name="bench-worker")
        proc.start()
        theirs.close()
        worker = _Worker(proc, ours, slot)
        self._pool.append(worker)
        return worker

    def events(self, specs: list[RunSpec]) -> Iterator[tuple[str, RunSpec, dict | None]]:
        queue = deque(replace(s, threads=self.threads) for s in specs)
        while queue or any(w.spec is not None for w in self._pool):
            while queue:
                idle = next((w for w in self._pool if w.spec is None), None)
                if idle is None and len(self._pool) < self.slots:
                    idle = self._spawn()
                if idle is None:
                    break
                try:
                    idle.conn.send(queue[0])
                except OSError:  # it died while idle (OOM killer, kill): replace it, the run was never started
                    self._drop(idle)
                    continue
                idle.spec, idle.started = queue.popleft(), time.perf_counter()
                yield "start", idle.spec, None
            busy = [w for w in self._pool if w.spec is not None]
            for conn in wait([w.conn for w in busy]):
                worker = next(w for w in busy if w.conn is conn)
                spec, wall = worker.spec, time.perf_counter() - worker.started
                worker.spec = None
                try:
                    msg = conn.recv()
                except (EOFError, OSError):
                    code = self._drop(worker)
                    why = f"worker process died with {signal_name(code)} during the run"
                    if code is not None and code < 0:  # killed by a signal: segfault, OOM killer, kill -9; the run's own doing
                        yield "done", spec, record_crash(spec, f"{why} (killed, or out of memory?)", wall)
                    else:  # the worker itself failed; nothing says the run would: leave it unrecorded, to be retried
                        yield "done", spec, not_recorded(spec, why, wall)
                    continue
                if msg[0] == "record":
                    yield "done", spec, msg[1]
                else:
                    yield "done", spec, not_recorded(spec, msg[1], wall, traceback=msg[2])

    def _drop(self, worker: _Worker) -> int | None:
        """Forget a dead worker; its exit code (negative: the signal that killed it)."""
        worker.proc.join(timeout=5)
        self._pool.remove(worker)
        worker.conn.close()
        return worker.proc.exitcode

    def close(self) -> None:
        """Stop every worker: idle ones are asked to leave, busy ones are interrupted (their staging is removed)."""
        for w in self._pool:
            try:
                if w.spec is None:
                    w.conn.send(None)
                else:
                    w.proc.terminate()
            except (OSError, ValueError):
                pass
        deadline = time.monotonic() + 10  # Lightning may take a moment to unwind a fit
        for w in self._pool:
            w.proc.join(timeout=max(0.1, deadline - time.monotonic()))
            if w.proc.is_alive():
                w.proc.kill()
                w.proc.join(timeout=5)
            w.conn.close()
        self._pool.clear()
