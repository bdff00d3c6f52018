"""Named suites of tasks (filled in by the sweep work)."""
