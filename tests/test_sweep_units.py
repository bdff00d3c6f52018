"""Fast tests of the sweep machinery without training: suites, run specs, resume rules, the driver loop,
the progress counts, record shipping and the missing-Ray error."""

from __future__ import annotations

import io
import json
import sys
import tarfile
from pathlib import Path

import pytest

from suite import store
from suite.errors import UserError
from suite.executors.progress import Display
from suite.registry import ProblemSpec, get_registry
from suite.sweep import RunSpec, drive, existing, expand, longest_first, past_durations, record_crash


@pytest.fixture
def reg():
    return get_registry()


def test_named_suites_follow_the_registry(reg, monkeypatch):
    default = reg.suite("default")
    assert {"digits_mlp", "cartpole_dqn"} <= set(default)
    assert "smoke" not in reg.suites, "a budget is a preset (`--preset smoke`), not a suite"
    for family in ("classification", "generation", "autoencoding", "forecasting", "rl"):
        ids = reg.suite(family)
        assert set(ids) <= set(default) and all(family in reg.task(i).families for i in ids)
    assert "cartpole_dqn" in reg.suite("rl") and "digits_mlp" not in reg.suite("rl")

    # A new problem joins the suites it fits at once; an optional one stays out of all of them.
    fake = ProblemSpec("zzfake", ("rl",), target=None, traits={"action_space": "discrete", "group": "classic-control"})
    heavy = ProblemSpec("zzheavy", ("classification",), target=None, traits={"input": "image", "optional": True})
    monkeypatch.setitem(reg.problems, "zzfake", fake)
    monkeypatch.setitem(reg.problems, "zzheavy", heavy)
    assert "zzfake_dqn" in reg.suite("default") and "zzfake_dqn" in reg.suite("classic-control")
    assert "zzfake_dqn" in reg.suite("rl") and "digits_mlp" not in reg.suite("classic-control")
    # SB3's classic-control suite and SBX's: the same problems and zoo presets, one library each; CrossQ
    # and TQC (no zoo preset, hours on a CPU) and the suite's own DQN in neither
    sb3, sbx = reg.suite("classic-control"), reg.suite("classic-control-sbx")
    assert "zzfake_sbx_dqn" in sbx and "zzfake_sbx_dqn" not in sb3 and "cartpole_ppo" in sb3
    assert {reg.task(t).model.name for t in sbx} <= {"sbx_dqn", "sbx_ppo", "sbx_sac", "sbx_td3"}
    assert not [t for t in sb3 if "_sbx_" in t or "_torch_" in t]
    assert {reg.task(t).problem.name for t in sbx} <= {reg.task(t).problem.name for t in sb3}
    assert not [t for t in reg.suite("default") if t.startswith("zzheavy_")]
    assert not [t for t in reg.suite("classification") if t.startswith("zzheavy_")]
    assert reg.task("zzheavy_mlp")  # still runnable by name


def _specs(reg, tmp_path, seeds=(0, 1), **kw) -> list[RunSpec]:
    from suite.config import resolve_config

    tasks = reg.expand(["digits_mlp", "cartpole_dqn"])
    configs = {t.id: resolve_config(t, "smoke", []) for t in tasks}
    return expand(tasks, configs, list(seeds), preset="smoke", results=tmp_path, overrides=[], **kw)


def test_expand_is_seed_major_with_the_runners_run_ids(reg, tmp_path):
    from suite.config import config_hash, resolve_config

    specs = _specs(reg, tmp_path, seeds=(0, 1, 2))
    assert [(s.task, s.seed) for s in specs[:3]] == [("digits_mlp", 0), ("cartpole_dqn", 0), ("digits_mlp", 1)]
    task = reg.task("digits_mlp")
    assert specs[0].run_id == store.run_id("digits_mlp", "smoke", config_hash(task.id, "smoke", resolve_config(task, "smoke", [])), 0)
    assert specs[0].rerun == () and _specs(reg, tmp_path, retry_failed=True)[0].rerun == ("failed", "diverged")


def _fake_record(tmp_path: Path, spec: RunSpec, status: str, **extra) -> None:
    rdir = store.run_path(tmp_path, spec.task, spec.run_id)
    rdir.mkdir(parents=True)
    rec = {"task": spec.task, "seed": spec.seed, "run_id": spec.run_id, "status": status, **extra}
    (rdir / store.RESULT_FILE).write_text(json.dumps(rec))


