"""benchsuite engine: registry, config, runner, store, tracking, sweeps. Knows no concrete task."""

from suite.errors import Diverged, UserError
from suite.registry import register_model, register_problem

__all__ = ["Diverged", "UserError", "register_model", "register_problem"]
__version__ = "0.1.0"
