"""Families, problems, models and suites, registered by name and loaded lazily.

Everything comes in as a plug-in: a package naming a module under the `benchsuite.plugins`
entry-point group (the suite's own `tasks` is one, named in pyproject.toml), or a file or module given
with `--plugin`. Catalogs register with lazy "module:attr" targets so that `bench list` never imports
torch, or with the decorators in `suite/__init__.py`.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from suite.errors import UserError, did_you_mean

ENTRY_POINT_GROUP = "benchsuite.plugins"
FAMILIES_BUILTIN = ("classification", "generation", "autoencoding", "forecasting", "rl")

# Names become directory names (`<results>/<problem>_<model>/...`), HTML and wandb tags, and a run id
# joins its parts with "__": so a name is an identifier of lower-case words joined by single
# underscores. Suite names may also use "-" (`classic-control`); they never reach a path.
NAME_RULE = "lower-case letters and digits in words joined by single underscores, starting with a letter"
NAME = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
BOARD_AGGS = ("mean", "median", "test")  # "test": one paired test per entry over its seeds (`test` in the spec)
BOARD_FORMATS = ("p", "share", "number")
MODEL_KINDS = ("module", "trainer")
SUITE_NAME = re.compile(r"[a-z][a-z0-9]*(?:[_-][a-z0-9]+)*")


def check_name(kind: str, name: Any, pattern: re.Pattern = NAME) -> str:
    """`name` when it is a valid `kind` name; else one line saying why, what is valid, and a close valid name."""
    if isinstance(name, str) and pattern.fullmatch(name):
        return name
    text = str(name)
    close = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    close = re.sub(r"^[0-9_]+", "", close)
    hint = f"; did you mean {close!r}?" if close and pattern.fullmatch(close) else ""
    rule = f"{NAME_RULE}{' (or hyphens)' if pattern is SUITE_NAME else ''}: {pattern.pattern}"
    raise UserError(f"bad {kind} name {text!r}: a name is {rule}{hint or ', e.g. my_cnn'}")


def resolve(target: Any) -> Any:
    """Import a lazy "package.module:attr" target; anything else is returned as is."""
    if not isinstance(target, str):
        return target
    module, _, attr = target.partition(":")
    obj = importlib.import_module(module)
    for part in attr.split(".") if attr else []:
        obj = getattr(obj, part)
    return obj


@dataclass
class Family:
    """How every task of one family is configured, trained and judged."""

    name: str
    runner: Any  # "module:attr" of `run(ctx: RunContext) -> None`
    config: Any  # "module:attr" of the base config dataclass shared by the family's models
    primary_metric: str
    higher_is_better: bool
    presets: dict[str, dict[str, Any]] = field(default_factory=dict)
    description: str = ""
    # What learning curves are plotted against, and which metric they show by default; reports read
    # both from the record, so they need no knowledge of the family.
    curve_axis: str = "epoch"
    curve_metric: str | None = None
    # Secondary metrics shown beside the primary one on each of the family's leaderboards, in order:
    # {"metric": a key of the record's metrics, "label": the column header, "agg": "mean" | "median"
    # over an entry's seeds, "format": "p" | "share" | "number", "help": one legend sentence}; or
    # "agg": "test" with "test": {"name": "diebold_mariano", "loss", "reference": keys of record["raw"],
    # "overlap": a dotted path into record["info"], "value": "p" | "stat", "estimator": its name}, one
    # test per entry on its raw losses averaged over its seeds (reports/leaderboard.py).
    # Written into every record's ranking, so reports show them with no knowledge of the family.
    board_metrics: tuple[dict[str, str], ...] = ()
    # The plug-in door (suite/contract.py). `contract`: "module:attr" of the typing.Protocol a model of
    # kind "trainer" meets, its docstrings giving the shapes; `bench contract F` prints it. `adapter`:
    # "module:attr" of `adapt(ctx, built) -> contract object`, the family's built-in trainer for the short
    # form (kind "module": a torch module factory). `example`: "package:file.py", a minimal working plug-in
    # file inside a package (never imported by the registry), printed with the contract and run by the tests. `probe`: "module:attr" of
    # `probe(task, cfg) -> None`, raising UserError in one line when a plug-in breaks the contract on a
    # probe batch; called before any run starts.
    contract: Any = None
    adapter: Any = None
    # Intra-op threads of a run unless --threads (BENCH_THREADS) says otherwise; a problem may raise it
    # with traits["threads"]. One by default: small networks gain nothing from a second thread and lose
    # tenfold when it must fight another process for a core (benchmarks/threads.py: docs/reproducibility.md).
    threads: int = 1
    example: Any = None
    probe: Any = None

    def __post_init__(self) -> None:
        for col in self.board_metrics:
            missing = {"metric", "label"} - set(col)
            bad_test = (col.get("agg") == "test") != isinstance(col.get("test"), dict)  # a test column names its test
            if missing or bad_test or col.get("agg", "mean") not in BOARD_AGGS or col.get("format", "number") not in BOARD_FORMATS:
                raise ValueError(
                    f"family {self.name!r}: board metric {col!r} needs 'metric' and 'label', "
                    f"'agg' in {BOARD_AGGS} ('test' with a 'test' dict) and 'format' in {BOARD_FORMATS}"
                )


@dataclass
class ProblemSpec:
    """What is solved and how it is judged; `target` loads the data or environment."""

    name: str
    families: tuple[str, ...]
    target: Any
    description: str = ""
    traits: dict[str, Any] = field(default_factory=dict)  # e.g. {"input": "image", "action_space": "discrete"}
    # Per family: {"random": x, "reference": y, "threshold": z, "primary_metric": m, "higher_is_better": b}
    refs: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Preset overrides: "standard", "smoke", or "<family>/<preset>" for one family only.
    presets: dict[str, dict[str, Any]] = field(default_factory=dict)
    source: str = "builtin"

    def load(self) -> Any:
        return resolve(self.target)

    def in_suites(self) -> bool:
        """Not optional, or optional with its data already here: traits["available"] names a no-argument check."""
        check = self.traits.get("available")
        return not self.traits.get("optional") or (check is not None and bool(resolve(check)()))


@dataclass
class ModelSpec:
    """A named way of solving problems of one or more families."""

    name: str
    families: tuple[str, ...]
    target: Any
    description: str = ""
    config: Any = None  # extra config dataclass; None derives fields from the target's keyword defaults
    # Preset overrides: "standard", "smoke", or "<problem>/<preset>" for one problem only.
    presets: dict[str, dict[str, Any]] = field(default_factory=dict)
    requires: dict[str, Any] = field(default_factory=dict)  # traits a problem must have
    source: str = "builtin"
    # The model ignores the seed (a closed-form or deterministic fit): one run per config is one exact
    # observation, so sweeps run it once and reports never show it as replicated.
    deterministic: bool = False
    # "module": the family's short form (a torch module factory), trained by the family's built-in
    # adapter; "trainer": the target builds an object that meets the family's contract itself.
    kind: str = "module"

    def __post_init__(self) -> None:
        if self.kind not in MODEL_KINDS:
            raise UserError(f"model {self.name!r}: bad kind {self.kind!r}; valid: {', '.join(MODEL_KINDS)}")

    def load(self) -> Any:
        return resolve(self.target)

    def supports(self, problem: ProblemSpec) -> str | None:
        """None when this model can solve `problem`, else the reason why not."""
        if not set(self.families) & set(problem.families):
            return f"{self.name} is a {'/'.join(self.families)} model and {problem.name} serves {'/'.join(problem.families)}"
        for key, want in self.requires.items():
            have = problem.traits.get(key)
            allowed = want if isinstance(want, (tuple, list, set)) else (want,)
            if have not in allowed:
                return f"{self.name} requires {key}={'|'.join(map(str, allowed))} and {problem.name} has {key}={have}"
        return None


@dataclass
class Task:
    """A problem × model pair, id `<problem>_<model>`."""

    problem: ProblemSpec
    model: ModelSpec

    @property
    def id(self) -> str:
        return f"{self.problem.name}_{self.model.name}"

    @property
    def family(self) -> str:
        """The model's first family that the problem serves: the one the task is trained for."""
        return next(f for f in self.model.families if f in self.problem.families)

    @property
    def families(self) -> tuple[str, ...]:
        """Every family this task is ranked in (a VAE reconstructs and generates)."""
        return tuple(f for f in self.model.families if f in self.problem.families)

    def refs(self, family: str | None = None) -> dict[str, Any]:
        return dict(self.problem.refs.get(family or self.family, {}))

    @property
    def deterministic(self) -> bool:
        return self.model.deterministic

    def run_seeds(self, seeds: list[int]) -> list[int]:
        """The seeds to actually run: a deterministic model runs once, on the first seed asked for."""
        return list(seeds[:1]) if self.deterministic else list(seeds)


