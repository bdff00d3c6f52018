"""Weights & Biases mirror of every run. The local record is the truth; a wandb failure only warns.

Mode: `--wandb` if given, else WANDB_MODE, else online when the user is logged in, else offline
(no account needed; `wandb sync <results>/wandb/offline-run-*` uploads later).

Online with no way to reach wandb (no network, a bad key) costs one run `INIT_TIMEOUT_S` seconds
(wandb's own default is 90 s): that run is then logged offline, and so is every later run of this
process and of any process writing to the same results directory (the other workers of a sweep)
for `OFFLINE_FOR_S`, with one warning saying how to upload them later. A marker file,
`<results>/wandb/online-unreachable`, carries the news across processes.
"""

from __future__ import annotations

import netrc
import os
import sys
import time
from pathlib import Path
from typing import Any

MODES = ("online", "offline", "disabled")
INIT_TIMEOUT_S = 8.0  # how long one run may wait for wandb online before it is logged offline instead
OFFLINE_FOR_S = 1800.0  # then online is not tried again for this long (a sweep of 100 runs waits once)
UNREACHABLE = "online-unreachable"
_unreachable_since: float | None = None  # this process found online unreachable at this time.monotonic()


class _InitFailed(Exception):
    """wandb.init itself failed: nothing of the run reached wandb, so it can be logged offline instead."""


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
    if mode == "online" and online_unreachable(results):
        return _offline_instead(record, run_dir, results, "wandb online was unreachable for an earlier run")
    try:
        return _log(record, run_dir, results, mode)
    except _InitFailed as exc:
        if mode != "online":
            return _failed(mode, exc.__cause__ or exc)
        why = _reason(exc.__cause__ or exc)
        if _mark_unreachable(results, why):
            print(
                f"bench: warning: wandb online is unreachable ({why}); this run and the next ones in {results}/ log offline "
                f"for {OFFLINE_FOR_S / 60:.0f} min; upload them later with `wandb sync {results}/wandb/offline-run-*`",
                file=sys.stderr,
                flush=True,
            )
        return _offline_instead(record, run_dir, results, why)
    except Exception as exc:  # wandb must never cost a record
        return _failed(mode, exc)


def _failed(mode: str, exc: BaseException) -> dict[str, Any]:
    msg = f"wandb {mode} logging failed, the local record is kept: {type(exc).__name__}: {exc}"
    print(f"bench: warning: {msg}", file=sys.stderr)
    return {"mode": mode, "error": str(exc)}


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:200] if text else ''}"


def _offline_instead(record: dict[str, Any], run_dir: Path, results: Path, why: str) -> dict[str, Any]:
    try:
        info = _log(record, run_dir, results, "offline")
    except Exception as exc:
        return {**_failed("offline", exc.__cause__ or exc), "requested": "online", "fallback": why}
    return {**info, "requested": "online", "fallback": why}


def _marker(results: Path) -> Path:
    return Path(results) / "wandb" / UNREACHABLE


def online_unreachable(results: Path) -> bool:
    """Whether this process, or another one writing to `results` lately, found wandb online unreachable."""
    if _unreachable_since is not None and time.monotonic() - _unreachable_since < OFFLINE_FOR_S:
        return True
    try:
        return time.time() - _marker(results).stat().st_mtime < OFFLINE_FOR_S
    except OSError:
        return False


def _mark_unreachable(results: Path, why: str) -> bool:
    """Note the failure for this process and the others; True for the one process that should warn."""
    global _unreachable_since
    _unreachable_since = time.monotonic()
    marker = _marker(results)
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        if marker.exists() and time.time() - marker.stat().st_mtime >= OFFLINE_FOR_S:
            marker.unlink(missing_ok=True)  # an old outage: this is news again
        fd = os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        return False  # another worker of the sweep found it first and warned
    except OSError:
        return True  # no marker possible (read-only results?): warn here at least
    with os.fdopen(fd, "w") as f:
        f.write(f"{why}\n")
    return True


def _reachable_again(results: Path) -> None:
    global _unreachable_since
    if _unreachable_since is not None or _marker(results).exists():
        _unreachable_since = None
        _marker(results).unlink(missing_ok=True)


def _study(record: dict[str, Any]) -> str | None:
    return (record.get("tuning") or {}).get("study")


def _log(record: dict[str, Any], run_dir: Path, results: Path, mode: str) -> dict[str, Any]:
    import pandas as pd
    import wandb

    results.mkdir(parents=True, exist_ok=True)
    init_kwargs = dict(
        project=os.environ.get("WANDB_PROJECT", "benchsuite"),
        entity=os.environ.get("WANDB_ENTITY"),
        name=record["run_id"],
        # a `bench tune` study's trials form one group (and the study's name is a tag), as wandb sweeps do
        group=f"tune:{_study(record)}" if _study(record) else record["problem"],
        job_type="trial" if _study(record) else record["model"],
        tags=[*record.get("families", [record["family"]]), record["preset"], record["task"], record["status"]]
        + ([f"study:{_study(record)}"] if _study(record) else []),
        config={
            **record["config"],
            "seed": record["seed"],
            "preset": record["preset"],
            "task": record["task"],
            "config_hash": record["config_hash"],
            **({"study": _study(record), "trial": record["tuning"].get("trial")} if _study(record) else {}),
        },
        mode=mode,
        dir=str(results),
        settings=wandb.Settings(console="off", silent=True, x_disable_stats=True, init_timeout=INIT_TIMEOUT_S),
        reinit="create_new",
    )
    try:
        run = wandb.init(**init_kwargs)
    except Exception as exc:
        raise _InitFailed() from exc
    if mode == "online":
        _reachable_again(results)
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
