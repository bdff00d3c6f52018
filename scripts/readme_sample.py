"""The README's sample output of `make bench TASK=cartpole_dqn` and its picture, made by the suite's own
code from the shipped records of seeds 0, 1, 2 (reports/baseline/cartpole_dqn), as if they had just been run.

    python scripts/readme_sample.py            print the sample
    python scripts/readme_sample.py --write    put it into README.md between its markers, and draw
                                               docs/assets/cartpole_curves.png

The run lines and the boards come from the functions `bench run` prints with (`describe` and
`show_leaderboard`), as they print into a log (`make bench ... | tee log`), so the README shows what
the code prints today; the caption under them names the machine kind of the records, taken from their
`env`. The picture is the report's learning-curve figure of the same board (`reports.plots`), and
carries a digest of the records it was drawn from. `tests/test_newcomer_readme.py` fails when README.md,
the picture and this output disagree: after the baselines are regenerated, run this script with `--write`.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from readme_blocks import marked, replace  # noqa: E402

from cli.commands.common import show_leaderboard  # noqa: E402
from reports.records import baseline_dir  # noqa: E402
from suite import store  # noqa: E402
from suite.executors.progress import describe  # noqa: E402

README = ROOT / "README.md"
PICTURE = ROOT / "docs" / "assets" / "cartpole_curves.png"
DIGEST_KEY = "benchsuite-records"  # the PNG text chunk that names the records drawn
BEGIN, END = "<!-- sample:begin (scripts/readme_sample.py --write) -->", "<!-- sample:end -->"
TASK, PROBLEM, PRESET, SEEDS = "cartpole_dqn", "cartpole", "standard", (0, 1, 2)  # `make bench TASK=cartpole_dqn`: SEEDS=3
# What a record's `env` says about the machine kind and libraries (issue 29), in the order the caption names them.
KIND_KEYS = ("cpu", "cpu_count", "machine_kind", "torch", "numpy", "torch_cpu_capability", "torch_blas", "blas")


def shipped_runs() -> list[dict]:
    """The shipped records `make bench TASK=cartpole_dqn` would make: preset standard, seeds 0-2."""
    recs = [r for r in store.iter_records(baseline_dir(), TASK) if r["preset"] == PRESET and r["seed"] in SEEDS]
    recs.sort(key=lambda r: r["seed"])
    if [r["seed"] for r in recs] != list(SEEDS):
        raise SystemExit(f"reports/baseline/{TASK} lacks {PRESET} records of seeds {SEEDS}: found {[r['seed'] for r in recs]}")
    return recs


@contextlib.contextmanager
def user_results():
    """A results directory holding the three runs, as the user's would after `make bench TASK=cartpole_dqn`."""
    with tempfile.TemporaryDirectory() as tmp:
        results = Path(tmp)
        for rec in shipped_runs():
            shutil.copytree(rec["_dir"], results / TASK / Path(rec["_dir"]).name)
        yield results


def sample() -> str:
    """What `bench run cartpole_dqn --seeds 3` prints into a log, from the shipped records."""
    out = io.StringIO()
    with user_results() as results, contextlib.redirect_stdout(out):
        for rec in shipped_runs():
            print(describe(rec))
        show_leaderboard(results, {PROBLEM}, PRESET)
    return "\n".join(line.rstrip() for line in out.getvalue().splitlines())


def machine_kind() -> str:
    """The machine kind and library versions of the shipped runs, from their `env` (one phrase)."""
    kinds = {tuple((k, str((r.get("env") or {}).get(k))) for k in KIND_KEYS if (r.get("env") or {}).get(k)) for r in shipped_runs()}
    if len(kinds) != 1:
        return "several machine kinds (see each record's `env`)"
    env = dict(next(iter(kinds)))
    cpu = env.pop("cpu", "an unnamed CPU")
    cores = env.pop("cpu_count", None)
    where = f"{cpu}" + (f" ({cores} cores)" if cores else "")
    return where + "".join(f", {k} {v}" for k, v in env.items())


def caption() -> str:
    import textwrap

    text = (
        f"The seed lines hold on the machine kind that made these records: {machine_kind()}; the board names each "
        "entry's machine under `measured on`. A run is deterministic given its seed on the same machine kind (CPU model "
        "and instruction-set flags, BLAS and oneDNN builds) with the same library versions; another CPU gives other "
        "per-seed returns (seed 0 returned 500 here and 18.7 on an AMD EPYC), so compare means and intervals, not single seeds "
        "([Reproducibility](docs/reproducibility.md))."
    )
    return textwrap.fill(text, width=104, break_long_words=False, break_on_hyphens=False)


def block() -> str:
    # The snippet markers let docs pages include the board (`--8<-- "README.md:board"`); GitHub hides them.
    return f"{BEGIN}\n<!-- --8<-- [start:board] -->\n```text\n{sample()}\n```\n<!-- --8<-- [end:board] -->\n\n{caption()}\n{END}"


def readme_block(text: str) -> str | None:
    return marked(text, BEGIN, END)


def board_runs(results: Path):
    """The run rows of the sample's board (the user's three runs beside the shipped baselines on cartpole)."""
    from reports.records import load_with_baseline

    runs = load_with_baseline(results, on_problems=None)
    return runs[(runs["problem"] == PROBLEM) & (runs["preset"] == PRESET)]


def digest() -> str:
    """sha256 over what the picture draws: each run's id, curves.parquet, primary value, set-up seconds and threshold.

    Fields a record gains later (an environment key, a metric's range) leave it unchanged."""
    import json

    h = hashlib.sha256()
    with user_results() as results:
        for d in sorted(set(board_runs(results)["dir"]), key=lambda d: Path(d).name):
            rec = json.loads((Path(d) / "result.json").read_text())
            drawn = [
                rec["run_id"],
                rec["metrics"].get(rec["primary_metric"]),
                rec["timing"].get("setup_s"),
                rec["reference"].get("threshold"),
            ]
            h.update(json.dumps(drawn).encode())
            curves = Path(d) / "curves.parquet"
            h.update(curves.read_bytes() if curves.is_file() else b"-")
    return h.hexdigest()


def picture_digest(path: Path = PICTURE) -> str | None:
    """The digest the committed picture was drawn from, or None when it is missing."""
    from PIL import Image

    if not path.is_file():
        return None
    with Image.open(path) as img:
        return img.text.get(DIGEST_KEY)


def draw(path: Path = PICTURE) -> None:
    """The report's learning-curve figure of the sample's board, stamped with `digest()`."""
    from PIL import Image
    from PIL.PngImagePlugin import PngInfo

    from reports import build, plots

    with user_results() as results, tempfile.TemporaryDirectory() as out:
        rep = build.compute(board_runs(results), PRESET)
        figs = plots.learning_curves(rep.runs, rep.boards, Path(out))
        if len(figs) != 1:
            raise SystemExit(f"expected one learning-curve figure of {PROBLEM}, got {len(figs)}")
        info = PngInfo()
        info.add_text(DIGEST_KEY, digest())
        path.parent.mkdir(parents=True, exist_ok=True)
        with Image.open(figs[0].png) as img:
            img.save(path, pnginfo=info, optimize=True)


def main() -> None:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--write", action="store_true", help=f"replace the sample output in README.md and draw {PICTURE.relative_to(ROOT)}")
    if not ap.parse_args().write:
        print(sample())
        return
    replace(README, BEGIN, END, block())
    draw()
    print(f"{README.name}: sample output rewritten, {PICTURE.relative_to(ROOT)} drawn, from reports/baseline/")


if __name__ == "__main__":
    main()
