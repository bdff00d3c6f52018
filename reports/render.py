"""Leaderboards as terminal tables, Markdown, CSV and Parquet."""

from __future__ import annotations

import math
from pathlib import Path
from typing import NamedTuple

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


TIE_MARKS = {"leader": "★", "tied": "≈", "untested": "○", "?": "?"}


def _tie(r) -> str:
    return TIE_MARKS.get(r.get("tied", ""), "")


def mean_cell(r) -> str:
    """`mean [low, high]`, or `value (exact)` for a deterministic entry, which has no interval."""
    if r.get("exact"):
        return f"{fmt(r['mean'])} (exact)"
    return interval(r)


def _rank_interval(r) -> str:
    low, high = r.get("rank_low"), r.get("rank_high")
    if low is None or low != low:
        return "–"
    return str(int(low)) if low == high else f"{int(low)}–{int(high)}"


def p_value(x) -> str:
    if x is None or x != x:
        return "–"
    return "<0.001" if x < 0.001 else f"{x:.3f}"


# A column's terminal priority: None, only in the written report; 0, always shown; 1, 2, ... the order
# in which columns give way when the terminal is narrow. Those below WRAP_FIRST (low priority: params,
# peak memory, hardware) go before any cell is wrapped; the others only when wrapped cells do not fit.
WRAP_FIRST = 10

# name, formatter, terminal priority
COLUMNS = [
    ("rank", lambda r: str(r["rank"]), 0),
    ("model", lambda r: str(r["model"]), 0),
    ("seeds", lambda r: str(r["seeds"]), 0),
    ("mean [95% CI]", mean_cell, 0),
    ("std", lambda r: fmt(r["std"], 3), WRAP_FIRST),
    ("tie", _tie, 0),
    ("adj. p vs leader", lambda r: p_value(r.get("p_value")), 4),
    ("unadjusted p", lambda r: p_value(r.get("p_unadjusted")), None),
    ("rank [95%]", _rank_interval, 5),
    ("IQM", lambda r: fmt(r.get("iqm", float("nan"))), None),
    ("normalised", lambda r: fmt(r.get("norm", float("nan")), 3), None),
    ("time to target s", lambda r: _seconds(r.get("ttt_s", float("nan"))), None),
    ("train s", train_seconds, WRAP_FIRST + 1),
    ("steps/s", lambda r: _count(r.get("throughput")), None),
    ("params", lambda r: _count(r.get("params")), 3),
    ("Δ peak RSS MB", lambda r: _count(r.get("peak_rss_increase_mb")), 2),
    ("CUDA peak MB", lambda r: _count(r.get("cuda_peak_mb")), None),
    ("Pareto", lambda r: "✓" if r.get("pareto") else "", None),
    ("measured on", lambda r: str(r.get("hardware") or ""), 1),
    ("source", lambda r: str(r.get("source") or ""), None),
    ("failed", lambda r: str(r["failed"]), WRAP_FIRST + 2),
]
_POWER = f"{stats.POWER:.0%} power at α = {stats.ALPHA:g} (two-sided)"
LEGEND = (
    f"mean [95% CI]: mean over seeds with a 95 % {stats.INTERVAL_METHOD} (n − 1 degrees of freedom), cut at the metric's range "
    "([0, 1] for an accuracy, a problem's declared range such as CartPole's return in [0, 500]); when every seed sits at the cap "
    "(or the floor) the interval runs down to the lowest mean under which n seeds all at the cap still have a 5 % chance, "
    "whatever their distribution (3 seeds all at 500: 500 [184.2, 500]; 5 seeds: [274.6, 500]) · "
    "rank [95%]: the ranks the entry's true mean can hold, all at once for the whole board: from simultaneous intervals of "
    "every pairwise difference (the largest Welch |t| over all pairs of a board of equal means with its own variances), an "
    "entry ranks below those surely better and above those surely worse; exact entries are ordered as measured, a one-seed "
    "entry spans every rank · "
    "★ leader: the best entry with ≥ 2 seeds or an exact value · "
    f"≈ tied with the leader: adj. p ≥ {stats.ALPHA:g}, where adj. p is Welch's t-test of the difference (a one-sample t-test "
    "against an exact value) adjusted for the whole board of k tested entries: the share of draws, under equal means and the "
    "board's own variances, in which the leader (chosen as the best again in each draw) is as far from some entry (max-t), so "
    f"that a board of equal entries shows a false separation about {stats.ALPHA:.0%} of the time; unadjusted p is the "
    "pair's own test · ○ untested: neither side varies (two exact values, or seeds with no spread), so the difference is shown "
    "as measured, without a p-value, and never as separated · ? one seed: no variance, so no interval and no test, never "
    "leader or tied · (exact): a deterministic model, one observation with no interval · "
    f"seeds needed (under each board): per side, to separate leader and runner-up with {stats.POWER:.0%} power at the level one "
    "pair needs on a board of k entries, at the measured variance · "
    "train s: training seconds per run (set-up and evaluation excluded; * an older record with only its wall time) · "
    "time to target s: training seconds to the problem's threshold (median over seeds) · "
    "Δ peak RSS MB: the run's resident-memory high-water mark above its start (– for records without it) · "
    "Pareto ✓: no entry is both better and faster to train"
)

