"""No number is cut in the terminal: boards at 60, 80 and 200 columns, on a terminal and into a pipe.

The board's hard cells are the ones a newcomer saw cut (`0.0065…`, `[0.006… 0.0065…]`, `season…`,
`mlp (classi…`): small losses with four significant digits, long model names, a deterministic entry,
large parameter counts and a long CPU name.
"""

from __future__ import annotations

import io
import re

import pytest
from rich.cells import cell_len
from rich.console import Console

from benchmarks import synthetic
from cli.main import main as bench
from reports.leaderboard import leaderboards
from reports.records import load
from reports.render import fit, fmt, print_terminal

CPU = {"cpu": "AMD EPYC 7B13 64-Core Processor", "cpu_count": 2}
LOSS = {"random": 0.05, "reference": 0.0}
MSE = {
    "conv_ae": [0.006533, 0.006569, 0.006589, 0.006541, 0.00677],
    "ae": [0.0078, 0.007961, 0.008054, 0.008042, 0.007528],
    "mlp (classification)": [0.01234, 0.01251, 0.01228],  # a name with a space, as two families make it
}


def write_board(results):
    for model, values in MSE.items():
        for seed, v in enumerate(values):
            rec = synthetic.record(
                "digits", model, seed, v, family="autoencoding", metric="test/mse", higher_is_better=False, refs=LOSS, params=1_234_567
            )
            rec["env"] = CPU
            rec["resources"]["peak_rss_increase_mb"] = 1234.5
            synthetic.write(results, rec)
    rec = synthetic.record(
        "digits", "seasonal_naive", 0, 0.0123456, family="autoencoding", metric="test/mse", higher_is_better=False, refs=LOSS
    )
    rec["deterministic"] = True
    synthetic.write(results, rec)


@pytest.fixture()
def boards(results):
    write_board(results)
    return leaderboards(load(results))


def numbers(boards) -> list[str]:
    """Every mean and interval bound as the board formats it, and every model name."""
    out = []
    for table in boards.values():
        for r in table.to_dict("records"):
            out += [fmt(r["mean"]), r["model"]]
            if not r.get("exact") and r["ci_low"] == r["ci_low"]:
                out += [fmt(r["ci_low"]), fmt(r["ci_high"])]
    return out


def table_text(out: str) -> str:
    """The cells of the printed tables (rows of a rich table or of the Markdown fallback), one line each."""
    rows = [ln for ln in out.splitlines() if ln.startswith(("│", "|"))]
    return "\n".join(" ".join(cell.strip() for cell in re.split(r"[│|]", ln)) for ln in rows)


def render(boards, width: int, terminal: bool) -> str:
    console = Console(file=io.StringIO(), width=width, force_terminal=terminal, color_system=None)
    print_terminal(boards, console=console)
    return console.file.getvalue()


def whole(word: str, text: str) -> bool:
    """`word` appears whole: not as `0.0065…`, not as the start of a longer number, not split by a fold."""
    return re.search(r"(?<![\w.])" + re.escape(word) + r"(?![\w])", text) is not None


def cells_of(out: str, model: str) -> str:
    """A board row's cells, wrapped lines joined: the text of one model's row from its first line to the next row."""
    rows = [ln for ln in out.splitlines() if ln.startswith("│")]
    start = next(i for i, ln in enumerate(rows) if re.match(r"│\s+\d+\s+│ " + re.escape(model) + r"\s", ln))
    block = [rows[start]]
    for ln in rows[start + 1 :]:
        if re.match(r"│\s+\d+\s+│", ln):  # the next row begins with its rank
            break
        block.append(ln)
    return " ".join(block)


@pytest.mark.parametrize("width", [60, 80, 200])
@pytest.mark.parametrize("terminal", [True, False], ids=["tty", "pipe"])
def test_every_mean_and_bound_is_printed_whole(boards, width, terminal):
    out = render(boards, width, terminal)
    assert "…" not in out
    text = table_text(out)
    for word in numbers(boards):
        for part in word.split():  # a name with a space may wrap between its words
            assert whole(part, text), f"{part!r} is cut at {width} columns ({'tty' if terminal else 'pipe'}):\n{out}"
    if terminal:  # and the tables fit the terminal: nothing for it to cut either
        assert max(cell_len(ln) for ln in out.splitlines() if ln.startswith(("┏", "│", "└"))) <= width


