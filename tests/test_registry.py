"""Registry: task ids, did-you-mean, duplicates, plug-ins by file, module and entry point."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from suite.errors import UserError
from suite.registry import Family, ModelSpec, ProblemSpec, Registry, get_registry

PLUGIN = """
from suite import register_model

@register_model("{name}", family="classification")
def {name}(input_shape, num_classes, width: int = 16):
    import math
    from torch import nn
    return nn.Sequential(nn.Flatten(), nn.Linear(math.prod(input_shape), width), nn.ReLU(), nn.Linear(width, num_classes))
"""


def small_registry() -> Registry:
    reg = Registry()
    reg.add_family(Family("classification", runner="x:y", config="x:z", primary_metric="test/acc", higher_is_better=True))
    reg.add_family(Family("rl", runner="x:y", config="x:z", primary_metric="eval/mean_return", higher_is_better=True))
    reg.add_problem(ProblemSpec("fashion_mnist", ("classification",), "x:y"))
    reg.add_problem(ProblemSpec("pendulum", ("rl",), "x:y", traits={"action_space": "continuous"}))
    reg.add_problem(ProblemSpec("cartpole", ("rl",), "x:y", traits={"action_space": "discrete"}))
    reg.add_model(ModelSpec("cnn_dropout", ("classification",), "x:y"))
    reg.add_model(ModelSpec("dqn", ("rl",), "x:y", requires={"action_space": "discrete"}))
    return reg


def test_task_ids_split_at_the_right_underscore():
    reg = small_registry()
    task = reg.task("fashion_mnist_cnn_dropout")
    assert (task.problem.name, task.model.name, task.family) == ("fashion_mnist", "cnn_dropout", "classification")
    assert sorted(t.id for t in reg.tasks()) == ["cartpole_dqn", "fashion_mnist_cnn_dropout"]


def test_unknown_task_gets_did_you_mean():
    with pytest.raises(UserError, match="did you mean 'cartpole_dqn'"):
        small_registry().task("cartpole_dqm")


def test_incompatible_pair_is_not_a_task_and_says_why():
    reg = small_registry()
    with pytest.raises(UserError, match="requires action_space=discrete and pendulum has action_space=continuous"):
        reg.task("pendulum_dqn")
    with pytest.raises(UserError, match="is a rl model"):
        reg.task("fashion_mnist_dqn")


def test_duplicate_names_are_refused():
    reg = small_registry()
    with pytest.raises(UserError, match="duplicate model name 'dqn'"):
        reg.add_model(ModelSpec("dqn", ("rl",), "x:y"))


def test_unknown_family_is_refused():
    with pytest.raises(UserError, match="unknown family 'classifcation'; did you mean 'classification'"):
        small_registry().add_model(ModelSpec("m", ("classifcation",), "x:y"))


def test_builtins_are_lazy_and_include_the_two_foundation_tasks():
    reg = get_registry()
    assert {"digits_mlp", "cartpole_dqn"} <= {t.id for t in reg.tasks()}


def test_a_registry_without_the_builtins_runs_a_plugin_alone(tmp_path):
    """The engine needs nothing from tasks/: a registry that loaded no entry point, so no built-in,
    lists, configures and runs the task of one plug-in file (a whole family of its own), and
    `tasks` is never imported. In a fresh interpreter: this one has the built-ins loaded."""
    plugin = Path(__file__).parent / "plugins" / "toy_family.py"
    code = textwrap.dedent(
        f"""
        import json, sys
        from pathlib import Path
        from suite.config import resolve_config
        from suite.registry import REGISTRY
        from suite.runner import execute

        REGISTRY.load_plugin({str(plugin)!r})
        task = REGISTRY.task("ramp_constant")
        cfg = resolve_config(task, "smoke")
        rec = execute(task, cfg, preset="smoke", seed=0, results=Path({str(tmp_path)!r}), wandb_mode="disabled", progress=False)
        ids = [t.id for t in REGISTRY.tasks()]
        print(json.dumps({{"ids": ids, "status": rec["status"], "error": rec["error"], "metrics": rec["metrics"],
                          "tasks_imported": any(m == "tasks" or m.startswith("tasks.") for m in sys.modules)}}))
        """
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.splitlines()[-1])
    assert out["ids"] == ["ramp_constant"], "only the plug-in's task: no built-in came in"
    assert out["status"] == "ok", out["error"]
    assert out["metrics"]["test/mae"] == pytest.approx(0.25)  # level 0.45 (its smoke preset) on 0, 0.1, ..., 0.9
    assert not out["tasks_imported"]


def test_plugin_from_file_registers_a_task(tmp_path):
    path = tmp_path / "my_models.py"
    path.write_text(PLUGIN.format(name="file_plugin_net"))
    reg = get_registry([str(path)])
    assert reg.task("digits_file_plugin_net").model.source == str(path)
    get_registry([str(path)])  # loading the same file twice is not a duplicate


def test_plugin_from_module_registers_a_task(tmp_path, monkeypatch):
    (tmp_path / "module_plugin_pkg.py").write_text(PLUGIN.format(name="module_plugin_net"))
    monkeypatch.syspath_prepend(str(tmp_path))
    reg = get_registry(["module_plugin_pkg"])
    assert reg.task("digits_module_plugin_net")


def test_plugin_from_entry_point(tmp_path, monkeypatch):
    """A package naming a module under `benchsuite.plugins` is imported with the built-ins."""
    (tmp_path / "ep_plugin_pkg.py").write_text(PLUGIN.format(name="entry_point_net"))
    dist = tmp_path / "ep_plugin_pkg-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: ep-plugin-pkg\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[benchsuite.plugins]\nmine = ep_plugin_pkg\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    reg = get_registry()
    reg.load_entry_points()  # again: the package was installed after the registry first looked
    assert reg.task("digits_entry_point_net")


@pytest.mark.parametrize(
    "spec, message",
    [
        ("does_not_exist.py", "does not exist"),
        ("no_such_plugin_module", "not found"),
    ],
)
def test_bad_plugins_get_one_line(spec, message):
    with pytest.raises(UserError, match=message):
        get_registry([spec])


def test_plugin_that_raises_on_import_leaves_nothing_behind_and_loads_once_fixed(tmp_path):
    path = tmp_path / "broken.py"
    path.write_text(textwrap.dedent("raise RuntimeError('boom')\n"))
    with pytest.raises(UserError, match="failed to import: RuntimeError: boom"):
        get_registry([str(path)])
    assert "benchsuite_plugin_broken" not in sys.modules, "a half-run plug-in module must not stay importable"
    path.write_text(PLUGIN.format(name="fixed_plugin_net"))
    assert get_registry([str(path)]).task("digits_fixed_plugin_net"), "a failed file is not remembered as loaded"
