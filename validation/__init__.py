"""The empirical side: torch trainer, experiments and sweeps, figures, the report and the CLI."""
