"""Leaderboards as terminal tables, Markdown, CSV and Parquet."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

# The terminal shows fewer columns, rows and boards than the files: past these a terminal is
# scrolled, not read (and rich takes ~1 s of CPU per thousand rows).
MAX_TERMINAL_BOARDS = 20
MAX_TERMINAL_ROWS = 15


def fmt(x, digits: int = 4) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    if isinstance(x, float) and math.isinf(x):
        return "never"
    if isinstance(x, float) and abs(x) >= 10**digits:
        return f"{x:,.0f}"
    return f"{x:.{digits}g}"


def interval(row, key: str = "mean", lo: str = "ci_low", hi: str = "ci_high") -> str:
    if math.isnan(row[lo]):
        return fmt(row[key])
    return f"{fmt(row[key])} [{fmt(row[lo])}, {fmt(row[hi])}]"


def _seconds(x) -> str:
    if x is None or x != x:
        return "–"
    return "never" if math.isinf(x) else f"{x:.1f}"


def _count(x) -> str:
    return "–" if x is None or x != x else f"{x:,.0f}"


def _tie(r) -> str:
    return {"leader": "★", "tied": "≈", "?": "?"}.get(r.get("tied", ""), "")


# name, formatter, shown in the terminal
COLUMNS = [
    ("rank", lambda r: str(r["rank"]), True),
    ("model", lambda r: str(r["model"]), True),
    ("seeds", lambda r: str(r["seeds"]), True),
    ("mean [95% CI]", interval, True),
    ("std", lambda r: fmt(r["std"], 3), True),
    ("tie", _tie, True),
    ("IQM", lambda r: fmt(r.get("iqm", float("nan"))), False),
    ("normalised", lambda r: fmt(r.get("norm", float("nan")), 3), False),
    ("time to target s", lambda r: _seconds(r.get("ttt_s", float("nan"))), False),
    ("wall s", lambda r: _seconds(r["wall_s"]), True),
    ("steps/s", lambda r: _count(r.get("throughput")), False),
    ("params", lambda r: _count(r.get("params")), True),
    ("peak MB", lambda r: _count(r.get("peak_rss_mb")), False),
    ("Pareto", lambda r: "✓" if r.get("pareto") else "", False),
    ("measured on", lambda r: str(r.get("hardware") or ""), False),
    ("source", lambda r: str(r.get("source") or ""), False),
    ("failed", lambda r: str(r["failed"]), True),
]
HEADER = [c[0] for c in COLUMNS]
TERMINAL_HEADER = [c[0] for c in COLUMNS if c[2]]
LEGEND = "★ leader · ≈ 95 % interval overlaps the leader's (statistically tied) · ? one seed, no interval · Pareto: no entry is both better and faster"


def display_rows(table: pd.DataFrame, terminal: bool = False) -> list[list[str]]:
    cols = [c for c in COLUMNS if c[2] or not terminal]
    return [[f(r) for _, f, _ in cols] for r in table.to_dict("records")]


SUITE_COLUMNS = [
    ("rank", lambda r: str(r["rank"])),
    ("model", lambda r: str(r["model"])),
    ("problems", lambda r: f"{r['normalised']}/{r['problems']}"),
    ("runs", lambda r: str(r["runs"])),
    ("IQM [95% CI]", lambda r: interval(r, "iqm", "iqm_low", "iqm_high")),
    ("mean", lambda r: interval(r, "mean", "mean_low", "mean_high")),
    ("median", lambda r: interval(r, "median", "median_low", "median_high")),
    ("optimality gap", lambda r: interval(r, "optimality_gap", "og_low", "og_high")),
    ("time-to-target score", lambda r: fmt(r["ttt_score"], 3)),
    ("wall s", lambda r: _seconds(r["wall_s"])),
]
SUITE_HEADER = [c[0] for c in SUITE_COLUMNS]
TERMINAL_SUITE = {"rank", "model", "problems", "runs", "IQM [95% CI]", "optimality gap", "time-to-target score"}
SUITE_LEGEND = (
    "Normalised score (x − random)/(reference − random) aggregated over every run of the problems with reference points "
    "(problems n/N; entries that ran more problems rank first, IQM orders equal coverage); intervals: stratified bootstrap over seeds. Time-to-target score: AlgoPerf area under the "
    "performance profile ρ(τ), τ ∈ [1, 4], within each family; 1 = fastest to the threshold everywhere."
)


def suite_rows(table: pd.DataFrame) -> list[list[str]]:
    return [[f(r) for _, f in SUITE_COLUMNS] for r in table.to_dict("records")]


def title(problem: str, family: str, table: pd.DataFrame) -> str:
    metric = table["metric"].iloc[0] if len(table) else ""
    hib = ""
    return f"{problem} · {family} · {metric}{hib}"


def _md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in rows]
    return out


def to_markdown(boards: dict, suite: pd.DataFrame | None = None) -> str:
    lines = ["# benchsuite leaderboards", ""]
    if suite is not None and not suite.empty:
        lines += ["## Suite (normalised scores across problems)", "", SUITE_LEGEND, ""]
        lines += _md_table(SUITE_HEADER, suite_rows(suite)) + [""]
    if boards:
        lines += [LEGEND, ""]
    for (problem, family), table in boards.items():
        lines += [f"## {title(problem, family, table)}", ""]
        lines += _md_table(HEADER, display_rows(table)) + [""]
    return "\n".join(lines)


def boards_frame(boards: dict) -> pd.DataFrame:
    frames = [t.assign(problem=p, family=f) for (p, f), t in boards.items()]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def to_csv(boards: dict, path: Path) -> None:
    boards_frame(boards).to_csv(path, index=False)


def to_parquet(df: pd.DataFrame, path: Path) -> None:
    """Parquet wants one type per column: object columns with mixed values become strings."""
    df = df.copy()
    for c in df.columns:
        if df[c].dtype == object:
            df[c] = df[c].map(lambda v: None if v is None or (isinstance(v, float) and math.isnan(v)) else str(v))
    df.to_parquet(path, index=False)


def print_terminal(boards: dict, console=None, suite: pd.DataFrame | None = None) -> None:
    from rich.console import Console
    from rich.table import Table

    console = console or Console()
    if not boards:
        console.print("no run records yet: try `bench run digits_mlp --preset smoke`")
        return
    shown = list(boards.items())[:MAX_TERMINAL_BOARDS]
    for (problem, family), table in shown:
        t = Table(title=title(problem, family, table), title_justify="left")
        for h in TERMINAL_HEADER:
            t.add_column(h, justify="left" if h == "model" else "right")
        for row in display_rows(table.head(MAX_TERMINAL_ROWS), terminal=True):
            t.add_row(*row)
        if len(table) > MAX_TERMINAL_ROWS:
            t.caption = f"… {len(table) - MAX_TERMINAL_ROWS} more rows in the written report"
        console.print(t)
    if len(boards) > len(shown):
        console.print(f"… {len(boards) - len(shown)} more leaderboards in the written report")
    if suite is not None and not suite.empty:
        t = Table(title="suite · normalised score across problems", title_justify="left")
        keep = [i for i, h in enumerate(SUITE_HEADER) if h in TERMINAL_SUITE]
        for i in keep:
            t.add_column(SUITE_HEADER[i], justify="left" if SUITE_HEADER[i] == "model" else "right")
        for row in suite_rows(suite.head(2 * MAX_TERMINAL_ROWS)):
            t.add_row(*[row[i] for i in keep])
        console.print(t)
    console.print(LEGEND, style="dim")
