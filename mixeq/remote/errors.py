"""Errors of fitting from a data source that is not loaded."""
from __future__ import annotations

from mixeq.errors import DataError, MixeqError


class UnsupportedTermError(MixeqError, ValueError):
    """A formula term that cannot be compiled to an engine expression."""


class SourceError(DataError):
    """A data source that cannot be opened or queried (path, engine, empty table)."""
