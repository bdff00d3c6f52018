"""MkDocs hook (mkdocs.yml `hooks:`): the build fails under --strict when a generated page is stale.

Generated pages and blocks are committed, so they read on GitHub and in a terminal too. Before the
build this hook recomputes each from its source and warns (an error under `--strict`, as `make docs`
and CI build) when the committed text differs, naming the command that rewrites it:

- docs/cli.md, from the parsers (scripts/cli_reference.py);
- the report legend in docs/reading-a-report.md, from reports/render.py (scripts/report_legend.py);
- the measured tables of docs/families/*.md, from reports/baseline/ (scripts/measured_table.py);
- README.md's sample output and docs/assets/cartpole_curves.png, from the same records (scripts/readme_sample.py);
- the tables of tasks/forecasting/README.md and tasks/compression/README.md, which the family pages include.

Pages include the family READMEs (`--8<-- "tasks/rl/README.md"`), whose images sit beside them
(`![...](fd_vs_steps.png)` in tasks/generative/). Such a link is read from the including page, so
`on_files` puts each image a README shows where that page looks for it.
"""

from __future__ import annotations

import importlib.util
import logging
import posixpath
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
log = logging.getLogger("mkdocs.hooks.benchsuite")


def _script(name: str):
    sys.path.insert(0, str(ROOT / "scripts"))
    spec = importlib.util.spec_from_file_location(f"_docs_{name}", ROOT / "scripts" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def stale_pages() -> list[str]:
    """One line per stale generated page or block: what is stale and the command that rewrites it."""
    out = []
    if _script("cli_reference").stale():
        out.append("docs/cli.md is stale: run `python scripts/cli_reference.py --write`")
    legend = _script("report_legend")
    if legend.page_block() != legend.block():
        out.append("docs/reading-a-report.md's legend is stale: run `python scripts/report_legend.py --write`")
    for page in _script("measured_table").stale():
        out.append(f"{page}'s measured table is stale: run `python scripts/measured_table.py --write`")
    sample = _script("readme_sample")
    if sample.readme_block(sample.README.read_text()) != sample.block():
        out.append("README.md's sample output is stale: run `python scripts/readme_sample.py --write`")
    if sample.picture_digest() != sample.digest():
        out.append(f"{sample.PICTURE.relative_to(ROOT)} was drawn from other records: run `python scripts/readme_sample.py --write`")
    forecasting = _script("forecasting_table")
    text = forecasting.README.read_text()
    if forecasting.readme_block(text) != forecasting.block() or forecasting.readme_classic_block(text) != forecasting.classic_block():
        out.append("tasks/forecasting/README.md's tables are stale: run `python scripts/forecasting_table.py --write`")
    compression = _script("compression_table")
    if compression.readme_block(compression.README.read_text()) != compression.block():
        out.append("tasks/compression/README.md's tables are stale: run `python scripts/compression_table.py --write`")
    return out


def on_pre_build(config, **kwargs) -> None:
    for line in stale_pages():
        log.warning(line)


SNIPPET = re.compile(r'^--8<-- "([^"]+)"\s*$', re.M)
IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)")


def included_images(docs_dir: Path) -> dict[str, Path]:
    """{where the site needs it (docs-relative): the file}: each relative image of a file a page includes."""
    out = {}
    for page in sorted(docs_dir.rglob("*.md")):
        where = posixpath.dirname(page.relative_to(docs_dir).as_posix())
        for rel in SNIPPET.findall(page.read_text()):
            included = ROOT / rel
            if included.suffix != ".md" or not included.is_file():
                continue
            for link in IMAGE.findall(included.read_text()):
                if "://" in link or link.startswith(("/", "#")):
                    continue
                image = (included.parent / link).resolve()
                if image.is_file():
                    out[posixpath.normpath(posixpath.join(where, link))] = image
    return out


def on_files(files, config, **kwargs):
    from mkdocs.structure.files import File

    for uri, image in included_images(Path(config["docs_dir"])).items():
        if files.get_file_from_path(uri) is None:
            files.append(File.generated(config, uri, abs_src_path=str(image)))
    return files
