"""Classification: the catalog. Names only; the code lives in the modules named by each target."""

from suite.registry import REGISTRY, Family, ModelSpec, ProblemSpec

FAMILY = "classification"
_HERE = "tasks.classification"

REGISTRY.add_family(
    Family(
        name=FAMILY,
        runner=f"{_HERE}.runner:run",
        config=f"{_HERE}.config:TrainConfig",
        primary_metric="test/acc",
        higher_is_better=True,
        presets={"smoke": {"max_epochs": 2, "early_stopping_patience": 0}},
        description="supervised classifiers trained with Lightning; primary metric test accuracy",
    )
)

REGISTRY.add_problem(
    ProblemSpec(
        name="digits",
        families=(FAMILY,),
        target=f"{_HERE}.data:digits",
        description="scikit-learn's bundled 8x8 handwritten digits (1797 images), fixed stratified 60/20/20 split",
        traits={"input": "image"},
        refs={FAMILY: {"random": 0.1, "reference": 1.0}},
        presets={"standard": {"max_epochs": 200, "early_stopping_patience": 20, "batch_size": 32}},
    )
)

REGISTRY.add_model(
    ModelSpec(
        name="mlp",
        families=(FAMILY,),
        target=f"{_HERE}.models:mlp",
        description="multilayer perceptron, one hidden layer of `hidden` units (784-64-10 style)",
    )
)
