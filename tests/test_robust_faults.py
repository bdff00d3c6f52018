"""Faults that need processes (issue 15): SIGKILL inside a publish and inside a sweep, an unreachable
wandb, a disk that fills up, a budget that would run for years. Each runs the real code in a child
process and then checks what a reader finds on disk.
"""

from __future__ import annotations

import json
import os
import queue
import random
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from reports.records import curves_problem
from suite import store
from tests.conftest import BENCH, ROOT

TOY = ROOT / "tests" / "plugins" / "toy_family.py"

# -- a crash at any point of a publish leaves the old record or the new one, whole ----------------

CRASH_CHILD = r"""
import json, os, shutil, signal, sys
from pathlib import Path
from suite import store

root, k, when, fallback = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4] == "1"
final = root / "t" / "r"
staging = store.stage(root, "t", "r")
(staging / "artifacts").mkdir()
(staging / "artifacts" / "a.txt").write_text("new")
(staging / "curves.parquet").write_text("new")
(staging / "result.json").write_text(json.dumps({"v": "new"}))
calls = [0]

def counted(fn):
    def inner(*args, **kwargs):
        calls[0] += 1
        mine = calls[0]
        if mine == k and when == "before":
            os.kill(os.getpid(), signal.SIGKILL)
        try:
            return fn(*args, **kwargs)
        finally:  # after the call, also when it raised (a rename onto a full directory does)
            if mine == k and when == "after":
                os.kill(os.getpid(), signal.SIGKILL)
    return inner

for mod, name in [(os, "rename"), (os, "replace"), (os, "fsync"), (shutil, "rmtree"), (store, "_exchange")]:
    setattr(mod, name, counted(getattr(mod, name)))
if fallback:  # a filesystem without RENAME_EXCHANGE
    store._exchange = lambda a, b: False
store.publish(staging, final)
"""


def _old_record(root: Path) -> Path:
    final = root / "t" / "r"
    (final / "artifacts").mkdir(parents=True)
    (final / "artifacts" / "a.txt").write_text("old")
    (final / "curves.parquet").write_text("old")
    (final / "result.json").write_text(json.dumps({"v": "old"}))
    return final


def _whole(final: Path) -> str | None:
    """ "old" or "new" when every file of the record says so, else None (missing or mixed)."""
    try:
        v = json.loads((final / "result.json").read_text())["v"]
        parts = {(final / "artifacts" / "a.txt").read_text(), (final / "curves.parquet").read_text()}
    except (OSError, ValueError, KeyError):
        return None
    return v if parts == {v} else None


@pytest.mark.parametrize("fallback", [False, True], ids=["exchange", "two-renames"])
def test_a_crash_at_any_point_of_a_forced_publish_leaves_a_whole_record(tmp_path, fallback):
    """SIGKILL before and after every filesystem call of `publish` (rename, replace, fsync, rmtree, exchange)."""
    seen = set()
    for k in range(1, 40):
        for when in ("before", "after"):
            root = tmp_path / f"{k}-{when}"
            final = _old_record(root)
            proc = subprocess.run(
                [sys.executable, "-c", CRASH_CHILD, str(root), str(k), when, "1" if fallback else "0"], cwd=ROOT, capture_output=True
            )
            assert proc.returncode in (0, -signal.SIGKILL), proc.stderr.decode()
            if not fallback:
                # RENAME_EXCHANGE: there is no moment without a record; no clean-up is needed to see it.
                assert _whole(final) in ("old", "new"), f"killed {when} call {k}: no whole record"
            store.clean_stale(root)  # what the next `bench run` or `bench sweep` does first
            state = _whole(final)
            assert state in ("old", "new"), f"killed {when} call {k}: no whole record after clean-up"
            assert sorted(p.name for p in (root / "t").iterdir()) == ["r"], f"killed {when} call {k}: leftovers"
            seen.add(state)
            if proc.returncode == 0:
                assert state == "new"
                break
        else:
            continue
        break
    else:
        pytest.fail("publish never completed")
    assert seen == {"old", "new"}, "the kills must fall both before and after the publishing step"


# -- SIGKILL of the driver or a worker of a sweep, at random moments, then resume ----------------