class Registry:
    def __init__(self) -> None:
        self.families: dict[str, Family] = {}
        self.problems: dict[str, ProblemSpec] = {}
        # One name may serve disjoint families (a `gru` classifier and a `gru` forecaster): the
        # problem in a task id says which one is meant.
        self.models: dict[str, list[ModelSpec]] = {}
        self.suites: dict[str, Any] = {}  # name -> list of task ids, or "module:attr" callable returning one
        # Model names that form no task, with the reason `bench run` gives (a compression method that
        # cannot handle its base model): refused like an incompatible pair, not met with a did-you-mean.
        self.refusals: dict[str, str] = {}
        self._entry_points_loaded = False
        self._plugins_loaded: set[str] = set()

    # -- registration -------------------------------------------------------------------------
    def _add(self, table: dict, kind: str, name: str, item: Any) -> None:
        if name in table:
            raise UserError(f"duplicate {kind} name {name!r}: already registered from {getattr(table[name], 'source', 'builtin')}")
        table[name] = item

    def add_family(self, family: Family) -> Family:
        check_name("family", family.name)
        self._add(self.families, "family", family.name, family)
        return family

    def add_problem(self, problem: ProblemSpec) -> ProblemSpec:
        check_name("problem", problem.name)
        for fam in problem.families:
            if fam not in FAMILIES_BUILTIN and fam not in self.families:
                raise did_you_mean(fam, FAMILIES_BUILTIN, "family")
        self._add(self.problems, "problem", problem.name, problem)
        return problem

    def add_model(self, model: ModelSpec) -> ModelSpec:
        check_name("model", model.name)
        for fam in model.families:
            if fam not in FAMILIES_BUILTIN and fam not in self.families:
                raise did_you_mean(fam, FAMILIES_BUILTIN, "family")
        for other in self.models.get(model.name, []):
            if set(other.families) & set(model.families):
                raise UserError(
                    f"duplicate model name {model.name!r} in family {'/'.join(other.families)}: already registered from {other.source}"
                )
        self.models.setdefault(model.name, []).append(model)
        return model

    def all_models(self) -> list[ModelSpec]:
        return [m for specs in self.models.values() for m in specs]

    def refuse(self, model: str, reason: str) -> None:
        """Name a model that can never form a task, and why: `<problem>_<model>` is refused with the reason."""
        self.refusals[check_name("model", model)] = reason

    def add_suite(self, name: str, tasks: Any) -> None:
        check_name("suite", name, SUITE_NAME)
        self._add(self.suites, "suite", name, tasks)

    # -- loading ------------------------------------------------------------------------------
    def load_entry_points(self) -> None:
        """Import every module named under the `benchsuite.plugins` entry-point group.

        The built-in families come in through this door like any installed plug-in: the suite's own
        pyproject.toml names `tasks` under the group, so the engine imports no concrete task. Calling
        it again picks up packages installed since; a module already loaded is not loaded twice.
        """
        from importlib.metadata import entry_points

        self._entry_points_loaded = True
        for ep in entry_points(group=ENTRY_POINT_GROUP):
            key = f"ep:{ep.value}"
            if key in self._plugins_loaded:
                continue
            self._plugins_loaded.add(key)
            try:
                ep.load()
            except UserError:
                raise
            except Exception as exc:  # a broken third-party package must not hide the built-ins
                raise UserError(f"plug-in entry point {ep.name!r} ({ep.value}) failed to load: {exc}") from exc

    def load_plugin(self, spec: str) -> None:
        """Import a plug-in given as a path to a .py file or as a dotted module name."""
        path = Path(spec)
        key = str(path.resolve()) if spec.endswith(".py") else spec
        if key in self._plugins_loaded:
            return
        try:
            if spec.endswith(".py"):
                if not path.is_file():
                    raise UserError(f"plug-in file {spec!r} does not exist")
                _run_file(path)
            else:
                importlib.import_module(spec)
        except UserError:
            raise
        except ModuleNotFoundError as exc:
            if exc.name and spec.startswith(exc.name):
                raise UserError(f"plug-in module {spec!r} not found; give a path to a .py file or an importable module") from exc
            raise UserError(f"plug-in {spec!r} failed to import: {exc}") from exc
        except Exception as exc:
            raise UserError(f"plug-in {spec!r} failed to import: {type(exc).__name__}: {exc}") from exc
        self._plugins_loaded.add(key)

    # -- lookup -------------------------------------------------------------------------------
    def family(self, name: str) -> Family:
        if name not in self.families:
            raise did_you_mean(name, self.families, "family")
        return self.families[name]

    def problem(self, name: str) -> ProblemSpec:
        if name not in self.problems:
            raise did_you_mean(name, self.problems, "problem")
        return self.problems[name]

    def model(self, name: str, family: str | None = None) -> ModelSpec:
        """The model called `name` (of `family`, when one name serves several families)."""
        if name not in self.models:
            raise did_you_mean(name, self.models, "model")
        specs = [m for m in self.models[name] if family is None or family in m.families]
        if not specs:
            raise UserError(
                f"model {name!r} has no {family} variant; it serves {', '.join(f for m in self.models[name] for f in m.families)}"
            )
        return specs[0]

    def tasks(self, family: str | None = None, problem: str | None = None, model: str | None = None) -> list[Task]:
        out = []
        for p in self.problems.values():
            if problem and p.name != problem:
                continue
            for m in self.all_models():
                if model and m.name != model:
                    continue
                if m.supports(p) is None:
                    t = Task(p, m)
                    if family is None or family in t.families:
                        out.append(t)
        return out

    def task(self, task_id: str) -> Task:
        """Split `<problem>_<model>` at every underscore until both halves are registered."""
        parts = task_id.split("_")
        for i in range(1, len(parts)):
            pname, mname = "_".join(parts[:i]), "_".join(parts[i:])
            if pname in self.problems and mname in self.models:
                p, specs = self.problems[pname], self.models[mname]
                reasons = [m.supports(p) for m in specs]
                for m, why in zip(specs, reasons):
                    if why is None:
                        return Task(p, m)
                raise UserError(f"task {task_id!r} does not exist: {'; '.join(reasons)}")
            if pname in self.problems and mname in self.refusals:
                raise UserError(f"task {task_id!r} does not exist: {mname}: {self.refusals[mname]}")
        raise did_you_mean(task_id, [t.id for t in self.tasks()], "task")

    def suite(self, name: str) -> list[str]:
        if name not in self.suites:
            raise did_you_mean(name, self.suites, "suite")
        tasks = resolve(self.suites[name])
        return list(tasks() if callable(tasks) else tasks)

    def expand(self, names: Iterable[str]) -> list[Task]:
        """Task ids and suite names into tasks, in order, without repeats."""
        seen: dict[str, Task] = {}
        for name in names:
            ids = self.suite(name) if name in self.suites else [name]
            for task_id in ids:
                task = self.task(task_id)
                seen.setdefault(task.id, task)
        return list(seen.values())


