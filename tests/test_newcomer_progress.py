"""Progress that ends at its total: SB3's env-step bar (whole rollouts) and the sweep's ETA against the finished time."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from suite.executors.progress import Display


def _terminal() -> Console:
    return Console(file=io.StringIO(), force_terminal=True, width=120, color_system=None)


def _learn(algo: str, n_timesteps: int, **kwargs):
    """A real SB3 model on CartPole for a few hundred steps, with the suite's bar on a fake terminal."""
    from stable_baselines3 import A2C, DQN, PPO

    from suite.backends.sb3 import StepBar, make_envs

    cls = {"dqn": DQN, "ppo": PPO, "a2c": A2C}[algo]
    n_envs = kwargs.pop("n_envs", 1)
    model = cls("MlpPolicy", make_envs("CartPole-v1", n_envs, seed=0), seed=0, device="cpu", verbose=0, **kwargs)
    console = _terminal()
    bar = StepBar("cartpole seed 0", console=console)
    model.learn(total_timesteps=n_timesteps, callback=bar)
    return model, bar, console.file.getvalue()


@pytest.fixture(autouse=True)
def _one_thread():
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny networks on a busy machine: threads only contend
    yield
    torch.set_num_threads(threads)


@pytest.mark.parametrize(
    "algo, asked, kwargs, steps",
    [
        ("dqn", 300, {"train_freq": 256, "gradient_steps": 1, "learning_starts": 0}, 512),  # 2 rollouts of 256 (as 50,000 → 50,176)
        ("ppo", 200, {"n_steps": 64, "n_envs": 2, "batch_size": 128, "n_epochs": 1}, 256),  # rollouts of 64 steps × 2 envs
        ("a2c", 100, {"n_steps": 5, "n_envs": 3}, 105),  # rollouts of 5 steps × 3 envs
        ("a2c", 100, {"n_steps": 5}, 100),  # rollouts of 5: exactly what was asked
    ],
)
def test_sb3_bar_total_is_known_before_training_and_reached(algo, asked, kwargs, steps):
    model, bar, shown = _learn(algo, asked, **kwargs)
    assert model.num_timesteps == steps  # what SB3 really runs (its own bar counted it against `asked`)
    assert bar.planned == steps, "the total drawn from the start must be the steps the run takes"
    assert bar.total == steps
    assert f"{steps}/{steps} env steps" in shown
    assert steps == asked or f"/{asked} env steps" not in shown


def test_sb3_bar_ends_at_its_total_when_rollouts_are_counted_in_episodes():
    # An episode-counted train_freq has no size known in advance: the total is raised to the count.
    model, bar, shown = _learn("dqn", 300, train_freq=(1, "episode"), gradient_steps=1, learning_starts=0)
    assert model.num_timesteps > 300
    assert bar.total == model.num_timesteps
    assert f"{model.num_timesteps}/{model.num_timesteps} env steps" in shown


def test_sb3_bar_stays_off_a_log():
    from stable_baselines3 import DQN

    from suite.backends.sb3 import StepBar, make_envs

    log = Console(file=io.StringIO(), force_terminal=False, width=120)
    model = DQN("MlpPolicy", make_envs("CartPole-v1", 1, seed=0), seed=0, device="cpu", train_freq=64, learning_starts=0)
    model.learn(total_timesteps=100, callback=StepBar("x", console=log))
    assert log.file.getvalue() == ""


class _Spec:
    def __init__(self, i: int, task: str) -> None:
        self.run_id, self.task = f"r{i}", task


class _Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def test_sweep_eta_at_the_start_is_checked_against_the_finished_time(monkeypatch):
    """Runs that take what they took before, packed on 2 slots: the ETA given when the first run starts
    is the time the sweep then takes, the bar ends at its total, and the closing note says both."""
    import suite.executors.progress as progress

    clock = _Clock()
    monkeypatch.setattr(progress.time, "perf_counter", clock)
    specs = [_Spec(0, "a"), _Spec(1, "b"), _Spec(2, "b"), _Spec(3, "b")]
    d = Display(4, live=False, expected={"a": 30.0, "b": 10.0}, pending=specs)
    d.slots = 2
    a, b1, b2, b3 = specs
    d.start(a)  # slot 1: a (30 s); slot 2: b, b, b (10 s each)
    d.start(b1)
    clock.t += 10
    d.done(b1, {"status": "ok"})
    d.start(b2)
    clock.t += 10
    d.done(b2, {"status": "ok"})
    d.start(b3)
    clock.t += 10
    d.done(b3, {"status": "ok"})
    d.done(a, {"status": "ok"})
    d.stop()
    assert d.finished == d.total == 4
    assert d.first_eta == pytest.approx(30.0)  # (30 + 3 × 10) / 2 slots
    assert d.elapsed() == pytest.approx(30.0)
    assert d.closing() == "ETA at the start 30s, finished in 30s"


def test_sweep_closing_note_has_the_eta_check(monkeypatch, capsys):
    from cli.commands.common import summarize
    from suite.sweep import Outcome

    clock = _Clock()
    import suite.executors.progress as progress

    monkeypatch.setattr(progress.time, "perf_counter", clock)
    spec = _Spec(0, "a")
    d = Display(1, live=False, expected={"a": 20.0}, pending=[spec])
    d.start(spec)
    clock.t += 25
    rec = {"status": "ok", "task": "a"}
    d.done(spec, rec)
    d.stop()
    summarize(Outcome([rec], False, 0, 25.0), 1, d)
    line = capsys.readouterr().out.strip().splitlines()[-1]
    assert line.startswith("sweep: 1 runs · 1 ran")
    assert line.endswith("· ETA at the start 20s, finished in 25s")


def test_lightning_epoch_bar_ends_at_the_epochs_that_ran(monkeypatch):
    """Early stopping ends a run before max_epochs: the bar's total is cut to what ran, so it ends full."""
    import sys

    from suite.backends.lightning import EpochBar

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    bar = EpochBar(total=200)
    for epoch in range(7):
        bar.update({"train/loss": 1.0 / (epoch + 1)})
    bar.close()
    assert bar.bar.n == bar.bar.total == 7