def test_an_interval_stays_with_its_row_when_cells_wrap(boards):
    out = render(boards, 60, terminal=True)
    row = cells_of(out, "ae")
    table = boards[next(iter(boards))]
    r = table[table["model"] == "ae"].iloc[0]
    for word in (fmt(r["mean"]), f"[{fmt(r['ci_low'])},", f"{fmt(r['ci_high'])}]"):
        assert word in row, f"{word} not in the row of ae:\n{out}"


def test_a_narrow_terminal_drops_low_priority_columns_first_and_names_them(boards):
    wide = render(boards, 230, terminal=True)
    assert "not shown" not in wide
    for header in ("params", "Δ peak RSS MB", "measured on", "1,234,567", "AMD EPYC 7B13 64-Core Processor ×2"):
        assert header in wide
    narrow = render(boards, 80, terminal=True)
    note = re.search(r"not shown at 80 columns: ([^(]*)\(", " ".join(narrow.split()))
    assert note, narrow
    dropped = [d.strip() for d in note.group(1).split(",")]
    assert dropped[:2] == ["measured on", "Δ peak RSS MB"], dropped  # hardware and memory go first
    assert "1,234,567" not in narrow or "params" not in dropped
    header = next(ln for ln in narrow.splitlines() if "rank" in ln)
    for name in dropped:
        assert name not in header


def test_a_log_gets_the_full_table_whatever_its_width(boards):
    for width in (60, 80):
        out = render(boards, width, terminal=False)
        assert "not shown" not in out
        header = next(ln for ln in out.splitlines() if "rank" in ln)
        assert "measured on" in header and "params" in header
        assert all("│" not in ln or ln.count("│") == header.count("┃") for ln in out.splitlines())  # no wrapped cells


def test_too_narrow_for_whole_words_falls_back_to_markdown(boards):
    out = render(boards, 40, terminal=True)
    assert "| rank | model | seeds | mean [95% CI] |" in out
    text = table_text(out)
    for word in numbers(boards):
        assert whole(word.split()[0], text)


def test_fit_keeps_essential_columns_and_wraps_before_dropping_high_priority_ones():
    header = ["rank", "model", "mean [95% CI]", "train s", "params"]
    rows = [["1", "seasonal_naive", "0.007877 [0.007604, 0.00815]", "123.4", "1,234,567"]]
    drop = {"params": 1, "train s": 10}
    full = fit(header, rows, 200, drop)
    assert (full.shown, full.widths, full.dropped) == ([0, 1, 2, 3, 4], None, [])
    wrapped = fit(header, rows, 50, drop)
    assert wrapped.dropped == ["params"] and wrapped.widths is not None  # params went, then cells wrapped
    assert wrapped.shown == [0, 1, 2, 3]
    assert all(w >= len(max(c.split(), key=len)) for w, c in zip(wrapped.widths, [*rows[0]]))
    assert fit(header, rows, 20, drop).markdown


def test_bench_report_in_a_terminal_of_COLUMNS_width_cuts_nothing(results, monkeypatch, capsys):
    """The CLI as a newcomer meets it: `bench report` in a terminal of 60, 80, 240 columns and into a pipe."""
    write_board(results)
    boards = leaderboards(load(results))
    for env in (
        {"COLUMNS": "60", "TTY_COMPATIBLE": "1"},
        {"COLUMNS": "80", "TTY_COMPATIBLE": "1"},
        {"COLUMNS": "240", "TTY_COMPATIBLE": "1"},
        {},
    ):
        for k in ("COLUMNS", "TTY_COMPATIBLE"):
            monkeypatch.delenv(k, raising=False)
        for k, v in env.items():
            monkeypatch.setenv(k, v)
        assert bench(["report", "--results", str(results), "--no-baseline", "--format", "md", "--out", str(results / "rep")]) == 0
        out = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", capsys.readouterr().out)
        assert "…" not in out
        text = table_text(out)
        for word in numbers(boards):
            for part in word.split():
                assert whole(part, text), f"{part!r} cut with {env}:\n{out}"
        cols = env.get("COLUMNS")
        assert (f"not shown at {cols} columns" in out) == (cols in ("60", "80")), out  # a terminal of that width, or a pipe


def test_brackets_in_titles_and_names_are_text_not_markup(results):
    """rich reads `[smoke]` as a style tag and drops it: a board of two presets must keep it in its title."""
    for preset in ("smoke", "standard"):
        for seed in range(2):
            synthetic.write(results, synthetic.record("digits", "res[small]", seed, 0.9 + seed / 100, preset=preset))
    out = render(leaderboards(load(results), preset=None), 80, terminal=True)
    assert "digits [smoke] · classification" in out and "digits [standard] · classification" in out
    assert "res[small]" in out
