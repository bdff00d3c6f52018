"""TensorBoard mirror of every run, beside wandb: `--tensorboard DIR` or $BENCH_TENSORBOARD.

Each published run becomes `DIR/<task>/<run id>/` with its curves as scalars (the curve's own step:
epoch or env steps) and its final metrics as `final/<metric>` at the last step; a `bench tune`
study's trials also go to `DIR/tune/<study>/trial_<n>/` as HParams sessions (parameters against
the objective), so the study shows in TensorBoard's HParams dashboard. Written with the writer of
the `tensorboard` package that torch wraps (`torch.utils.tensorboard.SummaryWriter`). Like wandb,
a failure here only warns: the record on disk is the truth.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

ENV = "BENCH_TENSORBOARD"


def directory() -> Path | None:
    value = os.environ.get(ENV)
    return Path(value) if value else None


def check(path: str | None) -> None:
    """Before any run: the directory must be creatable and writable, and tensorboard importable (one line each)."""
    if not path:
        return
    from suite.errors import UserError, require

    require("tensorboard", "tensorboard", "the TensorBoard mirror (--tensorboard)")
    try:
        Path(path).mkdir(parents=True, exist_ok=True)
        probe = Path(path) / f".probe-{os.getpid()}"
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        raise UserError(f"--tensorboard {path!r} is not a writable directory ({exc.strerror or exc})") from None
    os.environ[ENV] = str(Path(path).resolve())  # workers (local processes, Ray tasks) inherit it


def mirror(record: dict[str, Any], run_dir: Path) -> None:
    root = directory()
    if root is None:
        return
    try:
        _write(root / record["task"] / record["run_id"], record, run_dir)
    except Exception as exc:  # never cost a record
        print(f"bench: warning: TensorBoard logging failed, the local record is kept: {type(exc).__name__}: {exc}", file=sys.stderr)


def _write(where: Path, record: dict[str, Any], run_dir: Path) -> None:
    import pandas as pd
    from torch.utils.tensorboard import SummaryWriter

    curves_path = run_dir / "curves.parquet"
    curves = pd.read_parquet(curves_path) if curves_path.exists() else pd.DataFrame(columns=["step", "wall_s", "metric", "value"])
    last = int(curves["step"].max()) if len(curves) else 0
    with SummaryWriter(log_dir=str(where)) as w:
        for row in curves.sort_values(["step", "metric"]).itertuples(index=False):
            w.add_scalar(row.metric, float(row.value), int(row.step))
        for key, value in (record.get("metrics") or {}).items():
            if isinstance(value, (int, float)):
                w.add_scalar(f"final/{key}", float(value), last)
        w.add_text("status", f"{record['status']}: {record.get('error') or ''}", last)


def study_session(study: str, number: int, params: dict[str, Any], objective: str, value: float | None, state: str) -> None:
    """One trial as an HParams session of the study (a finished, pruned or failed trial alike)."""
    root = directory()
    if root is None:
        return
    try:
        from torch.utils.tensorboard import SummaryWriter

        hparams = {k: v if isinstance(v, (int, float, str, bool)) else str(v) for k, v in params.items()}
        metrics = {f"hparam/{objective}": float("nan") if value is None else float(value)}
        with SummaryWriter(log_dir=str(root / "tune" / study)) as w:
            w.add_hparams({**hparams, "state": state}, metrics, run_name=f"trial_{number:04d}")
    except Exception as exc:
        print(f"bench: warning: TensorBoard HParams logging failed: {type(exc).__name__}: {exc}", file=sys.stderr)