def example_path(target: str) -> Path:
    """The file of a family's example plug-in, given as "package:file.py" (not imported: it registers a model)."""
    from importlib.resources import files

    package, _, name = target.partition(":")
    return Path(str(files(package) / name))


def _run_file(path: Path) -> None:
    """Run a plug-in file as module `benchsuite_plugin_<stem>`; one that raises leaves no half-run module behind."""
    name = f"benchsuite_plugin_{path.stem}"
    module_spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[name] = module  # before it runs, as `import` does: dataclasses and pickle look it up there
    try:
        module_spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise


REGISTRY = Registry()


def get_registry(plugins: Iterable[str] = ()) -> Registry:
    """The registry with every installed entry point loaded (the built-ins among them), then `plugins`."""
    if not REGISTRY._entry_points_loaded:
        REGISTRY.load_entry_points()
    for spec in plugins:
        REGISTRY.load_plugin(spec)
    return REGISTRY


def _as_tuple(x: str | Iterable[str]) -> tuple[str, ...]:
    return (x,) if isinstance(x, str) else tuple(x)


def _source(fn: Callable) -> str:
    """Where a decorated model or problem comes from: its module for an importable package (records stay free
    of this machine's paths), the file for a plug-in file given with --plugin."""
    module = getattr(fn, "__module__", "") or ""
    if module and not module.startswith("benchsuite_plugin_"):
        return module
    return inspect.getsourcefile(fn) or "plugin"


