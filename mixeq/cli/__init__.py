"""The ``mixeq`` command line: one module per sub-command."""
