"""Read hand-written multilevel equations back: the lme4 formula, the
composite and matrix forms, and what is wrong with them.

``read_equations(text, group_map=None, data=None)`` → :class:`ReadResult`.
"""
from __future__ import annotations

from mixeq.reader.api import read_equations
from mixeq.reader.diagnostics import Diagnostic
from mixeq.reader.result import ReadResult

__all__ = ["Diagnostic", "ReadResult", "read_equations"]
