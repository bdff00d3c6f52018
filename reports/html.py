"""One self-contained HTML page: tables sortable by inline JS, images embedded as base64.

Nothing is fetched: a Content-Security-Policy forbids every network source, so the page reads the
same offline, from an e-mail attachment or a CI artifact. Every string from a record (model
names come from plug-ins) is HTML-escaped.
"""

from __future__ import annotations

import base64
import datetime as dt
from html import escape
from pathlib import Path

import pandas as pd

from reports.plots import Figure
from reports.render import (
    LEGEND,
    SUITE_HEADER,
    SUITE_LEGEND,
    board_header,
    board_metrics_note,
    board_note,
    display_rows,
    suite_rows,
    title,
    with_presets,
)

CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'"

STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:1.5em auto;max-width:1400px;color:#222;padding:0 1em}
h1{font-size:1.6em}h2{font-size:1.25em;margin-top:1.6em;border-bottom:1px solid #ddd}h3{font-size:1.05em}
table{border-collapse:collapse;font-size:13px;margin:.5em 0 1em}
th,td{border:1px solid #ddd;padding:3px 7px;text-align:right;white-space:nowrap}
td:nth-child(2),th:nth-child(2){text-align:left}
th{background:#f3f3f3;cursor:pointer;user-select:none}th.asc::after{content:" ▲"}th.desc::after{content:" ▼"}
tr.leader td{background:#eaf7ea}tr.tied td{background:#f6fbf0}
.legend,.meta,.note{color:#666;font-size:12px}
figure{display:inline-block;margin:.5em;vertical-align:top;max-width:100%}
figure img{max-width:100%;border:1px solid #eee}figcaption{font-size:12px;color:#555;max-width:640px}
nav a{margin-right:1em}
"""

# Sorting: numbers compare as numbers (the cell's data-v), text as text; "–" and "never" sort last.
# `#sort=<column header>` in the URL sorts every table by that column on load (the browser test uses it).
SCRIPT = r"""
function cellValue(td){const v=td.getAttribute('data-v');if(v!==null&&v!==''){return parseFloat(v);}return td.textContent.trim();}
function sortTable(table,col,dir){
  const body=table.tBodies[0];const rows=Array.from(body.rows);
  rows.sort(function(a,b){
    let x=cellValue(a.cells[col]),y=cellValue(b.cells[col]);
    const xn=typeof x==='number'&&!isNaN(x),yn=typeof y==='number'&&!isNaN(y);
    if(xn&&yn){return dir*(x-y);} if(xn){return -1;} if(yn){return 1;}
    return dir*String(x).localeCompare(String(y));
  });
  rows.forEach(function(r){body.appendChild(r);});
  Array.from(table.tHead.rows[0].cells).forEach(function(th,i){th.classList.remove('asc','desc');if(i===col){th.classList.add(dir>0?'asc':'desc');}});
  table.setAttribute('data-sorted',col+':'+dir);
}
document.querySelectorAll('table.sortable').forEach(function(table){
  Array.from(table.tHead.rows[0].cells).forEach(function(th,i){
    th.addEventListener('click',function(){sortTable(table,i,th.classList.contains('asc')?-1:1);});
  });
});
window.addEventListener('load',function(){
  const m=decodeURIComponent(location.hash||'').match(/^#sort=(.+)$/);
  if(m){document.querySelectorAll('table.sortable').forEach(function(t){
    Array.from(t.tHead.rows[0].cells).forEach(function(th,i){if(th.textContent.trim()===m[1]){sortTable(t,i,1);}});});}
  document.querySelectorAll('img').forEach(function(img){img.setAttribute('data-natural',img.naturalWidth+'x'+img.naturalHeight);});
  document.body.setAttribute('data-ready','1');
});
"""

NUMERIC_KEYS = {
    "rank": "rank",
    "rank [95%]": "rank_low",
    "seeds": "seeds",
    "mean [95% CI]": "mean",
    "std": "std",
    "adj. p vs leader": "p_value",
    "unadjusted p": "p_unadjusted",
    "IQM": "iqm",
    "normalised": "norm",
    "time to target s": "ttt_s",
    "train s": "time_s",
    "steps/s": "throughput",
    "params": "params",
    "Δ peak RSS MB": "peak_rss_increase_mb",
    "CUDA peak MB": "cuda_peak_mb",
    "failed": "failed",
}
SUITE_NUMERIC = {
    "rank": "rank",
    "runs": "runs",
    "IQM [95% CI]": "iqm",
    "mean": "mean",
    "median": "median",
    "optimality gap": "optimality_gap",
    "time-to-target score": "ttt_score",
    "train s": "time_s",
}
MAX_FAILED = 50  # failed runs listed with their error; the rest are counted
FAILED_COLUMNS = ["task", "seed", "preset", "status", "error"]


def _v(x) -> str:
    try:
        f = float(x)
    except (TypeError, ValueError):
        return ""
    if f != f:
        return ""
    return "1e308" if f == float("inf") else repr(f)


def table_html(header: list[str], rows: list[list[str]], records: list[dict], numeric: dict[str, str], cls: str = "") -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = []
    for cells, rec in zip(rows, records):
        tds = []
        for h, c in zip(header, cells):
            key = numeric.get(h)
            attr = f' data-v="{_v(rec.get(key))}"' if key else ""
            tds.append(f"<td{attr}>{escape(c)}</td>")
        tie = rec.get("tied", "")
        row_cls = f' class="{escape(tie)}"' if tie in ("leader", "tied") else ""
        body.append(f"<tr{row_cls}>{''.join(tds)}</tr>")
    return f'<table class="sortable {cls}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def data_uri(path: Path) -> str:
    mime = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif", ".svg": "image/svg+xml"}
    return f"data:{mime.get(path.suffix.lower(), 'application/octet-stream')};base64,{base64.b64encode(path.read_bytes()).decode()}"


def figure_html(fig: Figure) -> str:
    cap = escape(fig.title + (f": {fig.caption}" if fig.caption else ""))
    return f'<figure><img alt="{escape(fig.title)}" src="{data_uri(fig.png)}"><figcaption>{cap}</figcaption></figure>'


def failed_html(runs: pd.DataFrame) -> str:
    """The runs that did not finish ok, with the first line of their error (plug-in text: escaped)."""
    bad = runs[runs["status"] != "ok"] if len(runs) and "status" in runs else runs.iloc[:0]
    if bad.empty:
        return "<p>None.</p>"
    rows = []
    for r in bad.head(MAX_FAILED).to_dict("records"):
        err = str(r.get("error") or "").strip().splitlines()
        cells = [str(r.get(c) if r.get(c) is not None else "") for c in FAILED_COLUMNS[:-1]] + [err[0][:300] if err else ""]
        rows.append("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in cells) + "</tr>")
    head = "".join(f"<th>{escape(h)}</th>" for h in FAILED_COLUMNS)
    more = f"<p class='meta'>… and {len(bad) - MAX_FAILED} more (runs.csv has them all)</p>" if len(bad) > MAX_FAILED else ""
    return f"<table class='failed'><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>{more}"


def page(boards: dict, suite: pd.DataFrame, figures: list[Figure], runs: pd.DataFrame) -> str:
    """The whole report as one HTML string; every string that comes from a record is escaped."""
    n_runs = len(runs)
    n_ok = int((runs["status"] == "ok").sum()) if n_runs else 0
    hw = sorted(set(runs["hardware"].dropna())) if n_runs and "hardware" in runs else []
    src = runs["source"].value_counts().to_dict() if n_runs and "source" in runs else {}
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        "<meta name='viewport' content='width=device-width,initial-scale=1'>",
        f"<title>benchsuite report</title><style>{STYLE}</style></head><body>",
        "<h1>benchsuite report</h1>",
        f"<p class='meta'>{n_runs} run rows ({n_ok} ok) · {len(boards)} leaderboards · generated "
        f"{escape(dt.datetime.now(dt.timezone.utc).strftime('%Y-%m-%d %H:%M UTC'))} · records from "
        f"{escape(', '.join(f'{k}: {v}' for k, v in src.items()))} · hardware: {escape('; '.join(hw) or '?')}</p>",
        "<nav><a href='#suite'>suite</a><a href='#boards'>leaderboards</a><a href='#plots'>plots</a>"
        "<a href='#curves'>learning curves</a><a href='#artifacts'>artifacts</a><a href='#failed'>failed runs</a></nav>",
        "<h2 id='suite'>Suite: normalised scores across problems, ranked within each family</h2>",
        f"<p class='legend'>{escape(SUITE_LEGEND)}</p>",
    ]
    if suite is not None and not suite.empty:
        parts.append(table_html(SUITE_HEADER, suite_rows(suite), suite.to_dict("records"), SUITE_NUMERIC, "suite"))
    else:
        parts.append("<p>No problem with reference points has runs yet.</p>")
    parts += ["<h2 id='boards'>Leaderboards</h2>", f"<p class='legend'>{escape(LEGEND)}. Click a column to sort.</p>"]
    wp = with_presets(boards)
    for key, table in boards.items():
        parts.append(f"<h3>{escape(title(key, table, wp))}</h3>")
        numeric = {**NUMERIC_KEYS, **{s["label"]: s["label"] for s in table.attrs.get("board_metrics") or []}}
        parts.append(table_html(board_header(table), display_rows(table), table.to_dict("records"), numeric, "board"))
        parts += [f"<p class='note'>{escape(n)}</p>" for n in (board_note(table), board_metrics_note(table)) if n]
    sections = [("plots", "Statistics"), ("curves", "Learning curves"), ("artifacts", "Artifacts from the runs")]
    if any(f.section == "compression" for f in figures):  # reports/compression.py: only where such records exist
        sections.insert(1, ("compression", "Compression: metric against size and latency"))
    for section, heading in sections:
        parts.append(f"<h2 id='{section}'>{heading}</h2>")
        figs = [f for f in figures if f.section == section]
        parts += [figure_html(f) for f in figs] or ["<p>Nothing to show.</p>"]
    parts += ["<h2 id='failed'>Runs that did not finish</h2>", failed_html(runs)]
    parts += [f"<script>{SCRIPT}</script>", "</body></html>"]
    return "\n".join(parts)
