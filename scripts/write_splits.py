"""Redraw the embedded problems' splits with scikit-learn and rewrite tasks/classification/splits/*.json.

.venv/bin/python scripts/write_splits.py
"""

from __future__ import annotations

import json

import sklearn

from tasks.classification.data import drawn_splits
from tasks.classification.splits import HERE


def main() -> None:
    HERE.mkdir(exist_ok=True)
    for name, (split, how) in drawn_splits().items():
        doc = {"drawn_by": f"scikit-learn {sklearn.__version__} {how}", "indices": {k: v.tolist() for k, v in split.items()}}
        (HERE / f"{name}.json").write_text(json.dumps(doc, separators=(",", ":")) + "\n")
        print(name, {k: len(v) for k, v in split.items()})


if __name__ == "__main__":
    main()
