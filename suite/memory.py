"""Peak memory of one run, not of the process that hosts it.

`ru_maxrss` is the process's high-water mark: in a process that runs several seeds, every run after
the first reports the largest run so far. A run's own peak is its resident set's high-water mark
minus the resident set it started with; on a GPU, the CUDA allocator's own peak.

On Linux the kernel keeps that mark and lets a process reset it (`echo 5 > /proc/self/clear_refs`,
since 4.0; read back as VmHWM), so nothing runs beside training. Elsewhere a thread samples the
resident set. That thread cost 5-7 % of digits_mlp's training time, at 50 samples a second: each
wake-up takes the GIL from the training loop.
"""

from __future__ import annotations

import os
import threading

INTERVAL_S = 0.02  # 50 samples per second: cheaper than a training step, fine enough for allocations that last


def rss_mb() -> float | None:
    """Resident set size of this process now, from /proc (Linux), else psutil, else None."""
    try:
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        pass
    try:
        import psutil

        return psutil.Process().memory_info().rss / 2**20
    except Exception:
        return None


class RunMemory:
    """`with RunMemory() as mem: ...` then `mem.resources()`: the run's peak RSS above its start (MB)."""

    def __init__(self, device: str = "cpu", interval: float = INTERVAL_S) -> None:
        self.device, self.interval = device, interval
        self.start = self.peak = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._kernel_mark = False

    def __enter__(self) -> RunMemory:
        self.start = self.peak = rss_mb()
        self._kernel_mark = self.start is not None and reset_high_water_mark()
        if self.start is not None and not self._kernel_mark:
            self._thread = threading.Thread(target=self._sample, name="bench-rss", daemon=True)
            self._thread.start()
        if self.device.startswith("cuda"):
            import torch

            torch.cuda.reset_peak_memory_stats()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self._observe()
        mark = high_water_mark_mb() if self._kernel_mark else None
        if mark is not None and self.peak is not None:
            self.peak = max(self.peak, mark)

    def _sample(self) -> None:
        while not self._stop.wait(self.interval):
            self._observe()

    def _observe(self) -> None:
        now = rss_mb()
        if now is not None and (self.peak is None or now > self.peak):
            self.peak = now

    def resources(self) -> dict[str, float | None]:
        out: dict[str, float | None] = {
            "peak_rss_increase_mb": None if self.start is None else round(self.peak - self.start, 2),
            "start_rss_mb": None if self.start is None else round(self.start, 2),
        }
        if self.device.startswith("cuda"):
            import torch

            out["cuda_peak_mb"] = round(torch.cuda.max_memory_allocated() / 2**20, 2)
        return out


def reset_high_water_mark() -> bool:
    """Set the kernel's peak-RSS mark of this process to its current RSS; False where it cannot be."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return high_water_mark_mb() is not None
    except OSError:
        return False


def high_water_mark_mb() -> float | None:
    """The process's peak RSS since the last reset (VmHWM), in MB; None where /proc does not give it."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return None
