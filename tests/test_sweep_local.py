"""`bench sweep` on local processes, for real: crashing runs are isolated and recorded, and a driver
killed with SIGKILL or stopped with Ctrl-C mid-sweep loses no finished record, leaves no partial one,
and the same command then runs only what is missing."""

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
                if len(x) <= 2:  # the contract's probe batch passes: the crash comes in training, as a real one does
                    return self.lin(x.flatten(1))
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


def run_bench(*args: str, **kw) -> subprocess.CompletedProcess:
    env = {**os.environ, "WANDB_MODE": "disabled"}
    env.pop("BENCH_RESULTS", None)
    return subprocess.run([sys.executable, "-m", "cli.main", *args], capture_output=True, text=True, env=env, timeout=240, **kw)


def records(results: Path) -> dict[str, dict]:
    """Every published record by run id; fails the test on any run directory without a whole result.json."""
    out = {}
    for rdir in results.glob("*/*"):
        if rdir.name.startswith(".") or rdir.parent.name.startswith("."):
            continue  # staging directories of killed runs, and the run index (.runs/), are hidden and never read as records
        rec = json.loads((rdir / "result.json").read_text())  # raises on a partial record
        assert rec["status"] in ("ok", "failed", "diverged") and rec["run_id"] == rdir.name
        assert (rdir / "curves.parquet").is_file()
        out[rec["run_id"]] = rec
    return out


def test_crashing_runs_are_recorded_and_the_others_go_on(tmp_path):
    plugin = tmp_path / "bad_models.py"
    plugin.write_text(PLUGIN)
    res = tmp_path / "res"
    # die last: the worker it kills is then not needed again, which saves one torch import (seconds)
    args = ["sweep", "digits_boom", "digits_mlp", "digits_die", "--plugin", str(plugin), "--workers", "2", "--results", str(res), *FAST]
    proc = run_bench(*args)
    assert proc.returncode == 1, proc.stdout + proc.stderr  # failures are reported in the exit code
    by_task = {r["task"]: r for r in records(res).values()}
    assert set(by_task) == {"digits_boom", "digits_die", "digits_mlp"}
    assert by_task["digits_mlp"]["status"] == "ok"
    assert by_task["digits_boom"]["status"] == "failed"
    assert "boom: this model always fails" in by_task["digits_boom"]["error"]
    assert "RuntimeError" in by_task["digits_boom"]["traceback"]
    assert by_task["digits_die"]["status"] == "failed" and "SIGKILL" in by_task["digits_die"]["error"]
    assert "3 ran" in proc.stdout and "2 failed" in proc.stdout

    again = run_bench(*args)  # failed runs count as done unless --retry-failed
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


def _running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _stop_after_next_record(args: list[str], res: Path, sig: signal.Signals) -> tuple[int, list[int]]:
    """Start a sweep, wait until one more record is published, send `sig` to its process group."""
    before = len(list(res.glob("*/[!.]*/result.json")))
    env = {**os.environ, "WANDB_MODE": "disabled"}
    cmd = [sys.executable, "-m", "cli.main", *args]
    # An ignored SIGINT is inherited across exec: if anything earlier in this pytest process ignored it (a
    # library's signal set-up), the driver would not see Ctrl-C at all. A terminal's shell starts it at default.
    driver = subprocess.Popen(
        cmd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        deadline = time.monotonic() + 180
        while len(list(res.glob("*/[!.]*/result.json"))) <= before:
            assert driver.poll() is None, "the sweep ended before it could be stopped"
            assert time.monotonic() < deadline, "no record appeared"
            time.sleep(0.2)
        workers = _children(driver.pid)
        if sig == signal.SIGINT:
            os.killpg(driver.pid, sig)  # what Ctrl-C in a terminal does: the whole foreground group gets it
        else:
            driver.send_signal(sig)  # the driver alone; its workers must not outlive it
        code = driver.wait(timeout=60)
    finally:
        driver.kill()
        driver.wait()
    return code, workers


def test_sigkill_and_ctrl_c_lose_nothing_and_the_sweep_resumes(tmp_path):
    res = tmp_path / "res"
    n = 8  # room for a loaded machine to finish a few more runs between a record appearing and the signal
    args = ["sweep", "digits_mlp", "--seeds", str(n), "--workers", "1", "--results", str(res), *FAST]

    code, workers = _stop_after_next_record(args, res, signal.SIGKILL)
    assert code == -signal.SIGKILL and workers, "the local executor runs work in child processes"
    time.sleep(1.0)  # PR_SET_PDEATHSIG is delivered asynchronously
    assert not [w for w in workers if _running(w)], "workers die with their driver"
    killed = records(res)
    assert 1 <= len(killed) < n - 1 and all(r["status"] == "ok" for r in killed.values())

    code, workers = _stop_after_next_record(args, res, signal.SIGINT)
    assert code == 130, "Ctrl-C ends the sweep with the usual status"
    deadline = time.monotonic() + 10  # a loaded machine may take a moment to reap a worker
    while [w for w in workers if _running(w)] and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [w for w in workers if _running(w)], "workers end with the interrupted sweep"
    done = records(res)
    assert len(killed) < len(done) < n and set(killed) <= set(done)
    assert not list(res.glob("*/.tmp-*")), "Ctrl-C removes the staging directory of the run it interrupted"

    proc = run_bench(*args)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"{n - len(done)} ran · {len(done)} cached" in proc.stdout, proc.stdout
    after = records(res)
    assert len(after) == n and set(done) <= set(after)
    for rid, rec in done.items():  # the finished ones were not redone
        assert after[rid]["finished_at"] == rec["finished_at"]
    assert not list(res.glob("*/.tmp-*")), "staging directories of killed runs are cleaned up"


@pytest.mark.parametrize("bad", ["--workers 0", "--threads 0"])
def test_bad_workers_is_one_line(tmp_path, bad):
    proc = run_bench("sweep", "digits_mlp", *bad.split(), "--results", str(tmp_path))
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and bad.split()[0] in proc.stderr
