"""Everything concrete: one package per family. Each package's `__init__` is a light catalog
(no torch import) that registers its family, problems and models with lazy "module:attr" targets.

The suite finds this package as any plug-in: pyproject.toml names it under the `benchsuite.plugins`
entry-point group, and importing it registers every catalog below, then the named suites.
"""

# isort: off
# Order matters: compression joins the problems of the catalogs before it, and suites list them all.
from tasks import classification, forecasting, generative, rl  # noqa: F401
from tasks import compression  # noqa: F401
from tasks import suites  # noqa: F401
# isort: on
