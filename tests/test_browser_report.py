"""The HTML report opened in headless Chromium: scripts run, tables sort, every image decodes, nothing blank.

Keeps a screenshot for a human look: in $BENCH_TEST_ARTIFACTS when set (CI uploads that directory),
else in pytest's temporary directory (kept for the last 3 sessions); the path is printed. Not in the
repository: a tracked file rewritten by every test run would mark every run record's git SHA dirty.
Skips only when no Chromium binary is installed (`apt-get install chromium`; .ci/run does it).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from test_report import write_suite

from cli.main import main as bench

CHROMIUM = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (Debian: apt-get install chromium)"),
]


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        f"--user-data-dir={tmp_path / 'chrome-profile'}",
        "--virtual-time-budget=5000",  # let the load handler run before dumping
    ]
    return subprocess.run([CHROMIUM, *flags, *args], capture_output=True, text=True, timeout=60)


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("browser")
    write_suite(tmp / "results")
    assert bench(["report", "--results", str(tmp / "results"), "--out", str(tmp / "out"), "--no-baseline", "--wandb", "disabled"]) == 0
    return tmp / "out" / "report.html"


def test_tables_sort_and_images_decode(report, tmp_path):
    url = report.resolve().as_uri() + "#sort=model"
    proc = chromium(tmp_path, "--dump-dom", url)
    dom = proc.stdout
    assert 'data-ready="1"' in dom, f"page script did not run; stderr: {proc.stderr[-2000:]}"
    # The digits board, sorted by the `model` column on load: big, mid, small alphabetically.
    tables = re.findall(r'<table class="sortable board"[^>]*data-sorted="1:1"[^>]*>(.*?)</table>', dom, re.S)
    assert tables, "no leaderboard table was sorted by the script"
    digits = next(t for t in tables if ">small<" in t)
    models = re.findall(r"<tr[^>]*><td[^>]*>\d+</td><td>([^<]+)</td>", digits)
    assert models == sorted(models) and len(models) == 3
    sizes = re.findall(r'data-natural="(\d+)x(\d+)"', dom)
    assert len(sizes) >= 8 and all(int(w) > 0 and int(h) > 0 for w, h in sizes), sizes


def test_screenshot_is_not_blank(report, tmp_path):
    from PIL import Image, ImageStat

    keep = Path(os.environ.get("BENCH_TEST_ARTIFACTS") or report.parent)
    keep.mkdir(parents=True, exist_ok=True)
    shot = keep / "report_screenshot.png"
    proc = chromium(tmp_path, f"--screenshot={shot}", "--window-size=1280,2400", report.resolve().as_uri())
    assert shot.is_file(), proc.stderr[-2000:]
    print(f"screenshot kept at {shot}")
    img = Image.open(shot).convert("L")
    assert img.size == (1280, 2400)
    assert ImageStat.Stat(img).stddev[0] > 10  # text, tables and plots; a blank page has stddev ~0
