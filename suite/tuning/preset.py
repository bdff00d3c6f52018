"""Tuned presets: the best config of a study, saved as `<results>/tuning/<study>.json` and named
`tuned:<study>` wherever a preset is accepted (`bench run`, `bench sweep`, `bench config`).

A tuned preset is its base preset (the one the study searched around, usually `standard`) plus the
study's user overrides and best parameters, applied as overrides: so it resolves through the same
checks as any preset, and its config hash (and run ids) differ from the base preset's.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from suite.errors import UserError

PREFIX = "tuned:"
DIR = "tuning"


def is_tuned(preset: str) -> bool:
    return preset.startswith(PREFIX)


def path(results: Path, study: str) -> Path:
    return Path(results) / DIR / f"{study}.json"


def load(preset: str, task_id: str, results: Path | str | None) -> dict[str, Any]:
    """The saved study summary behind `tuned:<study>`, checked to belong to `task_id`."""
    from suite.store import results_dir

    study = preset.removeprefix(PREFIX)
    results = results_dir(results)
    where = path(results, study)
    try:
        saved = json.loads(where.read_text())
    except FileNotFoundError:
        have = sorted(p.stem for p in (results / DIR).glob("*.json")) if (results / DIR).is_dir() else []
        hint = f"; tuned presets in {results}: {', '.join(PREFIX + h for h in have)}" if have else f"; run `bench tune {task_id}` first"
        raise UserError(f"no tuned preset {preset!r}: {where} does not exist{hint}") from None
    except (OSError, ValueError) as exc:
        raise UserError(f"tuned preset {preset!r} is unreadable ({where}: {exc})") from None
    if saved.get("task") != task_id:
        raise UserError(f"preset {preset!r} was tuned for {saved.get('task')}, not {task_id}")
    return saved


def save(results: Path, summary: dict[str, Any]) -> Path:
    """Write atomically: a reader (a sweep resolving the preset) never sees half a file."""
    where = path(results, summary["study"])
    where.parent.mkdir(parents=True, exist_ok=True)
    tmp = where.with_suffix(f".tmp{os.getpid()}")
    tmp.write_text(json.dumps(summary, indent=2, sort_keys=True, default=str))
    os.replace(tmp, where)
    return where
