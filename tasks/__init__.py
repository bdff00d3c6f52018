"""Everything concrete: one package per family. Each package's `__init__` is a light catalog
(no torch import) that registers its family, problems and models with lazy "module:attr" targets."""

BUILTIN = ["classification", "generative", "forecasting", "rl", "suites"]
