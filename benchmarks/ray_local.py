"""A private single-node Ray cluster for tests and benchmarks: `ray start --head --block` in its own
process group, on free ports and a private temp dir, stopped by signalling that group only.

`ray stop` is not used: it stops every Ray process of the user, including other people's clusters on
a shared machine.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

PORT_FLAGS = (
    "--port",
    "--ray-client-server-port",
    "--dashboard-port",
    "--dashboard-agent-listen-port",
    "--dashboard-agent-grpc-port",
    "--runtime-env-agent-port",
    "--metrics-export-port",
    "--node-manager-port",
    "--object-manager-port",
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def local_cluster(num_cpus: int = 2, timeout: float = 90) -> Iterator[str]:
    """Yield the address (host:port) of a fresh head node with `num_cpus` CPUs; stop it afterwards."""
    ports = {flag: free_port() for flag in PORT_FLAGS}
    tmp = tempfile.mkdtemp(prefix="ray", dir="/tmp")  # short: Ray's unix socket paths must fit in 107 bytes
    ray = Path(sys.executable).with_name("ray")
    cmd = [str(ray), "start", "--head", "--block", "--num-cpus", str(num_cpus), "--num-gpus", "0", "--include-dashboard", "false"]
    cmd += ["--disable-usage-stats", "--temp-dir", tmp] + [x for flag, port in ports.items() for x in (flag, str(port))]
    head = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + timeout
        lines = []
        for line in head.stdout:
            lines.append(line)
            if "Ray runtime started" in line:
                break
            if time.monotonic() > deadline:
                raise TimeoutError("ray start --head took too long")
        else:
            raise RuntimeError("ray start --head exited before the cluster was up:\n" + "".join(lines[-20:]))
        threading.Thread(target=head.stdout.read, daemon=True).start()  # keep draining: a full pipe would block it
        yield f"127.0.0.1:{ports['--port']}"
    finally:
        stop_group(head)
        shutil.rmtree(tmp, ignore_errors=True)


def stop_group(head: subprocess.Popen) -> None:
    """SIGTERM the cluster's process group, give it a few seconds, then SIGKILL whatever is left of it."""
    try:
        os.killpg(head.pid, signal.SIGTERM)
        head.wait(timeout=5)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        pass
    try:
        os.killpg(head.pid, signal.SIGKILL)  # gcs_server outlives SIGTERM while `ray start --block` unwinds
    except ProcessLookupError:
        pass
    head.wait()
