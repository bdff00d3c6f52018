"""The `bench` command: argument parsing and printing over `suite` (the engine) and `reports`."""