def register_model(
    name: str,
    family: str | Iterable[str],
    *,
    config: Any = None,
    presets: dict[str, dict[str, Any]] | None = None,
    requires: dict[str, Any] | None = None,
    description: str = "",
    deterministic: bool = False,
    kind: str = "module",
) -> Callable:
    """Decorator: register a model factory, e.g. `def my_cnn(input_shape, num_classes, width: int = 32)`.

    The family decides what the factory receives (`bench contract F`); keyword arguments with
    defaults become config keys settable as `width=64`. `kind="module"` (the default) is the short
    form, a torch module the family's built-in trainer trains; `kind="trainer"` registers a class (or
    factory) whose objects meet the family's contract with their own training loop. A trainer that
    breaks the contract is refused before any run starts. `deterministic=True` declares that the
    model ignores the seed: it then runs once per config and ranks as one exact observation.
    """

    def wrap(fn: Callable) -> Callable:
        REGISTRY.add_model(
            ModelSpec(
                name=name,
                families=_as_tuple(family),
                target=fn,
                description=description or (inspect.getdoc(fn) or "").split("\n")[0],
                config=config,
                presets=presets or {},
                requires=requires or {},
                deterministic=deterministic,
                kind=kind,
                source=_source(fn),
            )
        )
        return fn

    return wrap


def register_problem(
    name: str,
    families: str | Iterable[str],
    *,
    traits: dict[str, Any] | None = None,
    refs: dict[str, dict[str, Any]] | None = None,
    presets: dict[str, dict[str, Any]] | None = None,
    description: str = "",
) -> Callable:
    """Decorator: register a problem loader (what it returns is up to the family)."""

    def wrap(fn: Callable) -> Callable:
        REGISTRY.add_problem(
            ProblemSpec(
                name=name,
                families=_as_tuple(families),
                target=fn,
                description=description or (inspect.getdoc(fn) or "").split("\n")[0],
                traits=traits or {},
                refs=refs or {},
                presets=presets or {},
                source=_source(fn),
            )
        )
        return fn

    return wrap
