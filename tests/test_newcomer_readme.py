"""The README's sample output of `make bench TASK=cartpole_dqn` is what the code prints today.

`scripts/readme_sample.py` prints it with `bench run`'s own functions from the shipped records of
seeds 0-2; this fails when README.md and that output disagree (a changed table, new records), until
`python scripts/readme_sample.py --write` is run.
"""

from __future__ import annotations

import importlib.util
import re

from tests.conftest import ROOT


def _script():
    spec = importlib.util.spec_from_file_location("readme_sample", ROOT / "scripts" / "readme_sample.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_readme_sample_output_is_what_bench_run_prints():
    mod = _script()
    in_readme = mod.readme_block((ROOT / "README.md").read_text())
    assert in_readme is not None, "README.md lost its sample-output markers"
    assert in_readme == mod.block(), "README.md's sample output is stale: run `python scripts/readme_sample.py --write`"


def test_readme_sample_quotes_the_shipped_seeds_and_cuts_no_number():
    mod = _script()
    text = mod.sample()
    assert "…" not in text
    for rec in mod.shipped_runs():
        value = rec["metrics"][rec["primary_metric"]]
        assert re.search(rf"^cartpole_dqn seed {rec['seed']}: ok eval/mean_return = {value:.4g} in ", text, re.M)
