"""The classification plug-in door: scikit-learn estimators and a user's file come in through it, ranked by
the family's protocol; a plug-in that breaks the contract is refused in one line, exit 2, before training."""

from __future__ import annotations

import json
import math
import textwrap

import numpy as np
import pytest

from suite.config import resolve_config
from suite.registry import example_path, get_registry
from suite.runner import execute
from tests.conftest import bench_subprocess

SKLEARN = ["sk_logreg", "random_forest", "hist_gb", "svc"]


def test_bench_contract_prints_the_protocol_and_the_example(bench):
    code, out, err = bench("contract", "classification")
    assert code == 0, err
    assert "class ClassificationModel(Protocol)" in out and "def predict_scores(self, x: np.ndarray) -> np.ndarray" in out
    assert "fit(train, val), predict_scores(x)" in out.splitlines()[0]
    assert example_path(get_registry().family("classification").example).read_text() in out
    assert len(example_path(get_registry().family("classification").example).read_text().splitlines()) <= 30


@pytest.mark.parametrize("model", SKLEARN)
def test_a_sklearn_model_on_smoke_gives_a_valid_record(model, results):
    task = get_registry().task(f"digits_{model}")
    assert task.model.kind == "trainer" and "sklearn_models" in task.model.source  # the public decorator
    rec = execute(task, resolve_config(task, "smoke"), preset="smoke", seed=0, results=results, wandb_mode="disabled", progress=False)
    assert rec["status"] == "ok", rec["error"] or rec["traceback"]
    m = rec["metrics"]
    assert {"test/acc", "test/loss", "test/f1_macro", "test/ece"} <= set(m) and all(math.isfinite(v) for v in m.values())
    assert m["test/acc"] > 0.6, m  # 256 training digits: every estimator learns far beyond chance (0.1)
    assert rec["timing"]["train_s"] > 0 and rec["resources"]["train_cpu_s"] > 0
    (cm,) = [a for a in rec["artifacts"] if a["kind"] == "image"]
    assert (results / task.id / rec["run_id"] / cm["path"]).is_file()


@pytest.mark.parametrize("model", ["sk_logreg", "hist_gb", "svc"])
def test_a_deterministic_sklearn_model_ignores_the_seed(model):
    """`deterministic=True` is a claim: builds after different numpy seeds score the test split identically."""
    from suite.contract import model_kwargs
    from tasks.classification.runner import problem_data, splits

    task = get_registry().task(f"digits_{model}")
    cfg = resolve_config(task, "smoke")
    data = problem_data(task, cfg)
    assert task.deterministic
    scores = []
    for seed in (0, 1):
        np.random.seed(seed)
        est = task.model.load()(**model_kwargs(task, cfg, input_shape=data.input_shape, num_classes=data.num_classes))
        est.fit(*splits(data))
        scores.append(est.predict_scores(data.x_test))
    assert np.array_equal(*scores)


def test_the_example_plugin_runs_from_the_command_line_and_ranks(tmp_path):
    """What a user does: save the example, run it on smoke, see it on the leaderboard beside the built-ins."""
    plugin = tmp_path / "my_model.py"
    plugin.write_text(example_path(get_registry().family("classification").example).read_text())
    results = tmp_path / "res"
    args = ["--preset", "smoke", "--results", str(results), "--wandb", "disabled"]
    done = bench_subprocess("run", "digits_knn", "digits_logreg", "--plugin", str(plugin), "--seeds", "1", *args)
    assert done.returncode == 0, done.stderr
    (path,) = results.glob("digits_knn/*/result.json")
    rec = json.loads(path.read_text())
    assert rec["status"] == "ok" and rec["model"] == "knn" and rec["metrics"]["test/acc"] > 0.6
    ranked = [line.split("│")[2].strip() for line in done.stdout.splitlines() if line.startswith("│")]  # the board's model column
    assert "knn" in ranked and "logreg" in ranked, done.stdout


# Each plug-in's fit appends the number of samples it was given to MARKER: a refusal before training
# leaves no marker at all, or (the probe fits on PER_CLASS samples of each class) only probe-sized ones.
HEAD = """
import numpy as np
from suite import register_model
MARKER = {marker!r}

def mark(n):
    with open(MARKER, "a") as f:
        f.write(f"{{n}}\\n")
"""
BROKEN = {
    "no_predict": (
        """
        @register_model("broken", family="classification", kind="trainer")
        class Broken:
            def __init__(self, num_classes: int):
                self.k = num_classes
            def fit(self, train, val):
                mark(len(train.y))
        """,
        ["no method predict_scores(x)", "expected fit(train, val), predict_scores(x)"],
    ),
    "fit_signature": (
        """
        @register_model("broken", family="classification", kind="trainer")
        class Broken:
            def __init__(self, num_classes: int):
                self.k = num_classes
            def fit(self, x):
                mark(len(x))
            def predict_scores(self, x):
                return np.zeros((len(x), self.k))
        """,
        ["fit(self, x) cannot be called as fit(train, val)"],
    ),
    "wrong_shape": (
        """
        @register_model("broken", family="classification", kind="trainer")
        class Broken:
            def __init__(self, num_classes: int):
                self.k = num_classes
            def fit(self, train, val):
                mark(len(train.y))
            def predict_scores(self, x):
                return np.zeros((len(x), self.k + 1))  # one class too many
        """,
        ["predict_scores on a probe batch", "returned an array of shape (10, 11)", "expected (10, 10)"],
    ),
    "module_shape": (
        """
        @register_model("broken", family="classification")
        def broken(input_shape, num_classes: int):
            from torch import nn
            mark(0)
            return nn.Sequential(nn.Flatten(), nn.Linear(64, num_classes - 1))
        """,
        ["its network maps a probe batch (2, 1, 8, 8) to an array of shape (2, 9)", "expected (2, 10)"],
    ),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_broken_plugin_is_refused_before_training_in_one_line(case, tmp_path):
    body, words = BROKEN[case]
    marker = tmp_path / "fit_calls.txt"
    plugin = tmp_path / "broken.py"
    plugin.write_text(HEAD.format(marker=str(marker)) + textwrap.dedent(body))
    results = tmp_path / "res"
    done = bench_subprocess("run", "digits_broken", "--plugin", str(plugin), "--preset", "smoke", "--results", str(results))
    assert done.returncode == 2, done.stdout + done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("bench: error: digits_broken: model 'broken'"), done.stderr
    for w in words:
        assert w in lines[0], lines[0]
    assert not list(results.rglob("result.json"))
    calls = [int(n) for n in marker.read_text().split()] if marker.exists() else []
    assert all(n <= 50 for n in calls), f"fit saw {calls} samples: the probe's 5 per class is 50; the smoke split is 256"


def test_the_svm_forms_no_task_on_large_problems_and_says_why():
    """One calibrated RBF SVM fit on Fashion-MNIST's 55 000 images takes over an hour here: refused by name, not run."""
    from suite.errors import UserError

    reg = get_registry()
    assert {"digits_svc", "mnist1d_svc"} <= {t.id for t in reg.tasks(model="svc")}
    with pytest.raises(UserError, match="svc requires size=small and fashion_mnist has size=large"):
        reg.task("fashion_mnist_svc")
