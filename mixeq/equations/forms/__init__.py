"""One module per notation; each builds a :class:`~mixeq.equations.tree.Document`."""
