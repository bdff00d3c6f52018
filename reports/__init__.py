"""Pure functions from run records to tables, statistics, plots and rendered pages.

Depends on the engine only through the run-record schema (`suite.store`).

    records        result.json files → one tidy row per run and family (+ shipped baselines)
    curves         curves.parquet, read only where needed (time-to-target, plotted entries)
    stats          per-seed t intervals, tests and seeds needed, normalised scores, stratified bootstrap, P(X > Y), profiles
    leaderboard    per problem × family × preset and suite-level tables, ties by test, Pareto marks
    render         terminal (rich), Markdown, CSV, Parquet
    plots          matplotlib figures (PNG + SVG)
    html           the self-contained HTML page
    build          everything above in the order `bench report` runs it
    compare        head-to-head tables for `bench compare`
    ship_baseline  copy records into reports/baseline/
"""
