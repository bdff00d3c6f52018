"""The whole report from a frame of run rows: tables, figures, and the files `bench report` writes."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from reports import compression, leaderboard, plots, render

WANDB_INIT_TIMEOUT_S = 8.0  # as a run's mirror (suite/tracking.py): unreachable wandb costs seconds, not wandb's 90


@dataclass
class Report:
    boards: dict
    suite: pd.DataFrame
    runs: pd.DataFrame
    figures: list = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    results: Path | None = None  # where `bench tune` studies are read from (reports/tuning.py)


def compute(runs: pd.DataFrame, preset: str | None) -> Report:
    t0 = time.perf_counter()
    runs = leaderboard.add_derived(leaderboard.of_preset(runs, preset))
    ranked = (
        leaderboard.only(runs, runs["trial"].isna()) if "trial" in runs else runs
    )  # tuning trials are searched, not ranked (reports/tuning.py)
    boards = leaderboard.leaderboards(ranked, preset)
    suite = leaderboard.suite_leaderboard(ranked, preset)
    return Report(boards, suite, runs, seconds={"tables": time.perf_counter() - t0})


def figures(rep: Report, out: Path, max_problems: int = plots.MAX_PROBLEMS) -> None:
    """Every figure, written as PNG + SVG under out/plots.

    Drawn in one process: drawing in two forked workers was measured no faster on this shared
    2-core machine (the scheduler shares CPU per session), and forking after pyarrow has started
    threads is a deadlock risk not worth an unmeasured gain.
    """
    t0 = time.perf_counter()
    pdir = out / "plots"
    pdir.mkdir(parents=True, exist_ok=True)
    # Figures of an earlier report (problems since removed) must not linger beside the new ones.
    for old in [*pdir.glob("*.png"), *pdir.glob("*.svg"), *(out / "artifacts").glob("*")]:
        old.unlink(missing_ok=True)
    if rep.runs.empty:
        return
    runs, suite, boards = rep.runs, rep.suite, rep.boards
    figs = [
        plots.interval_estimates(suite, pdir),
        plots.poi_plot(plots.poi_pairs(runs, suite), pdir),
        plots.score_profiles(runs, suite, pdir),
        plots.time_profiles(runs, pdir),
        plots.pareto_plot(suite, pdir),
    ]
    figs += plots.learning_curves(runs, boards, pdir, max_problems=max_problems)
    figs += plots.gather_artifacts(runs, boards, out)
    figs += compression.figures(runs, pdir)  # metric against size and latency, where compression records exist
    rep.figures = [f for f in figs if f is not None]
    rep.seconds["plots"] = time.perf_counter() - t0


def write(rep: Report, out: Path, formats: list[str], max_problems: int = plots.MAX_PROBLEMS) -> list[Path]:
    """Write the chosen formats into `out`; returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    files = []
    if "md" in formats:
        (out / "leaderboard.md").write_text(render.to_markdown(rep.boards, rep.suite) + _tuning(rep, "md", out))
        files.append(out / "leaderboard.md")
    if "csv" in formats:
        # CSV for spreadsheets; the same tables as Parquet for pandas/polars, with proper types.
        board = render.boards_frame(rep.boards)
        board.to_csv(out / "leaderboard.csv", index=False)
        rep.suite.to_csv(out / "suite.csv", index=False)
        # test:<metric> holds the raw losses a board column tests (arrays): the boards read them, the files do not
        runs = rep.runs.drop(columns=[c for c in rep.runs if c == "traceback" or c.startswith("test:")])
        render.to_parquet(board, out / "leaderboard.parquet")
        render.to_parquet(rep.suite, out / "suite.parquet")
        render.to_parquet(runs, out / "runs.parquet", csv=out / "runs.csv")
        files += [out / n for n in ("leaderboard.csv", "suite.csv", "runs.csv", "leaderboard.parquet", "suite.parquet", "runs.parquet")]
    if "html" in formats:
        from reports.html import page

        figures(rep, out, max_problems)
        t0 = time.perf_counter()
        html = page(rep.boards, rep.suite, rep.figures, rep.runs)
        extra = _tuning(rep, "html", out)
        (out / "report.html").write_text(
            html.replace("<h2 id='failed'>", extra + "\n<h2 id='failed'>", 1) if extra else html, encoding="utf-8"
        )
        rep.seconds["html"] = time.perf_counter() - t0
        files.append(out / "report.html")
    rep.files = files
    return files


def _tuning(rep: Report, fmt: str, out: Path) -> str:
    """The tuned presets' section (reports/tuning.py), when the results hold `bench tune` studies."""
    if rep.results is None:
        return ""
    from reports import tuning

    studies = tuning.load_studies(rep.results)
    if not studies:
        return ""
    return "\n" + tuning.markdown(rep.results, studies) if fmt == "md" else tuning.html(rep.results, studies, out)


def to_wandb(rep: Report, mode: str, directory: Path | None = None) -> str | None:
    """Log the leaderboards as wandb Tables (same project as the runs); `bench report` calls it only online."""

    import wandb

    run = wandb.init(
        project=os.environ.get("WANDB_PROJECT", "benchsuite"),
        entity=os.environ.get("WANDB_ENTITY"),
        job_type="report",
        name="leaderboard",
        mode=mode,
        dir=str(directory) if directory else None,
        reinit="create_new",
        settings=wandb.Settings(init_timeout=WANDB_INIT_TIMEOUT_S),
    )
    try:
        board = render.boards_frame(rep.boards)
        for df, key in ((board, "leaderboard"), (rep.suite, "suite_leaderboard")):
            if not df.empty:
                clean = df.astype({c: str for c in df.columns if df[c].dtype == object})
                run.log({key: wandb.Table(dataframe=clean)})
        return run.url
    finally:
        run.finish()
