"""A whole family in one plug-in file, with no torch and nothing from `tasks/`: what an outside package
can add to the suite. `tests/test_registry.py` runs it in a registry that loaded no built-in.

    bench run ramp_constant --plugin tests/plugins/toy_family.py --preset smoke level=0.25

Problem `ramp`: the numbers 0, 0.1, ..., 0.9. Model `constant`: predicts `level` for every one of them.
Metric `test/mae`: the mean absolute error of that prediction, lower is better (0.25 at level 0.45).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from suite import register_model, register_problem
from suite.config import model_field_names
from suite.registry import REGISTRY, Family


@dataclass
class ToyConfig:
    passes: int = field(default=3, metadata={"help": "how many times the error is logged as a curve"})


def run(ctx) -> None:
    """Family runner: build the model from its config keys, score it on the problem's numbers."""
    values = ctx.task.problem.load()()
    model = ctx.task.model.load()(**{k: getattr(ctx.config, k) for k in model_field_names(ctx.task)})
    with ctx.phase("train"):
        mae = sum(abs(model(x) - x) for x in values) / len(values)
        for step in range(ctx.config.passes):
            ctx.log("val/mae", mae, step)
    with ctx.phase("eval"):
        ctx.metrics["test/mae"] = mae


REGISTRY.add_family(Family("toy", runner=run, config=ToyConfig, primary_metric="test/mae", higher_is_better=False))


@register_problem("ramp", families="toy", refs={"toy": {"random": 0.5, "reference": 0.0}})
def ramp():
    """The numbers 0, 0.1, ..., 0.9."""
    return [i / 10 for i in range(10)]


@register_model("constant", family="toy", presets={"smoke": {"level": 0.45}})
def constant(level: float = 0.0):
    """Predicts `level` whatever the input."""
    return lambda x: level