TERMINAL_LEGEND = (
    f"mean [95% CI]: {stats.INTERVAL_METHOD}, inside the metric's range (seeds all at the cap: down to the lowest mean under "
    "which that has a 5 % chance) · ★ leader: best entry with ≥ 2 seeds or an exact value · "
    f"≈ tied: Welch's t-test against the leader (one-sample against an exact value), adjusted for the whole board "
    f"(max-t), adj. p ≥ {stats.ALPHA:g} · ○ untested: neither side varies · "
    "? one seed: no interval, no test · (exact): deterministic, one observation · "
    "rank [95%]: the ranks the entry can hold, simultaneous over the board · "
    "train s: training seconds (* wall time of an older record) · the written report has the full legend"
)


def _share(x) -> str:
    return "–" if x is None or x != x else f"{x:.1%}"


BOARD_FORMATS = {"p": p_value, "share": _share, "number": fmt}
BOARD_METRIC_PRIORITY = WRAP_FIRST + 3  # secondary metrics give way after the cheap columns, before seeds and mean


def board_columns(table: pd.DataFrame, terminal: bool = False) -> list[tuple]:
    """COLUMNS for one board: the fixed ones, with the family's secondary metrics (`attrs["board_metrics"]`)
    after the tie mark; on a terminal only those with a priority."""
    extra = []
    for spec in table.attrs.get("board_metrics") or []:
        label, show = spec["label"], BOARD_FORMATS.get(spec.get("format", "number"), fmt)
        extra.append((label, lambda r, label=label, show=show: show(r.get(label)), BOARD_METRIC_PRIORITY))
    at = next(i for i, c in enumerate(COLUMNS) if c[0] == "tie") + 1
    cols = [*COLUMNS[:at], *extra, *COLUMNS[at:]]
    return [c for c in cols if c[2] is not None or not terminal]


def board_header(table: pd.DataFrame, terminal: bool = False) -> list[str]:
    return [c[0] for c in board_columns(table, terminal)]


def board_drop(table: pd.DataFrame) -> dict[str, int]:
    """Terminal priority of each column that may give way on this board."""
    return {c[0]: c[2] for c in board_columns(table, terminal=True) if c[2]}


def board_metrics_note(table: pd.DataFrame) -> str:
    """What the board's secondary columns mean, from their declarations, with the estimator of a column
    tested once per entry and why an entry shows – there (said once for columns of the same test); ''
    for a board with none."""
    specs = table.attrs.get("board_metrics") or []
    gaps = table.attrs.get("board_metric_gaps") or {}
    seen: dict[tuple, str] = {}  # a test already explained -> the label that explained it
    notes = []
    for spec in specs:
        test = spec.get("test") if spec.get("agg") == "test" else None
        missing = "".join(f"; – for {', '.join(entries)}: {why}" for why, entries in (gaps.get(spec["label"]) or {}).items())
        if not test:
            notes.append(f"{spec['label']}: {spec.get('help') or spec['metric']} ({spec.get('agg', 'mean')} over seeds{missing})")
            continue
        key = tuple(test.get(k) for k in ("name", "loss", "reference", "overlap"))
        if key in seen:
            notes.append(f"{spec['label']}: {spec.get('help') or spec['metric']} (the test of {seen[key]})")
            continue
        seen[key] = spec["label"]
        how = f"{test['estimator']}; " if test.get("estimator") else ""
        notes.append(f"{spec['label']}: {spec.get('help') or spec['metric']} ({how}one test per entry over its seeds{missing})")
    return " · ".join(notes)


