"""Named suites: lists of task ids computed from the registry when asked, so a new problem or model
joins every suite it fits without anyone editing this file.

    bench sweep default --seeds 3                 every task on embedded data, standard budget
    bench sweep default --preset smoke            the same list on the seconds-long budget
    bench sweep classic-control --executor ray    the classic-control RL tasks on a Ray cluster
    bench sweep classic-control-sbx               the same problems with SBX's agents (the [sbx] extra)
    bench sweep rl                                one suite per family

Problems that need downloads or extras carry `traits["optional"] = True` and stay out of every suite
here; name them explicitly (`bench sweep mnist_cnn`) to run them. An optional problem whose files are
already on the machine joins: `traits["available"]` names the check (Fashion-MNIST after
`apt-get install dataset-fashion-mnist`, see tasks/classification/locate.py). The check is made when
a suite is expanded, so the same `bench sweep default` lists it on one machine and not on another.
"""

from __future__ import annotations

from collections.abc import Callable

from suite.registry import FAMILIES_BUILTIN, REGISTRY, Task


def _ids(keep: Callable[[Task], bool] = lambda t: True, family: str | None = None) -> list[str]:
    """Task ids of the problems in suites (not optional, or data found) in registry order (problems, then models)."""
    here = {name: p.in_suites() for name, p in REGISTRY.problems.items()}  # one file check per problem, not per task
    return [t.id for t in REGISTRY.tasks(family=family) if here[t.problem.name] and keep(t)]


def default() -> list[str]:
    """Every task whose problem needs nothing beyond the core install, or whose files are already here.

    Compression tasks ride on other tasks' records (tasks/compression): they have a suite of their own.
    """
    return _ids(lambda t: "compression" not in t.families)


# SBX's implementations of the zoo's algorithms (the zoo's SB3 presets, run by JAX). TQC and CrossQ
# have no zoo preset for these problems, and CrossQ takes hours on a CPU: named, never in a suite.
SBX_ZOO = ("sbx_dqn", "sbx_ppo", "sbx_sac", "sbx_td3")


def _classic(t: Task) -> bool:
    return t.problem.traits.get("group") == "classic-control"


def classic_control() -> list[str]:
    """SB3's and sb3-contrib's agents on gymnasium's classic-control environments (CartPole, Acrobot,
    Pendulum, ...) at rl-baselines3-zoo's presets: the pairs the zoo tunes, one sweep to compare with it.
    The suite's own plain-PyTorch DQN is in the `rl` suite, SBX's agents in `classic-control-sbx`."""
    return _ids(lambda t: _classic(t) and not t.model.name.startswith(("sbx_", "torch_")), family="rl")


def classic_control_sbx() -> list[str]:
    """The same problems with SBX's DQN, PPO, SAC and TD3 (`pip install 'benchsuite[sbx]'`): the zoo's
    presets run by JAX, to time against `classic-control`."""
    return _ids(lambda t: _classic(t) and t.model.name in SBX_ZOO, family="rl")


def family_suite(name: str) -> Callable[[], list[str]]:
    def tasks() -> list[str]:
        return _ids(family=name)

    tasks.__doc__ = f"Every non-optional task ranked in the {name} family."
    return tasks


def check() -> list[str]:
    """The regression gate's fast suite (`bench check check`, a few minutes on 2 cores): one small task of each
    family whose shipped records rerun in seconds, stochastic and deterministic, on the CPU."""
    return ["digits_mlp", "mnist1d_logreg", "digits_vae", "sunspots_lstm", "sunspots_ets", "cartpole_ppo"]


REGISTRY.add_suite("default", default)
REGISTRY.add_suite("check", check)
REGISTRY.add_suite("classic-control", classic_control)
REGISTRY.add_suite("classic-control-sbx", classic_control_sbx)
for _family in FAMILIES_BUILTIN:
    REGISTRY.add_suite(_family, family_suite(_family))
