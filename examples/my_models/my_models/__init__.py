"""Example benchsuite plug-in package. The models live in `my_models.models` (kept light: no torch here)."""