def display_rows(table: pd.DataFrame, terminal: bool = False) -> list[list[str]]:
    cols = board_columns(table, terminal)
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
    runner = next((r for r in rows if r.get("tied") in ("tied", "", "untested") and r.get("diff") == r.get("diff")), None)
    if runner is None:
        return f"{lead['model']} leads; no other entry has ≥ 2 seeds or an exact value to test against it."
    a, b = lead["model"], runner["model"]
    if runner.get("tied") == "untested":
        why = "both exact, one evaluation each" if lead.get("exact") and runner.get("exact") else "neither side varies"
        return f"{a} vs runner-up {b}: {why}, so {b} − {a} = {fmt(runner['diff'])} as measured, not tested and not called separated."
    k = int(table.attrs.get("compared") or 2)
    family = k > 2
    ci = "simultaneous 95% CI" if family else "95% CI"
    diff = f"{b} − {a} = {fmt(runner['diff'])} [{ci} {fmt(runner['diff_low'])}, {fmt(runner['diff_high'])}]"
    test = "one-sample t-test" if lead.get("exact") or runner.get("exact") else "Welch's t-test"
    p = f"p = {p_value(runner['p_value'])}"
    if family:
        p += f" adjusted for the board's {k} entries (max-t; unadjusted {p_value(runner.get('p_unadjusted'))})"
    verdict = "tied" if runner.get("tied") == "tied" else "separated"
    who = f"of {a}" if runner.get("exact") else f"of {b}" if lead.get("exact") else "per side"
    now = f"now {lead['seeds']} and {runner['seeds']}"
    seeds = _seeds_phrase(runner["seeds_needed"], who)
    power = f"{stats.POWER:.0%} power at α = {stats.ALPHA:g} over the board's {k} entries" if family else _POWER
    return f"{a} vs runner-up {b}: {diff}, {test} {p} ({verdict}); {seeds} with {power} ({now})."


