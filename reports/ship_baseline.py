"""Copy run records into `reports/baseline/` so they ship with the suite as baseline results.

    python -m reports.ship_baseline RESULTS_DIR [--dest reports/baseline] [--preset standard]

Keeps each record's result.json, curves.parquet and image artifacts under 1 MB (confusion
matrices, sample grids); leaves out checkpoints, videos and wandb files, which would bloat the
package. Records are copied in the results layout (`<task>/<run_id>/`), which is what
`reports.records.load_with_baseline` reads.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from reports.records import BASELINE_DIR, read_records
from suite import store

MAX_IMAGE_BYTES = 1_000_000  # a sample grid is ~50 kB; anything bigger is not a figure worth shipping


def ship(src: Path, dest: Path, preset: str = "standard") -> int:
    n = 0
    for rec in read_records(src):
        if rec.get("preset") != preset or rec.get("status") == "failed":
            continue
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
        n += 1
    return n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("results", type=Path)
    ap.add_argument("--dest", type=Path, default=BASELINE_DIR)
    ap.add_argument("--preset", default="standard")
    a = ap.parse_args()
    print(f"shipped {ship(a.results, a.dest, a.preset)} records of preset {a.preset} into {a.dest}/")


if __name__ == "__main__":
    main()