NAP_PLUGIN = '''
"""A family whose runs sleep: long enough to be killed in the middle, with no torch to import."""
import time
from dataclasses import dataclass

from suite import register_model, register_problem
from suite.config import doc
from suite.registry import REGISTRY, Family


@dataclass
class NapConfig:
    nap_s: float = doc(0.8, "seconds a run sleeps, in steps of 0.1 s", minimum=0)


def run(ctx):
    with ctx.phase("train"):
        steps = max(1, round(ctx.config.nap_s / 0.1))
        for i in range(steps):
            time.sleep(0.1)
            ctx.log("val/score", float(i), i + 1)
    with ctx.phase("eval"):
        ctx.metrics["test/score"] = float(ctx.seed)


REGISTRY.add_family(Family("nap", runner=run, config=NapConfig, primary_metric="test/score", higher_is_better=True))


@register_problem("tick", families="nap")
def tick():
    return None


@register_model("doze", family="nap")
def doze():
    return None
'''


def _workers(pid: int) -> list[int]:
    """The sweep's worker processes (multiprocessing spawn children, not its resource tracker)."""
    try:
        kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    out = []
    for kid in map(int, kids):
        try:
            cmd = Path(f"/proc/{kid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if "multiprocessing" in cmd and "resource_tracker" not in cmd:
            out.append(kid)
    return out


def _published(results: Path) -> int:
    return sum(1 for p in results.glob("tick_doze/*") if not p.name.startswith("."))


@pytest.mark.slow  # ~1 min on 2 busy cores: 6 sweeps killed, then the resume
@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="finds the workers through /proc")
def test_sweep_survives_random_sigkills_of_driver_and_workers(tmp_path):
    n = 30
    plugin = tmp_path / "nap_family.py"
    plugin.write_text(NAP_PLUGIN)
    results = tmp_path / "results"
    cmd = [*BENCH, "sweep", "tick_doze", "--plugin", str(plugin), "--preset", "smoke", "--seeds", str(n), "--workers", "2"]
    cmd += ["--results", str(results), "--no-progress"]
    env = {**os.environ, "WANDB_MODE": "disabled"}
    rng = random.Random(15)
    kills: list[str] = []
    rounds = 6
    for round_ in range(rounds):
        before = _published(results)
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(2):
            # At a random moment once this round is under way (a run of it published), so kills land mid-sweep.
            deadline = time.time() + 60
            while _published(results) <= before and proc.poll() is None and time.time() < deadline:
                time.sleep(0.05)
            time.sleep(rng.uniform(0.0, 1.5))
            workers = _workers(proc.pid)
            if proc.poll() is not None or not workers:
                break
            want_driver = rng.random() < 0.4
            if round_ == rounds - 1 and {"driver", "worker"} - set(kills):  # both kinds, whatever the draws
                want_driver = "driver" not in kills
            victim = proc.pid if want_driver else rng.choice(workers)
            os.kill(victim, signal.SIGKILL)
            kills.append("driver" if victim == proc.pid else "worker")
            if victim == proc.pid:
                break
            before = _published(results)
        proc.wait(timeout=120)
    assert len(kills) >= rounds and {"driver", "worker"} <= set(kills), kills
    statuses = [json.loads(p.read_text())["status"] for p in results.glob("tick_doze/[!.]*/result.json")]
    assert statuses.count("ok") < n, "the kills must leave work for the resume"
    done = subprocess.run([*cmd, "--retry-failed"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    # Every record valid and complete, one per seed, and nothing half-made anywhere.
    dirs = sorted((results / "tick_doze").iterdir())
    hidden = [p.name for p in dirs if p.name.startswith(".")]
    assert not hidden, f"staging or trash dirs left: {hidden}"
    assert not [p for p in results.rglob("*") if p.name.startswith((".tmp-", ".trash-")) or p.name.endswith(".tmp")]
    seeds = []
    for d in dirs:
        problems: list[str] = []
        rec = store.read_record(d, problems, check=True)
        assert rec is not None, problems
        assert rec["run_id"] == d.name and rec["status"] == "ok", (d.name, rec["status"], rec.get("error"))
        assert rec["metrics"]["test/score"] == float(rec["seed"])
        assert curves_problem(str(d)) is None, d
        seeds.append(rec["seed"])
    assert sorted(seeds) == list(range(n)), "every run once: none lost, none duplicated"


# -- wandb online but unreachable: one short wait, then offline for everyone ---------------------


def test_unreachable_wandb_costs_one_short_wait_then_the_sweep_logs_offline(tmp_path):
    results = tmp_path / "results"
    env = {
        **os.environ,
        "WANDB_MODE": "online",
        "WANDB_API_KEY": "x" * 40,  # a bad key
        "WANDB_BASE_URL": "http://127.0.0.1:9",  # and nothing listening: as good as no network
        "WANDB_CONFIG_DIR": str(tmp_path / "wandb-config"),
    }
    cmd = [*BENCH, "sweep", "ramp_constant", "--plugin", str(TOY), "--preset", "smoke", "--seeds", "4", "--workers", "2"]
    t0 = time.perf_counter()
    proc = subprocess.run(
        [*cmd, "--results", str(results), "--no-progress"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    wall = time.perf_counter() - t0
    assert proc.returncode == 0, proc.stderr[-3000:]
    warnings = [line for line in proc.stderr.splitlines() if "wandb online is unreachable" in line]
    assert len(warnings) == 1, proc.stderr[-3000:]
    assert "wandb sync" in warnings[0] and str(results) in warnings[0]
    recs = [json.loads(p.read_text()) for p in results.glob("ramp_constant/*/result.json")]
    assert len(recs) == 4
    assert all(r["tracking"]["mode"] == "offline" and r["tracking"]["requested"] == "online" for r in recs), [r["tracking"] for r in recs]
    assert len(list((results / "wandb").glob("offline-run-*"))) == 4, "every run is in the offline log, to sync later"
    later = [r for r in recs if "earlier run" in r["tracking"]["fallback"]]
    assert len(later) >= 2, "after the first failure no run waits again, in this worker or the other"
    # wandb's default was 90 s for every run (2 rounds of 2 workers: ~3 min); now one wait of ≤ 10 s.
    assert wall < 45, f"sweep took {wall:.0f} s"


# -- a disk that really fills up ----------------------------------------------------------------


@pytest.fixture
def tiny_disk(tmp_path):
    """A 64 kB tmpfs with one page left free; needs root and a kernel that lets it mount."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root (the ENOSPC test double in test_robust.py runs anywhere)")
    where = tmp_path / "tiny"
    where.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(where)], capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        (where / "results").mkdir()
        free = os.statvfs(where).f_bavail * os.statvfs(where).f_frsize
        (where / "filler").write_bytes(b"\0" * (free - 4096))
        yield where / "results"
    finally:
        subprocess.run(["umount", str(where)], capture_output=True)


def test_a_run_on_a_full_disk_is_one_line_and_leaves_nothing_behind(tiny_disk):
    proc = subprocess.run(
        [*BENCH, "run", "ramp_constant", "--plugin", str(TOY), "--preset", "smoke", "--results", str(tiny_disk), "--no-progress"],
        cwd=ROOT,
        env={**os.environ, "WANDB_MODE": "disabled"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.count("\n") == 1 and "is full (No space left on device)" in proc.stderr, proc.stderr
    assert [str(p.relative_to(tiny_disk)) for p in tiny_disk.rglob("*")] in ([], ["ramp_constant"]), "no partial record, no staging dir"


# -- a huge budget is allowed, and says when it would end -----------------------------------------


def test_a_huge_budget_prints_its_eta_after_the_first_epoch(tmp_path):
    results = tmp_path / "results"
    cmd = [*BENCH, "run", "digits_logreg", "--preset", "smoke", "max_epochs=1000000000", "--no-progress", "--results", str(results)]
    env = {**os.environ, "WANDB_MODE": "disabled"}
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stderr], daemon=True).start()
    try:
        line, deadline = "", time.time() + 120
        while "ETA" not in line and time.time() < deadline and proc.poll() is None:
            try:
                line = lines.get(timeout=1)
            except queue.Empty:
                pass
        assert "digits_logreg seed 0: max_epochs 1 of 1,000,000,000 done in" in line, line
        assert re.search(r"ETA \d+ d \d+ h$|ETA [\d,.]+ years$", line.strip()), f"a billion epochs take days at least: {line}"
    finally:
        proc.send_signal(signal.SIGTERM)  # a long run stopped by the user: unwinds, keeps nothing half-made
        proc.wait(timeout=60)
    assert not list(results.glob("digits_logreg/*")), "no record and no staging dir of the interrupted run"
