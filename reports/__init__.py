"""Pure functions from run records to tables, statistics, plots and rendered pages.

Depends on the engine only through the run-record schema (`suite.store`).
"""
