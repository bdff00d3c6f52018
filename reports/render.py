"""Leaderboards as terminal tables, Markdown, CSV and Parquet."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from reports import stats

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


def train_seconds(r) -> str:
    """Training seconds; `*` where an old record had only its wall time (set-up and evaluation included)."""
    return _seconds(r.get("time_s")) + ("*" if r.get("time_from_wall") and r.get("time_s") == r.get("time_s") else "")


def _count(x) -> str:
    return "–" if x is None or x != x else f"{x:,.0f}"


def _tie(r) -> str:
    return {"leader": "★", "tied": "≈", "?": "?"}.get(r.get("tied", ""), "")


def mean_cell(r) -> str:
    """`mean [low, high]`, or `value (exact)` for a deterministic entry, which has no interval."""
    if r.get("exact"):
        return f"{fmt(r['mean'])} (exact)"
    return interval(r)


def p_value(x) -> str:
    if x is None or x != x:
        return "–"
    return "<0.001" if x < 0.001 else f"{x:.3f}"


# name, formatter, shown in the terminal
COLUMNS = [
    ("rank", lambda r: str(r["rank"]), True),
    ("model", lambda r: str(r["model"]), True),
    ("seeds", lambda r: str(r["seeds"]), True),
    ("mean [95% CI]", mean_cell, True),
    ("std", lambda r: fmt(r["std"], 3), True),
    ("tie", _tie, True),
    ("p vs leader", lambda r: p_value(r.get("p_value")), False),
    ("IQM", lambda r: fmt(r.get("iqm", float("nan"))), False),
    ("normalised", lambda r: fmt(r.get("norm", float("nan")), 3), False),
    ("time to target s", lambda r: _seconds(r.get("ttt_s", float("nan"))), False),
    ("train s", train_seconds, True),
    ("steps/s", lambda r: _count(r.get("throughput")), False),
    ("params", lambda r: _count(r.get("params")), True),
    ("Δ peak RSS MB", lambda r: _count(r.get("peak_rss_increase_mb")), False),
    ("CUDA peak MB", lambda r: _count(r.get("cuda_peak_mb")), False),
    ("Pareto", lambda r: "✓" if r.get("pareto") else "", False),
    ("measured on", lambda r: str(r.get("hardware") or ""), False),
    ("source", lambda r: str(r.get("source") or ""), False),
    ("failed", lambda r: str(r["failed"]), True),
]
HEADER = [c[0] for c in COLUMNS]
TERMINAL_HEADER = [c[0] for c in COLUMNS if c[2]]
_POWER = f"{stats.POWER:.0%} power at α = {stats.ALPHA:g} (two-sided)"
LEGEND = (
    f"mean [95% CI]: mean over seeds with a 95 % {stats.INTERVAL_METHOD} (n − 1 degrees of freedom) · "
    "★ leader: the best entry with ≥ 2 seeds or an exact value · "
    f"≈ tied with the leader: Welch's t-test of the difference (a one-sample t-test against an exact value) has p ≥ {stats.ALPHA:g}; "
    "p vs leader is its p-value · ? one seed: no variance, so no interval and no test, never leader or tied · "
    "(exact): a deterministic model, one observation with no interval · "
    f"seeds needed (under each board): per side, to separate leader and runner-up with {_POWER} at the measured variance · "
    "train s: training seconds per run (set-up and evaluation excluded; * an older record with only its wall time) · "
    "time to target s: training seconds to the problem's threshold (median over seeds) · "
    "Δ peak RSS MB: the run's resident-memory high-water mark above its start (– for records without it) · "
    "Pareto ✓: no entry is both better and faster to train"
)

TERMINAL_LEGEND = (
    f"mean [95% CI]: {stats.INTERVAL_METHOD} · ★ leader: best entry with ≥ 2 seeds or an exact value · "
    f"≈ tied: Welch's t-test against the leader (one-sample against an exact value) p ≥ {stats.ALPHA:g} · "
    "? one seed: no interval, no test · (exact): deterministic, one observation · "
    "train s: training seconds (* wall time of an older record) · the written report has the full legend"
)


def display_rows(table: pd.DataFrame, terminal: bool = False) -> list[list[str]]:
    cols = [c for c in COLUMNS if c[2] or not terminal]
    return [[f(r) for _, f, _ in cols] for r in table.to_dict("records")]


def _seeds_phrase(n: float, who: str) -> str:
    if n != n:
        return ""
    if math.isinf(n):
        return f"no feasible number of seeds {who} would separate them (more than {stats.MAX_SEEDS:,})"
    return f"about {n:,.0f} seeds {who} would separate them"


def board_note(table: pd.DataFrame) -> str:
    """One line under a board: leader against runner-up, the test's verdict, and the seeds needed."""
    rows = table.to_dict("records")
    lead = next((r for r in rows if r.get("tied") == "leader"), None)
    if lead is None:
        return "No leader: no entry has ≥ 2 seeds or an exact value, so none can be tested."
    runner = next((r for r in rows if r.get("p_value") == r.get("p_value") and r.get("p_value") is not None), None)
    if runner is None:
        return f"{lead['model']} leads; no other entry has ≥ 2 seeds or an exact value to test against it."
    a, b = lead["model"], runner["model"]
    diff = f"{b} − {a} = {fmt(runner['diff'])} [95% CI {fmt(runner['diff_low'])}, {fmt(runner['diff_high'])}]"
    if lead.get("exact") and runner.get("exact"):
        return f"{a} vs runner-up {b}: both exact, {b} − {a} = {fmt(runner['diff'])} exactly; no seeds needed."
    test = "one-sample t-test" if lead.get("exact") or runner.get("exact") else "Welch's t-test"
    verdict = "tied" if runner.get("tied") == "tied" else "separated"
    who = f"of {a}" if runner.get("exact") else f"of {b}" if lead.get("exact") else "per side"
    now = f"now {lead['seeds']} and {runner['seeds']}"
    seeds = _seeds_phrase(runner["seeds_needed"], who)
    return f"{a} vs runner-up {b}: {diff}, {test} p = {p_value(runner['p_value'])} ({verdict}); {seeds} with {_POWER} ({now})."


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
    ("train s", train_seconds),
]
SUITE_HEADER = [c[0] for c in SUITE_COLUMNS]
TERMINAL_SUITE = {"rank", "model", "problems", "runs", "IQM [95% CI]", "optimality gap", "time-to-target score"}
SUITE_LEGEND = (
    "Normalised score (x − random)/(reference − random) aggregated over every run of the problems with reference points "
    "(problems n/N; entries that ran more problems rank first, IQM orders equal coverage; a deterministic model counts once); "
    "intervals: stratified bootstrap over seeds. Time-to-target score: AlgoPerf area under the performance profile ρ(τ) of "
    "training time, τ ∈ [1, 4], within each family; 1 = fastest to the threshold everywhere. train s: mean training seconds per run."
)


