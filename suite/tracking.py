"""Weights & Biases mirror of every run. The local record is the truth; a wandb failure only warns.

Mode: `--wandb` if given, else WANDB_MODE, else online when the user is logged in, else offline
(no account needed; `wandb sync <results>/wandb/offline-run-*` uploads later).
"""

from __future__ import annotations

import netrc
import os
import sys
from pathlib import Path
from typing import Any

MODES = ("online", "offline", "disabled")


def logged_in() -> bool:
    if os.environ.get("WANDB_API_KEY"):
        return True
    try:
        auth = netrc.netrc(os.environ.get("NETRC") or os.path.expanduser("~/.netrc"))
        return auth.authenticators(os.environ.get("WANDB_BASE_URL", "api.wandb.ai").split("//")[-1]) is not None
    except (OSError, netrc.NetrcParseError):
        return False


def choose_mode(requested: str | None) -> str:
    if requested:
        return requested
    env = os.environ.get("WANDB_MODE")
    if env in MODES:
        return env
    if env == "dryrun":
        return "offline"
    return "online" if logged_in() else "offline"


def mirror(record: dict[str, Any], run_dir: Path, results: Path, requested: str | None) -> dict[str, Any] | None:
    """Log config, curves, final metrics and image/video artifacts of one finished run."""
    mode = choose_mode(requested)
    if mode == "disabled":
        return None
    try:
        return _log(record, run_dir, results, mode)
    except Exception as exc:  # wandb must never cost a record
        msg = f"wandb {mode} logging failed, the local record is kept: {type(exc).__name__}: {exc}"
        print(f"bench: warning: {msg}", file=sys.stderr)
        return {"mode": mode, "error": str(exc)}


def _log(record: dict[str, Any], run_dir: Path, results: Path, mode: str) -> dict[str, Any]:
    import pandas as pd
    import wandb

    results.mkdir(parents=True, exist_ok=True)
    run = wandb.init(
        project=os.environ.get("WANDB_PROJECT", "benchsuite"),
        entity=os.environ.get("WANDB_ENTITY"),
        name=record["run_id"],
        group=record["problem"],
        job_type=record["model"],
        tags=[*record.get("families", [record["family"]]), record["preset"], record["task"], record["status"]],
        config={
            **record["config"],
            "seed": record["seed"],
            "preset": record["preset"],
            "task": record["task"],
            "config_hash": record["config_hash"],
        },
        mode=mode,
        dir=str(results),
        settings=wandb.Settings(console="off", silent=True, x_disable_stats=True),
        reinit="create_new",
    )
    try:
        curves_path = run_dir / "curves.parquet"
        if curves_path.exists():
            curves = pd.read_parquet(curves_path)
            run.define_metric("step")
            for metric in curves["metric"].unique():
                run.define_metric(metric, step_metric="step")
            for row in curves.sort_values(["step", "metric"]).itertuples(index=False):
                run.log({row.metric: row.value, "step": row.step, "wall_s": row.wall_s})
        for art in record.get("artifacts", []):
            path = run_dir / art["path"]
            key = "artifacts/" + Path(art["path"]).stem
            if art["kind"] == "image":
                run.log({key: wandb.Image(str(path), caption=art.get("caption") or None)})
            elif art["kind"] == "video":
                run.log({key: wandb.Video(str(path), caption=art.get("caption") or None)})
        summary = {f"final/{k}": v for k, v in record["metrics"].items() if isinstance(v, (int, float))}
        summary.update({"status": record["status"], "wall_s": record["timing"]["wall_s"]})
        for k, v in record["resources"].items():
            if isinstance(v, (int, float)):
                summary[f"resources/{k}"] = v
        run.summary.update(summary)
        info = {"mode": mode, "id": run.id, "dir": str(Path(run.dir).parent)}
        if mode == "online":
            info["url"] = run.url
    finally:
        run.finish(exit_code=0 if record["status"] == "ok" else 1)
    return info
