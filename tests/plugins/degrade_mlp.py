"""A deliberate regression for the gate's test: the sunspots MLP trained with a learning rate 10× too high.

    bench check sunspots_mlp --plugin tests/plugins/degrade_mlp.py      # exit 1: sunspots_mlp regressed

It edits the built-in model's preset in the registry, as a careless change to tasks/ would.
(On digits the MLP barely notices lr × 10: 0.968 against 0.972, which the gate rightly calls unchanged.)
"""

from suite.registry import REGISTRY

_presets = REGISTRY.model("mlp", "forecasting").presets
_presets["sunspots/standard"] = {**_presets.get("sunspots/standard", {}), "lr": 1e-2}  # Adam's default 1e-3, × 10
