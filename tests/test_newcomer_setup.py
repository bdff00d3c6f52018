"""Quiet set-up: `make` prints one line per step, pip's output goes to .venv/setup.log, named when a step fails.

The Makefile's own recipe runs, with a stand-in for `python3` whose venv's `python -m pip` only prints
the kind of chatter pip does (and fails when asked for a torch that does not exist): no download.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.conftest import ROOT

FAKE_PYTHON = """#!/bin/sh
# `python3 -m venv DIR`: make DIR/bin/python, a stand-in whose `-m pip ...` chatters like pip
[ "$1 $2" = "-m venv" ] || exit 3
mkdir -p "$3/bin"
cat >"$3/bin/python" <<'EOF'
#!/bin/sh
echo "Looking in links: /opt/wheels"
echo "  BuildBackendWarning: project.license as a TOML table is deprecated" >&2
case "$*" in *torch==0.0.0*) echo "ERROR: No matching distribution found for torch==0.0.0" >&2; exit 1;; esac
echo "Successfully installed $*"
EOF
chmod +x "$3/bin/python"
"""


@pytest.fixture()
def fake_python(tmp_path):
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    path = tmp_path / "python3"
    path.write_text(FAKE_PYTHON)
    path.chmod(0o755)
    return path


def make(tmp_path, fake_python, *args: str) -> subprocess.CompletedProcess:
    venv = tmp_path / "venv"
    cmd = ["make", "--no-print-directory", "-C", str(ROOT), "venv", f"VENV={venv}", f"PYTHON={fake_python}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60)


def test_set_up_prints_one_line_per_step_and_logs_pip(tmp_path, fake_python):
    p = make(tmp_path, fake_python)
    assert p.returncode == 0, p.stdout + p.stderr
    lines = p.stdout.splitlines()
    assert len(lines) == 3, p.stdout
    assert lines[0].startswith("creating ") and "installing torch" in lines[1] and "installing the suite" in lines[2]
    assert p.stderr == ""
    log = (tmp_path / "venv" / "setup.log").read_text()
    assert "Looking in links" in log and "BuildBackendWarning" in log and "Successfully installed" in log
    again = make(tmp_path, fake_python)  # up to date: no step runs
    assert again.returncode == 0 and "installing" not in again.stdout and "creating" not in again.stdout, again.stdout


def test_a_failed_step_names_the_log_and_shows_its_tail(tmp_path, fake_python):
    p = make(tmp_path, fake_python, "TORCH=torch==0.0.0")
    assert p.returncode != 0
    log = tmp_path / "venv" / "setup.log"
    assert f"the full log is {log}" in p.stderr
    assert "No matching distribution found for torch==0.0.0" in p.stderr  # the tail says why
    assert "installing the suite" not in p.stdout  # stopped at the failed step
    assert not (tmp_path / "venv" / ".installed").exists()


def test_the_license_is_an_spdx_string():
    """setuptools ≥ 77 warns for pages about `license = {text = ...}`; a plain SPDX expression is the current form."""
    tomllib = pytest.importorskip("tomllib")  # Python ≥ 3.11
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == "MIT"