SUITE_COLUMNS = [
    ("family", lambda r: str(r["family"])),
    ("metric", lambda r: str(r["metric"])),
    ("rank", lambda r: str(r["rank"])),
    ("model", lambda r: str(r["model"])),
    ("problems", lambda r: f"{r['normalised']}/{r['family_problems']}"),
    ("runs", lambda r: str(r["runs"])),
    ("IQM [95% CI]", lambda r: interval(r, "iqm", "iqm_low", "iqm_high")),
    ("mean", lambda r: interval(r, "mean", "mean_low", "mean_high")),
    ("median", lambda r: interval(r, "median", "median_low", "median_high")),
    ("optimality gap", lambda r: interval(r, "optimality_gap", "og_low", "og_high")),
    ("time-to-target score", lambda r: fmt(r["ttt_score"], 3)),
    ("train s", train_seconds),
]
SUITE_HEADER = [c[0] for c in SUITE_COLUMNS]
# terminal priority, as `board_drop` for the boards; columns not named are only in the written report
TERMINAL_SUITE = {
    "family": 0,
    "metric": WRAP_FIRST - 1,
    "rank": 0,
    "model": 0,
    "problems": 0,
    "runs": WRAP_FIRST,
    "IQM [95% CI]": 0,
    "optimality gap": WRAP_FIRST + 2,
    "time-to-target score": WRAP_FIRST + 1,
}
SUITE_LEGEND = (
    "One row per entry within each family and its primary metric, ranked by IQM there (a classifier's accuracy and a "
    "forecaster's MASE are never pooled). Normalised score (x − random)/(reference − random) over the problems with reference "
    "points; every problem weighs the same whatever its seed count (IQM and optimality gap weigh each run 1/n of its problem), and "
    "a deterministic model counts once. problems n/N: the entry ran n of the N such problems of its family, and is ranked on "
    "those n. Intervals: stratified bootstrap over seeds. Time-to-target score: AlgoPerf area under the performance profile "
    "ρ(τ) of training time, τ ∈ [1, 4], within the family; 1 = fastest to the threshold everywhere. train s: mean training "
    "seconds per run."
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
        lines += ["## Suite (normalised scores across problems, ranked within each family)", "", SUITE_LEGEND, ""]
        lines += _md_table(SUITE_HEADER, suite_rows(suite)) + [""]
    if boards:
        lines += [LEGEND, ""]
    wp = with_presets(boards)
    for key, table in boards.items():
        lines += [f"## {title(key, table, wp)}", ""]
        notes = [n for n in (board_note(table), board_metrics_note(table)) if n]
        lines += _md_table(board_header(table), display_rows(table)) + ["", *notes, ""]
    return "\n".join(lines)


def boards_frame(boards: dict) -> pd.DataFrame:
    """Every board in one frame, keyed by `problem`, `family`, `preset` columns."""
    frames = [t.assign(problem=k.problem, family=k.family, preset=k.preset) for k, t in boards.items()]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def to_parquet(df: pd.DataFrame, path: Path, csv: Path | None = None) -> None:
    """Parquet wants one type per column: object columns with mixed values become strings.

    Built column by column into Arrow, never copying the frame (a million-row runs table is most of a
    report's memory). `csv`: the same table as CSV too, written by Arrow (in seconds, where pandas'
    writer takes most of a minute at a million rows).
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    columns = []
    for c in df.columns:
        col = df[c]
        # only columns of mixed values pay for the per-value map (infer_dtype scans in C)
        if col.dtype == object and pd.api.types.infer_dtype(col, skipna=True) not in ("string", "empty"):
            col = col.map(lambda v: None if v is None or (isinstance(v, float) and math.isnan(v)) else str(v))
        columns.append(pa.array(col, from_pandas=True))
    table = pa.table(columns, names=[str(c) for c in df.columns])
    pq.write_table(table, path)
    if csv is not None:
        pacsv.write_csv(table, csv)


class Fit(NamedTuple):
    """How one table goes on a terminal of some width: which columns, at which widths, or as Markdown."""

    shown: list[int]  # indices of the columns shown, in order
    widths: list[int] | None  # each shown column's width when cells wrap; None: every cell on one line
    dropped: list[str]  # names of the columns left out, in the order they gave way
    markdown: bool = False  # too narrow for any table whose cells are whole: print the Markdown lines


def table_width(widths: list[int]) -> int:
    """Width of a rich table with the default box and padding: 1 + (1 + w + 1 + 1) per column."""
    return sum(widths) + 3 * len(widths) + 1


def fit(header: list[str], rows: list[list[str]], width: int, drop: dict[str, int]) -> Fit:
    """The columns of `header`/`rows` that fit `width` with no cell cut.

    Columns named in `drop` give way in its order: first the low-priority ones (below WRAP_FIRST)
    until every cell fits on one line; then cells are wrapped between words (a number is one word,
    so it stays whole) before a higher-priority column goes; and when even the fewest columns
    cannot fit whole words, the table is to be printed as Markdown, whose long lines the terminal
    wraps rather than cuts.
    """
    from rich.cells import cell_len

    cols = list(zip(header, *rows))
    full = [max(cell_len(c) for c in col) for col in cols]
    word = [max((cell_len(w) for c in col for w in c.split()), default=1) for col in cols]
    order = sorted((i for i, h in enumerate(header) if drop.get(h)), key=lambda i: drop[header[i]])
    for k in range(len(order) + 1):
        gone = order[:k]
        shown = [i for i in range(len(header)) if i not in gone]
        dropped = [header[i] for i in gone]
        if table_width([full[i] for i in shown]) <= width:
            return Fit(shown, None, dropped)
        last = k == len(order)
        if (last or drop[header[order[k]]] >= WRAP_FIRST) and table_width([word[i] for i in shown]) <= width:
            return Fit(shown, _widen([word[i] for i in shown], [full[i] for i in shown], width), dropped)
    return Fit(list(range(len(header))), None, [], markdown=True)


def _widen(widths: list[int], full: list[int], width: int) -> list[int]:
    """Share the spare width out, the columns closest to their one-line width first (fewest wrapped cells)."""
    widths = list(widths)
    spare = width - table_width(widths)
    for i in sorted(range(len(widths)), key=lambda i: full[i] - widths[i]):
        give = min(spare, full[i] - widths[i])
        widths[i] += give
        spare -= give
    return widths


def _print_table(console, title_text: str, header: list[str], rows: list[list[str]], drop: dict, notes: list[str], width: int) -> None:
    """One table at `width` columns, every cell whole (see `fit`); `notes` go under it."""
    from rich.table import Table
    from rich.text import Text

    f = fit(header, rows, width, drop)
    if f.dropped:
        notes = [*notes, f"not shown at {width} columns: {', '.join(f.dropped)} (the written report has every column)"]
    if f.markdown:
        console.print(title_text, markup=False, highlight=False)
        for line in _md_table(header, rows):
            console.print(line, soft_wrap=True, markup=False, highlight=False)
        for note in notes:
            console.print(note, markup=False, highlight=False)
        return
    # Text, not strings: rich would read `[smoke]` in a title or `res[small]` in a cell as markup and drop it.
    caption = Text("\n".join(notes)) if notes else None
    t = Table(title=Text(title_text), title_justify="left", caption=caption, caption_justify="left")
    for n, i in enumerate(f.shown):
        justify = "left" if header[i] in ("model", "measured on", "family", "metric") else "right"
        if f.widths is None:
            t.add_column(Text(header[i]), justify=justify, no_wrap=True)
        else:  # fixed widths: rich's own squeezing would cut words with "…"
            t.add_column(Text(header[i]), justify=justify, width=f.widths[n], overflow="fold")
    for row in rows:
        t.add_row(*[Text(row[i]) for i in f.shown])
    console.print(t)


def _sources_note(table: pd.DataFrame) -> str:
    """On a board that mixes the user's runs with shipped baselines, which entries are the baselines."""
    src = dict(zip(table["model"], table["source"].astype(str))) if "source" in table else {}
    shipped = [m for m, s in src.items() if "baseline" in s]
    if not shipped or len(shipped) == len(src):
        return ""
    return f"shipped baseline records (reports/baseline/): {', '.join(shipped)}"


def terminal_boards(boards: dict) -> list[tuple[str, list[str], list[list[str]], list[str]]]:
    """(title, header, rows, notes) of each board the terminal shows, in order."""
    wp = with_presets(boards)
    out = []
    for key, table in list(boards.items())[:MAX_TERMINAL_BOARDS]:
        notes = [f"… {len(table) - MAX_TERMINAL_ROWS} more rows in the written report"] if len(table) > MAX_TERMINAL_ROWS else []
        notes += [n for n in (_sources_note(table), board_note(table), board_metrics_note(table)) if n]
        rows = display_rows(table.head(MAX_TERMINAL_ROWS), terminal=True)
        out.append((title(key, table, wp), board_header(table, terminal=True), rows, notes, board_drop(table)))
    return out


def print_terminal(boards: dict, console=None, suite: pd.DataFrame | None = None, more: str = "") -> None:
    """Every board (up to MAX_TERMINAL_BOARDS), then the suite table and the legend, with no number cut.

    On a terminal, tables fit its width (see `fit`). Anywhere else (a pipe, a log file) the width
    is the widest table's own, since a log is read later in a viewer that scrolls sideways.
    `more` is a closing line, e.g. how many other boards the written report holds.
    """
    from rich.console import Console

    console = console or Console()
    if not boards:
        console.print("no run records yet: try `bench run digits_mlp --preset smoke`")
        return
    tables = terminal_boards(boards)
    if suite is not None and not suite.empty:
        keep = [i for i, h in enumerate(SUITE_HEADER) if h in TERMINAL_SUITE]
        rows = [[row[i] for i in keep] for row in suite_rows(suite.head(2 * MAX_TERMINAL_ROWS))]
        title_text = "suite · normalised score across problems, ranked within each family"
        tables.append((title_text, [SUITE_HEADER[i] for i in keep], rows, [], TERMINAL_SUITE))
    width = console.width
    if not console.is_terminal:
        from rich.cells import cell_len

        need = max(table_width([max(cell_len(c) for c in col) for col in zip(h, *r)]) for _, h, r, _, _ in tables)
        width = max(width, need)
        console = Console(file=console.file, width=width, color_system=None, highlight=False, force_terminal=False)
    for title_text, header, rows, notes, drop in tables:
        _print_table(console, title_text, header, rows, {h: r for h, r in drop.items() if r}, notes, width)
    if len(boards) > MAX_TERMINAL_BOARDS:
        console.print(f"… {len(boards) - MAX_TERMINAL_BOARDS} more leaderboards in the written report")
    console.print(TERMINAL_LEGEND, style="dim")
    if more:
        console.print(more, markup=False, highlight=False)