def test_long_tasks_start_first_within_each_seed(reg, tmp_path):
    specs = _specs(reg, tmp_path, seeds=(0, 1, 2))  # digits_mlp, cartpole_dqn per seed
    # Past records: cartpole_dqn took 60 s (median of 50, 60, 900), digits_mlp 5 s; failed, diverged
    # and other-preset records do not count.
    for i, (task, wall, status, preset) in enumerate(
        [("cartpole_dqn", 50, "ok", "smoke"), ("cartpole_dqn", 60, "ok", "smoke"), ("cartpole_dqn", 900, "ok", "smoke"),
         ("cartpole_dqn", 1, "failed", "smoke"), ("digits_mlp", 5, "ok", "smoke"), ("digits_mlp", 999, "ok", "standard")]
    ):  # fmt: skip
        _fake_record(tmp_path / "past", RunSpec(task, i, preset, f"r{i}", ""), status, preset=preset, timing={"wall_s": wall})
    durations = past_durations([tmp_path / "past", tmp_path / "missing"], ["digits_mlp", "cartpole_dqn"], "smoke")
    assert durations == {"cartpole_dqn": 60.0, "digits_mlp": 5.0}
    ordered = longest_first(specs, durations)
    assert [(s.task, s.seed) for s in ordered[:4]] == [("cartpole_dqn", 0), ("digits_mlp", 0), ("cartpole_dqn", 1), ("digits_mlp", 1)]
    assert sorted(ordered, key=lambda s: s.run_id) == sorted(specs, key=lambda s: s.run_id), "same runs, only reordered"
    # A task never timed goes before the timed ones: it may be the long one.
    assert [s.task for s in longest_first(specs, {"digits_mlp": 5.0})[:2]] == ["cartpole_dqn", "digits_mlp"]
    assert longest_first(specs, {}) == specs


@pytest.mark.parametrize(
    ("status", "retry", "force", "done"),
    [("ok", False, False, True), ("failed", False, False, True), ("diverged", False, False, True), ("failed", True, False, False),
     ("diverged", True, False, False), ("ok", True, False, True), ("ok", False, True, False)],
)  # fmt: skip
def test_what_counts_as_done(reg, tmp_path, status, retry, force, done):
    spec = _specs(reg, tmp_path, seeds=(0,), retry_failed=retry, force=force)[0]
    assert existing(spec) is None
    _fake_record(tmp_path, spec, status)
    rec = existing(spec)
    assert (rec is not None) == done
    assert rec is None or rec["cached"] is True


class FakeExecutor:
    """Finishes runs instantly; raises KeyboardInterrupt at run `stop_at` like Ctrl-C would."""

    slots = 2

    def __init__(self, stop_at: int | None = None) -> None:
        self.stop_at, self.closed, self.got = stop_at, False, []

    def events(self, specs):
        for i, spec in enumerate(specs):
            if i == self.stop_at:
                raise KeyboardInterrupt
            self.got.append(spec)
            yield "start", spec, None
            yield "done", spec, {"task": spec.task, "seed": spec.seed, "status": "failed" if i == 1 else "ok", "cached": False}

    def close(self) -> None:
        self.closed = True


def test_drive_skips_done_runs_and_keeps_finished_ones_on_ctrl_c(reg, tmp_path, capsys):
    specs = _specs(reg, tmp_path, seeds=(0, 1, 2))  # 6 runs
    _fake_record(tmp_path, specs[0], "ok")
    ex = FakeExecutor()
    out = drive(specs, lambda todo: ex, Display(len(specs), live=False))
    assert [s.run_id for s in ex.got] == [s.run_id for s in specs[1:]] and ex.closed
    assert len(out.records) == 6 and not out.interrupted
    log = capsys.readouterr().out
    assert "1 of 6 runs already recorded" in log
    assert "[6/6]" in log and "done 5 (1 cached) · running 0 · failed 1 · remaining 0" in log

    ex = FakeExecutor(stop_at=2)
    out = drive(specs, lambda todo: ex, Display(len(specs), live=False))
    assert out.interrupted and ex.closed and len(out.records) == 3 and out.not_started == 3

    calls = []
    _ = [_fake_record(tmp_path, s, "ok") for s in specs[1:] if not store.read_record(store.run_path(tmp_path, s.task, s.run_id))]
    drive(specs, lambda todo: calls.append(todo), Display(len(specs), live=False))
    assert calls == [], "a fully recorded sweep starts no executor"


