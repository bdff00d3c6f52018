"""Ray executor: each run is one Ray task on an existing cluster, with its resources declared.

    ray start --head                      # on the head node (then `ray start --address HEAD:6379` on the others)
    bench sweep default --executor ray --address auto --seeds 5

Records reach the results directory in one of two ways, chosen per run by the worker:
- shared: the worker sees the driver's results directory (same machine, NFS, ...): it writes the
  record there itself, atomically, exactly as a local run does;
- shipped: it does not (or `--ray-records ship`): it runs into a private temporary directory, returns
  the finished run directory as tar bytes, and the driver unpacks it into a staging directory and
  renames it into place, so a record still appears whole or not at all. The wandb mirror is then
  done by the driver, which owns the results directory.
The worker tells the two apart by reading a probe file the driver wrote with a random token.
"""

from __future__ import annotations

import io
import logging
import os
import socket
import tarfile
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from suite import record, store
from suite.errors import UserError, require
from suite.sweep import RunSpec, not_recorded, record_crash, run_spec


def remote_run(spec: RunSpec, probe: str, token: str, ship: bool) -> dict[str, Any]:
    """The body of a Ray task: run `spec` and return {"record", "archive"} (archive is None when shared)."""
    shared = False
    if not ship:
        try:
            shared = Path(probe).read_text() == token
        except OSError:
            shared = False
    if shared:
        return {"record": run_spec(spec), "archive": None}
    with tempfile.TemporaryDirectory(prefix="bench-ray-") as tmp:
        rec = run_spec(replace(spec, results=tmp, wandb_mode="disabled"))
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w:gz") as tar:
            tar.add(rec["_dir"], arcname=".")
        return {"record": rec, "archive": buf.getvalue()}


def publish_archive(results: Path, rec: dict, archive: bytes, wandb_mode: str | None) -> dict:
    """Unpack a shipped run into a staging directory beside its final place and rename it in (atomic)."""
    staging = store.stage(results, rec["task"], rec["run_id"])
    with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
        tar.extractall(staging, filter="data")
    final = store.run_path(results, rec["task"], rec["run_id"])
    store.publish(staging, final)
    rec["_dir"] = str(final)
    return record.mirror(rec, final, results, wandb_mode)


def check_reachable(address: str, timeout: float = 5.0) -> None:
    """Fail in seconds on a wrong HOST:PORT: Ray itself retries an unreachable address for minutes."""
    if address in ("auto", "local"):
        return
    hostport = address.removeprefix("ray://").rsplit("/", 1)[0]
    host, _, port = hostport.rpartition(":")
    try:
        socket.create_connection((host or "127.0.0.1", int(port)), timeout=timeout).close()
    except (OSError, ValueError) as exc:
        raise UserError(
            f"cannot reach a Ray cluster at {address!r} ({exc}); check `ray status` on the head node, or pass --address auto"
        ) from None


class RayExecutor:
    def __init__(
        self,
        address: str | None,
        results: Path,
        *,
        cpus_per_run: float = 1.0,
        gpus_per_run: float = 0.0,
        max_in_flight: int | None = None,
        records: str = "auto",
    ) -> None:
        self.ray = require("ray", "ray", "the Ray executor (--executor ray)")
        self.address = address or os.environ.get("RAY_ADDRESS") or "auto"
        check_reachable(self.address)
        self.results = results
        self.cpus, self.gpus = cpus_per_run, gpus_per_run
        self.ship = records == "ship"
        # Workers inherit the raylet's environment, not the driver's: pass on what decides tracking and the suite.
        env = {k: v for k, v in os.environ.items() if k.startswith(("WANDB_", "BENCH_")) and k not in ("BENCH_THREADS", "BENCH_RESULTS")}
        try:
            # log_to_driver=False: Lightning and SB3 chatter from every worker would bury the progress display
            self.ray.init(
                address=self.address,
                log_to_driver=False,
                logging_level=logging.WARNING,
                ignore_reinit_error=True,
                runtime_env={"env_vars": env} if env else None,
            )
        except (ConnectionError, RuntimeError, ValueError) as exc:
            raise UserError(
                f"cannot reach a Ray cluster at {self.address!r} ({exc}); start one with `ray start --head` or pass --address"
            ) from None
        cluster_cpus = self.ray.cluster_resources().get("CPU", 1)
        # enough tasks in flight to fill the cluster; more would only sit in Ray's queue and blur "running"
        self.slots = max_in_flight or max(1, int(cluster_cpus // max(cpus_per_run, 1e-9)))
        self.threads = max(1, int(cpus_per_run))
        self._inflight: dict[Any, tuple[RunSpec, float]] = {}
        self._probe = results / f".ray-probe-{uuid.uuid4().hex}"
        self._token = uuid.uuid4().hex
        if not self.ship:
            self._probe.write_text(self._token)

    def events(self, specs: list[RunSpec]) -> Iterator[tuple[str, RunSpec, dict | None]]:
        ray = self.ray
        task = ray.remote(remote_run)
        queue = [replace(s, threads=self.threads) for s in reversed(specs)]
        while queue or self._inflight:
            while queue and len(self._inflight) < self.slots:
                spec = queue.pop()
                opts = {"num_cpus": self.cpus, "num_gpus": self.gpus, "max_retries": 1, "name": f"bench {spec.label}"}
                ref = task.options(**opts).remote(spec, str(self._probe), self._token, self.ship)
                self._inflight[ref] = (spec, time.perf_counter())
                yield "start", spec, None
            ready, _ = ray.wait(list(self._inflight), num_returns=1, timeout=1.0)
            for ref in ready:
                spec, t0 = self._inflight.pop(ref)
                yield "done", spec, self._collect(ref, spec, time.perf_counter() - t0)

    def _collect(self, ref, spec: RunSpec, wall: float) -> dict:
        exc_mod = self.ray.exceptions
        try:
            out = self.ray.get(ref)
        except exc_mod.RayTaskError as exc:  # our code raised in the worker before a record existed
            cause = exc.cause if getattr(exc, "cause", None) is not None else exc
            return not_recorded(spec, f"{type(cause).__name__}: {cause}", wall)
        except exc_mod.RayError as exc:  # the worker process or its node died, even after one retry
            return record_crash(spec, f"Ray worker died during the run: {type(exc).__name__}: {str(exc).splitlines()[0]}", wall)
        rec = out["record"]
        if out["archive"] is not None:
            rec = publish_archive(self.results, rec, out["archive"], spec.wandb_mode)
        return rec

    def close(self) -> None:
        for ref in list(self._inflight):
            try:
                self.ray.cancel(ref, force=True)
            except Exception:  # already finished or the cluster is gone: nothing left to stop
                pass
        self._inflight.clear()
        self._probe.unlink(missing_ok=True)
        self.ray.shutdown()
