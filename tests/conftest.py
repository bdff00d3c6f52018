"""Shared fixtures: every test gets its own results dir and wandb off unless it asks otherwise."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCH = [sys.executable, "-m", "suite.cli"]


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("WANDB_MODE", "disabled")
    monkeypatch.setenv("BENCH_RESULTS", str(tmp_path / "results"))
    monkeypatch.setenv("BENCH_THREADS", "1")
    yield


@pytest.fixture
def results(tmp_path) -> Path:
    return tmp_path / "results"


@pytest.fixture
def bench(capsys):
    """Call the CLI in-process; returns (exit code, stdout, stderr)."""
    from suite.cli import main

    def call(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out = capsys.readouterr()
        return code, out.out, out.err

    return call


def bench_subprocess(*argv: str, env: dict | None = None, **kw) -> subprocess.CompletedProcess:
    """The CLI as a user runs it, in a fresh interpreter."""
    return subprocess.run([*BENCH, *argv], cwd=ROOT, env={**os.environ, **(env or {})}, capture_output=True, text=True, **kw)