def test_display_counts_and_eta(reg, tmp_path, capsys, monkeypatch):
    import suite.executors.progress as progress

    clock = [0.0]
    monkeypatch.setattr(progress.time, "perf_counter", lambda: clock[0])
    specs = _specs(reg, tmp_path, seeds=(0, 1))
    d = Display(4, live=False)  # no past run times: the ETA comes from this sweep's pace
    d.start(specs[0])
    d.start(specs[1])
    assert d.status().startswith("done 0 · running 2 · failed 0 · remaining 2 · ETA ?")
    clock[0] = 10.0
    d.done(specs[0], {"task": "digits_mlp", "seed": 0, "status": "ok", "metrics": {"test/acc": 0.9}, "primary_metric": "test/acc"})
    # one run finished in the 10 s since the first started: the 3 left (1 running, 2 waiting) take 30 s
    assert d.eta() == pytest.approx(30.0)
    assert d.status() == "done 1 · running 1 · failed 0 · remaining 2 · ETA 30s"
    assert "digits_mlp seed 0: ok test/acc = 0.9" in capsys.readouterr().out


def test_eta_from_past_run_times_scaled_by_this_machines_pace(reg, tmp_path, monkeypatch):
    import suite.executors.progress as progress

    clock = [0.0]
    monkeypatch.setattr(progress.time, "perf_counter", lambda: clock[0])
    specs = _specs(reg, tmp_path, seeds=(0, 1))  # digits_mlp, cartpole_dqn, digits_mlp, cartpole_dqn
    d = Display(4, live=False, expected={"digits_mlp": 10.0, "cartpole_dqn": 100.0}, pending=specs)
    d.slots = 2
    assert d.eta() == pytest.approx(220 / 2), "before any run: the past times as they are"
    d.start(specs[1])  # cartpole_dqn
    d.start(specs[0])  # digits_mlp
    clock[0] = 20.0  # this machine is twice as slow: digits_mlp takes 20 s, not 10
    d.done(specs[0], {"task": "digits_mlp", "seed": 0, "status": "ok"})
    # left: cartpole_dqn running for 20 s of 200, then 20 + 200 not started
    assert d.eta() == pytest.approx((180 + 20 + 200) / 2)


def test_shipped_record_is_published_whole(reg, tmp_path):
    from suite.executors.ray_cluster import publish_archive

    spec = _specs(reg, tmp_path, seeds=(0,))[0]
    remote = tmp_path / "remote" / spec.run_id
    (remote / "artifacts").mkdir(parents=True)
    rec = {"task": spec.task, "run_id": spec.run_id, "status": "ok", "_dir": str(remote)}
    (remote / store.RESULT_FILE).write_text(json.dumps({k: v for k, v in rec.items() if k != "_dir"}))
    (remote / "artifacts" / "grid.png").write_bytes(b"png")
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        tar.add(remote, arcname=".")
    res = tmp_path / "res"
    out = publish_archive(res, rec, buf.getvalue(), "disabled")
    final = store.run_path(res, spec.task, spec.run_id)
    assert out["_dir"] == str(final) and store.read_record(final)["status"] == "ok"
    assert (final / "artifacts" / "grid.png").read_bytes() == b"png"
    assert [p.name for p in (res / spec.task).iterdir()] == [spec.run_id], "no staging directory left"


def test_crash_record_is_a_valid_failed_record(reg, tmp_path):
    spec = _specs(reg, tmp_path, seeds=(3,))[1]
    rec = record_crash(spec, "worker process died with SIGKILL", 1.5)
    disk = store.read_record(Path(rec["_dir"]))
    assert disk["status"] == "failed" and disk["task"] == "cartpole_dqn" and disk["seed"] == 3
    assert disk["config_hash"] in spec.run_id and disk["primary_metric"] == "eval/mean_return"
    assert existing(spec) is not None and existing(_specs(reg, tmp_path, seeds=(3,), retry_failed=True)[1]) is None


