"""`bench sweep` on local processes, for real: crashing runs are isolated and recorded, and a driver
killed with SIGKILL mid-sweep loses no finished record, leaves no partial one, and resumes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

# Two plug-in classifiers that go wrong in the two ways a run can: raise, or take its process down.
PLUGIN = textwrap.dedent(
    """
    import os
    import signal

    from suite import register_model


    def _net(input_shape, num_classes, how):
        import torch
        from torch import nn

        class Bad(nn.Module):
            def __init__(self):
                super().__init__()
                self.lin = nn.Linear(int(torch.tensor(input_shape).prod()), num_classes)

            def forward(self, x):
                if how == "raise":
                    raise RuntimeError("boom: this model always fails")
                os.kill(os.getpid(), signal.SIGKILL)  # like a segfault or the OOM killer

        return Bad()


    @register_model("boom", family="classification")
    def boom(input_shape, num_classes):
        return _net(input_shape, num_classes, "raise")


    @register_model("die", family="classification")
    def die(input_shape, num_classes):
        return _net(input_shape, num_classes, "kill")
    """
)

FAST = ["--preset", "smoke", "--wandb", "disabled", "max_epochs=1"]


def bench(*args: str, **kw) -> subprocess.CompletedProcess:
    env = {**os.environ, "WANDB_MODE": "disabled"}
    env.pop("BENCH_RESULTS", None)
    return subprocess.run([sys.executable, "-m", "suite.cli", *args], capture_output=True, text=True, env=env, timeout=240, **kw)


def records(results: Path) -> dict[str, dict]:
    """Every published record by run id; fails the test on any run directory without a whole result.json."""
    out = {}
    for rdir in results.glob("*/*"):
        if rdir.name.startswith("."):
            continue  # staging directories of killed runs are hidden and never read as records
        rec = json.loads((rdir / "result.json").read_text())  # raises on a partial record
        assert rec["status"] in ("ok", "failed", "diverged") and rec["run_id"] == rdir.name
        assert (rdir / "curves.parquet").is_file() or rec.get("info", {}).get("crashed")
        out[rec["run_id"]] = rec
    return out


def test_crashing_runs_are_recorded_and_the_others_go_on(tmp_path):
    plugin = tmp_path / "bad_models.py"
    plugin.write_text(PLUGIN)
    res = tmp_path / "res"
    # die last: the worker it kills is then not needed again, which saves one torch import (seconds)
    args = ["sweep", "digits_boom", "digits_mlp", "digits_die", "--plugin", str(plugin), "--workers", "2", "--results", str(res), *FAST]
    proc = bench(*args)
    assert proc.returncode == 1, proc.stdout + proc.stderr  # failures are reported in the exit code
    by_task = {r["task"]: r for r in records(res).values()}
    assert set(by_task) == {"digits_boom", "digits_die", "digits_mlp"}
    assert by_task["digits_mlp"]["status"] == "ok"
    assert by_task["digits_boom"]["status"] == "failed"
    assert "boom: this model always fails" in by_task["digits_boom"]["error"]
    assert "RuntimeError" in by_task["digits_boom"]["traceback"]
    assert by_task["digits_die"]["status"] == "failed" and "SIGKILL" in by_task["digits_die"]["error"]
    assert "3 ran" in proc.stdout and "2 failed" in proc.stdout

    again = bench(*args)  # failed runs count as done unless --retry-failed
    assert "0 ran · 3 cached" in again.stdout, again.stdout + again.stderr


def _children(pid: int) -> list[int]:
    kids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            kids.append(int(stat.parent.name))
    return kids


def test_sigkill_of_the_driver_loses_nothing_and_resumes(tmp_path):
    res = tmp_path / "res"
    args = ["sweep", "digits_mlp", "--seeds", "3", "--workers", "1", "--results", str(res), *FAST]
    env = {**os.environ, "WANDB_MODE": "disabled"}
    driver = subprocess.Popen([sys.executable, "-m", "suite.cli", *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        deadline = time.monotonic() + 180
        while not list(res.glob("*/[!.]*/result.json")):
            assert driver.poll() is None, "the sweep ended before it could be killed"
            assert time.monotonic() < deadline, "no record appeared"
            time.sleep(0.2)
        workers = _children(driver.pid)
        driver.send_signal(signal.SIGKILL)
    finally:
        driver.kill()
        driver.wait()
    assert workers, "the local executor should run work in child processes"
    time.sleep(1.0)  # PR_SET_PDEATHSIG delivers asynchronously
    assert not [w for w in workers if Path(f"/proc/{w}").exists() and "Z" not in Path(f"/proc/{w}/stat").read_text().split()[2]]

    done = records(res)
    assert 1 <= len(done) < 3 and all(r["status"] == "ok" for r in done.values())

    proc = bench(*args)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"{3 - len(done)} ran · {len(done)} cached" in proc.stdout, proc.stdout
    after = records(res)
    assert len(after) == 3 and set(done) <= set(after)
    for rid, rec in done.items():  # the finished ones were not redone
        assert after[rid]["finished_at"] == rec["finished_at"]
    assert not list(res.glob("*/.tmp-*")), "stale staging directories are cleaned up"


@pytest.mark.parametrize("bad", ["--workers 0"])
def test_bad_workers_is_one_line(tmp_path, bad):
    proc = bench("sweep", "digits_mlp", *bad.split(), "--results", str(tmp_path))
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "--workers" in proc.stderr
