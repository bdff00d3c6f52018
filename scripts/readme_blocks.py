"""Blocks of README.md and docs/ pages written by code: find one between its markers, print it or write it in place.

Used by `measured_table.py`, `readme_sample.py` and `cli_reference.py`, whose tests (and the docs
build, `scripts/docs_hooks.py`) fail when a page and the code disagree.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from pathlib import Path


def marked(text: str, begin: str, end: str) -> str | None:
    """The block from `begin` to `end` (markers included), or None."""
    m = re.search(re.escape(begin) + r".*?" + re.escape(end), text, flags=re.S)
    return m.group(0) if m else None


def replace(page: Path, begin: str, end: str, new: str) -> bool:
    """Put `new` (markers included) in place of the marked block of `page`; True when the page changed."""
    text = page.read_text()
    old = marked(text, begin, end)
    if old is None:
        raise SystemExit(f"{page} has no {begin} ... {end} block")
    if old == new:
        return False
    page.write_text(text.replace(old, new))
    return True


def cli(doc: str, readme: Path, begin: str, end: str, content: Callable[[], str], block: Callable[[], str], what: str) -> None:
    """`script` prints the content; `script --write` replaces the block in `readme`."""
    ap = argparse.ArgumentParser(description=doc.split("\n")[0])
    ap.add_argument("--write", action="store_true", help=f"replace the {what} in {readme.name}")
    if not ap.parse_args().write:
        print(content())
        return
    replace(readme, begin, end, block())
    print(f"{readme.relative_to(readme.parent.parent) if readme.parent.name == 'docs' else readme.name}: {what} rewritten")