def test_missing_ray_is_one_line(tmp_path, monkeypatch):
    from suite.executors.ray_cluster import RayExecutor

    monkeypatch.setitem(sys.modules, "ray", None)  # import ray now raises ImportError
    with pytest.raises(UserError, match=r"benchsuite\[ray\]") as err:
        RayExecutor("auto", tmp_path)
    assert "\n" not in str(err.value)


def test_unreachable_ray_address_fails_fast():
    from benchmarks.ray_local import free_port
    from suite.executors.ray_cluster import check_reachable

    with pytest.raises(UserError, match="cannot reach a Ray cluster"):
        check_reachable(f"127.0.0.1:{free_port()}", timeout=2)
    check_reachable("auto")  # left to Ray, which answers at once when no cluster runs


def test_bench_run_with_workers_goes_through_the_sweep(monkeypatch):
    import cli.commands.run as run_cmd
    from cli.main import parser

    seen = {}
    monkeypatch.setattr(run_cmd, "run_parallel", lambda args, rerun=None: seen.update(args=args, rerun=rerun) or 0)
    args = parser().parse_args(["run", "digits_mlp", "--workers", "2", "--seeds", "3"])
    assert args.func(args) == 0
    assert seen["rerun"] == ("failed",) and seen["args"].executor == "local" and seen["args"].workers == 2


def test_threads_per_run_default_to_the_family_capped_at_cores_over_workers_unless_given(monkeypatch):
    import suite.executors.local
    import suite.sweep
    from cli.commands.common import make_executor
    from cli.main import parser
    from suite.registry import get_registry
    from suite.runner import threads_for

    monkeypatch.setattr(suite.sweep, "cores", lambda: 8)
    monkeypatch.setattr(suite.executors.local, "cores", lambda: 8)  # imported by name there: patched where it is read
    todo = list(range(10))
    for argv, threads, cap in [(["--workers", "2"], None, 4), (["--workers", "2", "--threads", "1"], 1, 4), (["--workers", "16"], None, 1)]:
        args = parser().parse_args(["sweep", "digits_mlp", *argv])
        ex = make_executor(args, None, todo)
        assert (ex.threads, ex.cap) == (threads, cap), argv
    task = get_registry().task("cartpole_dqn")
    monkeypatch.delenv("BENCH_THREADS")
    monkeypatch.setattr(get_registry().family("rl"), "threads", 4)
    monkeypatch.setenv("BENCH_THREADS_MAX", "2")
    assert threads_for(task) == min(2, __import__("os").cpu_count())  # the family's default, capped by the worker's share
    monkeypatch.setenv("BENCH_THREADS", "1")
    assert threads_for(task) == 1  # --threads wins


def test_each_worker_gets_its_own_cores_when_the_threads_fit():
    from suite.executors.local import core_sets

    assert core_sets([0, 1], 2, 1) == [(0,), (1,)]
    assert core_sets([0, 1, 2, 3, 4, 5, 6, 7], 2, 4) == [(0, 1, 2, 3), (4, 5, 6, 7)]
    assert core_sets([2, 5, 7], 3, 1) == [(2,), (5,), (7,)]  # the cores taskset allows, not 0..n-1
    assert core_sets([0, 1], 2, 2) == [None, None]  # --threads 2 on 2 workers: more threads than cores, no pinning
    assert core_sets([0, 1, 2, 3], 1, 4) == [None]  # one worker: nothing to keep apart


@pytest.mark.skipif(len(__import__("os").sched_getaffinity(0)) < 2, reason="needs 2 cores to keep 2 workers apart")
def test_two_spawned_workers_are_pinned_to_different_cores():
    """Real worker processes: pinned before anything heavy loads (JAX sizes its pool from the affinity)."""
    import os
    import time

    from suite.executors.local import LocalExecutor

    ex = LocalExecutor(workers=2)
    try:
        procs = [ex._spawn().proc for _ in range(2)]
        deadline = time.time() + 30
        while time.time() < deadline and not all(len(os.sched_getaffinity(p.pid)) == 1 for p in procs):
            time.sleep(0.05)
        sets = [os.sched_getaffinity(p.pid) for p in procs]
        assert all(len(s) == 1 for s in sets) and sets[0] != sets[1], sets
    finally:
        ex.close()