def suite_rows(table: pd.DataFrame) -> list[list[str]]:
    return [[f(r) for _, f in SUITE_COLUMNS] for r in table.to_dict("records")]


def with_presets(boards: dict) -> bool:
    """Titles name the preset only when the boards hold more than one."""
    return len({k.preset for k in boards}) > 1


def title(key, table: pd.DataFrame, with_preset: bool = False) -> str:
    metric = table["metric"].iloc[0] if len(table) else ""
    return f"{key.label(with_preset)} · {key.family} · {metric}"


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
    wp = with_presets(boards)
    for key, table in boards.items():
        lines += [f"## {title(key, table, wp)}", ""]
        lines += _md_table(HEADER, display_rows(table)) + ["", board_note(table), ""]
    return "\n".join(lines)


def boards_frame(boards: dict) -> pd.DataFrame:
    """Every board in one frame, keyed by `problem`, `family`, `preset` columns."""
    frames = [t.assign(problem=k.problem, family=k.family, preset=k.preset) for k, t in boards.items()]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


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
    wp = with_presets(boards)
    for key, table in shown:
        t = Table(title=title(key, table, wp), title_justify="left", caption_justify="left")
        for h in TERMINAL_HEADER:
            t.add_column(h, justify="left" if h == "model" else "right")
        for row in display_rows(table.head(MAX_TERMINAL_ROWS), terminal=True):
            t.add_row(*row)
        more = f"… {len(table) - MAX_TERMINAL_ROWS} more rows in the written report\n" if len(table) > MAX_TERMINAL_ROWS else ""
        t.caption = more + board_note(table)
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
    console.print(TERMINAL_LEGEND, style="dim")
