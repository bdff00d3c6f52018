"""Copy run records into `reports/baseline/` so they ship with the suite as baseline results.

    python -m reports.ship_baseline RESULTS_DIR [--dest reports/baseline] [--preset standard ...] [--family F] [--replace]

`scripts/regenerate-baselines` (`make baselines`) runs the sweeps and then this, with `--replace`:
every task shipped from RESULTS_DIR has its old baseline records removed first, so a task's
baseline always comes from one regeneration. Records from a dirty tree are refused.

Keeps each record's result.json, curves.parquet and image artifacts under 1 MB (confusion
matrices, sample grids); leaves out checkpoints, videos and wandb files, which would bloat the
package. Records are copied in the results layout (`<task>/<run_id>/`), which is what
`reports.records.load_with_baseline` reads.
"""

from __future__ import annotations

import argparse
import difflib
import shutil
import sys
from pathlib import Path

from reports.records import BASELINE_DIR, read_records
from suite import store

MAX_IMAGE_BYTES = 1_000_000  # a sample grid is ~50 kB; anything bigger is not a figure worth shipping


def ship(
    src: Path,
    dest: Path,
    presets: tuple[str, ...] = ("standard",),
    replace: bool = False,
    require_clean: bool = False,
    families: tuple[str, ...] = (),
) -> int:
    """Copy `src`'s records of `presets` (and of `families`, when given) into `dest`; returns how many."""
    records = [r for r in read_records(src) if r.get("preset") in presets and r.get("status") != "failed"]
    if families:  # e.g. only the compression runs of a sweep whose parents were trained on fewer seeds than shipped
        present = sorted({str(r.get("family")) for r in records})
        for f in families:
            if f not in present:
                near = difflib.get_close_matches(f, present, n=1)
                hint = f"; did you mean '{near[0]}'?" if near else ""
                print(
                    f"ship_baseline: no {', '.join(presets)} record of family '{f}' in {src}; its families: {', '.join(present) or 'none'}{hint}",
                    file=sys.stderr,
                )
                raise SystemExit(2)
        records = [r for r in records if r.get("family") in families]
    dirty = sorted({r["run_id"] for r in records if not _clean_sha((r.get("env") or {}).get("git_sha"))})
    if require_clean and dirty:
        raise SystemExit(f"ship_baseline: {len(dirty)} record(s) were not made at a clean commit, e.g. {dirty[0]}; rerun them from one")
    if replace:
        for task in {r["task"] for r in records}:
            shutil.rmtree(dest / task, ignore_errors=True)
    for rec in records:
        _copy(rec, dest)
    return len(records)


def _clean_sha(sha: str | None) -> bool:
    return bool(sha) and not sha.endswith("-dirty")


def _copy(rec: dict, dest: Path) -> None:
    run_dir = Path(rec.pop("_dir"))
    target = dest / rec["task"] / rec["run_id"]
    target.mkdir(parents=True, exist_ok=True)
    keep = []
    for art in rec.get("artifacts") or []:
        path = run_dir / art["path"]
        if art.get("kind") == "image" and path.is_file() and path.stat().st_size <= MAX_IMAGE_BYTES:
            (target / art["path"]).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target / art["path"])
            keep.append(art)
    rec["artifacts"] = keep
    rec.pop("tracking", None)  # local wandb paths mean nothing on another machine
    if (run_dir / store.CURVES_FILE).is_file():
        shutil.copyfile(run_dir / store.CURVES_FILE, target / store.CURVES_FILE)
    store.write_json_atomic(target / store.RESULT_FILE, rec)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("results", type=Path)
    ap.add_argument("--dest", type=Path, default=BASELINE_DIR)
    ap.add_argument("--preset", action="append", help="presets to ship (repeatable); default standard")
    ap.add_argument("--family", action="append", help="ship only the records of this family (repeatable); default all")
    ap.add_argument("--replace", action="store_true", help="remove the shipped tasks' old baseline records first")
    a = ap.parse_args()
    presets = tuple(a.preset or ["standard"])
    n = ship(a.results, a.dest, presets, a.replace, require_clean=True, families=tuple(a.family or ()))
    print(f"shipped {n} records of preset(s) {', '.join(presets)} into {a.dest}/")


if __name__ == "__main__":
    main()
