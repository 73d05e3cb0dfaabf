"""One module per CLI subcommand; each exposes ``NAME``, ``HELP``, ``add_arguments(parser)`` and ``run(args) -> int``."""
