"""Every number in the measured tables (docs/families/*.md, the family READMEs) comes from a shipped record."""

from __future__ import annotations

import importlib.util

from tests.conftest import ROOT


def _script(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_family_pages_measured_tables_match_the_shipped_records():
    mod = _script("measured_table")
    for family in mod.FAMILIES:
        on_page = mod.page_block(family)
        assert on_page is not None, f"{mod.page(family)} lost its measured-table markers"
        assert on_page == mod.block(family), f"{mod.page(family)}'s measured table is stale: run `python scripts/measured_table.py --write`"
        assert "no shipped record" not in on_page


def test_forecasting_readme_msft_table_matches_the_shipped_records():
    mod = _script("forecasting_table")
    in_readme = mod.readme_block(mod.README.read_text())
    assert in_readme is not None, "tasks/forecasting/README.md lost its msft-table markers"
    assert in_readme == mod.block(), "the msft table is stale: run `python scripts/forecasting_table.py --write`"
    results = mod.readme_classic_block(mod.README.read_text())
    assert results == mod.classic_block(), "the results table is stale: run `python scripts/forecasting_table.py --write`"
    assert "no shipped record" not in in_readme + results


def test_compression_readme_tables_match_the_shipped_records():
    mod = _script("compression_table")
    in_readme = mod.readme_block(mod.README.read_text())
    assert in_readme is not None, "tasks/compression/README.md lost its compression-table markers"
    assert in_readme == mod.block(), "the compression tables are stale: run `python scripts/compression_table.py --write`"
    assert "No shipped compression records" not in in_readme
