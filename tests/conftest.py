"""Shared fixtures: every test gets its own results dir and wandb off unless it asks otherwise.

Tiers: `make test` deselects tests marked `slow` (`make test-slow` runs them). A test that needs a Ray
cluster or a browser is slow by nature; a smoke test over every task of a family keeps a few
representatives in the fast tier (`tiered`).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCH = [sys.executable, "-m", "cli.main"]
SLOW_BY_NATURE = {"ray", "browser"}  # markers whose tests start a cluster or a browser


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        if SLOW_BY_NATURE & {m.name for m in item.iter_markers()}:
            item.add_marker(pytest.mark.slow)


def tiered(ids, fast: set[str]) -> list:
    """Parameters for a test over every id: the `fast` representatives as they are, every other one marked slow."""
    return [i if i in fast else pytest.param(i, marks=pytest.mark.slow) for i in ids]


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("WANDB_MODE", "disabled")
    monkeypatch.setenv("BENCH_RESULTS", str(tmp_path / "results"))
    monkeypatch.setenv("BENCH_THREADS", "1")
    monkeypatch.setenv("BENCH_ROWS_CACHE", str(tmp_path / "row-cache"))  # reports/row_cache.py: never the user's
    yield


@pytest.fixture
def results(tmp_path) -> Path:
    return tmp_path / "results"


@pytest.fixture
def bench(capsys):
    """Call the CLI in-process; returns (exit code, stdout, stderr)."""
    from cli.main import main

    def call(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out = capsys.readouterr()
        return code, out.out, out.err

    return call


def bench_subprocess(*argv: str, env: dict | None = None, **kw) -> subprocess.CompletedProcess:
    """The CLI as a user runs it, in a fresh interpreter."""
    return subprocess.run([*BENCH, *argv], cwd=ROOT, env={**os.environ, **(env or {})}, capture_output=True, text=True, **kw)


def run_smoke(task_id: str, results, seed: int = 0, overrides=None, **kw) -> dict:
    """The one helper that runs a registered task on its smoke preset through the real runner and returns its record."""
    from suite.config import resolve_config
    from suite.registry import get_registry
    from suite.runner import execute

    task = get_registry().task(task_id)
    cfg = resolve_config(task, "smoke", overrides or [])
    return execute(task, cfg, preset="smoke", seed=seed, results=results, wandb_mode="disabled", progress=False, **kw)


@pytest.fixture
def feature_cache(tmp_path_factory, monkeypatch):
    """One generative feature-extractor cache for the whole session: trained by the first test that needs it."""
    monkeypatch.setenv("BENCH_FEATURE_CACHE", str(tmp_path_factory.getbasetemp() / "feature-cache"))


@pytest.fixture
def own_registry():
    """Plug-ins loaded in-process are forgotten afterwards, so other tests see the built-ins only."""
    from suite.registry import REGISTRY

    models, loaded = {k: list(v) for k, v in REGISTRY.models.items()}, set(REGISTRY._plugins_loaded)
    yield
    REGISTRY.models.clear()
    REGISTRY.models.update(models)
    REGISTRY._plugins_loaded.clear()
    REGISTRY._plugins_loaded.update(loaded)
