"""Every number in the README's "Measured here" table comes from a shipped record."""

from __future__ import annotations

import importlib.util

from tests.conftest import ROOT


def test_readme_table_matches_the_shipped_records():
    spec = importlib.util.spec_from_file_location("measured_table", ROOT / "scripts" / "measured_table.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    in_readme = mod.readme_block((ROOT / "README.md").read_text())
    assert in_readme is not None, "README.md lost its measured-table markers"
    assert in_readme == mod.block(), "README.md's measured table is stale: run `python scripts/measured_table.py --write`"
