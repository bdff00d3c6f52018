"""The documentation: a short README, generated pages that match the code, every help pointing at its page,
and the site built with --strict and looked at in headless Chromium.

The fast tests need nothing but the suite. The browser tests (slow, as `browser` is) build the site
with MkDocs (`pip install -e ".[docs]"`; skipped without it or without Chromium), serve it over HTTP
and open the home page and the RL family page: a title, the nav, links that answer, no 404.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT

CHROMIUM = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)
README_MAX_LINES = 150


def _script(name: str):
    sys.path.insert(0, str(ROOT / "scripts"))
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_readme_is_short_and_its_links_lead_to_pages():
    text = (ROOT / "README.md").read_text()
    assert len(text.splitlines()) <= README_MAX_LINES, "README.md grew past 150 lines: move the detail into a docs/ page"
    links = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text)
    pages = [link for link in links if link.startswith("docs/")]
    assert len(pages) >= 10 and all((ROOT / link).is_file() for link in pages), [p for p in pages if not (ROOT / p).is_file()]
    for command in ("make bench TASK=", "make test", "make test-slow"):  # CI runs the README's test commands (.ci/run)
        assert command in text


def test_cli_reference_is_generated_from_the_parsers():
    mod = _script("cli_reference")
    assert mod.PAGE.read_text() == mod.page(), "docs/cli.md is stale: run `python scripts/cli_reference.py --write`"


def test_report_legend_page_quotes_the_code():
    mod = _script("report_legend")
    assert mod.page_block() == mod.block(), "docs/reading-a-report.md's legend is stale: run `python scripts/report_legend.py --write`"


def test_every_help_ends_with_the_path_of_its_docs_page():
    from cli.main import parser

    top = parser()
    subs = next(a.choices for a in top._actions if isinstance(a, argparse._SubParsersAction))
    for name, p in {"bench": top, **subs}.items():
        last = p.format_help().rstrip().splitlines()[-1]
        m = re.search(r"(docs/[\w/.-]+\.md)$", last)
        assert m, f"`{name} --help` does not end with its docs page: {last!r}"
        assert (ROOT / m.group(1)).is_file(), f"`{name} --help` names {m.group(1)}, which does not exist"


def test_readme_picture_is_drawn_from_the_shipped_records():
    mod = _script("readme_sample")
    assert mod.picture_digest() == mod.digest(), "docs/assets/cartpole_curves.png is stale: run `python scripts/readme_sample.py --write`"
    assert mod.PICTURE.relative_to(ROOT).as_posix() in (ROOT / "README.md").read_text()


# ---- the built site, in a browser ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    pytest.importorskip("mkdocs", reason="the docs extra is not installed: pip install -e '.[docs]'")
    out = tmp_path_factory.mktemp("docs") / "site"
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert proc.returncode == 0, f"mkdocs build --strict failed:\n{proc.stderr[-4000:]}"
    return out


@pytest.fixture(scope="module")
def served(site):
    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def dump_dom(url: str, tmp_path: Path) -> str:
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-sync"]
    flags += [f"--user-data-dir={tmp_path / 'chrome-profile'}", "--virtual-time-budget=5000", "--dump-dom", url]
    proc = subprocess.run([CHROMIUM, *flags], capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip(), proc.stderr[-2000:]
    return proc.stdout


def status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (Debian: apt-get install chromium)")
@pytest.mark.parametrize(
    ("page", "title", "must_show"),
    [
        ("index.html", "benchsuite", ["The five families", "cartpole · rl · eval/mean_return"]),
        ("families/rl.html", "RL - benchsuite", ["Shipped baselines, measured", "cartpole_ppo"]),
        ("plugging-in.html", "Plugging in a model - benchsuite", ["def learn(self, make_env", "class HillClimb"]),
    ],
)
def test_page_renders_in_a_browser(served, page, title, must_show, tmp_path):
    url = f"{served}/{page}"
    assert status(url) == 200
    dom = dump_dom(url, tmp_path)
    assert f"<title>{title}</title>" in dom
    assert "404 - Not found" not in dom
    import html

    shown = html.unescape(re.sub(r"<[^>]+>", "", dom))  # the text, as the highlighted code splits it into spans
    for text in must_show:
        assert text in shown, f"{page} lacks {text!r}"
    nav = re.findall(r'<a href="([^"#:]+\.html)[^"]*"[^>]*class="md-nav__link', dom)
    assert "plugging-in.html" in {Path(h).name for h in nav}, "the nav has no link to the plug-in page"
    base = url.rsplit("/", 1)[0]
    broken = [h for h in set(nav) if status(f"{base}/{h}") != 200]
    assert not broken, f"nav links of {page} that do not answer 200: {broken}"
