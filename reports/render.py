"""Leaderboards as terminal tables, Markdown and CSV."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd


def fmt(x: float, digits: int = 4) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    return f"{x:.{digits}g}"


def interval(row: pd.Series) -> str:
    if math.isnan(row["ci_low"]):
        return fmt(row["mean"])
    return f"{fmt(row['mean'])} [{fmt(row['ci_low'])}, {fmt(row['ci_high'])}]"


def display_rows(table: pd.DataFrame) -> list[list[str]]:
    return [
        [
            str(r["rank"]),
            r["model"],
            str(r["seeds"]),
            interval(r),
            fmt(r["std"], 3),
            f"{r['wall_s']:.1f}" if r["wall_s"] == r["wall_s"] else "–",
            str(r["failed"]),
        ]
        for _, r in table.iterrows()
    ]


HEADER = ["rank", "model", "seeds", "mean [95% CI]", "std", "wall s", "failed"]


def title(problem: str, family: str, table: pd.DataFrame) -> str:
    metric = table["metric"].iloc[0] if len(table) else ""
    return f"{problem} · {family} · {metric}"


def to_markdown(boards: dict) -> str:
    lines = ["# benchsuite leaderboards", ""]
    for (problem, family), table in boards.items():
        lines += [f"## {title(problem, family, table)}", "", "| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
        lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in display_rows(table)]
        lines.append("")
    return "\n".join(lines)


def to_csv(boards: dict, path: Path) -> None:
    frames = [t.assign(problem=p, family=f) for (p, f), t in boards.items()]
    df = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    df.to_csv(path, index=False)


def print_terminal(boards: dict, console=None) -> None:
    from rich.console import Console
    from rich.table import Table

    console = console or Console()
    if not boards:
        console.print("no run records yet: try `bench run digits_mlp --preset smoke`")
    for (problem, family), table in boards.items():
        t = Table(title=title(problem, family, table), title_justify="left")
        for h in HEADER:
            t.add_column(h, justify="left" if h == "model" else "right")
        for row in display_rows(table):
            t.add_row(*row)
        console.print(t)
