"""Where the runs of a sweep execute: `local` (a pool of processes on this machine) or `ray` (tasks on a
Ray cluster). Each module is imported only when chosen, so Ray stays an optional extra."""

from __future__ import annotations

EXECUTORS = ("local", "ray")
