"""The legend of the written report's boards and suite table, as `reports.render` writes it, in docs/reading-a-report.md.

    python scripts/report_legend.py            print the block
    python scripts/report_legend.py --write    put it into docs/reading-a-report.md between its markers

The statistics change with the code (issue 27); the page quotes the code's own legend rather than a
copy, and `tests/test_docs.py` and the docs build (`scripts/docs_hooks.py`) fail when the two differ.
"""

from __future__ import annotations

import html
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from readme_blocks import cli, marked  # noqa: E402

PAGE = ROOT / "docs" / "reading-a-report.md"
BEGIN, END = "<!-- legend:begin (scripts/report_legend.py --write) -->", "<!-- legend:end -->"


def _md(text: str) -> str:
    """Plain text as Markdown that renders as written: `<`, `&` and `*` escaped."""
    return html.escape(text, quote=False).replace("*", "\\*")


def content() -> str:
    from reports.render import LEGEND, SUITE_LEGEND

    items = "\n".join(f"- {_md(item.strip())}" for item in LEGEND.split(" · "))
    return f"**Under every board:**\n\n{items}\n\n**Under the suite table:** {_md(SUITE_LEGEND)}"


def block() -> str:
    return f"{BEGIN}\n{content()}\n{END}"


def page_block(text: str | None = None) -> str | None:
    return marked(PAGE.read_text() if text is None else text, BEGIN, END)


def main() -> None:
    cli(__doc__, PAGE, BEGIN, END, content, block, "report legend")


if __name__ == "__main__":
    main()
